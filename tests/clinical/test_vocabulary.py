"""Labels belong to their own enum even when two enums share a value."""

from carecoord.clinical.vocabulary import Discipline, Modality, Priority, ReferralState


def test_same_value_in_two_enums_keeps_separate_labels() -> None:
    assert Discipline.PHYSICAL_THERAPY.value == Modality.PHYSICAL_THERAPY.value
    assert Discipline.PHYSICAL_THERAPY.label == "Physical therapy"
    assert Modality.PHYSICAL_THERAPY.label == "Physical therapy / rehabilitation"


def test_default_and_overridden_labels() -> None:
    assert Priority.STAT.label == "STAT"
    assert ReferralState.REPORT_RECEIVED.label == "Report received"
