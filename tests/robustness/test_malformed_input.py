"""Hypothesis throws malformed input at every service that takes what a person typed.

For each service and at least 500 generated calls: the only exceptions are CareCoord's own
(CareCoordError subclasses), a rejected call writes nothing (every table's row count,
the audit trail included, is unchanged), and every ValidationError names a field the
caller can show the message beside.

Each argument is drawn half from plausible values (so calls get past the first checks
and reach the deeper rules and the database) and half from junk: None, wrong types,
control characters, unpaired surrogates, huge numbers, NaN, far dates, long text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from carecoord.clinical.referral_rules import Targets
from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AdministrativeSex,
    AllergySeverity,
    AssessmentKind,
    AuthorizationOutcome,
    Discipline,
    DocumentKind,
    GoalAxis,
    HeadacheType,
    Modality,
    Priority,
    ReferralState,
    SendMethod,
    UserRole,
)
from carecoord.db import Database
from carecoord.errors import CareCoordError, ValidationError
from carecoord.models import Base
from carecoord.services import (
    assessments,
    documents,
    patients,
    plans,
    record,
    referrals,
    team,
    users,
)
from carecoord.services import settings as clinic_settings
from carecoord.services.actor import Actor
from tests.conftest import make_actor
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("CARECOORD_HYPOTHESIS_EXAMPLES", "500"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
TRIED: dict[str, int] = {}
"""Examples run per service (for the report)."""
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# ----------------------------------------------------------------------------- strategies
NASTY_TEXT = st.sampled_from(
    [
        "",
        "   ",
        "\x00",
        "a\x00b",
        "line\nbreak",
        "tab\there",
        "\x7f",
        "\ud800",
        "Zoë Ñúñez-Łukasz",
        "O'Brien",
        "'; DROP TABLE patients; --",
        '=HYPERLINK("http://x")',
        "x" * 5000,
        "1900-01-01",
        "2999-12-31",
        "02/30/2020",
        "9999999999999999999999",
        "NaN",
        "-1",
    ]
)
JUNK = st.one_of(
    st.none(),
    NASTY_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.binary(max_size=16),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.lists(st.integers(min_value=-5, max_value=5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def maybe(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Half plausible, half junk."""
    return st.one_of(plausible, JUNK)


def words(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=max_size
    )


def choice_of(enum: Any) -> st.SearchStrategy[Any]:
    return maybe(st.sampled_from([*list(enum), *(m.value for m in enum)]))


# Sampled rather than generated from regular expressions: generation is the slow part.
PHONES = st.sampled_from(["555-0100", "+1 (555) 010-0199", "(555) 010 0199 x12", "12", "call"])
EMAILS = st.sampled_from(["zoe@example.org", "a@b.co", "no-at-sign", "a@b", "x@y.z w"])
MRNS = st.sampled_from(["CC0000001", "MRN-42", "abc-1", "-LEADING", "has space", "Ω1"])
USERNAMES = st.sampled_from(["jpark", "j.park-2", "JPARK", "drlee", "a b", "x" * 70])
RECENT_DATES = st.dates(min_value=date(1930, 1, 1), max_value=date.today())
DATES = maybe(
    RECENT_DATES | RECENT_DATES.map(date.isoformat) | st.just(date.today() + timedelta(1))
)
SMALL_INTS = maybe(st.integers(min_value=-3, max_value=40))


# ------------------------------------------------------------------------------ harness
@dataclass
class World:
    """A small clinic the generated calls aim at (valid ids to reach deep code paths)."""

    db: Database
    physician: Actor
    admin: Actor
    patient_id: int
    member_id: int
    referral_id: int
    plan_id: int


@pytest.fixture
def world(db: Database, password_hash: str, monkeypatch: pytest.MonkeyPatch) -> World:
    physician = make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    admin = make_actor(db, password_hash, "admin", UserRole.ADMINISTRATOR, "Pat Admin")
    patient = new_patient(db, physician)
    member = new_member(db, physician)
    referral = new_referral(db, physician, patient.id, member)
    plan = plans.create_plan(db, physician, patient.id, title="Plan", started_on=date.today())
    # Account creation hashes with argon2id (deliberately slow); not what is tested here.
    monkeypatch.setattr(users, "hash_password", lambda password: f"test-hash:{len(password)}")
    return World(db, physician, admin, patient.id, member.id, referral.id, plan.id)


TABLES = list(Base.metadata.sorted_tables)
COUNTS = select(*(select(func.count()).select_from(t).scalar_subquery() for t in TABLES))
"""Built once, so SQLAlchemy compiles it once: it runs twice per example."""


