"""Demo data: complete, clinically coherent, deterministic, and refused on a used database."""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from carecoord import demo
from carecoord.clinical import instruments, mme, opioid_safety
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.care_team import care_team_gaps
from carecoord.clinical.vocabulary import (
    AssessmentKind,
    AuthorizationOutcome,
    CareTeamRole,
    Discipline,
    GoalAxis,
    Modality,
    ReferralState,
    UserRole,
)
from carecoord.db import Database
from carecoord.demo import DemoRefused, DemoSummary, fill_demo
from carecoord.demo.archetypes import ICD
from carecoord.models import (
    Assessment,
    AuditEvent,
    CareTeamMembership,
    Diagnosis,
    Document,
    HeadacheProfile,
    Medication,
    Patient,
    PlanActivity,
    PlanGoal,
    Referral,
    ReferralEvent,
    Setting,
    TeamMember,
    User,
)
from carecoord.services import record
from carecoord.services.actor import system_actor
from carecoord.services.patients import PatientInput, create_patient
from carecoord.services.settings import get_settings
from carecoord.services.validation import search_key

PG_ENV = "CARECOORD_TEST_DATABASE_URL"
TODAY = date(2025, 6, 2)
N = 60
S = ReferralState

M = TypeVar("M")

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(PG_ENV), reason=f"PostgreSQL tests need {PG_ENV}; none given"
        ),
    ),
]


def _pg_url(schema: str) -> str:
    """A URL whose connections live in their own, freshly created schema."""
    base = os.environ[PG_ENV]
    if base.startswith("postgresql://"):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop_schema(schema: str) -> None:
    base = os.environ[PG_ENV].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def _open(backend: str, where: Path, name: str) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{where / (name + '.sqlite3')}")
        yield db
        db.dispose()
        return
    schema = f"demo_{name}_{os.getpid()}"
    db = Database(_pg_url(schema))
    yield db
    db.dispose()
    _drop_schema(schema)


@pytest.fixture(scope="module", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, DemoSummary]]:
    """One demo database per backend, shared by the read-only tests of this module."""
    seen: list[tuple[int, int]] = []
    for db in _open(request.param, tmp_path_factory.mktemp("demo"), "shared"):
        summary = fill_demo(
            db, patients=N, seed=1, today=TODAY, progress=lambda d, t: seen.append((d, t))
        )
        assert seen[-1] == (N, N)
        yield db, summary


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _open(request.param, tmp_path, "fresh")


def _all(db: Database, model: type[M]) -> list[M]:
    with db.session() as session:
        rows = list(session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]
        session.expunge_all()  # detached but loaded: the session's rollback must not expire them
        return rows


def _counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Patient, TeamMember, User, Referral, ReferralEvent, Assessment, Setting)
        }


# ------------------------------------------------------------------------------- summary


def test_summary_matches_the_rows(filled: tuple[Database, DemoSummary]) -> None:
    db, summary = filled
    counts = _counts(db)
    assert summary.patients == counts["patients"] == N
    assert summary.team_members == counts["team_members"]
    assert 38 <= summary.team_members <= 42
    assert summary.users == counts["users"] == 4
    assert summary.referrals == counts["referrals"]
    assert 3.5 * N <= summary.referrals <= 6.5 * N  # about five per patient
    assert summary.assessments == counts["assessments"]
    assert summary.plans > N / 2 and summary.activities > summary.plans
    assert summary.documents > 0 and summary.seconds >= 0


def test_settings_users_and_one_audit_event(filled: tuple[Database, DemoSummary]) -> None:
    db, summary = filled
    settings = get_settings(db)
    assert settings.clinic_name == "Riverside Pain & Function Center"
    assert "555" in settings.phone and "555" in settings.fax and settings.address
    users = {u.username: u for u in _all(db, User)}
    assert {u: users[u].role for u in users} == {
        "admin": UserRole.ADMINISTRATOR,
        "drlee": UserRole.PHYSICIAN,
        "therapist": UserRole.CLINICIAN,
        "frontdesk": UserRole.FRONT_DESK,
    }
    members: dict[int | None, TeamMember] = {m.id: m for m in _all(db, TeamMember)}
    assert members[users["drlee"].team_member_id].discipline == Discipline.PAIN_MEDICINE
    assert members[users["therapist"].team_member_id].discipline in (
        Discipline.PSYCHOLOGY,
        Discipline.PHYSICAL_THERAPY,
    )
    assert len({u.password_hash for u in users.values()}) == 1  # hashed once
    from argon2 import PasswordHasher

    assert PasswordHasher().verify(users["admin"].password_hash, demo.DEMO_PASSWORD)
    events = _all(db, AuditEvent)
    assert len(events) == 1
    assert events[0].detail is not None and "demo data loaded" in events[0].detail
    assert (
        f"{N} patients" in events[0].detail and f"{summary.referrals} referrals" in events[0].detail
    )


