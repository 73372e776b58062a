"""CareCoord referral states -> FHIR R4 ServiceRequest.status / Task.status.

See docs/clinical-reference.md §10.

HL7 FHIR R4 value sets: request-status (ServiceRequest) draft | active | on-hold |
revoked | completed | entered-in-error | unknown; task-status draft | requested |
received | accepted | rejected | ready | cancelled | in-progress | on-hold | failed |
completed | entered-in-error. Task.status "rejected": "The potential performer who
claimed ownership of the task has decided not to execute it"; ServiceRequest "revoked":
"The request (and any implicit authorization to act) has been terminated prior to the
known full completion of the intended actions" by the requester.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.referral_rules import FHIR_CODES, fhir_status
from carecoord.clinical.vocabulary import ReferralState as S
from carecoord.errors import ValidationError


@pytest.mark.parametrize(
    ("state", "service_request", "task"),
    [
        (S.DRAFT, "draft", "draft"),
        (S.SENT, "active", "requested"),
        (S.ACCEPTED, "active", "accepted"),
        (S.SCHEDULED, "active", "ready"),
        (S.SEEN, "active", "in-progress"),
        (S.REPORT_RECEIVED, "completed", "completed"),
        # the specialist's refusal is the performer's (Task); the clinic's request stands
        (S.DECLINED, "active", "rejected"),
        # the clinic withdrew its request
        (S.CANCELLED, "revoked", "cancelled"),
        (S.ON_HOLD, "on-hold", "on-hold"),
    ],
)
def test_state_maps_to_both_resources(state: S, service_request: str, task: str) -> None:
    assert FHIR_CODES[state] == (service_request, task)
    assert fhir_status(state) == (service_request, task)
    assert fhir_status(state.value) == (service_request, task)


@pytest.mark.parametrize("state", list(S))
def test_entered_in_error_overrides_every_state(state: S) -> None:
    assert fhir_status(state, entered_in_error=True) == ("entered-in-error", "entered-in-error")


def test_unknown_state_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as error:
        fhir_status("lost")
    assert error.value.field == "state"
