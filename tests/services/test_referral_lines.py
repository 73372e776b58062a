"""The names every referral list shows, formatted in one place (services/referral_lines.py)."""

from __future__ import annotations

from types import SimpleNamespace

from carecoord.clinical.vocabulary import Discipline
from carecoord.services.referral_lines import patient_name, recipient_name, referral_fields


def test_a_recipient_is_named_with_credentials_only_when_there_are_some() -> None:
    with_credentials = SimpleNamespace(r_given="Łukasz", r_family="Wróbel", r_credentials="MD")
    without = SimpleNamespace(r_given="Zoë", r_family="Ñúñez", r_credentials=None)
    nobody = SimpleNamespace(r_given=None, r_family=None, r_credentials=None)
    assert recipient_name(with_credentials) == "Łukasz Wróbel, MD"
    assert recipient_name(without) == "Zoë Ñúñez"
    assert recipient_name(nobody) is None


def test_a_dashboard_line_names_the_referral_and_its_patient() -> None:
    row = SimpleNamespace(
        id=7,
        patient_id=3,
        family_name="Quinn",
        given_name="Ada",
        mrn="CC-0003",
        discipline=Discipline.PHYSICAL_REHABILITATION,
    )
    assert patient_name(row) == "Quinn, Ada"
    assert referral_fields(row) == {
        "referral_id": 7,
        "patient_id": 3,
        "patient_name": "Quinn, Ada",
        "mrn": "CC-0003",
        "discipline": Discipline.PHYSICAL_REHABILITATION,
    }
