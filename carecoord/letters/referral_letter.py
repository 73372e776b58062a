"""Renders a referral letter (docs/clinical-reference.md §3) from plain data to PDF bytes.

Pure: no database, no settings lookup, so the same data always prints the same letter and
tests read it back with pypdf. Every piece of user text goes through :func:`text` (XML
escaped, line breaks kept) into a Paragraph, so nothing is clipped and nothing is parsed
as markup; tables split across pages with their header row repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from carecoord.clinical import allergy_status
from carecoord.dates import DATE_FORMATS, format_date, long_date
from carecoord.letters import pain_drawing
from carecoord.letters.data import (
    AuthorizationDetails,
    LetterData,
    MedicationLine,
    Referrer,
)
from carecoord.letters.layout import (
    DATE,
    FONT,
    INK,
    OMITTED,
    REFERENCE,
    URGENT_FILL,
    URGENT_INK,
    URGENT_TEXT,
    URGENT_WORD,
    DateFormatter,
    _boxed,
    _heading,
    _join,
    _p,
    _pairs,
    _table,
    flag_markup,
    letterhead_flowables,
    number,
    register_fonts,
    text,
)
from carecoord.letters.letter_focus import (
    _headache,
    _plan,
    _psychiatry,
    _rehabilitation,
    _scores_table,
)
from carecoord.letters.letter_headings import (
    ALLERGIES,
    AUTHORIZATION,
    CONFIDENTIAL,
    DIAGNOSES,
    ENCLOSURES,
    HEADACHE,
    MEDICATIONS,
    NONE_RECORDED,
    NOT_INCLUDED,
    PAIN_DRAWING,
    PART2,
    PART2_EXPLANATION,
    PART2_STATEMENT,
    PATIENT,
    PATIENT_TOLD,
    PLAN,
    PSYCHIATRY,
    REASON,
    REHABILITATION,
    RESULTS,
    SCORES,
    SECTION_ORDER,
    TREATMENTS,
    URGENCY,
)
from carecoord.letters.pages import _Footer, build_pdf, page_footer, render_document


def _dates(data: LetterData) -> DateFormatter:
    style = data.date_format

    def fmt(value: date | None) -> str:
        return format_date(value, style)

    return fmt


# --------------------------------------------------------------------------- sections
def _letterhead(data: LetterData, width: float) -> list[Flowable]:
    return letterhead_flowables(data.letterhead, width)


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
        out += [_p(flag_markup(advice)) for advice in data.mme.advice]
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
        flag = flag_markup(r.flag) if r.flag else ""
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
    return render_document(
        data,
        story,
        _footer(data),
        title="Referral letter",
        subject=f"Referral to {data.discipline}" if data.discipline else "Referral",
    )


__all__ = [
    "DATE_FORMATS",
    "FONT",
    "NOT_INCLUDED",
    "SECTION_ORDER",
    "build_pdf",
    "format_date",
    "letterhead_flowables",
    "long_date",
    "register_fonts",
    "render_letter",
]
