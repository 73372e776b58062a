"""Sample letter data for the renderer's tests: a full letter, a long one, an urgent one."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from carecoord.clinical.pain_map import region_summary, validate_marks
from carecoord.letters.data import (
    ActivityLine,
    AllergyLine,
    AuthorizationDetails,
    DiagnosisLine,
    Enclosure,
    GoalLine,
    HeadacheEmphasis,
    LetterData,
    Letterhead,
    MedicationLine,
    MmeTotal,
    PainDrawingPrint,
    PatientIdentification,
    PlanOfTreatment,
    PsychiatryEmphasis,
    Recipient,
    Referrer,
    RehabilitationEmphasis,
    ResultLine,
    ScoreLine,
    Urgency,
)

PEG = ScoreLine("PEG", date(2024, 3, 1), "6.7", "moderate")
NRS = ScoreLine("NRS pain", date(2024, 3, 1), "7", "severe")
PHQ9 = ScoreLine(
    "PHQ-9", date(2024, 3, 1), "16", "moderately severe", "Item 9 (self-harm) scored 1"
)
OXY = MedicationLine("Oxycodone IR", "10 mg", "twice a day", "oral", is_opioid=True, daily_mme=30.0)
BUP = MedicationLine(
    "Buprenorphine patch",
    "10 mcg/hr",
    "continuous (patch)",
    "transdermal",
    True,
    None,
    "not converted",
)
DULOX = MedicationLine("Duloxetine", "60 mg", "once a day", "oral")


_HEAD_ACHE = validate_marks([{"view": "front", "x": 100, "y": 30, "kind": "aching"}])
PAIN_DRAWING = PainDrawingPrint(date(2024, 3, 1), _HEAD_ACHE, region_summary(_HEAD_ACHE))


def full_letter(**changes: object) -> LetterData:
    """A letter with every section filled, for layout and order checks."""
    data = LetterData(
        letterhead=Letterhead(
            "Riverside Pain & Wellness Clinic",
            "120 Harbour Street, Suite 4\nPortland, OR 97201",
            "(503) 555-0100",
            "(503) 555-0101",
            "referrals@riverside.example",
        ),
        date=date(2024, 3, 5),
        paper_size="letter",
        recipient=Recipient(
            "Łukasz Wróbel",
            "MD",
            "Physical rehabilitation (PM&R)",
            "Spine rehabilitation",
            "Northside Rehabilitation",
            "88 Elm Road\nPortland, OR 97210",
            "(503) 555-0200",
            "(503) 555-0201",
            "Dear Dr. Wróbel,",
        ),
        patient=PatientIdentification(
            "Zoë Ñúñez",
            date(1980, 5, 12),
            "CC0000042",
            "Female",
            "(503) 555-0142",
            "Acme Health",
            "AC-99812",
        ),
        urgency=Urgency("routine", "Routine"),
        expectation="Treatment",
        reason="Chronic low back pain with radicular symptoms; deconditioning after 8 months "
        "off work.",
        clinical_question="Would a graded functional restoration programme suit her?",
        referrer=Referrer(
            "Nguyễn Thị Hoa", "MD", "Pain medicine", "(503) 555-0110", None, "hoa@x.example"
        ),
        discipline="Physical rehabilitation (PM&R)",
        referral_id=42,
        diagnoses=(
            DiagnosisLine("M54.51", "Vertebrogenic low back pain", date(2022, 6, 1)),
            DiagnosisLine("M54.16", "Radiculopathy, lumbar region", note="L5, left"),
        ),
        medications=(OXY, BUP, DULOX),
        mme=MmeTotal(30.0, ("Buprenorphine patch",), ()),
        allergies=(AllergyLine("Penicillin", "Rash", "Moderate"),),
        scores=(PEG, NRS),
        results=(
            ResultLine("ALT", date(2024, 2, 20), "71 U/L", "7–56", "high"),
            ResultLine("Drug screen: Fentanyl", date(2024, 2, 20), "Negative (not expected)"),
        ),
        treatments_tried="Physiotherapy x 12 sessions: little change. Two epidural steroid "
        "injections: 6 weeks of relief each.",
        patient_told="That rehabilitation aims at function first and pain second.",
        authorization=AuthorizationDetails(
            "Approved",
            "Acme Health",
            "AC-99812",
            "PA-2024-1177",
            "Northside Rehabilitation",
            "Physical rehabilitation evaluation",
            6,
            1,
            date(2024, 3, 1),
            date(2024, 6, 30),
        ),
        rehabilitation=RehabilitationEmphasis(("PEG interference with general activity 7/10",)),
        plan=PlanOfTreatment(
            "Back to work",
            (GoalLine("Function", "Walk 30 minutes", "PEG", 7, 4, date(2024, 6, 1)),),
            (
                ActivityLine(
                    "Physical therapy / rehabilitation",
                    "Graded activity, twice a week",
                    "Active",
                    date(2024, 2, 1),
                    date(2024, 5, 31),
                    "Sam Reyes",
                    "4 of 16 sessions",
                ),
            ),
            date(2024, 6, 1),
        ),
        enclosures=(Enclosure("MRI lumbar spine", "Imaging"),),
        reference="RPWC-000042",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def urgent_psychiatry_letter() -> LetterData:
    return full_letter(
        recipient=Recipient("Ada Okafor", "MD", "Psychiatry", salutation="Dear Dr. Okafor,"),
        discipline="Psychiatry",
        urgency=Urgency("urgent", "Urgent", "PHQ-9 item 9 positive; passive thoughts of death"),
        rehabilitation=None,
        psychiatry=PsychiatryEmphasis((PHQ9,), ("PHQ-9 item 9 (self-harm) scored 1",), (DULOX,)),
        scores=(PEG, NRS, PHQ9),
        paper_size="a4",
    )


def headache_letter() -> LetterData:
    return full_letter(
        rehabilitation=None,
        headache=HeadacheEmphasis("1 Migraine", True, 6, 12, 11, "possible", "Red wine, sleep"),
    )


def long_letter() -> LetterData:
    """Many diagnoses and medications and a long reason: several pages."""
    diagnoses = tuple(
        DiagnosisLine(
            f"M{i:02d}.9",
            f"Diagnosis number {i} " + "with a long title " * 3,
            date(2020, 1, 1 + i % 28),
            note="note " * 20,
        )
        for i in range(60)
    )
    medications = tuple(
        MedicationLine(f"Medication {i}", f"{i} mg", "twice a day", "oral") for i in range(60)
    )
    reason = " ".join(f"Part {i} of a long reason flows without clipping." for i in range(150))
    return full_letter(diagnoses=diagnoses, medications=(OXY, *medications), reason=reason)


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def ordered(haystack: str, needles: Sequence[str]) -> bool:
    """Whether every needle occurs, each after the one before."""
    position = -1
    for needle in needles:
        position = haystack.find(needle, position + 1)
        if position < 0:
            return False
    return True


def small_pdf(pages: int = 2, marker: str = "Attached page") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"{marker} {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def png(width: int = 600, height: int = 400) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()
