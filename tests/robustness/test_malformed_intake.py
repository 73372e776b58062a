"""Hypothesis throws malformed input at the intake services: a hand-entered referral and a
FHIR file. Same promises as test_malformed_input.py: only CareCoord's own errors, a
rejected call writes nothing, every ValidationError names a field (a file's: "file")."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.clinical.vocabulary import AdministrativeSex, Priority
from carecoord.services import intake, intake_import
from tests.exchange.test_fhir_import import primary_care_bundle
from tests.robustness.test_malformed_input import (  # noqa: F401  (world is a fixture)
    DATES,
    EMAILS,
    HYPOTHESIS,
    NASTY_TEXT,
    PHONES,
    World,
    attempt,
    choice_of,
    maybe,
    names,
    words,
    world,
)

pytestmark = pytest.mark.slow

CODES = st.lists(
    maybe(st.sampled_from(["G89.4", "m5450", "M54", "F11.20", "ZZZ", "", " g894 "])), max_size=4
)
INTAKE_INPUT = st.builds(
    intake.IntakeInput,
    referrer_name=maybe(words()),
    family_name=maybe(words()),
    given_name=maybe(words()),
    date_of_birth=DATES,
    reason=maybe(words(80)),
    received_on=DATES,
    referrer_practice=maybe(words()),
    referrer_phone=maybe(PHONES),
    referrer_fax=maybe(PHONES),
    referrer_email=maybe(EMAILS),
    middle_name=maybe(words()),
    sex=choice_of(AdministrativeSex),
    phone=maybe(PHONES),
    referrer_mrn=maybe(words(10)),
    diagnosis_codes=maybe(CODES),
    requested_priority=choice_of(Priority),
)


@given(data=INTAKE_INPUT)
@HYPOTHESIS
def test_create_intake(world: World, data: intake.IntakeInput) -> None:  # noqa: F811
    attempt(
        world,
        "intake.create_intake",
        lambda: intake.create_intake(world.db, world.physician, data),
        names(intake.IntakeInput),
    )


JSON_JUNK = st.one_of(
    st.none(),
    NASTY_TEXT,
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2),
)
KEYS = st.sampled_from(
    [
        "resourceType",
        "id",
        "identifier",
        "priority",
        "subject",
        "requester",
        "reasonCode",
        "reasonReference",
        "note",
        "name",
        "birthDate",
        "gender",
        "telecom",
        "practitioner",
        "organization",
        "code",
        "status",
        "intent",
    ]
)


def _mutated(entry: int, key: str, value: Any, drop: bool) -> bytes:
    bundle = copy.deepcopy(primary_care_bundle())
    resource = bundle["entry"][entry % len(bundle["entry"])]["resource"]
    if drop:
        resource.pop(key, None)
    else:
        resource[key] = value
    return json.dumps(bundle).encode("utf-8", "surrogatepass")


FILES = st.one_of(
    st.binary(max_size=200),
    st.builds(_mutated, st.integers(0, 5), KEYS, JSON_JUNK, st.booleans()),
)


@given(content=FILES)
@HYPOTHESIS
def test_import_bundle(world: World, content: bytes) -> None:  # noqa: F811
    attempt(
        world,
        "intake_import.import_bundle",
        lambda: intake_import.import_bundle(world.db, world.physician, content),
        {"file"},
    )
