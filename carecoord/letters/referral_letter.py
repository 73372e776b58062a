"""Renders a referral letter (docs/clinical-reference.md §3) from plain data to PDF bytes.

Pure: no database, no settings lookup, so the same data always prints the same letter and
tests read it back with pypdf. Every piece of user text goes through :func:`text` (XML
escaped, line breaks kept) into a Paragraph, so nothing is clipped and nothing is parsed
as markup; tables split across pages with their header row repeated.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from carecoord.clinical import allergy_status
from carecoord.letters.data import (
    AuthorizationDetails,
    HeadacheEmphasis,
    LetterData,
    Letterhead,
    MedicationLine,
    PatientIdentification,
    PlanOfTreatment,
    PsychiatryEmphasis,
    Referrer,
    RehabilitationEmphasis,
    ScoreLine,
)
from carecoord.letters.dates import DATE_FORMATS, format_date, long_date
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

# Section headings in the order docs/clinical-reference.md §3 prints them; tests check this order.
PATIENT = "Patient"
URGENCY = "Urgency"
REASON = "Reason for referral and question"
REHABILITATION = "Rehabilitation focus: function"
PSYCHIATRY = "Psychiatry focus: mood, risk and psychotropics"
HEADACHE = "Headache profile"
DIAGNOSES = "Problems: relevant history and active diagnoses"
MEDICATIONS = "Current medications"
ALLERGIES = "Allergies and intolerances"
SCORES = "Relevant results: outcome scores"
PAIN_DRAWING = "Pain drawing"
RESULTS = "Relevant results: opioid-therapy monitoring"
PLAN = "Plan of treatment"
TREATMENTS = "Treatments tried and their effect"
PATIENT_TOLD = "What the patient has been told"
AUTHORIZATION = "Authorization"
PART2 = "Substance-use records: 42 CFR Part 2"
ENCLOSURES = "Enclosures"
SECTION_ORDER = (
    PATIENT,
    URGENCY,
    REASON,
    REHABILITATION,
    PSYCHIATRY,
    HEADACHE,
    DIAGNOSES,
    MEDICATIONS,
    ALLERGIES,
    SCORES,
    PAIN_DRAWING,
    RESULTS,
    PLAN,
    TREATMENTS,
    PATIENT_TOLD,
    AUTHORIZATION,
    PART2,
    ENCLOSURES,
)
CONFIDENTIAL = (
    "CONFIDENTIAL: this letter holds protected health information for the named recipient "
    "only. If it reached you in error, please tell {clinic}{phone} and destroy it; do "
    "not copy or forward it."
)
NONE_RECORDED = "None recorded."
NOT_INCLUDED = "Not included in this letter:"
# 42 CFR 2.32(a)(2), the short statement the rule allows with each disclosure made with
# the patient's written consent (docs/clinical-reference.md §3).
PART2_STATEMENT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
PART2_EXPLANATION = (
    "This letter discloses substance-use-disorder information received from a program "
    "covered by 42 CFR Part 2, with the patient's written consent on file at the clinic. "
    "A general authorization to release medical information does not permit you to pass "
    "it on."
)

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


BODY = _style("body", spaceAfter=3)
SMALL = _style("small", fontSize=8.5, leading=10.5)
SMALL_BOLD = _style("small-bold", fontName=FONT_BOLD, fontSize=8.5, leading=10.5)
LABEL = _style("label", fontName=FONT_BOLD, fontSize=8.5, leading=10.5, textColor=ACCENT)
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
CLINIC_DETAIL = _style("clinic-detail", fontSize=8.5, leading=10.5)
CONTACT = _style("contact", fontSize=8.5, leading=10.5, alignment=TA_RIGHT)
DATE = _style("date", alignment=TA_RIGHT, spaceBefore=8, spaceAfter=8)
URGENT_WORD = _style(
    "urgent-word", fontName=FONT_BOLD, fontSize=16, leading=19, textColor=URGENT_INK
)
URGENT_TEXT = _style("urgent-text", fontName=FONT_BOLD, fontSize=9.5, leading=12.5)
FLAG = _style("flag", fontName=FONT_BOLD, fontSize=9, leading=12, textColor=URGENT_INK)
OMITTED = _style(
    "omitted",
    fontName=FONT_ITALIC,
    fontSize=8.5,
    leading=10.5,
    spaceBefore=2,
    textColor=colors.HexColor("#444444"),
)
SUBHEADING = _style("subheading", spaceBefore=5, spaceAfter=2)
REFERENCE = _style("reference", fontSize=8.5, leading=10.5, spaceBefore=4)
FOOTER = _style("footer", fontSize=6.8, leading=8.2, textColor=colors.HexColor("#444444"))


def text(value: str | None) -> str:
    """User text as Paragraph markup: XML escaped, line breaks kept, never parsed as tags."""
    if not value:
        return ""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


DateFormatter = Callable[[date | None], str]


def _dates(data: LetterData) -> DateFormatter:
    style = data.date_format

    def fmt(value: date | None) -> str:
        return format_date(value, style)

    return fmt


def number(value: float | None) -> str:
    """A dose or score without a pointless ".0"."""
    if value is None:
        return ""
    return f"{value:g}"


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


# --------------------------------------------------------------------------- sections
def _letterhead(data: LetterData, width: float) -> list[Flowable]:
    return letterhead_flowables(data.letterhead, width)


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


def _recipient(data: LetterData) -> list[Flowable]:
    r = data.recipient
    lines = [
        "<b>" + text(_join([r.name, r.credentials], ", ")) + "</b>",
        text(_join([r.discipline, r.specialty])),
        text(r.organisation),
        text(r.address),
        text(_join([f"Phone {r.phone}" if r.phone else None, f"Fax {r.fax}" if r.fax else None])),
    ]
    out: list[Flowable] = [
        _p(_dates(data)(data.date), DATE),
        _p("<br/>".join(line for line in lines if line)),
    ]
    if data.reference:
        out.append(
            _p(
                f"<b>Our reference: {text(data.reference)}</b> (please quote it in your reply)",
                REFERENCE,
            )
        )
    return [
        *out,
        Spacer(1, 8),
        _p(text(r.salutation)),
        _p(
            "Thank you for seeing the patient below. The question I would like answered "
            "and the clinical details you need follow."
        ),
    ]


def _patient(data: LetterData, width: float) -> list[Flowable]:
    p = data.patient
    insurance = _join([p.insurance_payer, f"member {p.insurance_member_id}"])
    if not p.insurance_member_id:
        insurance = p.insurance_payer or ""
    pairs = [
        ("Name", "<b>" + text(p.name) + "</b>"),
        ("Date of birth", "<b>" + _dates(data)(p.date_of_birth) + "</b>"),
        ("MRN", text(p.mrn)),
        ("Sex", text(p.sex)),
        ("Phone", text(p.phone)),
        ("Insurance", text(insurance)),
    ]
    return [*_heading(PATIENT), _pairs(pairs, width)]


def _urgency(data: LetterData, width: float) -> list[Flowable]:
    u = data.urgency
    if not u.prominent:
        return [*_heading(URGENCY), _p(text(u.label))]
    box = Table(
        [
            [
                _p(text(u.label.upper()), URGENT_WORD),
                _p(text(u.reason) or "Please see this patient soon.", URGENT_TEXT),
            ]
        ],
        colWidths=[3.2 * cm, width - 3.2 * cm],
        hAlign="LEFT",
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), URGENT_FILL),
                ("BOX", (0, 0), (-1, -1), 2, URGENT_INK),
                ("LINEBEFORE", (1, 0), (1, 0), 0.6, URGENT_INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [*_heading(URGENCY), box]


def _reason(data: LetterData) -> list[Flowable]:
    out: list[Flowable] = [*_heading(REASON), _p(text(data.reason))]
    if data.clinical_question:
        out.append(_p("<b>Question to be answered:</b> " + text(data.clinical_question)))
    out.append(_p("<b>What I am asking for:</b> " + text(data.expectation)))
    return out


def _medication_cells(m: MedicationLine) -> list[str]:
    if m.daily_mme is not None:
        mme = number(round(m.daily_mme, 1))
    else:
        mme = text(m.mme_note) if m.is_opioid or m.mme_note else ""
    return [text(m.drug), text(m.dose), text(m.frequency), text(m.route), mme]


def _flag_markup(value: str) -> str:
    return f'<font color="#{URGENT_INK.hexval()[2:]}"><b>{text(value)}</b></font>'


def _scores_table(scores: Sequence[ScoreLine], width: float, fmt: DateFormatter) -> Table:
    rows = []
    for s in scores:
        interpretation = text(s.interpretation)
        if s.flag:
            interpretation += "<br/>" + _flag_markup(s.flag)
        rows.append([text(s.instrument), fmt(s.taken_on), text(s.score), interpretation])
    return _table(
        ("Instrument", "Date", "Score", "Interpretation"), rows, (0.22, 0.2, 0.13, 0.45), width
    )


def _rehabilitation(block: RehabilitationEmphasis, width: float) -> list[Flowable]:
    inner: list[Flowable] = [_p("<b>Functional limits</b>")]
    if block.functional_limits:
        inner += [_p("• " + text(line)) for line in block.functional_limits]
    else:
        inner.append(_p(NONE_RECORDED))
    return [*_heading(REHABILITATION), _boxed(inner, width)]


def _plan(plan: PlanOfTreatment, width: float, fmt: DateFormatter) -> list[Flowable]:
    title = text(plan.title) if plan.title else "Active treatment plan"
    review = f" · review {fmt(plan.review_on)}" if plan.review_on else ""
    out: list[Flowable] = [*_heading(PLAN), _p(f"<b>{title}</b>{review}")]
    out.append(_p("<b>Goals</b>", SUBHEADING))
    if plan.goals:
        rows = [
            [
                text(g.axis),
                text(g.description),
                text(g.measure),
                _join([number(g.baseline), number(g.target)], " → "),
                fmt(g.review_on),
            ]
            for g in plan.goals
        ]
        out.append(
            _table(
                ("Axis", "Goal", "Measure", "Baseline → target", "Review"),
                rows,
                (0.15, 0.37, 0.15, 0.16, 0.17),
                width,
            )
        )
    else:
        out.append(_p("No goals recorded on the active plan."))
    out.append(_p("<b>Activities</b>", SUBHEADING))
    if plan.activities:
        rows = [
            [
                text(a.modality),
                text(a.description)
                + (f"<br/><i>{text(a.responsible)}</i>" if a.responsible else ""),
                text(a.status) + (f"<br/>{text(a.sessions)}" if a.sessions else ""),
                _join([fmt(a.start_on), fmt(a.end_on)], " to "),
            ]
            for a in plan.activities
        ]
        out.append(
            _table(
                ("Modality", "Activity", "Status", "Dates"),
                rows,
                (0.19, 0.37, 0.19, 0.25),
                width,
            )
        )
    else:
        out.append(_p("No activities recorded on the active plan."))
    return out


def _psychiatry(block: PsychiatryEmphasis, width: float, fmt: DateFormatter) -> list[Flowable]:
    inner: list[Flowable] = [_p("<b>Mood scores</b>")]
    if block.mood_scores:
        inner.append(_scores_table(block.mood_scores, width - 2 * BOX_PADDING, fmt))
    else:
        inner.append(_p("None among the scores included."))
    inner.append(_p("<b>Risk flags</b>"))
    if block.risk_flags:
        inner += [_p("• " + _flag_markup(flag)) for flag in block.risk_flags]
    else:
        inner.append(_p("None among the scores included."))
    inner.append(_p("<b>Current psychotropics</b>"))
    if block.psychotropics:
        inner += [
            _p("• " + text(_join([m.drug, m.dose, m.frequency, m.route], ", ")))
            for m in block.psychotropics
        ]
    else:
        inner.append(_p("None among the medications included."))
    return [*_heading(PSYCHIATRY), _boxed(inner, width)]


def _headache(block: HeadacheEmphasis, width: float) -> list[Flowable]:
    overuse = text(block.overuse_risk)
    if block.overuse_risk.lower() in ("possible", "likely"):
        overuse = _flag_markup(block.overuse_risk)
    pairs = [
        ("ICHD-3 type", text(block.headache_type + (" with aura" if block.with_aura else ""))),
        ("Attacks / month", str(block.attacks_per_month)),
        ("Headache days / month", str(block.headache_days_per_month)),
        ("Acute-medication days / month", str(block.acute_medication_days_per_month)),
        ("Medication-overuse risk", overuse),
        ("Triggers", text(block.triggers) or "none recorded"),
    ]
    return [*_heading(HEADACHE), _boxed([_pairs(pairs, width - 2 * BOX_PADDING, 1)], width)]


def _diagnoses(data: LetterData, width: float) -> list[Flowable]:
    out: list[Flowable] = [*_heading(DIAGNOSES)]
    if not data.diagnoses:
        return [*out, _p(NONE_RECORDED)]
    rows = [
        [
            "<b>" + text(d.code) + "</b>",
            text(d.title) + (f"<br/><i>{text(d.note)}</i>" if d.note else ""),
            _dates(data)(d.onset),
            "active" if d.active else "resolved",
        ]
        for d in data.diagnoses
    ]
    return [
        *out,
        _table(
            ("ICD-10-CM", "Diagnosis", "Since", "Status"), rows, (0.13, 0.55, 0.19, 0.13), width
        ),
    ]


def _medications(data: LetterData, width: float) -> list[Flowable]:
    out: list[Flowable] = [*_heading(MEDICATIONS)]
    if not data.medications:
        return [*out, _p(NONE_RECORDED)]
    out.append(
        _table(
            ("Medication", "Dose", "Frequency", "Route", "MME/day"),
            [_medication_cells(m) for m in data.medications],
            (0.34, 0.14, 0.2, 0.16, 0.16),
            width,
        )
    )
    if data.mme is not None:
        out.append(Spacer(1, 3))
        shown = data.mme.display
        if shown is None:  # built without the shared wording: the same rules, never "0 MME"
            counted = data.mme.total > 0 or not data.mme.not_converted
            shown = (
                f"{number(round(data.mme.total, 1))} MME/day"
                if counted
                else "MME/day not calculated"
            )
            if data.mme.not_converted:
                shown += " — incomplete: not counted: " + "; ".join(data.mme.not_converted)
        out.append(
            _p(
                f"<b>Total daily MME: {text(shown)}</b> (opioids listed above, CDC 2022 "
                "conversion factors; only oral opioids and transdermal fentanyl are converted)."
            )
        )
        out += [_p(_flag_markup(advice)) for advice in data.mme.advice]
    return out


def _allergies(data: LetterData, width: float) -> list[Flowable]:
    out: list[Flowable] = [*_heading(ALLERGIES)]
    if not data.allergies:
        # Never "None recorded": "not asked" and "none known" must not look alike.
        wording = data.allergy_statement or allergy_status.NOT_RECORDED
        return [*out, _p(text(wording) + ".")]
    rows = [[text(a.substance), text(a.reaction), text(a.severity)] for a in data.allergies]
    return [*out, _table(("Substance", "Reaction", "Severity"), rows, (0.35, 0.45, 0.2), width)]


def _scores(data: LetterData, width: float) -> list[Flowable]:
    out: list[Flowable] = [*_heading(SCORES)]
    if not data.scores:
        return [*out, _p(NONE_RECORDED)]
    return [*out, _scores_table(data.scores, width, _dates(data))]


def _pain_drawing(data: LetterData, width: float) -> list[Flowable]:
    """The ticked pain drawing (its module draws with this one's fonts and tables)."""
    from carecoord.letters import pain_drawing  # imports this module: import on use

    if data.pain_drawing is None:
        return []
    return pain_drawing.flowables(
        data.pain_drawing, width, PAIN_DRAWING, _dates(data)(data.pain_drawing.drawn_on)
    )


def _results(data: LetterData, width: float) -> list[Flowable]:
    out: list[Flowable] = [*_heading(RESULTS)]
    if not data.results:
        return [*out, _p(NONE_RECORDED)]
    fmt = _dates(data)
    rows = []
    for r in data.results:
        flag = _flag_markup(r.flag) if r.flag else ""
        rows.append([text(r.test), fmt(r.taken_on), text(r.value), text(r.reference), flag])
    return [
        *out,
        _table(
            ("Test", "Date", "Result", "Reference", "Flag"),
            rows,
            (0.26, 0.19, 0.3, 0.11, 0.14),
            width,
        ),
    ]


def _free_text(heading: str, value: str | None) -> list[Flowable]:
    return [*_heading(heading), _p(text(value) or NONE_RECORDED)]


def _authorization(a: AuthorizationDetails, width: float, fmt: DateFormatter) -> list[Flowable]:
    visits = ""
    if a.visits_authorized is not None:
        visits = f"{a.visits_authorized} authorized, {a.visits_used} used"
    validity = _join([fmt(a.valid_from), fmt(a.valid_to)], " to ")
    pairs = [
        ("Outcome", text(a.outcome)),
        ("Number", text(a.number)),
        ("Payer", text(a.payer)),
        ("Member id", text(a.member_id)),
        ("Provider", text(a.provider)),
        ("Service", text(a.service)),
        ("Visits", visits),
        ("Valid", validity),
    ]
    if a.denial_reason:
        pairs.append(("Denied because", text(a.denial_reason)))
    return [*_heading(AUTHORIZATION), _pairs(pairs, width)]


def _signature(data: LetterData) -> list[Flowable]:
    return _signature_block(data.referrer)


def _signature_block(r: Referrer) -> list[Flowable]:
    contact = _join(
        [
            f"Direct phone {r.phone}" if r.phone else None,
            f"Fax {r.fax}" if r.fax else None,
            r.email,
        ]
    )
    block: list[Flowable] = [
        Spacer(1, 10),
        _p("Sincerely,"),
        Spacer(1, 26),
        HRFlowable(width=6 * cm, thickness=0.6, color=INK, hAlign="LEFT", spaceAfter=3),
        _p("<b>" + text(_join([r.name, r.credentials], ", ")) + "</b>"),
    ]
    if r.role:
        block.append(_p(text(r.role)))
    block.append(_p(text(contact) or "Contact through the clinic above."))
    return [KeepTogether(block)]


def _enclosures(data: LetterData) -> list[Flowable]:
    if not data.enclosures:
        return []
    lines = [
        f"{i}. {text(e.title)}" + (f" ({text(e.kind)})" if e.kind else "")
        for i, e in enumerate(data.enclosures, start=1)
    ]
    return [*_heading(ENCLOSURES), _p("<br/>".join(lines))]


def _not_included(data: LetterData, section: str) -> list[Flowable]:
    """The "Not included in this letter: …" lines that belong where ``section`` stands."""
    return [
        _p(f"{NOT_INCLUDED} {text(n.what)}.", OMITTED)
        for n in data.not_included
        if n.section == section
    ]


def _part2_notice(data: LetterData, width: float) -> list[Flowable]:
    inner: list[Flowable] = [
        _p("<b>" + text(PART2_STATEMENT) + "</b>"),
        _p(text(PART2_EXPLANATION)),
    ]
    if data.part2_consent:
        inner.append(_p("<b>The patient's consent:</b> " + text(data.part2_consent)))
    return [*_heading(PART2), _boxed(inner, width)]


def _sections(data: LetterData, width: float) -> list[tuple[str, list[Flowable]]]:
    """Each optional section's heading and flowables (empty when it was left out)."""
    fmt = _dates(data)
    out: list[tuple[str, list[Flowable]]] = []

    def add(heading: str, present: bool, build: Callable[[], list[Flowable]]) -> None:
        out.append((heading, build() if present else []))

    rehabilitation, psychiatry, headache = data.rehabilitation, data.psychiatry, data.headache
    plan, authorization = data.plan, data.authorization
    add(
        REHABILITATION,
        rehabilitation is not None,
        lambda: _rehabilitation(rehabilitation, width) if rehabilitation else [],
    )
    add(
        PSYCHIATRY,
        psychiatry is not None,
        lambda: _psychiatry(psychiatry, width, fmt) if psychiatry else [],
    )
    add(HEADACHE, headache is not None, lambda: _headache(headache, width) if headache else [])
    add(DIAGNOSES, data.diagnoses is not None, lambda: _diagnoses(data, width))
    add(MEDICATIONS, data.medications is not None, lambda: _medications(data, width))
    add(ALLERGIES, data.allergies is not None, lambda: _allergies(data, width))
    add(SCORES, data.scores is not None, lambda: _scores(data, width))
    add(PAIN_DRAWING, data.pain_drawing is not None, lambda: _pain_drawing(data, width))
    add(RESULTS, data.results is not None, lambda: _results(data, width))
    add(PLAN, plan is not None, lambda: _plan(plan, width, fmt) if plan else [])
    add(
        TREATMENTS,
        data.treatments_tried is not None,
        lambda: _free_text(TREATMENTS, data.treatments_tried),
    )
    add(
        PATIENT_TOLD,
        data.patient_told is not None,
        lambda: _free_text(PATIENT_TOLD, data.patient_told),
    )
    add(
        AUTHORIZATION,
        authorization is not None,
        lambda: _authorization(authorization, width, fmt) if authorization else [],
    )
    return out


def story(data: LetterData, width: float) -> list[Flowable]:
    """The letter's flowables in docs/clinical-reference.md §3 order; a section left out (``None``)
    keeps its place through its "Not included in this letter" line."""
    out: list[Flowable] = []
    out += _letterhead(data, width)
    out += _recipient(data)
    out += _patient(data, width)
    out += _urgency(data, width)
    out += _reason(data)
    for heading, flowables in _sections(data, width):
        out += flowables
        out += _not_included(data, heading)
    if data.part2_notice:
        out += _part2_notice(data, width)
    out += _signature(data)
    out += _enclosures(data)
    return out


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


def _footer(data: LetterData) -> _Footer:
    suffix = f" · Ref. {data.reference}" if data.reference else ""
    return page_footer(data.patient, data.letterhead, CONFIDENTIAL, suffix, data.date_format)


def render_letter(data: LetterData) -> bytes:
    """Render one referral letter as PDF bytes.

    Args:
        data: The letter's content, already filtered to what the referrer may send.

    Returns:
        The PDF (Letter or A4 as ``data.paper_size`` says), "Page X of Y" and the
        confidentiality notice on every page.

    Raises:
        ValueError: An unknown paper size.
    """
    return build_pdf(
        lambda width: story(data, width),
        data.paper_size,
        _footer(data),
        title="Referral letter",
        subject=f"Referral to {data.discipline}" if data.discipline else "Referral",
        author=data.letterhead.name,
    )


def build_pdf(
    flowables: Callable[[float], list[Flowable]],
    paper_size: str,
    footer: _Footer,
    *,
    title: str,
    subject: str,
    author: str,
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
        topMargin=1.6 * cm,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        subject=subject,
        author=author,
        creator="CareCoord",
    )
    document.build(flowables(page[0] - 2 * MARGIN), canvasmaker=_canvas_maker(footer))
    return buffer.getvalue()


__all__ = [
    "DATE_FORMATS",
    "NOT_INCLUDED",
    "SECTION_ORDER",
    "build_pdf",
    "format_date",
    "letterhead_flowables",
    "long_date",
    "register_fonts",
    "render_letter",
]
