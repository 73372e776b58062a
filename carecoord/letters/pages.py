"""Pages of every CareCoord PDF: Letter or A4 with margins, and the numbered footer that
names the patient and carries the confidentiality notice ("Page X of Y" needs two passes).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
)

from carecoord.dates import format_date
from carecoord.letters.data import (
    Letterhead,
    PatientIdentification,
)
from carecoord.letters.layout import (
    BOTTOM_MARGIN,
    FONT,
    FONT_BOLD,
    FOOTER,
    INK,
    MARGIN,
    PAGE_SIZES,
    RULE,
    register_fonts,
    text,
)


# --------------------------------------------------------------------------- pages
@dataclass(frozen=True)
class _Footer:
    patient_line: str
    notice: str


FooterPainter = Callable[[Canvas, int, int], None]
"""Draws one page's footer: (canvas, page number, page count)."""


class PagedCanvas(Canvas):
    """Two passes: pages are kept until the end, so each footer can say "Page X of Y"
    (letters, plans and printed lists alike)."""

    def __init__(self, *args: Any, paint_footer: FooterPainter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paint_footer = paint_footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab names it so
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self._paint_footer(self, self._pageNumber, total)
            self.restoreState()
            super().showPage()
        super().save()


def paged_canvas(paint_footer: FooterPainter) -> Callable[..., Canvas]:
    """A ReportLab ``canvasmaker`` whose pages get ``paint_footer``."""

    def make(*args: Any, **kwargs: Any) -> Canvas:
        return PagedCanvas(*args, paint_footer=paint_footer, **kwargs)

    return make


def footer_rule(canvas: Canvas, top: float, margin: float, left: str, right: str) -> None:
    """A thin rule across the page at ``top`` with ``left`` under it and the page number
    (``right``, bold) at the right margin."""
    page_width, _ = canvas._pagesize
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(margin, top, page_width - margin, top)
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 7.5)
    canvas.drawString(margin, top - 10, left)
    canvas.setFont(FONT_BOLD, 8)
    canvas.drawRightString(page_width - margin, top - 10, right)


def _canvas_maker(footer: _Footer) -> Callable[..., Canvas]:
    def paint(canvas: Canvas, number: int, total: int) -> None:
        page_width, _ = canvas._pagesize
        width = page_width - 2 * MARGIN
        top = BOTTOM_MARGIN - 0.45 * cm
        footer_rule(canvas, top, MARGIN, footer.patient_line, f"Page {number} of {total}")
        notice = Paragraph(footer.notice, FOOTER)
        _, height = notice.wrap(width, BOTTOM_MARGIN)
        notice.drawOn(canvas, MARGIN, top - 14 - height)

    return paged_canvas(paint)


def page_footer(
    patient: PatientIdentification,
    letterhead: Letterhead,
    notice: str,
    suffix: str = "",
    date_style: str = "day_month",
) -> _Footer:
    """The line every page carries: who the patient is, and the confidentiality notice
    naming the clinic to tell if the pages went astray (letters and plans alike)."""
    born = format_date(patient.date_of_birth, date_style)
    line = f"{patient.name} · born {born} · MRN {patient.mrn}{suffix}"
    wording = notice.format(
        clinic=letterhead.name or "the sender",
        phone=f" on {letterhead.phone}" if letterhead.phone else "",
    )
    return _Footer(line, "<b>" + text(wording) + "</b>")


class Printable(Protocol):
    """What every letter's data carries: the paper it goes on and the letterhead it is
    printed under (whose name is the PDF's author)."""

    @property
    def paper_size(self) -> str: ...

    @property
    def letterhead(self) -> Letterhead: ...


PrintableT = TypeVar("PrintableT", bound=Printable)


def render_document(
    data: PrintableT,
    story: Callable[[PrintableT, float], list[Flowable]],
    footer: _Footer,
    *,
    title: str,
    subject: str,
    top_margin: float = 1.6 * cm,
) -> bytes:
    """:func:`build_pdf` for a letter's data: its story, on its paper, by its clinic.

    Raises:
        ValueError: An unknown paper size.
    """
    return build_pdf(
        lambda width: story(data, width),
        data.paper_size,
        footer,
        title=title,
        subject=subject,
        author=data.letterhead.name,
        top_margin=top_margin,
    )


def build_pdf(
    flowables: Callable[[float], list[Flowable]],
    paper_size: str,
    footer: _Footer,
    *,
    title: str,
    subject: str,
    author: str,
    top_margin: float = 1.6 * cm,
) -> bytes:
    """Lay out a letter's flowables (made for the text width) on Letter or A4 pages with
    the numbered footer; every letter CareCoord writes goes through here.

    Raises:
        ValueError: An unknown paper size.
    """
    register_fonts()
    try:
        page = PAGE_SIZES[paper_size.lower()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper_size!r}: use letter or a4") from None
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top_margin,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        subject=subject,
        author=author,
        creator="CareCoord",
    )
    document.build(flowables(page[0] - 2 * MARGIN), canvasmaker=_canvas_maker(footer))
    return buffer.getvalue()