def row_counts(db: Database) -> tuple[int, ...]:
    """Every table's row count (the audit trail's included)."""
    with db.engine.connect() as connection:
        return tuple(connection.execute(COUNTS).one())


def attempt(world: World, service: str, call: Callable[[], Any], known: set[str]) -> None:
    """Run one generated call and check the three promises."""
    TRIED[service] = TRIED.get(service, 0) + 1
    before = row_counts(world.db)
    try:
        call()
    except ValidationError as error:
        assert isinstance(error.field, str) and FIELD_NAME.match(error.field), error
        assert error.field in known, f"{service}: unknown field {error.field!r} ({error})"
        assert error.message, error
    except CareCoordError:
        pass
    else:
        return
    assert row_counts(world.db) == before, f"{service}: a rejected call wrote rows"


def names(*dataclasses: type, extra: tuple[str, ...] = ()) -> set[str]:
    found = {f.name for cls in dataclasses for f in fields(cls)}
    return found | set(extra)


# ------------------------------------------------------------------------------- inputs
PATIENT_INPUT = st.builds(
    patients.PatientInput,
    family_name=maybe(words()),
    given_name=maybe(words()),
    date_of_birth=DATES,
    sex=choice_of(AdministrativeSex),
    middle_name=maybe(words()),
    mrn=maybe(MRNS),
    phone=maybe(PHONES),
    email=maybe(EMAILS),
    address=maybe(words(60)),
    preferred_language=maybe(words(10)),
    insurance_payer=maybe(words()),
    insurance_member_id=maybe(words(10)),
    notes=maybe(words(60)),
)
PATIENT_FIELDS = names(patients.PatientInput, extra=("status", "discharged_on"))


@given(data=PATIENT_INPUT, allow_duplicate=st.booleans())
@HYPOTHESIS
def test_create_patient(world: World, data: patients.PatientInput, allow_duplicate: bool) -> None:
    attempt(
        world,
        "patients.create_patient",
        lambda: patients.create_patient(
            world.db, world.physician, data, allow_duplicate=allow_duplicate
        ),
        PATIENT_FIELDS,
    )


@given(data=PATIENT_INPUT, target=maybe(st.just(0)), version=SMALL_INTS)
@HYPOTHESIS
def test_update_patient(
    world: World, data: patients.PatientInput, target: Any, version: Any
) -> None:
    patient_id = world.patient_id if target == 0 else target
    current = patients.get_patient(world.db, world.physician, world.patient_id).version
    expected = current if version == 1 else version

    def call() -> None:
        patients.update_patient(
            world.db, world.physician, patient_id, data, expected_version=expected
        )

    attempt(world, "patients.update_patient", call, PATIENT_FIELDS)


MEMBER_INPUT = st.builds(
    team.MemberInput,
    family_name=maybe(words()),
    given_name=maybe(words()),
    discipline=choice_of(Discipline),
    credentials=maybe(words(10)),
    specialty=maybe(words()),
    organisation=maybe(words()),
    board_name=maybe(words()),
    board_certification_expires=DATES,
    phone=maybe(PHONES),
    fax=maybe(PHONES),
    email=maybe(EMAILS),
    address=maybe(words(60)),
    is_internal=maybe(st.booleans()),
    notes=maybe(words(60)),
)


@given(data=MEMBER_INPUT)
@HYPOTHESIS
def test_create_member(world: World, data: team.MemberInput) -> None:
    attempt(
        world,
        "team.create_member",
        lambda: team.create_member(world.db, world.physician, data),
        names(team.MemberInput),
    )


AUTHORIZATION = st.builds(
    referrals.AuthorizationInput,
    outcome=choice_of(AuthorizationOutcome),
    payer=maybe(words()),
    member_id=maybe(words(10)),
    number=maybe(words(10)),
    denial_reason=maybe(words()),
    requested_at=maybe(st.datetimes(timezones=st.just(UTC))),
    expedited=maybe(st.booleans()),
    issued_on=DATES,
    provider=maybe(words()),
    service=maybe(words()),
    visits_authorized=SMALL_INTS,
    visits_used=SMALL_INTS,
    valid_from=DATES,
    valid_to=DATES,
)
AUTH_FIELDS = {f"auth_{f.name}" for f in fields(referrals.AuthorizationInput)} | {
    "auth_outcome",
    "auth_denial_reason",
    "auth_number",
}
REFERRAL_FIELDS = (
    names(referrals.ReferralInput, extra=("patient", "recipient", "referring_member", "state"))
    | AUTH_FIELDS
)


