"""A letter's PEG line shows the change from baseline, not a severity word.

See docs/clinical-reference.md §4.
"""

from __future__ import annotations

from datetime import date, timedelta

from carecoord.db import Database
from carecoord.letters.data import ScoreLine
from carecoord.services import assessments
from carecoord.services.actor import Actor
from carecoord.services.letters import Section, default_options, generate_letter, letter_data
from tests.letters.samples import pdf_text
from tests.services.helpers import new_member, new_patient, new_referral


def test_the_latest_peg_is_judged_against_the_first(db: Database, physician: Actor) -> None:
    patient = new_patient(db, physician)
    first_on = date.today() - timedelta(days=60)
    latest_on = date.today() - timedelta(days=5)
    assessments.record_assessment(
        db,
        physician,
        patient.id,
        "peg",
        {"pain": 7, "enjoyment": 7, "activity": 7},
        taken_on=first_on,
    )
    latest = assessments.record_assessment(
        db,
        physician,
        patient.id,
        "peg",
        {"pain": 4, "enjoyment": 4, "activity": 5},
        taken_on=latest_on,
    )
    rehab = new_member(db, physician, "physical_rehabilitation")
    referral_id = new_referral(db, physician, patient.id, rehab).id

    data = letter_data(db, physician, referral_id)
    assert data.scores is not None
    # 7.0 -> 4.33 is 38 % lower: past Krebs 2009's 30 %
    assert [s for s in data.scores if s.instrument == "PEG"] == [
        ScoreLine(
            "PEG", latest_on, "4.3", "−38 % from baseline 7.0: meaningful improvement (≥ 30 %)"
        )
    ]
    choices = default_options(db, physician, referral_id)
    [scores] = [c for c in choices.sections if c.section == Section.SCORES]
    details = {item.id: item.detail for item in scores.items}
    assert details[latest.id].endswith("−38 % from baseline 7.0: meaningful improvement (≥ 30 %)")
    pdf = generate_letter(db, physician, referral_id)
    text = pdf_text(pdf)
    assert "from baseline 7.0" in text
    assert "moderate" not in text and "mild" not in text
