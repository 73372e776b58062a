"""The letter renderer read back with pypdf: sections in order, identity, MME, paging."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from carecoord.dates import format_date
from carecoord.letters.data import (
    HeadacheEmphasis,
    MmeTotal,
    NotIncluded,
    PsychiatryEmphasis,
    Urgency,
)
from carecoord.letters.referral_letter import (
    ALLERGIES,
    DIAGNOSES,
    MEDICATIONS,
    SCORES,
    SECTION_ORDER,
    render_letter,
)
from tests.letters.samples import (
    DULOX,
    PAIN_DRAWING,
    PHQ9,
    full_letter,
    long_letter,
    ordered,
    page_texts,
    pdf_text,
    png,
    urgent_psychiatry_letter,
)


def test_every_section_prints_in_domain_order() -> None:
    data = full_letter(
        psychiatry=PsychiatryEmphasis((PHQ9,), ("PHQ-9 item 9 scored 1",), (DULOX,)),
        headache=HeadacheEmphasis("1 Migraine", False, 4, 8, 6, "none", "Bright light"),
        part2_notice=True,
        pain_drawing=PAIN_DRAWING,
    )
    text = pdf_text(render_letter(data))
    assert ordered(text, SECTION_ORDER)
    assert ordered(
        text,
        ["Riverside Pain & Wellness Clinic", "March 5, 2024", "Łukasz Wróbel, MD", "Patient"],
    )
    assert ordered(
        text,
        ["Authorization", "42 CFR Part 2", "Sincerely,", "Nguyễn Thị Hoa, MD", "Enclosures"],
    )


def test_identity_recipient_and_mme_are_printed() -> None:
    text = pdf_text(render_letter(full_letter()))
    assert "Zoë Ñúñez" in text
    assert "May 12, 1980" in text
    assert "CC0000042" in text
    assert "Acme Health" in text and "AC-99812" in text
    assert "Łukasz Wróbel, MD" in text and "Northside Rehabilitation" in text
    assert "Fax (503) 555-0201" in text
    assert "Total daily MME: 30 MME/day" in text
    assert "not converted" in text and "Buprenorphine patch" in text
    assert "Penicillin" in text
    assert "Walk 30 minutes" in text  # the plan's goals
    assert "Graded activity, twice a week" in text and "4 of 16 sessions" in text
    assert "1. MRI lumbar spine (Imaging)" in text


def test_unicode_names_print_as_written() -> None:
    text = pdf_text(render_letter(full_letter()))
    for name in ("Zoë Ñúñez", "Łukasz Wróbel", "Nguyễn Thị Hoa"):
        assert name in text


def test_long_letter_flows_over_pages_numbered_on_each() -> None:
    pages = page_texts(render_letter(long_letter()))
    total = len(pages)
    assert total >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "CONFIDENTIAL" in page
        assert "Zoë Ñúñez · born May 12, 1980 · MRN CC0000042 · Ref. RPWC-000042" in page
    text = "\n".join(pages)
    # Nothing clipped: the last diagnosis and medication and the whole reason made it.
    assert "M59.9" in text and "Medication 59" in text
    flat = " ".join(text.split())
    assert all(f"Part {i} of a long reason" in flat for i in range(150))
    # The diagnosis table's header row is repeated where the table continues.
    continued = [p for p in pages if "M30.9" in p or "M40.9" in p]
    assert all("ICD-10-CM" in p for p in continued)


def test_urgent_letter_has_the_marker_and_reason() -> None:
    text = pdf_text(render_letter(urgent_psychiatry_letter()))
    assert ordered(text, ["Urgency", "URGENT", "PHQ-9 item 9 positive; passive thoughts of death"])
    assert "Psychiatry focus" in text and "Duloxetine" in text


@pytest.mark.parametrize("priority", ["asap", "stat"])
def test_asap_and_stat_are_marked_too(priority: str) -> None:
    data = full_letter(urgency=Urgency(priority, priority.upper(), "Falls at home"))
    assert ordered(pdf_text(render_letter(data)), [priority.upper(), "Falls at home"])


def test_routine_letter_has_no_urgent_marker() -> None:
    text = pdf_text(render_letter(full_letter()))
    assert "URGENT" not in text
    assert ordered(text, ["Urgency", "Routine"])


def test_paper_size_follows_the_data() -> None:
    letter = PdfReader(io.BytesIO(render_letter(full_letter()))).pages[0].mediabox
    a4 = PdfReader(io.BytesIO(render_letter(full_letter(paper_size="a4")))).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    with pytest.raises(ValueError, match="paper size"):
        render_letter(full_letter(paper_size="legal"))


def test_user_text_is_printed_literally_not_as_markup() -> None:
    data = full_letter(reason="Pain <b>not bold</b> & <font size=40>big</font>\nsecond line")
    text = pdf_text(render_letter(data))
    assert "Pain <b>not bold</b> & <font size=40>big</font>" in text
    assert "second line" in text


def test_sections_left_out_print_no_heading() -> None:
    data = full_letter(
        diagnoses=None,
        medications=None,
        mme=None,
        allergies=None,
        scores=None,
        results=None,
        treatments_tried=None,
        patient_told=None,
        authorization=None,
        rehabilitation=None,
        plan=None,
        enclosures=(),
    )
    text = pdf_text(render_letter(data))
    for heading in SECTION_ORDER[3:]:
        assert heading not in text
    assert ordered(text, ["Patient", "Urgency", "Reason for referral", "Sincerely,"])


def test_empty_sections_say_none_recorded() -> None:
    data = full_letter(diagnoses=(), medications=(), mme=None, allergies=(), scores=(), results=())
    text = pdf_text(render_letter(data))
    assert text.count("None recorded.") == 4  # diagnoses, medications, scores, results
    assert "Allergy status not yet recorded." in text  # never "none" for allergies


def test_logo_is_drawn_when_set_and_a_broken_one_is_left_out() -> None:
    with_logo = render_letter(
        full_letter(letterhead=replace(full_letter().letterhead, logo_png=png(400, 160)))
    )
    images = list(PdfReader(io.BytesIO(with_logo)).pages[0].images)
    assert len(images) == 1
    broken = full_letter(letterhead=replace(full_letter().letterhead, logo_png=b"\x89PNGjunk"))
    assert "Riverside Pain" in pdf_text(render_letter(broken))


def test_an_unconverted_opioid_alone_never_prints_zero_mme() -> None:
    """Issue #9 finding 5: buprenorphine alone printed "Total daily MME: 0 MME/day"."""
    text = " ".join(
        pdf_text(render_letter(full_letter(mme=MmeTotal(0.0, ("Butrans 10 mcg/h",), ())))).split()
    )
    assert "0 MME/day" not in text
    assert "Total daily MME: MME/day not calculated — incomplete: not counted: Butrans" in text