@given(
    patient=maybe(st.just(0)),
    discipline=choice_of(Discipline),
    reason=maybe(words(80)),
    recipient=maybe(st.just(0)),
    priority=choice_of(Priority),
    priority_reason=maybe(words()),
    expectation=maybe(st.sampled_from(["advice", "shared_care", "transfer", "evaluation"])),
    question=maybe(words(80)),
    sensitive=maybe(st.booleans()),
    authorization=st.none() | AUTHORIZATION,
)
@HYPOTHESIS
def test_create_referral(world: World, **given_args: Any) -> None:
    a = given_args
    data = referrals.ReferralInput(
        patient_id=world.patient_id if a["patient"] == 0 else a["patient"],
        discipline=a["discipline"],
        reason=a["reason"],
        recipient_member_id=world.member_id if a["recipient"] == 0 else a["recipient"],
        priority=a["priority"],
        priority_reason=a["priority_reason"],
        expectation=a["expectation"],
        clinical_question=a["question"],
        sensitive=a["sensitive"],
    )
    attempt(
        world,
        "referrals.create_referral",
        lambda: referrals.create_referral(world.db, world.physician, data, a["authorization"]),
        REFERRAL_FIELDS,
    )


def _referral_version(world: World, version: Any) -> Any:
    current = referrals.get_referral(world.db, world.physician, world.referral_id).version
    return current if version == 1 else version


@given(data=AUTHORIZATION, target=maybe(st.just(0)), version=SMALL_INTS)
@HYPOTHESIS
def test_update_authorization(
    world: World, data: referrals.AuthorizationInput, target: Any, version: Any
) -> None:
    referral_id = world.referral_id if target == 0 else target
    expected = _referral_version(world, version)
    attempt(
        world,
        "referrals.update_authorization",
        lambda: referrals.update_authorization(
            world.db, world.physician, referral_id, data, expected_version=expected
        ),
        AUTH_FIELDS,
    )


@given(
    to_state=choice_of(ReferralState),
    target=maybe(st.just(0)),
    version=SMALL_INTS,
    reason=maybe(words()),
    on=DATES,
    sent_via=choice_of(SendMethod),
    appointment=DATES,
)
@HYPOTHESIS
def test_transition(world: World, **a: Any) -> None:
    referral_id = world.referral_id if a["target"] == 0 else a["target"]
    expected = _referral_version(world, a["version"])
    attempt(
        world,
        "referrals.transition",
        lambda: referrals.transition(
            world.db,
            world.physician,
            referral_id,
            a["to_state"],
            expected_version=expected,
            reason=a["reason"],
            on=a["on"],
            sent_via=a["sent_via"],
            appointment_date=a["appointment"],
        ),
        {"state", "reason", "on", "sent_via", "appointment_date", "recipient", "auth_outcome"},
    )


MEDICATION = st.builds(
    record.MedicationInput,
    drug=maybe(st.sampled_from(["oxycodone", "morphine", "fentanyl", "sertraline", "ibuprofen"])),
    dose=maybe(st.floats(min_value=-1, max_value=200_000)),
    unit=maybe(st.sampled_from(["mg", "mcg/hr", "mcg"])),
    frequency=maybe(st.sampled_from(["qd", "bid", "tid", "qid", "q4h", "prn", "weekly"])),
    route=maybe(st.sampled_from(["oral", "transdermal", "buccal", "by owl"])),
    start_date=DATES,
    stop_date=DATES,
    max_doses_per_day=maybe(st.floats(min_value=-1, max_value=60)),
    notes=maybe(words()),
)


@given(data=MEDICATION, target=maybe(st.just(0)))
@HYPOTHESIS
def test_add_medication(world: World, data: record.MedicationInput, target: Any) -> None:
    patient_id = world.patient_id if target == 0 else target
    attempt(
        world,
        "record.add_medication",
        lambda: record.add_medication(world.db, world.physician, patient_id, data),
        names(record.MedicationInput),
    )


@given(
    code=maybe(st.sampled_from(["M54.50", "G89.4", "F32.A", "F11.20", "Z79.891", "M54", "X"])),
    onset=DATES,
    notes=maybe(words()),
    target=maybe(st.just(0)),
)
@HYPOTHESIS
def test_add_diagnosis(world: World, code: Any, onset: Any, notes: Any, target: Any) -> None:
    patient_id = world.patient_id if target == 0 else target
    attempt(
        world,
        "record.add_diagnosis",
        lambda: record.add_diagnosis(
            world.db, world.physician, patient_id, code, onset=onset, notes=notes
        ),
        {"code", "onset", "notes"},
    )


