"""A printed on-screen list (patients, a referral worklist view) as a landscape PDF.

Pure: plain data in, PDF bytes out, so the same list always prints the same pages and tests
read them back with pypdf. The columns are fitted to the page: short columns (dates, MRNs,
counts) are as wide as their widest cell and never wrap; long text wraps between words only
(never "Patien t"); when even that does not fit, the type gets smaller. The clinic header,
the view's name, its filters and the date printed open the first page, the column headers
repeat on every page and each page says "Page X of Y".
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from carecoord.letters.layout import (
    ACCENT,
    CLINIC,
    CLINIC_DETAIL,
    DATA_TABLE,
    FONT,
    FONT_BOLD,
    PAGE_SIZES,
    _style,
    register_fonts,
    text,
)
from carecoord.letters.pages import footer_rule, paged_canvas

MARGIN = 1.3 * cm
BOTTOM = 1.5 * cm
PADDING = 3.0  # points either side of a cell's text
LARGEST, SMALLEST, STEP = 8.5, 6.0, 0.5  # body type sizes tried, largest first
SHORT_SHARE = 0.16  # a column whose widest cell needs less than this share of the page never wraps
TITLE = _style("list-title", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=ACCENT)
DETAIL = _style("list-detail", fontSize=8.5, leading=11)


@dataclass(frozen=True)
class ListContent:
    """What a screen shows: its view's name, the filters in force, the columns and rows.

    ``keep_whole`` names columns (by index) that must never wrap whatever their width
    (dates); other columns are kept whole when they are short anyway.
    """

    view: str
    filters: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    keep_whole: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PrintedList:
    """A list with the clinic it is printed for and the (already translated) wording."""

    content: ListContent
    clinic_name: str
    clinic_address: str
    printed: str  # "Printed 2026-12-05 11:30", in the reader's language
    filters_label: str = "Filters"
    no_filters: str = "none"
    empty: str = "No rows."
    page_format: str = "Page {page} of {total}"
    paper_size: str = "letter"
    footer: str = field(default="", compare=False)


@dataclass(frozen=True)
class Fit:
    """Column widths (points) and the body type size they were fitted for."""

    widths: tuple[float, ...]
    font_size: float


def _longest_word(value: str, font: str, size: float) -> float:
    return max((stringWidth(word, font, size) for word in value.split()), default=0.0)


def fit_columns(
    columns: Sequence[str], rows: Sequence[Sequence[str]], keep_whole: frozenset[int], width: float
) -> Fit:
    """Widths that fill ``width``: short columns as wide as their widest cell, long ones no
    narrower than their longest word, sharing the rest by how much text they hold."""
    size = LARGEST
    while True:
        needs: list[float] = []
        floors: list[float] = []
        for index, title in enumerate(columns):
            cells = [row[index] for row in rows if index < len(row)]
            natural = max([stringWidth(c, FONT, size) for c in cells] or [0.0])
            header_word = _longest_word(title, FONT_BOLD, size)
            whole = index in keep_whole or natural <= SHORT_SHARE * width
            if whole:  # its header on one line too ("Date of birth" over a date)
                floor = max(natural, stringWidth(title, FONT_BOLD, size))
            else:
                floor = max(_longest_word(c, FONT, size) for c in cells or [""])
            floors.append(max(floor, header_word) + 2 * PADDING + 1)
            needs.append(max(natural, header_word) + 2 * PADDING + 1)
        if sum(floors) <= width or size <= SMALLEST:
            break
        size -= STEP
    widths = list(floors)
    spare = width - sum(widths)
    if spare > 0:
        wants = [max(n - f, 0.0) for n, f in zip(needs, floors, strict=True)]
        wanted = sum(wants)
        if wanted > spare:  # not every long column gets all it wants
            widths = [f + g for f, g in zip(floors, _share(spare, wants), strict=True)]
        else:  # everything fits on one line; widen all columns alike to fill the page
            widths = [n + (spare - wanted) * n / sum(needs) for n in needs]
    return Fit(tuple(widths), size)


def _share(spare: float, wants: Sequence[float]) -> list[float]:
    """Split ``spare`` fairly: a column wanting less than an equal share gets all it wants
    (a short "Physical rehabilitation" stays on one line); the rest share what is left."""
    given = [0.0] * len(wants)
    open_ = {i for i, w in enumerate(wants) if w > 0}
    while open_ and spare > 1e-6:
        equal = spare / len(open_)
        satisfied = {i for i in open_ if wants[i] - given[i] <= equal}
        if not satisfied:
            for i in open_:
                given[i] += equal
            break
        for i in satisfied:
            spare -= wants[i] - given[i]
            given[i] = wants[i]
        open_ -= satisfied
    return given


def _table(content: ListContent, fit: Fit, empty: str) -> Flowable:
    if not content.rows:
        return Paragraph(text(empty), DETAIL)
    size = fit.font_size
    leading = size * 1.25
    # splitLongWords=0: a line breaks between words only, never inside one.
    body = _style("list-cell", fontSize=size, leading=leading, splitLongWords=0)
    head = _style("list-head", fontName=FONT_BOLD, fontSize=size, leading=leading, splitLongWords=0)
    data: list[list[Any]] = [[Paragraph(text(c), head) for c in content.columns]]
    data += [[Paragraph(text(cell), body) for cell in row] for row in content.rows]
    table = Table(data, colWidths=list(fit.widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(DATA_TABLE)  # its cell padding is PADDING
    return table


def story(printed: PrintedList, width: float) -> list[Flowable]:
    """The header block and the fitted table."""
    content = printed.content
    parts: list[Flowable] = [Paragraph(text(printed.clinic_name) or "&nbsp;", CLINIC)]
    if printed.clinic_address:
        parts.append(Paragraph(text(printed.clinic_address), CLINIC_DETAIL))
    filters = "; ".join(content.filters) or printed.no_filters
    parts += [
        Spacer(1, 6),
        Paragraph(text(content.view), TITLE),
        Paragraph(text(f"{printed.filters_label}: {filters}"), DETAIL),
        Paragraph(text(printed.printed), DETAIL),
        Spacer(1, 6),
    ]
    fit = fit_columns(content.columns, content.rows, content.keep_whole, width)
    parts.append(_table(content, fit, printed.empty))
    return parts


def _footer(printed: PrintedList) -> Callable[[Canvas, int, int], None]:
    left = printed.footer or " · ".join(
        p for p in (printed.clinic_name, printed.content.view, printed.printed) if p
    )

    def paint(canvas: Canvas, number: int, total: int) -> None:
        label = printed.page_format.format(page=number, total=total)
        footer_rule(canvas, BOTTOM - 0.5 * cm, MARGIN, left, label)

    return paint


def render_list(printed: PrintedList) -> bytes:
    """The list as PDF bytes, landscape on the clinic's paper size."""
    register_fonts()
    page = landscape(PAGE_SIZES.get(printed.paper_size, PAGE_SIZES["letter"]))
    margins = {"leftMargin": MARGIN, "rightMargin": MARGIN, "topMargin": MARGIN}
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=page, bottomMargin=BOTTOM, title=printed.content.view, **margins
    )
    document.build(story(printed, page[0] - 2 * MARGIN), canvasmaker=paged_canvas(_footer(printed)))
    return buffer.getvalue()