# ------------------------------------------------------------------------------- members


def test_team_covers_every_discipline_with_warnings(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    members = _all(db, TeamMember)
    assert {m.discipline for m in members} == set(Discipline)
    coordinators = [m for m in members if m.discipline == Discipline.PAIN_MEDICINE and m.active]
    assert len(coordinators) >= 3
    expiries = [m.board_certification_expires for m in members if m.board_certification_expires]
    assert any(TODAY < d <= TODAY + timedelta(days=60) for d in expiries)
    assert any(d < TODAY for d in expiries)
    assert 1 <= sum(not m.active for m in members) <= 2
    assert any(m.is_internal for m in members) and any(not m.is_internal for m in members)
    credentials = " ".join(m.credentials or "" for m in members)
    for credential in ("MD", "DO", "PT", "DPT", "PhD", "PsyD", "LCSW", "LAc", "DC"):
        assert credential in credentials
    for m in members:
        assert m.phone and "555" in m.phone and m.fax and "555" in m.fax
        assert m.email and m.email.endswith((".example.org", ".example.com"))


# ------------------------------------------------------------------------------ patients


def test_patients_have_diverse_fictional_names(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    patients = _all(db, Patient)
    names = {f"{p.given_name} {p.family_name}" for p in patients}
    assert "Zoë Ñúñez" in names and "Łukasz Wróbel" in names
    assert sum(not n.isascii() for n in names) >= 10
    assert len(names) >= N - 3
    for p in patients:
        assert p.mrn == f"CC{p.id:07d}"
        assert p.family_key == search_key(p.family_name)
        assert p.given_key == search_key(p.given_name)
        age = (TODAY - p.date_of_birth).days / 365.25
        assert 19 <= age < 91
        assert p.phone and "555-01" in p.phone
        assert p.email is None or p.email.endswith("@example.com")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # simple-icd-10-cm uses old APIs
def test_diagnosis_titles_are_the_official_ones(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    diagnoses = _all(db, Diagnosis)
    per_patient = Counter(d.patient_id for d in diagnoses)
    assert set(per_patient) == {p.id for p in _all(db, Patient)}
    assert all(1 <= c <= 4 for c in per_patient.values())
    for d in diagnoses:
        assert ICD[d.code] == d.title
    try:
        import simple_icd_10_cm as cm
    except ImportError:  # pragma: no cover - the package is a dependency
        return
    for code, title in ICD.items():
        assert cm.is_leaf(code), code
        assert cm.get_description(code) == title


def test_medications_are_coherent_with_the_mme_rules(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    meds = _all(db, Medication)
    by_patient: dict[int, list[Medication]] = defaultdict(list)
    for m in meds:
        by_patient[m.patient_id].append(m)
        assert m.is_opioid == mme.is_opioid(m.drug)
        assert m.frequency in mme.FREQUENCY_LABELS
    assert all(1 <= len(v) <= 6 for v in by_patient.values())
    opioid_patients = {m.patient_id for m in meds if m.is_opioid}
    assert 0.25 * N <= len(opioid_patients) <= 0.6 * N
    assert any(m.is_psychotropic for m in meds)
    totals = []
    for lines in by_patient.values():
        summary = mme.total_mme(mme.dose_of(m) for m in lines)
        totals.append(summary.total)
        if summary.at_least_50 and not any(m.drug == "alprazolam" for m in lines):
            assert any("naloxone" in m.drug for m in lines)  # (one showcase goes without)
    assert max(totals) > 0
    patches = [m for m in meds if m.drug == mme.FENTANYL_TRANSDERMAL]
    assert patches and all(m.frequency == mme.CONTINUOUS for m in patches)
    assert any("buprenorphine" in m.drug for m in meds)


def test_every_opioid_safety_alert_shows_on_purpose_and_no_other(
    filled: tuple[Database, DemoSummary],
) -> None:
    """Issue #9: each CDC 2022 alert on at least one demo patient, and only where meant."""
    db, _ = filled
    meds: dict[int, list[record.MedicationView]] = defaultdict(list)
    for row in _all(db, Medication):
        meds[row.patient_id].append(record.medication_view(row, system_actor(UserRole.PHYSICIAN)))
    diagnoses: dict[int, list[str]] = defaultdict(list)
    for d in _all(db, Diagnosis):
        diagnoses[d.patient_id].append(d.code)
    seen: dict[str, set[int]] = defaultdict(set)
    for patient in _all(db, Patient):
        views = meds[patient.id]
        assert all(m.needs_review is None for m in views), patient.id
        found = opioid_safety.alerts(record.current_doses(views), diagnoses[patient.id])
        for alert in found:
            seen[alert.code].add(patient.id)
        drugs = " ".join(m.drug for m in views if m.current)
        codes = {a.code for a in found}
        if "opioid_benzodiazepine" in codes or "naloxone" in codes:
            # only the two showcases built without naloxone
            assert "alprazolam" in drugs or "F11.20" in diagnoses[patient.id]
        if "unrecognised_opioid" in codes:
            assert "oxycodon " in drugs + " "
        if "moud" in codes:
            assert "buprenorphine/naloxone" not in drugs
    assert set(seen) >= {
        "opioid_benzodiazepine",
        "opioid_gabapentinoid",
        "naloxone",
        "moud",
        "mme_50",
        "mme_90",
        "not_converted",
        "unrecognised_opioid",
    }
    assert len(seen["opioid_benzodiazepine"]) == 1 and len(seen["moud"]) == 1
    assert len(seen["opioid_gabapentinoid"]) == 1 and len(seen["unrecognised_opioid"]) == 1


def test_headache_and_opioid_dependence_are_followed_up(
    filled: tuple[Database, DemoSummary],
) -> None:
    db, _ = filled
    codes: dict[int, set[str]] = defaultdict(set)
    for d in _all(db, Diagnosis):
        codes[d.patient_id].add(d.code)
    profiles = {h.patient_id for h in _all(db, HeadacheProfile)}
    headache = {p for p, c in codes.items() if any(x[:3] in ("G43", "G44") for x in c)}
    assert profiles <= headache
    referrals: dict[int, set[Discipline]] = defaultdict(set)
    for r in _all(db, Referral):
        referrals[r.patient_id].add(r.discipline)
    opioid_users = {m.patient_id for m in _all(db, Medication) if m.is_opioid}
    for patient_id, patient_codes in codes.items():
        if "F11.20" in patient_codes:
            assert patient_id in opioid_users
            assert Discipline.PAIN_REHABILITATION_PROGRAM in referrals[patient_id]
    if profiles:
        with_neuro = sum(Discipline.NEUROLOGY_HEADACHE in referrals[p] for p in profiles)
        assert with_neuro >= len(profiles) / 2


# ---------------------------------------------------------------------------- care team


def test_care_teams_have_one_coordinator_and_some_gaps(
    filled: tuple[Database, DemoSummary],
) -> None:
    db, _ = filled
    memberships = _all(db, CareTeamMembership)
    active: dict[int, list[CareTeamRole]] = defaultdict(list)
    for m in memberships:
        if m.until is None:
            active[m.patient_id].append(m.role)
        else:
            assert m.since <= m.until <= TODAY
    patients = {p.id for p in _all(db, Patient)}
    for patient_id in patients:
        assert active[patient_id].count(CareTeamRole.COORDINATING_PHYSICIAN) == 1
    gaps = [p for p in patients if care_team_gaps(active[p])]
    assert 0 < len(gaps) < N / 2
    assert any(m.until is not None for m in memberships)


# --------------------------------------------------------------------------- assessments


def test_assessment_totals_match_the_instruments(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    rows = _all(db, Assessment)
    kinds = Counter(a.kind for a in rows)
    assert set(kinds) == set(AssessmentKind)
    assert kinds[AssessmentKind.PEG] == kinds[AssessmentKind.NRS] >= 4 * N
    for a in rows:
        result = instruments.score(a.kind, a.answers)
        assert a.total == pytest.approx(result.total)
        assert a.band == result.band
        assert a.alert == (a.kind == AssessmentKind.PHQ9 and a.answers["items"][8] > 0)
        assert a.taken_on <= TODAY
        assert a.recorded_by in demo.DEMO_USERNAMES
    first_last: dict[int, list[float]] = defaultdict(list)
    for a in sorted(rows, key=lambda a: a.taken_on):
        if a.kind == AssessmentKind.PEG:
            first_last[a.patient_id].append(a.total)
    improved = sum(
        instruments.meaningful_change("peg", v[0], v[-1]).meaningful
        for v in first_last.values()
        if len(v) > 2
    )
    assert improved >= N / 5


# --------------------------------------------------------------------------------- plans


def test_plans_cover_every_modality_and_three_axes(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    activities = _all(db, PlanActivity)
    assert {a.modality for a in activities} == set(Modality)
    for a in activities:
        assert a.sessions_planned is None or a.sessions_done <= a.sessions_planned
        assert a.end_on is None or a.end_on >= a.start_on
        assert (a.stop_reason is not None) == (a.status.value == "stopped")
        assert a.responsible_member_id is not None
    goals = _all(db, PlanGoal)
    axes: dict[int, set[GoalAxis]] = defaultdict(set)
    for g in goals:
        axes[g.plan_id].add(g.axis)
        assert g.target is not None and g.baseline is not None and g.target <= g.baseline
    assert all(a == set(GoalAxis) for a in axes.values())


# ----------------------------------------------------------------------------- referrals


def test_referrals_in_every_state_with_coherent_dates(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    referrals = _all(db, Referral)
    assert {r.state for r in referrals} == set(ReferralState)
    overdue = [
        r for r in referrals if rules.is_overdue(r.state, r.appointment_due, r.report_due, TODAY)
    ]
    assert any(r.state in (S.SENT, S.ACCEPTED) for r in overdue)
    assert any(r.state == S.SEEN for r in overdue)
    for r in referrals:
        expected_due = {
            S.SENT: r.appointment_due,
            S.ACCEPTED: r.appointment_due,
            S.SCHEDULED: r.appointment_date,
            S.SEEN: r.report_due,
            S.ON_HOLD: r.hold_review_on,
        }.get(r.state)
        assert r.due_on == expected_due, r.id
        assert (r.hold_review_on is not None) == (r.state == S.ON_HOLD), r.id
        assert r.booked_late == (
            r.appointment_date is not None
            and r.appointment_due is not None
            and r.appointment_date > r.appointment_due
        ), r.id
        if r.sent_on is not None:
            assert r.appointment_due == rules.appointment_due(r.sent_on, r.priority, r.discipline)
            assert r.sent_via is not None and r.sent_on <= TODAY
        else:
            assert r.state in (S.DRAFT, S.CANCELLED) and r.appointment_due is None
        if r.seen_on is not None:
            assert r.report_due == rules.report_due(r.seen_on)
            assert r.appointment_date == r.seen_on and r.sent_on is not None
            assert r.sent_on <= r.seen_on <= TODAY
        assert (r.held_from is not None) == (r.state == S.ON_HOLD)
        if r.held_from is not None:
            assert r.held_from in rules.HOLDABLE_STATES
        assert (r.closed_on is not None) == (r.state in rules.CLOSED_STATES)
        if r.state == S.REPORT_RECEIVED:
            assert r.closed_on == r.report_received_on
        assert (r.priority.value == "routine") == (r.priority_reason is None)
        assert r.reason and r.clinical_question
        if r.appointment_date is not None and r.sent_on is not None:
            assert r.appointment_date >= r.sent_on


def test_referral_history_walks_the_state_machine(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    referrals = {r.id: r for r in _all(db, Referral)}
    history: dict[int, list[ReferralEvent]] = defaultdict(list)
    for event in _all(db, ReferralEvent):
        history[event.referral_id].append(event)
    assert set(history) == set(referrals)
    for referral_id, events in history.items():
        referral = referrals[referral_id]
        assert events[0].kind == "created" and events[0].to_state == S.DRAFT
        assert [e.at for e in events] == sorted(e.at for e in events)
        state, held_from, hold_reason = S.DRAFT, None, None
        for e in events[1:]:
            if e.kind != "transition":
                assert e.kind == "authorization"
                continue
            assert e.from_state == state
            assert e.to_state is not None
            rules.check_transition(state, e.to_state, held_from)
            if e.to_state in rules.REASON_REQUIRED:
                assert e.reason
            held_from = state if e.to_state == S.ON_HOLD else None
            hold_reason = e.reason if e.to_state == S.ON_HOLD else None
            state = e.to_state
            assert e.at.date() <= TODAY
        assert state == referral.state
        # a held referral records the reason its hold gave (as the workflow's HOLD does)
        assert referral.hold_reason == hold_reason, referral_id
        assert referral.updated_at == events[-1].at


def test_authorisations_cover_every_outcome(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    referrals = _all(db, Referral)
    outcomes = Counter(r.auth_outcome for r in referrals)
    assert set(outcomes) == set(AuthorizationOutcome)
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
    late = expiring = 0
    for r in referrals:
        if r.auth_outcome == AuthorizationOutcome.DENIED:
            assert r.state in (S.DECLINED, S.CANCELLED, S.DRAFT) and r.auth_denial_reason
        if r.auth_outcome == AuthorizationOutcome.PENDING:
            assert r.auth_requested_at is not None
            late += rules.authorization_decision_overdue(r.auth_requested_at, r.auth_expedited, now)
        if r.auth_outcome == AuthorizationOutcome.APPROVED:
            assert r.auth_number and r.auth_valid_to and r.auth_valid_from
            assert r.auth_visits_authorized is not None
            assert 0 <= r.auth_visits_used <= r.auth_visits_authorized
            assert r.auth_valid_from <= r.auth_valid_to
            expiring += r.state in rules.OPEN_STATES and rules.authorization_expiring(
                r.auth_valid_to, r.auth_visits_authorized, r.auth_visits_used, TODAY
            )
    assert late > 0 and expiring > 0


def test_reports_are_one_valid_pdf(filled: tuple[Database, DemoSummary]) -> None:
    db, summary = filled
    with db.session() as session:
        documents = list(session.scalars(select(Document).order_by(Document.id).limit(3)))
        content = documents[0].content
        session.expunge_all()
    closed = [r for r in _all(db, Referral) if r.state == S.REPORT_RECEIVED]
    # Referrals' reports (incoming imaging, labs and records have no referral).
    with_report = {d.referral_id for d in _all(db, Document) if d.referral_id is not None}
    for r in closed:
        assert (r.id in with_report) != bool(r.no_report_reason)
    assert summary.documents == len(with_report)
    assert content == demo.report_pdf()
    assert documents[0].sha256 == hashlib.sha256(content).hexdigest()
    assert documents[0].size_bytes == len(content)
    assert documents[0].media_type == "application/pdf"
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(content)).pages[0]
    assert "Specialist report" in page.extract_text()


# --------------------------------------------------------------- refusal, determinism, ids


def test_refused_on_a_database_with_patients(filled: tuple[Database, DemoSummary]) -> None:
    db, _ = filled
    before = _counts(db)
    with pytest.raises(DemoRefused, match=f"already holds {N} patients"):
        fill_demo(db, patients=5, today=TODAY)
    assert _counts(db) == before


def test_same_seed_same_data(tmp_path: Path) -> None:
    def people(name: str, seed: int) -> list[tuple[str, str, str, date]]:
        db = Database(f"sqlite:///{tmp_path / name}")
        fill_demo(db, patients=25, seed=seed, today=TODAY)
        rows = [(p.mrn, p.given_name, p.family_name, p.date_of_birth) for p in _all(db, Patient)]
        db.dispose()
        return rows

    first = people("a.sqlite3", 7)
    assert first == people("b.sqlite3", 7)
    assert first != people("c.sqlite3", 8)


def test_later_inserts_get_fresh_ids(fresh: Database) -> None:
    summary = fill_demo(fresh, patients=4, today=TODAY)
    created = create_patient(
        fresh,
        system_actor(),
        PatientInput(family_name="Nuevo", given_name="Paciente", date_of_birth="1980-01-02"),
    )
    assert created.id == summary.patients + 1
    assert created.mrn == f"CC{created.id:07d}"
    assert _counts(fresh)["patients"] == 5


def test_zero_patients_and_bad_count(fresh: Database) -> None:
    summary = fill_demo(fresh, patients=0, today=TODAY)
    assert summary.patients == 0 and summary.team_members >= 38
    with pytest.raises(ValueError, match="0 or more"):
        fill_demo(fresh, patients=-1)


def test_referral_reasons_keep_the_instruments_capitals(
    filled: tuple[Database, DemoSummary],
) -> None:
    db, _ = filled
    with db.session() as session:
        reasons = set(session.scalars(select(Referral.reason)))
    assert any(r.startswith("Positive PHQ-9 screen in a patient with ") for r in reasons)
    assert not any("phq-9" in r for r in reasons)
    assert all(r[:1].isupper() for r in reasons)


def test_postgresql_demo_streams_rows_with_copy_then_analyzes(db: Database) -> None:
    from sqlalchemy import event

    if db.dialect != "postgresql":
        pytest.skip("COPY and ANALYZE are the PostgreSQL path; SQLite uses executemany")
    inserts: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: inserts.append(a[2]))
    demo.fill_demo(db, patients=30, seed=5, today=date(2026, 3, 2))
    bulk = ("patients", "referrals", "referral_events", "assessments", "medications")
    assert not [s for s in inserts for t in bulk if s.lstrip().startswith(f"INSERT INTO {t} ")]
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM patients")).scalar() == 30
        analyzed = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'patients'::regclass")
        ).scalar()
    assert analyzed == 30  # -1 (never analyzed) without the ANALYZE at the end


BUILT_TABLES = ("patients", "diagnoses", "medications", "assessments", "referrals",
                "referral_events", "plan_activities", "documents")  # fmt: skip


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in BUILT_TABLES}


def counted_forks(monkeypatch: pytest.MonkeyPatch, *, batch: int) -> list[int]:
    """Batches of ``batch`` patients; the list gains an entry each time a builder is forked."""
    from carecoord.demo import batches

    monkeypatch.setattr(batches, "BATCH_PATIENTS", batch)
    forks: list[int] = []
    forked = batches._forked

    def counted(*args: Any) -> Iterator[int]:
        forks.append(1)
        return forked(*args)

    monkeypatch.setattr(batches, "_forked", counted)
    return forks


def test_a_forked_builder_writes_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built in a helper process batch by batch, or here: the same rows, and progress."""
    from carecoord.demo import batches

    forks = counted_forks(monkeypatch, batch=7)
    seen: list[int] = []
    db = Database(f"sqlite:///{tmp_path / 'forked.sqlite3'}")
    fill_demo(db, patients=25, seed=3, today=TODAY, progress=lambda done, _: seen.append(done))
    db.dispose()
    monkeypatch.setattr(batches, "FORK_FROM", 10**9)
    db = Database(f"sqlite:///{tmp_path / 'here.sqlite3'}")
    fill_demo(db, patients=25, seed=3, today=TODAY)
    db.dispose()
    assert forks == [1] and seen == [7, 14, 21, 25]
    assert _rows(tmp_path / "forked.sqlite3") == _rows(tmp_path / "here.sqlite3")


def test_a_failing_builder_process_fails_the_fill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecoord.demo import batches
    from carecoord.demo.builder import Builder

    monkeypatch.setattr(batches, "BATCH_PATIENTS", 3)

    def broken(self: Builder, index: int) -> None:
        raise ValueError(f"no patient {index}")

    monkeypatch.setattr(Builder, "patient", broken)
    db = Database(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    with pytest.raises(RuntimeError, match="no patient 0"):
        fill_demo(db, patients=10, today=TODAY)
    assert _counts(db)["patients"] == 0  # nothing kept
    db.dispose()


def test_the_load_uses_a_rollback_journal_then_wal_again(tmp_path: Path) -> None:
    """A rollback journal during the load (a crash undoes it all), WAL as always after."""
    import sqlite3

    path = tmp_path / "journal.sqlite3"
    db = Database(f"sqlite:///{path}")
    during: list[bool] = []
    fill_demo(db, patients=5, today=TODAY, progress=lambda *_: during.append(
        Path(f"{path}-journal").exists()))  # fmt: skip
    db.dispose()
    assert during == [True]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_load_stays_in_wal_when_another_connection_has_the_file(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "shared.sqlite3"
    db = Database(f"sqlite:///{path}")
    other = sqlite3.connect(path)
    other.execute("SELECT COUNT(*) FROM patients").fetchall()
    journal: list[bool] = []
    try:
        summary = fill_demo(db, patients=5, today=TODAY, progress=lambda *_: journal.append(
            Path(f"{path}-journal").exists()))  # fmt: skip
    finally:
        other.close()
    db.dispose()
    assert summary.patients == 5 and journal == [False]


def test_the_indexes_dropped_for_the_load_are_built_again(tmp_path: Path) -> None:
    import sqlite3

    def indexes(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
            return conn.execute(query).fetchall()

    Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}").dispose()
    db = Database(f"sqlite:///{tmp_path / 'filled.sqlite3'}")
    fill_demo(db, patients=5, today=TODAY)
    db.dispose()
    assert indexes(tmp_path / "filled.sqlite3") == indexes(tmp_path / "empty.sqlite3")


def test_indexes_and_keys_are_dropped_for_the_load_and_made_again_on_each_database(
    fresh: Database,
) -> None:
    from sqlalchemy import event

    postgresql = fresh.dialect == "postgresql"

    def schema() -> list[tuple[str, str]]:
        queries = (
            [
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() ORDER BY indexname",
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace ORDER BY conname",
            ]
            if postgresql
            else ["SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"]
        )
        with fresh.engine.connect() as conn:
            return [(name, sql) for query in queries for name, sql in conn.execute(text(query))]

    before = schema()
    dropped: list[str] = []
    event.listen(
        fresh.engine,
        "before_cursor_execute",
        lambda *a: dropped.append(a[2]) if " DROP " in f" {a[2]}" else None,
    )
    fill_demo(fresh, patients=5, today=TODAY)
    assert schema() == before  # every index and key is back, defined as before
    named = {sql.split()[-1].strip('"') for sql in dropped}
    assert "ix_referrals_state_booked_late_due_on" in named  # a plain index goes, keys stay
    assert "uq_care_team_one_active_coordinator" in named  # a partial unique index (no key)
    assert not [name for name in named if name.startswith("pk_")]
    # PostgreSQL checks a foreign key row by row during the load unless it is dropped
    assert ("fk_referral_events_referral_id_referrals" in named) == postgresql


def test_a_row_breaking_a_foreign_key_fails_the_load_and_leaves_the_schema(
    fresh: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the keys dropped for the load, the check comes when they are made again: the
    load must still fail, write nothing and leave every key and index in place."""
    from sqlalchemy.exc import IntegrityError

    from carecoord.demo.sink import Sink

    def constraints() -> list[str]:
        query = (
            "SELECT conname FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace ORDER BY conname"
            if fresh.dialect == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        with fresh.engine.connect() as conn:
            return list(conn.execute(text(query)).scalars())

    before = constraints()
    flush = Sink.flush

    def flush_with_an_orphan(sink: Sink) -> None:
        if sink.rows["referral_events"]:  # an event of a referral that does not exist
            orphan = (10**9, 10**9, sink.stamp(TODAY), "drlee", "created", None, "draft", None)
            sink.rows["referral_events"].append(orphan)
        flush(sink)

    monkeypatch.setattr(Sink, "flush", flush_with_an_orphan)
    with pytest.raises(IntegrityError, match="referral"):
        fill_demo(fresh, patients=5, today=TODAY)
    assert _counts(fresh)["patients"] == 0
    assert constraints() == before


def test_a_forked_builder_on_each_database(
    fresh: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper process's rows go in by executemany (SQLite) or COPY (PostgreSQL)."""
    forks = counted_forks(monkeypatch, batch=6)
    summary = fill_demo(fresh, patients=20, seed=4, today=TODAY)
    counts = _counts(fresh)
    assert forks == [1] and summary.patients == counts["patients"] == 20
    assert summary.referrals == counts["referrals"] > 20