@given(
    substance=maybe(words()),
    reaction=maybe(words()),
    severity=choice_of(AllergySeverity),
    target=maybe(st.just(0)),
)
@HYPOTHESIS
def test_add_allergy(
    world: World, substance: Any, reaction: Any, severity: Any, target: Any
) -> None:
    patient_id = world.patient_id if target == 0 else target
    attempt(
        world,
        "record.add_allergy",
        lambda: record.add_allergy(
            world.db, world.physician, patient_id, substance, reaction=reaction, severity=severity
        ),
        {"substance", "reaction", "severity"},
    )


HEADACHE = st.builds(
    record.HeadacheInput,
    headache_type=choice_of(HeadacheType),
    attacks_per_month=SMALL_INTS,
    headache_days_per_month=SMALL_INTS,
    acute_medication_days_per_month=SMALL_INTS,
    with_aura=maybe(st.booleans()),
    triggers=maybe(words()),
    notes=maybe(words(60)),
)


@given(data=HEADACHE, target=maybe(st.just(0)), version=st.none() | SMALL_INTS)
@HYPOTHESIS
def test_save_headache_profile(
    world: World, data: record.HeadacheInput, target: Any, version: Any
) -> None:
    patient_id = world.patient_id if target == 0 else target
    current = record.get_headache_profile(world.db, world.physician, world.patient_id)
    expected = current.version if (current is not None and version == 1) else version
    attempt(
        world,
        "record.save_headache_profile",
        lambda: record.save_headache_profile(
            world.db, world.physician, patient_id, data, expected_version=expected
        ),
        names(record.HeadacheInput),
    )


ANSWER_VALUES = maybe(st.integers(min_value=-2, max_value=12))
ANSWERS = st.one_of(
    st.fixed_dictionaries({"value": ANSWER_VALUES}),
    st.fixed_dictionaries(
        {"pain": ANSWER_VALUES, "enjoyment": ANSWER_VALUES, "activity": ANSWER_VALUES}
    ),
    st.fixed_dictionaries({"items": st.lists(ANSWER_VALUES, min_size=0, max_size=10)}),
    st.fixed_dictionaries(
        {"sex": maybe(st.sampled_from(["female", "male"]))},
        optional={"family_alcohol": maybe(st.booleans()), "age_16_45": maybe(st.booleans())},
    ),
    JUNK,
)


@given(
    kind=choice_of(AssessmentKind),
    answers=ANSWERS,
    taken_on=DATES,
    target=maybe(st.just(0)),
)
@HYPOTHESIS
def test_record_assessment(
    world: World, kind: Any, answers: Any, taken_on: Any, target: Any
) -> None:
    patient_id = world.patient_id if target == 0 else target
    known = {
        "kind",
        "answers",
        "taken_on",
        "items",
        "value",
        "pain",
        "enjoyment",
        "activity",
        "sex",
    }

    def call() -> None:
        assessments.record_assessment(
            world.db, world.physician, patient_id, kind, answers, taken_on=taken_on
        )

    TRIED["assessments.record_assessment"] = TRIED.get("assessments.record_assessment", 0) + 1
    before = row_counts(world.db)
    try:
        call()
    except ValidationError as error:
        # The scoring rules name the answer as "<instrument> <item>" ("peg activity",
        # "phq9 items", "ort sex"); an unexpected key is named as given.
        instrument = error.field.split(" ", 1)[0]
        assert error.field in known or (
            instrument in {k.value for k in AssessmentKind} and " " in error.field
        ), error
        assert error.message, error
        assert row_counts(world.db) == before
    except CareCoordError:
        assert row_counts(world.db) == before


GOAL = st.builds(
    plans.GoalInput,
    axis=choice_of(GoalAxis),
    description=maybe(words()),
    measure=maybe(st.sampled_from(["peg", "nrs", "other", "PEG"])),
    baseline=maybe(st.floats(min_value=-1, max_value=1200)),
    target=maybe(st.floats(min_value=-1, max_value=1200)),
    review_on=DATES,
)
PLAN_FIELDS = names(plans.GoalInput, extra=("title", "started_on", "review_on", "notes", "goals"))


@given(
    title=maybe(words()),
    started_on=DATES,
    review_on=DATES,
    notes=maybe(words(60)),
    goals=st.lists(GOAL, max_size=3).map(tuple),
    target=maybe(st.just(0)),
)
@HYPOTHESIS
def test_create_plan(world: World, **a: Any) -> None:
    patient_id = world.patient_id if a["target"] == 0 else a["target"]
    attempt(
        world,
        "plans.create_plan",
        lambda: plans.create_plan(
            world.db,
            world.physician,
            patient_id,
            title=a["title"],
            started_on=a["started_on"],
            review_on=a["review_on"],
            notes=a["notes"],
            goals=a["goals"],
        ),
        PLAN_FIELDS,
    )


