"""The allergy state and its wording (docs/clinical-reference.md §10.1), without a database."""

from __future__ import annotations

from datetime import date

import pytest

from carecoord.clinical.allergy_status import (
    NOT_RECORDED,
    SNOMED_NO_KNOWN_ALLERGY,
    AllergyItem,
    AllergyState,
    Confirmation,
    chip,
    derive,
    fhir_no_known_allergy,
    statement,
)

CONFIRMED = Confirmation("Dr Avery Lee", date(2026, 3, 4))
PENICILLIN = AllergyItem("Penicillin", "Hives", "Moderate")


def test_neither_list_nor_confirmation_is_unknown() -> None:
    status = derive([], None)
    assert status.state is AllergyState.UNKNOWN and status.unknown
    assert statement(status) == NOT_RECORDED == "Allergy status not yet recorded"
    assert chip(status) == (NOT_RECORDED, "warning")


@pytest.mark.parametrize(
    ("style", "printed"),
    [
        ("us_long", "March 4, 2026"),
        ("us_numeric", "03/04/2026"),
        ("iso", "2026-03-04"),
        ("day_month", "4 March 2026"),
    ],
)
def test_no_known_allergies_names_who_and_when_in_the_clinics_format(
    style: str, printed: str
) -> None:
    status = derive([], CONFIRMED)
    assert status.state is AllergyState.NO_KNOWN_ALLERGIES
    expected = f"No known drug allergies (confirmed by Dr Avery Lee on {printed})"
    assert statement(status, style) == expected
    assert chip(status, style) == (expected, "ok")


def test_a_list_wins_over_a_confirmation() -> None:
    status = derive([PENICILLIN, AllergyItem("Latex", None, "Unknown")], CONFIRMED)
    assert status.state is AllergyState.HAS_ALLERGIES and status.confirmation is None
    assert statement(status) == "Penicillin (Hives; Moderate); Latex"
    assert chip(status) == ("Allergies: Penicillin, Latex", "danger")


def test_a_long_list_is_counted_on_the_chip() -> None:
    items = [AllergyItem(f"Drug {n}") for n in range(8)]
    text, level = chip(derive(items, None))
    assert text == "Allergies: Drug 0, Drug 1, Drug 2, Drug 3, Drug 4 +3 more"
    assert level == "danger"


def test_fhir_resource_for_no_known_allergies() -> None:
    resource = fhir_no_known_allergy("Patient/12", derive([], CONFIRMED))
    assert resource["resourceType"] == "AllergyIntolerance"
    coding = resource["code"]["coding"][0]
    assert (coding["system"], coding["code"]) == ("http://snomed.info/sct", "716186003")
    assert coding["code"] == SNOMED_NO_KNOWN_ALLERGY
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert resource["clinicalStatus"]["coding"][0]["code"] == "active"
    assert resource["recordedDate"] == "2026-03-04"
    assert resource["patient"] == {"reference": "Patient/12"}
    for other in (derive([], None), derive([PENICILLIN], None)):
        with pytest.raises(ValueError, match="no known allergies"):
            fhir_no_known_allergy("Patient/12", other)
