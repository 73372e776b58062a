"""The look every CareCoord PDF shares: fonts, colours, paragraph styles, escaped user
text, headings, tables and the clinic letterhead (letters, plans, replies and lists).

Pure ReportLab, no data model: the documents build their flowables from these pieces.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from carecoord.letters.data import (
    Letterhead,
)
from carecoord.paths import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
PAGE_SIZES = {"letter": LETTER, "a4": A4}
MARGIN = 2 * cm
BOTTOM_MARGIN = 3 * cm  # room for the footer: patient line, page number, confidentiality
BOX_PADDING = 7

INK = colors.HexColor("#1A1A1A")
ACCENT = colors.HexColor("#1F4E79")
RULE = colors.HexColor("#9AA8B5")
HEADER_FILL = colors.HexColor("#E6EDF4")
URGENT_INK = colors.HexColor("#A4161A")
URGENT_FILL = colors.HexColor("#FDECEC")
FOCUS_FILL = colors.HexColor("#F3F6F9")

_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the bundled DejaVu Sans family once per process (parsing a TTF is slow)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for name, file in (
            (FONT, "DejaVuSans.ttf"),
            (FONT_BOLD, "DejaVuSans-Bold.ttf"),
            (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file))))
        # No bold-oblique face is bundled; bold stands in for it.
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )
        _fonts_ready = True


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    values: dict[str, Any] = {
        "fontName": FONT,
        "fontSize": 9.5,
        "leading": 12.5,
        "textColor": INK,
    }
    values.update(overrides)
    return ParagraphStyle(name, **values)


def _small(name: str, **overrides: Any) -> ParagraphStyle:
    """A style in the letters' one small print size (8.5 on 10.5 pt): labels, details,
    contacts and notes, so they all change together."""
    return _style(name, fontSize=8.5, leading=10.5, **overrides)


BODY = _style("body", spaceAfter=3)
SMALL = _small("small")
SMALL_BOLD = _small("small-bold", fontName=FONT_BOLD)
LABEL = _small("label", fontName=FONT_BOLD, textColor=ACCENT)
HEADING = _style(
    "heading",
    fontName=FONT_BOLD,
    fontSize=10.5,
    leading=13,
    textColor=ACCENT,
    spaceBefore=9,
    spaceAfter=3,
)
CLINIC = _style("clinic", fontName=FONT_BOLD, fontSize=15, leading=18, textColor=ACCENT)
CLINIC_DETAIL = _small("clinic-detail")
CONTACT = _small("contact", alignment=TA_RIGHT)
DATE = _style("date", alignment=TA_RIGHT, spaceBefore=8, spaceAfter=8)
URGENT_WORD = _style(
    "urgent-word", fontName=FONT_BOLD, fontSize=16, leading=19, textColor=URGENT_INK
)
URGENT_TEXT = _style("urgent-text", fontName=FONT_BOLD, fontSize=9.5, leading=12.5)
FLAG = _style("flag", fontName=FONT_BOLD, fontSize=9, leading=12, textColor=URGENT_INK)
OMITTED = _small(
    "omitted", fontName=FONT_ITALIC, spaceBefore=2, textColor=colors.HexColor("#444444")
)
SUBHEADING = _style("subheading", spaceBefore=5, spaceAfter=2)
REFERENCE = _small("reference", spaceBefore=4)
FOOTER = _style("footer", fontSize=6.8, leading=8.2, textColor=colors.HexColor("#444444"))


def text(value: str | None) -> str:
    """User text as Paragraph markup: XML escaped, line breaks kept, never parsed as tags."""
    if not value:
        return ""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


DateFormatter = Callable[[date | None], str]


def number(value: float | None) -> str:
    """A dose or score without a pointless ".0"."""
    if value is None:
        return ""
    return f"{value:g}"


def flag_markup(value: str) -> str:
    """A warning word or phrase in the urgent red, bold (risk flags, overuse)."""
    return f'<font color="#{URGENT_INK.hexval()[2:]}"><b>{text(value)}</b></font>'


def _join(parts: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(p for p in parts if p)


def _p(markup: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(markup, style)


def _heading(title: str) -> list[Flowable]:
    """A section heading that never ends a page alone.

    A page break is taken only when less than 2 cm (heading and two rows) is left;
    ``keepWithNext`` would drag a long section whole onto the next page and leave a blank
    half page behind it.
    """
    return [CondPageBreak(2 * cm), _p(title, HEADING)]


# --------------------------------------------------------------------------- tables
DATA_TABLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)
"""Header row tinted and ruled, rows ruled: every data table of letters, plans and lists."""


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], width: float
) -> Table:
    """A data table whose header row repeats on every page it spills onto."""
    data = [[_p(escape(h), SMALL_BOLD) for h in header]]
    data += [[_p(cell, SMALL) for cell in row] for row in rows]
    table = Table(data, colWidths=[w * width for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(DATA_TABLE)
    return table


def _pairs(pairs: Sequence[tuple[str, str]], width: float, columns: int = 2) -> Table:
    """Label/value pairs laid out ``columns`` pairs to a row (identification, authorisation)."""
    cells: list[list[Flowable]] = []
    row: list[Flowable] = []
    for label, value in pairs:
        row += [_p(escape(label), LABEL), _p(value or "–", SMALL)]
        if len(row) == 2 * columns:
            cells.append(row)
            row = []
    if row:
        row += [_p("", SMALL)] * (2 * columns - len(row))
        cells.append(row)
    label_width = 0.15 if columns == 2 else 0.32
    value_width = 1 / columns - label_width
    table = Table(
        cells, colWidths=[w * width for w in [label_width, value_width] * columns], hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            ]
        )
    )
    return table


def _boxed(flowables: list[Flowable], width: float) -> Table:
    """Content in a tinted box; one row per flowable, so the box splits between them."""
    table = Table([[f] for f in flowables], colWidths=[width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), FOCUS_FILL),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    return table


# --------------------------------------------------------------------------- letterhead
def letterhead_flowables(head: Letterhead, width: float) -> list[Flowable]:
    """The clinic's name, address, contacts and logo above a rule (every letter's top)."""
    left = [_p(text(head.name) or "&nbsp;", CLINIC)]
    if head.address:
        left.append(_p(text(head.address), CLINIC_DETAIL))
    contacts = [
        line
        for line in (
            f"Phone {head.phone}" if head.phone else "",
            f"Fax {head.fax}" if head.fax else "",
            head.email,
        )
        if line
    ]
    right = [_p(text(line), CONTACT) for line in contacts]
    # The contact column is as wide as its longest line (an e-mail address must not wrap).
    contact_width = max(
        [pdfmetrics.stringWidth(line, FONT, CONTACT.fontSize) for line in contacts] or [0]
    )
    contact_width = min(contact_width + 6, 0.45 * width)
    logo = _logo(head.logo_png)
    cells: list[list[Any]]
    if logo is not None:
        logo_width = logo.drawWidth + 10
        cells = [[logo, left, right]]
        widths = [logo_width, width - logo_width - contact_width, contact_width]
    else:
        cells = [[left, right]]
        widths = [width - contact_width, contact_width]
    table = Table(cells, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 4), HRFlowable(width="100%", thickness=1.2, color=ACCENT)]


def _logo(png: bytes | None) -> Image | None:
    """The clinic logo scaled into a 2 cm x 4.5 cm box; an unreadable logo is left out."""
    if not png:
        return None
    try:
        pixels_w, pixels_h = ImageReader(io.BytesIO(png)).getSize()
    except Exception:  # a bad logo must not stop a letter; settings validate it on save
        return None
    if not pixels_w or not pixels_h:
        return None
    scale = min(2 * cm / pixels_h, 4.5 * cm / pixels_w)
    return Image(io.BytesIO(png), width=pixels_w * scale, height=pixels_h * scale)