ACTIVITY = st.builds(
    plans.ActivityInput,
    modality=choice_of(Modality),
    description=maybe(words()),
    start_on=DATES,
    end_on=DATES,
    responsible_member_id=maybe(st.just(0)),
    sessions_planned=SMALL_INTS,
    sessions_done=SMALL_INTS,
    status=choice_of(ActivityStatus),
    stop_reason=maybe(words()),
)


@given(data=ACTIVITY, target=maybe(st.just(0)), activity_id=st.none() | JUNK, version=SMALL_INTS)
@HYPOTHESIS
def test_save_activity(
    world: World, data: plans.ActivityInput, target: Any, activity_id: Any, version: Any
) -> None:
    plan_id = world.plan_id if target == 0 else target
    if data.responsible_member_id == 0:
        data = plans.ActivityInput(**{**data.__dict__, "responsible_member_id": world.member_id})
    attempt(
        world,
        "plans.save_activity",
        lambda: plans.save_activity(
            world.db,
            world.physician,
            plan_id,
            data,
            activity_id=activity_id,
            expected_version=version,
        ),
        names(plans.ActivityInput, extra=("responsible_member", "activity")),
    )


UPLOAD = st.builds(
    documents.DocumentUpload,
    file_name=maybe(
        st.sampled_from(["report.pdf", "scan.PNG", "x.jpg", "../../etc/passwd", "a.exe"])
    ),
    content=maybe(st.sampled_from([PDF_BYTES, b"\x89PNG\r\n\x1a\n....", b"", b"MZ\x90\x00"])),
    kind=choice_of(DocumentKind),
    media_type=st.none() | maybe(st.sampled_from(["application/pdf", "image/png", "text/html"])),
    title=maybe(words()),
    received_on=DATES,
)


@given(upload=UPLOAD, target=maybe(st.just(0)), referral=st.none() | maybe(st.just(0)))
@HYPOTHESIS
def test_attach_document(
    world: World, upload: documents.DocumentUpload, target: Any, referral: Any
) -> None:
    patient_id = world.patient_id if target == 0 else target
    referral_id = world.referral_id if referral == 0 else referral
    attempt(
        world,
        "documents.attach_document",
        lambda: documents.attach_document(
            world.db, world.physician, patient_id, upload, referral_id=referral_id
        ),
        names(documents.DocumentUpload, extra=("referral",)),
    )


SETTINGS = st.builds(
    clinic_settings.ClinicSettings,
    clinic_name=maybe(words()),
    address=maybe(words(60)),
    phone=maybe(PHONES),
    fax=maybe(PHONES),
    email=maybe(EMAILS),
    logo_png=st.none() | maybe(st.just(b"\x89PNG\r\n\x1a\nrest")),
    paper_size=maybe(st.sampled_from(["letter", "a4", "A4", "legal"])),
    targets=maybe(st.just(Targets())),
    idle_lock_minutes=maybe(st.integers(min_value=-5, max_value=500)),
)


@given(data=SETTINGS)
@HYPOTHESIS
def test_save_settings(world: World, data: clinic_settings.ClinicSettings) -> None:
    attempt(
        world,
        "settings.save_settings",
        lambda: clinic_settings.save_settings(world.db, world.admin, data),
        names(clinic_settings.ClinicSettings),
    )


@given(
    username=maybe(USERNAMES),
    full_name=maybe(words()),
    password=maybe(st.text(min_size=0, max_size=300)),
    role=choice_of(UserRole),
    member=st.none() | maybe(st.just(0)),
)
@HYPOTHESIS
def test_create_user(world: World, **a: Any) -> None:
    member_id = world.member_id if a["member"] == 0 else a["member"]
    attempt(
        world,
        "users.create_user",
        lambda: users.create_user(
            world.db,
            world.admin,
            username=a["username"],
            full_name=a["full_name"],
            password=a["password"],
            role=a["role"],
            team_member_id=member_id,
        ),
        {"username", "full_name", "password", "role", "team_member_id", "team_member"},
    )


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if TRIED:
        total = sum(TRIED.values())
        print(f"\nmalformed input: {total} examples over {len(TRIED)} services")
        for service, count in sorted(TRIED.items()):
            print(f"  {service:<34} {count:5d}")
