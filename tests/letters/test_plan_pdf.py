"""The plan summary PDF read back with pypdf: patient, goals, activities, paging, vectors."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from carecoord.letters.data import Letterhead, PatientIdentification
from carecoord.letters.plan_pdf import (
    ACTIVITIES,
    GOALS,
    TIMELINE,
    PlanActivityLine,
    PlanGoalLine,
    PlanPdfData,
    PlanReferralLine,
    PlanScorePoint,
    TimelineDrawing,
    render_plan,
)
from tests.letters.samples import ordered, page_texts, pdf_text

PRINTED = date(2025, 6, 2)


def sample_plan(**changes: object) -> PlanPdfData:
    start = date(2025, 1, 6)
    data = PlanPdfData(
        letterhead=Letterhead("Riverside Pain & Function Center", "12 Alder Way", "555-0100"),
        patient=PatientIdentification("Zoë Ñúñez", date(1980, 5, 12), "MRN000123", "Female"),
        title="Multimodal plan: chronic low back pain",
        status="Active",
        started_on=start,
        review_on=date(2025, 7, 1),
        goals=(
            PlanGoalLine(
                "Pain",
                "Reduce average pain by 30 %",
                "PEG",
                "7.0",
                "4.9",
                date(2025, 7, 1),
                "4.0 (2025-05-30)",
                "−43 % · clinically meaningful · target met",
                "improved",
            ),
            PlanGoalLine(
                "Function",
                "Walk 30 minutes a day",
                "PEG activity item",
                "8",
                "5",
                date(2025, 7, 1),
                "7 (2025-05-30)",
                "−13 % · not yet meaningful · not at target yet",
            ),
            PlanGoalLine(
                "Quality of life",
                "Back to the choir on Thursdays",
                "Other",
                "",
                "",
                None,
                "not measured here",
                "Measured by other: judge at review",
            ),
        ),
        activities=(
            PlanActivityLine(
                "Physical therapy / rehabilitation",
                2,
                "Graded exercise programme",
                "Łukasz Wróbel, PT",
                start,
                date(2025, 4, 30),
                "12 of 12",
                "Done",
                "done",
            ),
            PlanActivityLine(
                "Interventional procedure",
                1,
                "Lumbar facet injection",
                "Ada Okafor, MD",
                date(2025, 3, 3),
                None,
                "",
                "Done",
                "done",
                procedure=True,
            ),
            PlanActivityLine(
                "Psychological therapy",
                3,
                "CBT for chronic pain",
                "Nguyễn Thị Hoa, PhD",
                date(2025, 2, 1),
                None,
                "5 of 8",
                "Active",
                "active",
            ),
            PlanActivityLine(
                "Medication",
                0,
                "Duloxetine 60 mg",
                "",
                date(2025, 1, 10),
                date(2025, 3, 1),
                "",
                "Stopped",
                "stopped",
                stop_reason="Nausea",
            ),
            PlanActivityLine(
                "Education / self-management",
                6,
                "Pain neuroscience education",
                "Ada Okafor, MD",
                date(2025, 7, 1),
                date(2025, 7, 29),
                "0 of 4",
                "Planned",
                "planned",
            ),
        ),
        printed_on=PRINTED,
        prepared_by="Dr Avery Lee",
        referrals=(
            PlanReferralLine(
                "Psychiatry",
                "Dr Keiko Tanabe",
                "Report received",
                date(2025, 2, 1),
                date(2025, 2, 20),
                date(2025, 3, 5),
            ),
            PlanReferralLine("Neurosurgery", "Neurosurgery service", "Sent", date(2025, 5, 10)),
        ),
        scores=tuple(
            PlanScorePoint(series, start + timedelta(days=30 * i), value)
            for i, (peg, nrs) in enumerate(((7.0, 7), (6.3, 6), (5.0, 5), (4.0, 4)))
            for series, value in (("PEG", peg), ("NRS", nrs))
        ),
        care_team=(
            ("Coordinating physician", "Ada Okafor, MD"),
            ("Therapist", "Łukasz Wróbel, PT"),
        ),
        notes="Agreed with the patient on 6 January.",
    )
    return replace(data, **changes)  # type: ignore[arg-type]  # test overrides


def test_goals_activities_and_patient_read_back_in_order() -> None:
    pdf = render_plan(sample_plan())
    text = " ".join(pdf_text(pdf).split())  # table cells wrap: compare flattened text
    assert ordered(
        text,
        ["Riverside Pain & Function Center", "Treatment plan: Multimodal plan", "Zoë Ñúñez"],
    )
    assert ordered(text, [GOALS, TIMELINE, ACTIVITIES, "Care team", "Notes"])
    for needle in (
        "Reduce average pain by 30 %",
        "clinically meaningful",
        "target met",
        "Walk 30 minutes a day",
        "Graded exercise programme",
        "Łukasz Wróbel, PT",
        "Lumbar facet injection",
        "one day",
        "Stopped: Nausea",
        "Nguyễn Thị Hoa, PhD",
        "MRN000123",
        "12 May 1980",
    ):
        assert needle in text, needle
    # The timeline's lanes and axis print as text inside the vector drawing.
    assert "Referral · Psychiatry" in text and "Pain trend (0–10)" in text


def test_a_normal_plan_fits_one_or_two_pages_with_numbered_footers() -> None:
    pdf = render_plan(sample_plan())
    pages = page_texts(pdf)
    assert 1 <= len(pages) <= 2
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert all("CONFIDENTIAL" in page and "MRN000123" in page for page in pages)


def test_the_timeline_is_vector_graphics_not_an_image() -> None:
    reader = PdfReader(io.BytesIO(render_plan(sample_plan())))
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        assert not resources.get("/XObject"), "the timeline must not be a raster image"
    content = b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]
    assert content.count(b" re") > 10  # rectangles: lanes and bars
    assert content.count(b" l") > 20  # lines: ticks, grid, markers


def test_the_timeline_drawing_uses_the_shared_scale() -> None:
    data = sample_plan()
    drawing = TimelineDrawing(data, 480)
    scale = drawing.scale
    assert scale.origin <= date(2025, 1, 6) and scale.end >= date(2025, 7, 29)
    assert scale.width == pytest.approx(drawing.plot_width)
    lanes = [label for label, _ in drawing.lanes]
    assert lanes[:2] == ["Medication", "Interventional procedure"]
    assert lanes[-2:] == ["Referral · Neurosurgery", "Referral · Psychiatry"]


def test_an_empty_plan_still_prints_and_a4_works() -> None:
    pdf = render_plan(
        sample_plan(goals=(), activities=(), referrals=(), scores=(), paper_size="a4", notes=None)
    )
    text = pdf_text(pdf)
    assert "No goals set yet." in text and "No activities planned yet." in text
    assert "No activities or referrals yet" in text
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 595
    with pytest.raises(ValueError):
        render_plan(sample_plan(paper_size="legal"))


def test_a_long_plan_splits_the_activities_table_over_pages() -> None:
    many = tuple(
        PlanActivityLine(
            "Physical therapy / rehabilitation",
            2,
            f"Session block {n}",
            "Łukasz Wróbel, PT",
            date(2025, 1, 6) + timedelta(days=7 * n),
            date(2025, 1, 6) + timedelta(days=7 * n + 5),
            "",
            "Done",
            "done",
        )
        for n in range(60)
    )
    pages = page_texts(render_plan(sample_plan(activities=many)))
    assert len(pages) >= 2
    assert "Session block 59" in pages[-1] or "Session block 59" in "".join(pages)