def test_each_left_out_section_prints_its_not_included_line_in_its_place() -> None:
    data = full_letter(
        medications=None,
        mme=None,
        scores=None,
        not_included=(
            NotIncluded(MEDICATIONS, "current medications"),
            NotIncluded(SCORES, "relevant results: outcome scores"),
            NotIncluded(DIAGNOSES, "psychiatric and substance-use diagnoses"),
        ),
    )
    text = pdf_text(render_letter(data))
    assert MEDICATIONS not in text and "Oxycodone" not in text
    assert ordered(
        text,
        [
            DIAGNOSES,
            "M54.16",
            "Not included in this letter: psychiatric and substance-use diagnoses.",
            "Not included in this letter: current medications.",
            ALLERGIES,
            "Not included in this letter: relevant results: outcome scores.",
            "Plan of treatment",
        ],
    )


@pytest.mark.parametrize(
    ("style", "written", "born"),
    [
        ("us_long", "March 5, 2024", "May 12, 1980"),
        ("us_numeric", "03/05/2024", "05/12/1980"),
        ("iso", "2024-03-05", "1980-05-12"),
        ("day_month", "5 March 2024", "12 May 1980"),
    ],
)
def test_dates_print_in_the_clinics_format(style: str, written: str, born: str) -> None:
    text = pdf_text(render_letter(full_letter(date_format=style)))
    assert written in text and born in text


def test_format_date_refuses_an_unknown_style() -> None:
    assert format_date(date(1973, 3, 4)) == "March 4, 1973"
    with pytest.raises(ValueError, match="date format"):
        format_date(date(1973, 3, 4), "dd.mm.yy")


def test_reference_number_is_on_the_letter_and_every_page() -> None:
    pages = page_texts(render_letter(long_letter()))
    assert "Our reference: RPWC-000042" in pages[0]
    assert all("Ref. RPWC-000042" in page for page in pages)


def test_part2_notice_is_printed_only_when_the_data_asks() -> None:
    assert "42 CFR part 2 prohibits" not in pdf_text(render_letter(full_letter()))
    text = " ".join(pdf_text(render_letter(full_letter(part2_notice=True))).split())
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in text


def test_letter_text_uses_us_spelling() -> None:
    text = pdf_text(render_letter(full_letter()))
    assert "6 authorized, 1 used" in text
    for british in ("Authorisation", "authorised", "behaviour", "Yours sincerely"):
        assert british not in text


def test_monitoring_results_print_with_reference_and_flag() -> None:
    text = pdf_text(render_letter(full_letter()))
    assert ordered(
        text,
        [
            "Relevant results: outcome scores",
            "Relevant results: opioid-therapy monitoring",
            "ALT",
            "71 U/L",
            "7–56",
            "high",
            "Drug screen: Fentanyl",
            "Negative (not expected)",
            "Plan of treatment",
        ],
    )
