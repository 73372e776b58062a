"""The permission matrix is complete, and every service function obeys it for every role."""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from carecoord.clinical.vocabulary import DataCategory, Discipline, UserRole
from carecoord.db import Database
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.models import ReviewItem, User, utcnow
from carecoord.services import (
    appointments,
    assessments,
    audit_log,
    chart,
    consents,
    dashboard,
    delivery,
    documents,
    export,
    fhir,
    intake,
    intake_import,
    intake_lists,
    letters,
    monitoring,
    monitoring_demo,
    my_patients,
    notes,
    pain_drawings,
    patients,
    plan_report,
    plans,
    record,
    referral_errors,
    referrals,
    review,
    settings,
    team,
    users,
    worklist,
)
from carecoord.services.actor import Actor
from carecoord.services.permissions import (
    BREAK_GLASS,
    MATRIX,
    Action,
    allowed,
    assessment_category,
    diagnosis_category,
    referral_category,
)
from tests.conftest import make_actor
from tests.exchange.test_fhir_import import primary_care_bundle
from tests.letters.samples import small_pdf
from tests.services.helpers import PDF_BYTES, new_member, new_patient, new_referral
from tests.services.test_permissions_matrix import expected_allowed as allows
from tests.services.test_permissions_matrix import expected_note_writer


def test_every_role_has_a_rule_for_every_action() -> None:
    for role in UserRole:
        assert set(MATRIX[role]) == set(Action), role
        for categories in MATRIX[role].values():
            assert DataCategory.PSYCHOTHERAPY_NOTE not in categories  # author-only, never by role


def test_front_desk_handles_logistics_but_reads_only_general_clinical_data() -> None:
    role = UserRole.FRONT_DESK
    assert allowed(role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.PSYCHIATRIC)
    assert allowed(role, Action.EDIT_REFERRAL_LOGISTICS, DataCategory.SUBSTANCE_USE)
    assert allowed(role, Action.READ_CLINICAL, DataCategory.GENERAL)
    assert not allowed(role, Action.READ_CLINICAL, DataCategory.PSYCHIATRIC)
    assert not allowed(role, Action.READ_CLINICAL, DataCategory.SUBSTANCE_USE)
    assert not allowed(role, Action.EDIT_CLINICAL, DataCategory.GENERAL)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("F11.20", "substance_use"),
        ("F32.A", "psychiatric"),
        ("F41.1", "psychiatric"),
        ("G89.4", "general"),
        ("M79.7", "general"),
    ],
)
def test_diagnosis_categories(code: str, category: str) -> None:
    assert diagnosis_category(code) == category


def test_referral_and_assessment_categories() -> None:
    assert referral_category(Discipline.PSYCHIATRY, False) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.PSYCHOLOGY, False) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.PAIN_REHABILITATION_PROGRAM, False) == "substance_use"
    assert referral_category(Discipline.NEUROSURGERY, True) == DataCategory.PSYCHIATRIC
    assert referral_category(Discipline.NEUROSURGERY, False) == DataCategory.GENERAL
    assert assessment_category("phq9") == "psychiatric" and assessment_category("nrs") == "general"


def test_break_glass_adds_reading_only_and_never_notes() -> None:
    assert set(BREAK_GLASS) == {Action.READ_CLINICAL}
    assert DataCategory.PSYCHOTHERAPY_NOTE not in BREAK_GLASS[Action.READ_CLINICAL]


# ------------------------------------------------------------------------ the walk
# Every public service function taking (db, actor, ...) is called for every role (also
# with break-glass access on, and as the owner of the data) and every data category it
# handles; the outcome must be what the written-out table in test_permissions_matrix.py
# says (never the matrix under test, so a wrong entry in the code fails here too). A new
# service function fails ``test_the_walk_covers_every_service_function`` until it gets an
# entry here.

G, P, N, S = (
    DataCategory.GENERAL,
    DataCategory.PSYCHIATRIC,
    DataCategory.PSYCHOTHERAPY_NOTE,
    DataCategory.SUBSTANCE_USE,
)
DISCIPLINE = {G: "neurosurgery", P: "psychiatry", S: "pain_rehabilitation_program"}
DIAGNOSIS = {G: "G89.4", P: "F41.1", S: "F11.20"}
ASSESSMENT: dict[DataCategory, tuple[str, dict[str, Any]]] = {
    G: ("nrs", {"value": 6}),
    P: ("phq9", {"items": [1] * 9}),
    S: ("ort", {"sex": "female"}),
}
MONITORING = {
    G: monitoring.ResultEntry("liver", date.today(), values={"alt": 30}),
    S: monitoring.ResultEntry(
        "drug_screen",
        date.today(),
        screens=(monitoring.ScreenEntry("cocaine", "negative"),),
    ),
}
PASSWORD = "correct horse battery"  # the password_hash fixture's password


class World:
    """The data one call needs, made fresh (lazily) by the data's owner, a physician."""

    def __init__(self, db: Database, owner: Actor, admin: Actor) -> None:
        self.db, self.owner, self.admin = db, owner, admin
        self._patient: int | None = None

    def patient(self) -> int:
        if self._patient is None:
            born = date(1950, 1, 1) + timedelta(days=next(PATIENTS))  # no duplicate warnings
            self._patient = new_patient(self.db, self.owner, born=born).id
        return self._patient

    def version(self) -> int:
        return patients.get_patient(self.db, self.owner, self.patient()).version

    def referral(self, category: DataCategory = G) -> referrals.ReferralView:
        member = new_member(self.db, self.owner, DISCIPLINE[category])
        return new_referral(self.db, self.owner, self.patient(), member)

    def scheduled(self, category: DataCategory) -> referrals.ReferralView:
        row = self.referral(category)
        for state, extra in (
            ("sent", {"sent_via": "fax"}),
            ("accepted", {"on": date.today()}),
            ("scheduled", {"appointment_date": date.today()}),
        ):
            row = referrals.transition(
                self.db, self.owner, row.id, state, expected_version=row.version, **extra
            )
        return row

    def review_item(self, category: DataCategory) -> int:
        """A filed report waiting in the inbox (no reviewer: any permitted clinician)."""
        row = self.scheduled(category)
        referrals.record_report_received(
            self.db,
            self.owner,
            row.id,
            expected_version=row.version,
            report=documents.DocumentUpload("report.pdf", PDF_BYTES),
        )
        with self.db.session() as session:
            item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.referral_id == row.id))
        assert item_id is not None
        return item_id

    def document_review(self, category: DataCategory) -> int:
        """A document filed on the chart, waiting for review (no coordinating physician:
        unassigned, so only a physician may record its review)."""
        document = self.document(category)
        with self.db.session() as session:
            item_id = session.scalar(
                select(ReviewItem.id).where(ReviewItem.document_id == document.id)
            )
        assert item_id is not None
        return item_id

    def document(self, category: DataCategory) -> documents.DocumentView:
        upload = documents.DocumentUpload("report.pdf", PDF_BYTES, "specialist_report")
        return documents.attach_document(
            self.db, self.owner, self.patient(), upload, referral_id=self.referral(category).id
        )

    def diagnosis(self, category: DataCategory) -> record.DiagnosisView:
        return record.add_diagnosis(self.db, self.owner, self.patient(), DIAGNOSIS[category])

    def assessed(self, category: DataCategory) -> int:
        kind, answers = ASSESSMENT[category]
        assessments.record_assessment(self.db, self.owner, self.patient(), kind, answers)
        return self.patient()

    def medication(self) -> record.MedicationView:
        data = record.MedicationInput("naproxen", 500, "mg", "bid")
        return record.add_medication(self.db, self.owner, self.patient(), data)

    def plan(self) -> plans.PlanView:
        return plans.create_plan(
            self.db, self.owner, self.patient(), title="Return to work", started_on=date.today()
        )

    def activity(self) -> plans.PlanView:
        return plans.save_activity(self.db, self.owner, self.plan().id, ACTIVITY)

    def monitoring_result(self, category: DataCategory) -> int:
        return monitoring.record_result(
            self.db, self.owner, self.patient(), MONITORING[category]
        ).id

    def member(self) -> team.MemberView:
        return new_member(self.db, self.owner, "physical_rehabilitation", "Wróbel", "Łukasz")

    def membership(self) -> team.MembershipView:
        return team.assign_member(
            self.db, self.owner, self.patient(), self.member().id, "rehabilitation_specialist"
        )

    def pain_drawing(self) -> pain_drawings.PainDrawingView:
        return pain_drawings.save_pain_drawing(self.db, self.owner, self.patient(), LOW_BACK)

    def note(self) -> notes.NoteView:
        return notes.create_note(self.db, self.owner, self.patient(), "Session notes")

    def account(self, by: Actor | None = None) -> users.UserView:
        return users.create_user(
            self.db,
            by or self.admin,
            username=f"jpark{next(ACCOUNTS)}",
            full_name="Jo Park",
            password="long enough",
            role="clinician",
        )

    def designate(self, actor: Actor) -> Actor:
        row = users.get_user(self.db, self.admin, actor.user_id or 0)
        users.update_user(
            self.db,
            self.admin,
            row.id,
            full_name=row.full_name,
            role=row.role,
            team_member_id=row.team_member_id,
            break_glass_allowed=True,
            expected_version=row.version,
        )
        return actor


ACCOUNTS = itertools.count(1)
PATIENTS = itertools.count(1)
LOW_BACK = pain_drawings.PainDrawingInput(
    date.today(), [{"view": "back", "x": 118, "y": 190, "kind": "aching"}]
)
ACTIVITY = plans.ActivityInput("physical_therapy", "Graded activity", date.today())
Call = Callable[[World, Actor], Any]
Permitted = Callable[[Actor], bool]


@dataclass(frozen=True)
class Case:
    """One call; ``permitted`` says (from the written-out table) whether it may succeed;
    ``check`` looks at a permitted result for content hidden from some roles."""

    call: Call
    permitted: Permitted
    check: Callable[[Any, Actor], object] | None = None  # raises, or returns False, if wrong


def gate(action: Action, category: DataCategory = G) -> Permitted:
    return lambda a: allows(a, action, category)


def anyone(_actor: Actor) -> bool:
    return True


def shows(category: DataCategory, visible: Callable[[Any], bool]) -> Callable[[Any, Actor], None]:
    """The result shows the ``category`` item exactly when the actor may read it."""

    def check(result: Any, actor: Actor) -> None:
        assert visible(result) == allows(actor, Action.READ_CLINICAL, category)

    return check


def per_category(
    make: Callable[[DataCategory], Case], categories: tuple[DataCategory, ...] = (G, P, S)
) -> dict[DataCategory, Case]:
    return {c: make(c) for c in categories}


def printable(c: DataCategory) -> Permitted:
    return lambda a: allows(a, Action.READ_CLINICAL, c) and allows(a, Action.PRINT, c)


def _referral_read(c: DataCategory) -> Case:
    def check(view: referrals.ReferralView, actor: Actor) -> None:
        hidden = not allows(actor, Action.READ_CLINICAL, c)
        assert view.restricted == hidden
        assert (view.reason == referrals.RESTRICTED) == hidden

    return Case(
        lambda w, a: referrals.get_referral(w.db, a, w.referral(c).id),
        lambda a: (
            allows(a, Action.READ_CLINICAL, c) or allows(a, Action.EDIT_REFERRAL_LOGISTICS, c)
        ),
        check,
    )


def _chart(c: DataCategory) -> Case:
    def call(w: World, a: Actor) -> tuple[Any, int]:
        w.diagnosis(c)
        referral = w.referral(c)
        return chart.load_chart(w.db, a, w.patient()), referral.id

    def check(result: tuple[Any, int], actor: Actor) -> None:
        loaded, referral_id = result
        readable = allows(actor, Action.READ_CLINICAL, c)
        assert any(d.code == DIAGNOSIS[c] for d in loaded.diagnoses) == readable
        [view] = [r for r in loaded.referrals if r.id == referral_id]
        assert view.restricted == (not readable)
        assert loaded.clinical_restricted == (not allows(actor, Action.READ_CLINICAL, G))

    return Case(call, gate(Action.READ_DEMOGRAPHICS), check)


def _assessment_list(c: DataCategory) -> Case:
    """The list holds the ``c`` assessment exactly when the actor may read that category."""

    def call(w: World, a: Actor) -> list[Any]:
        return assessments.list_assessments(w.db, a, w.assessed(c))

    def visible(rows: list[Any]) -> bool:
        return any(r.kind == ASSESSMENT[c][0] for r in rows)

    return Case(call, gate(Action.READ_CLINICAL), shows(c, visible))


def _document_list(c: DataCategory) -> Case:
    def call(w: World, a: Actor) -> tuple[list[documents.DocumentView], int]:
        document = w.document(c)
        return documents.list_documents(w.db, a, w.patient()), document.id

    def check(result: tuple[list[documents.DocumentView], int], actor: Actor) -> None:
        listed, document_id = result
        assert any(d.id == document_id for d in listed) == allows(actor, Action.READ_CLINICAL, c)

    return Case(call, gate(Action.READ_DEMOGRAPHICS), check)


def _letter_list(c: DataCategory) -> Case:
    """Any role may ask; the list holds the referrals whose letters the actor may print."""

    def call(w: World, a: Actor) -> tuple[int, list[int]]:
        referral = w.referral(c)
        return referral.id, letters.referrals_in_state(w.db, a, "draft")

    def check(result: tuple[int, list[int]], actor: Actor) -> None:
        assert (result[0] in result[1]) == printable(c)(actor)

    return Case(call, anyone, check)


def _change_password(w: World, a: Actor) -> None:
    users.change_password(w.db, a, current=PASSWORD, new="another long secret")
    users.change_password(w.db, a, current="another long secret", new=PASSWORD)


def _patient_input(family: str = "Côté") -> patients.PatientInput:
    born = date(1990, 1, 1) + timedelta(days=next(PATIENTS))  # no duplicate warnings
    return patients.PatientInput(family, "Amélie", born, "female")


def _update_user(w: World, a: Actor) -> object:
    row = w.account()
    return users.update_user(
        w.db,
        a,
        row.id,
        full_name="Jo Park, PhD",
        role="physician",
        team_member_id=None,
        break_glass_allowed=True,
        expected_version=row.version,
    )


def _readmit(w: World, a: Actor) -> object:
    patient = patients.get_patient(w.db, w.owner, w.patient())
    out = patients.discharge_patient(
        w.db,
        w.owner,
        patient.id,
        on=date.today(),
        reason="Goals met",
        expected_version=patient.version,
    )
    return patients.readmit_patient(w.db, a, out.id, expected_version=out.version)


def _undo(w: World, a: Actor, c: DataCategory) -> object:
    row = w.scheduled(c)
    try:
        return referrals.undo_last_move(
            w.db, a, row.id, reason="wrong patient", expected_version=row.version
        )
    except ValidationError as error:
        assert error.field == "undo"
        return error


def _letter_options(w: World, c: DataCategory) -> tuple[int, letters.LetterOptions]:
    referral = w.referral(c)
    return referral.id, letters.default_options(w.db, w.owner, referral.id).defaults


def _pdf_case(c: DataCategory) -> Case:
    def call(w: World, a: Actor) -> bytes:
        referral_id, options = _letter_options(w, c)
        return letters.generate_letter(w.db, a, referral_id, options)

    return Case(call, printable(c), lambda pdf, a: pdf.startswith(b"%PDF-"))


def _consent() -> consents.ConsentInput:
    return consents.ConsentInput(
        "the patient", date.today(), "substance-use diagnoses", "treatment", date.today()
    )


def _sent(w: World, c: DataCategory) -> letters.SentLetterView:
    referral = w.referral(c)
    return letters.record_sent_letter(w.db, w.owner, referral.id, small_pdf(1), "fax")


def _sendable(c: DataCategory) -> Permitted:
    return lambda a: printable(c)(a) and allows(a, Action.EDIT_REFERRAL_LOGISTICS, c)


def _unsent(w: World, a: Actor, c: DataCategory) -> object:
    """Sending is allowed or refused before the relay is looked at; none is set up here."""
    try:
        return delivery.send_letter(w.db, a, w.referral(c).id, PDF_BYTES, "email")
    except ValidationError as error:
        assert error.field == "smtp_host"
        return error


def _relay_password(w: World, a: Actor) -> None:
    relay = settings.ClinicSettings(
        clinic_name="Riverside",
        smtp_host="smtp.riverside.example",
        smtp_user="letters",
        sender_address="letters@riverside.example",
    )
    settings.save_settings(w.db, w.admin, relay)
    delivery.set_relay_password(w.db, a, "relay secret")


E = Action


def _monitoring_list(c: DataCategory) -> Case:
    """A drug screen (substance use) is left out whole for a role that may not read it."""

    def call(w: World, a: Actor) -> monitoring.MonitoringOverview:
        w.monitoring_result(c)
        return monitoring.list_results(w.db, a, w.patient())

    return Case(call, gate(E.READ_CLINICAL), shows(c, lambda o: bool(o.results)))


# ---------------------------------------------------------------- inbound referrals
def _intake(w: World, c: DataCategory, *moves: str, by: Actor | None = None) -> intake.IntakeDetail:
    """An intake item of category ``c`` (from its diagnosis), entered ``by`` someone (the
    owner unless named) and moved by the owner."""
    entry = intake.IntakeInput(
        referrer_name="Dr Mara Quinlan",
        family_name="Okafor",
        given_name=f"Bea{next(PATIENTS)}",
        date_of_birth=date(1971, 3, 4),
        reason="Chronic low back pain",
        diagnosis_codes=(DIAGNOSIS[c],),
    )
    item = intake.create_intake(w.db, by or w.owner, entry)
    for move in moves:
        if move == "accept":
            member = new_member(w.db, w.owner, "pain_medicine").id
            item = intake.accept_intake(
                w.db, w.owner, item.id, priority="routine", coordinating_member_id=member
            )
        elif move == "waitlist":
            item = intake.waitlist_intake(w.db, w.owner, item.id)
        elif move == "book":
            item = intake.book_first_visit(w.db, w.owner, item.id, date.today())
        elif move == "info":
            item = intake.request_information(w.db, w.owner, item.id, "MRI report please")
        elif move == "decline":
            item = intake.decline_intake(w.db, w.owner, item.id, "Not a pain-clinic question")
    return item


def _intake_case(c: DataCategory, action: Action, call: Callable[[World, Actor], Any]) -> Case:
    """Reading the item needs "read inbound referrals"; the move needs ``action`` too."""
    return Case(call, lambda a: allows(a, E.READ_INTAKE, G) and allows(a, action, c))


def _accept(w: World, a: Actor) -> intake.IntakeDetail:
    item = _intake(w, G)
    member = new_member(w.db, w.owner, "pain_medicine").id
    return intake.accept_intake(w.db, a, item.id, priority="urgent", coordinating_member_id=member)


def _import(w: World, a: Actor) -> list[intake.IntakeDetail]:
    bundle = primary_care_bundle()
    bundle["entry"][0]["resource"]["identifier"][0]["value"] = f"R-{next(PATIENTS)}"
    return intake_import.import_bundle(w.db, a, json.dumps(bundle).encode())


def _intake_read(c: DataCategory) -> Case:
    def check(item: intake.IntakeDetail, actor: Actor) -> None:
        assert (item.reason == "restricted") == (not allows(actor, E.READ_CLINICAL, c))

    return Case(
        lambda w, a: intake.get_intake(w.db, a, _intake(w, c).id), gate(E.READ_INTAKE, c), check
    )


WALK: dict[str, dict[DataCategory, Case]] = {
    # ---------------------------------------------------------------- calendar files
    "appointments.referral_calendar": per_category(
        lambda c: Case(
            lambda w, a: appointments.referral_calendar(w.db, a, w.scheduled(c).id),
            lambda a: allows(a, E.READ_CLINICAL, c) or allows(a, E.EDIT_REFERRAL_LOGISTICS, c),
            lambda result, a: result[1].startswith(b"BEGIN:VCALENDAR"),
        )
    ),
    "appointments.activity_calendar": {
        G: Case(
            lambda w, a: appointments.activity_calendar(w.db, a, w.activity().activities[0].id),
            gate(E.READ_CLINICAL),
        )
    },
    # ---------------------------------------------------------------- Part 2 consent
    "consents.consents_of": {
        S: Case(lambda w, a: consents.consents_of(w.db, a, w.patient()), gate(E.READ_CLINICAL, S))
    },
    "consents.record_consent": {
        S: Case(
            lambda w, a: consents.record_consent(w.db, a, w.patient(), _consent()),
            gate(E.EDIT_CLINICAL, S),
        )
    },
    "consents.revoke_consent": {
        S: Case(
            lambda w, a: consents.revoke_consent(
                w.db, a, consents.record_consent(w.db, w.owner, w.patient(), _consent()).id
            ),
            gate(E.EDIT_CLINICAL, S),
        )
    },
    # ---------------------------------------------------------------- assessments
    "assessments.list_assessments": {
        G: Case(
            lambda w, a: assessments.list_assessments(w.db, a, w.assessed(G)),
            gate(E.READ_CLINICAL),
        ),
        P: _assessment_list(P),
        S: _assessment_list(S),
    },
    "assessments.record_assessment": per_category(
        lambda c: Case(
            lambda w, a: assessments.record_assessment(w.db, a, w.patient(), *ASSESSMENT[c]),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    # ---------------------------------------------------------------- the audit trail
    "audit_log.start_query": {
        G: Case(
            lambda w, a: audit_log.start_query(w.db, a, audit_log.AuditFilter()),
            gate(E.READ_AUDIT),
        )
    },
    "audit_log.page": {
        G: Case(lambda w, a: audit_log.page(w.db, a, audit_log.AuditFilter()), gate(E.READ_AUDIT))
    },
    "audit_log.count": {
        G: Case(lambda w, a: audit_log.count(w.db, a, audit_log.AuditFilter()), gate(E.READ_AUDIT))
    },
    "audit_log.usernames": {G: Case(lambda w, a: audit_log.usernames(w.db, a), gate(E.READ_AUDIT))},
    "audit_log.export_csv": {
        G: Case(
            lambda w, a: audit_log.export_csv(w.db, a, audit_log.AuditFilter()),
            lambda a: allows(a, E.READ_AUDIT) and allows(a, E.EXPORT),
        )
    },
    # ---------------------------------------------------------------- chart, dashboard
    "chart.load_chart": per_category(_chart),
    "dashboard.intake_figures": {
        G: Case(lambda w, a: dashboard.intake_figures(w.db, a), gate(E.READ_INTAKE))
    },
    "dashboard.dashboard": {
        G: Case(lambda w, a: dashboard.dashboard(w.db, a), gate(E.EDIT_REFERRAL_LOGISTICS))
    },
    # ---------------------------------------------------------------- documents
    "documents.attach_document": per_category(
        lambda c: Case(
            lambda w, a: documents.attach_document(
                w.db,
                a,
                w.patient(),
                documents.DocumentUpload("fax.pdf", PDF_BYTES),
                referral_id=w.referral(c).id,
            ),
            lambda a: allows(a, E.EDIT_CLINICAL, c) or allows(a, E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "documents.get_document_content": per_category(
        lambda c: Case(
            lambda w, a: documents.get_document_content(w.db, a, w.document(c).id),
            gate(E.READ_CLINICAL, c),
        )
    ),
    "documents.list_documents": per_category(_document_list),
    # ---------------------------------------------------------------- e-mail and fax
    "delivery.destinations": per_category(
        lambda c: Case(lambda w, a: delivery.destinations(w.db, a, w.referral(c).id), _sendable(c))
    ),
    "delivery.deliveries": per_category(
        lambda c: Case(lambda w, a: delivery.deliveries(w.db, a, w.referral(c).id), _sendable(c))
    ),
    "delivery.send_letter": per_category(
        lambda c: Case(lambda w, a: _unsent(w, a, c), _sendable(c))
    ),
    "delivery.set_relay_password": {G: Case(_relay_password, gate(E.MANAGE_SETTINGS))},
    "delivery.relay_password_stored": {
        G: Case(lambda w, a: delivery.relay_password_stored(w.db, a), gate(E.MANAGE_SETTINGS))
    },
    # ---------------------------------------------------------------- export, letters
    "export.worklist_csv": {
        G: Case(lambda w, a: export.worklist_csv(w.db, a, "to_send"), gate(E.EXPORT))
    },
    # A FHIR bundle holds what the role may read; the export itself needs the export right.
    "fhir.export_patient": {
        G: Case(lambda w, a: fhir.export_patient(w.db, a, w.patient()), gate(E.EXPORT))
    },
    "export.record_printed_list": {
        G: Case(lambda w, a: export.record_printed_list(w.db, a, "list printed"), gate(E.PRINT))
    },
    "letters.default_options": per_category(
        lambda c: Case(
            lambda w, a: letters.default_options(w.db, a, w.referral(c).id), printable(c)
        )
    ),
    "letters.letter_data": per_category(
        lambda c: Case(
            lambda w, a: letters.letter_data(w.db, a, *_letter_options(w, c)), printable(c)
        )
    ),
    "letters.generate_letter": per_category(_pdf_case),
    "letters.referrals_in_state": per_category(_letter_list),
    "letters.referral_labels": {
        G: Case(
            lambda w, a: letters.referral_labels(w.db, a, [w.referral().id]),
            gate(E.READ_DEMOGRAPHICS),
        )
    },
    "letters.recipient_gaps": per_category(
        lambda c: Case(lambda w, a: letters.recipient_gaps(w.db, a, w.referral(c).id), printable(c))
    ),
    "letters.record_sent_letter": per_category(
        lambda c: Case(
            lambda w, a: letters.record_sent_letter(w.db, a, w.referral(c).id, PDF_BYTES, "portal"),
            _sendable(c),
        )
    ),
    "letters.sent_letters": per_category(
        lambda c: Case(
            lambda w, a: letters.sent_letters(w.db, a, _sent(w, c).referral_id), printable(c)
        )
    ),
    "letters.sent_letter_copy": per_category(
        lambda c: Case(
            lambda w, a: letters.sent_letter_copy(w.db, a, _sent(w, c).document_id),
            printable(c),
            lambda pdf, a: pdf.startswith(b"%PDF-"),
        )
    ),
    # ---------------------------------------------------------------- patients
    "patient_search.count_patients": {
        G: Case(lambda w, a: patients.count_patients(w.db, a), gate(E.READ_DEMOGRAPHICS))
    },
    "patients.create_patient": {
        G: Case(
            lambda w, a: patients.create_patient(w.db, a, _patient_input()),
            gate(E.EDIT_DEMOGRAPHICS),
        )
    },
    "patients.discharge_patient": {
        G: Case(
            lambda w, a: patients.discharge_patient(
                w.db,
                a,
                w.patient(),
                on=date.today(),
                reason="Goals met",
                expected_version=w.version(),
            ),
            gate(E.EDIT_DEMOGRAPHICS),
        )
    },
    "patients.find_duplicates": {
        G: Case(
            lambda w, a: patients.find_duplicates(w.db, a, _patient_input()),
            gate(E.READ_DEMOGRAPHICS),
        )
    },
    "patients.get_patient": {
        G: Case(lambda w, a: patients.get_patient(w.db, a, w.patient()), gate(E.READ_DEMOGRAPHICS))
    },
    "patients.readmit_patient": {G: Case(_readmit, gate(E.EDIT_DEMOGRAPHICS))},
    "patient_search.search_patients": {
        G: Case(lambda w, a: patients.search_patients(w.db, a, "nu"), gate(E.READ_DEMOGRAPHICS))
    },
    "patient_search.search_page": {
        G: Case(lambda w, a: patients.search_page(w.db, a, "nu"), gate(E.READ_DEMOGRAPHICS))
    },
    "patient_search.flush_search_audit": {
        G: Case(
            lambda w, a: patients.flush_search_audit(
                w.db, a, patients.SearchAudit(searches=1, results=0, kinds={"name": 1})
            ),
            gate(E.READ_DEMOGRAPHICS),
        )
    },
    "patients.update_patient": {
        G: Case(
            lambda w, a: patients.update_patient(
                w.db, a, w.patient(), _patient_input("Ñúñez"), expected_version=w.version()
            ),
            gate(E.EDIT_DEMOGRAPHICS),
        )
    },
    # ---------------------------------------------------------------- plans
    "plans.create_plan": {
        G: Case(
            lambda w, a: plans.create_plan(
                w.db, a, w.patient(), title="Plan", started_on=date.today()
            ),
            gate(E.EDIT_CLINICAL),
        )
    },
    "plans.delete_activity": {
        G: Case(
            lambda w, a: (
                lambda plan: plans.delete_activity(
                    w.db, a, plan.activities[0].id, expected_version=plan.activities[0].version
                )
            )(w.activity()),
            gate(E.EDIT_CLINICAL),
        )
    },
    "plans.list_plans": {
        G: Case(lambda w, a: plans.list_plans(w.db, a, w.patient()), gate(E.READ_CLINICAL))
    },
    "plans.save_activity": {
        G: Case(
            lambda w, a: plans.save_activity(w.db, a, w.plan().id, ACTIVITY),
            gate(E.EDIT_CLINICAL),
        )
    },
    "plans.save_goal": {
        G: Case(
            lambda w, a: plans.save_goal(
                w.db, a, w.plan().id, plans.GoalInput("pain", "Pain below 4", "nrs", 7, 4)
            ),
            gate(E.EDIT_CLINICAL),
        )
    },
    "plans.update_plan": {
        G: Case(
            lambda w, a: (
                lambda plan: plans.update_plan(
                    w.db,
                    a,
                    plan.id,
                    title="Back to work",
                    status=plan.status,
                    started_on=plan.started_on,
                    review_on=None,
                    notes=None,
                    expected_version=plan.version,
                )
            )(w.plan()),
            gate(E.EDIT_CLINICAL),
        )
    },
    "plan_report.plan_pdf_data": {
        G: Case(
            lambda w, a: plan_report.plan_pdf_data(w.db, a, w.patient(), w.plan().id),
            printable(G),
        )
    },
    "plan_report.generate_plan_pdf": {
        G: Case(
            lambda w, a: plan_report.generate_plan_pdf(w.db, a, w.patient(), w.plan().id),
            printable(G),
            lambda pdf, a: pdf.startswith(b"%PDF-"),
        )
    },
    # ---------------------------------------------------------------- record
    "record.add_allergy": {
        G: Case(
            lambda w, a: record.add_allergy(w.db, a, w.patient(), "Penicillin"),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.add_diagnosis": per_category(
        lambda c: Case(
            lambda w, a: record.add_diagnosis(w.db, a, w.patient(), DIAGNOSIS[c]),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    "record.add_medication": {
        G: Case(
            lambda w, a: record.add_medication(
                w.db, a, w.patient(), record.MedicationInput("naproxen", 250, "mg", "bid")
            ),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.confirm_no_known_allergies": {
        G: Case(
            lambda w, a: record.confirm_no_known_allergies(w.db, a, w.patient()),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.get_headache_profile": {
        G: Case(
            lambda w, a: record.get_headache_profile(w.db, a, w.patient()), gate(E.READ_CLINICAL)
        )
    },
    "record.remove_allergy": {
        G: Case(
            lambda w, a: (
                lambda al: record.remove_allergy(w.db, a, al.id, expected_version=al.version)
            )(record.add_allergy(w.db, w.owner, w.patient(), "Latex")),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.withdraw_no_known_allergies": {
        G: Case(
            lambda w, a: (
                lambda _confirmed: record.withdraw_no_known_allergies(w.db, a, w.patient())
            )(record.confirm_no_known_allergies(w.db, w.owner, w.patient())),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.save_headache_profile": {
        G: Case(
            lambda w, a: record.save_headache_profile(
                w.db, a, w.patient(), record.HeadacheInput("1", 4, 6, 3)
            ),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.set_diagnosis_active": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda d: record.set_diagnosis_active(
                    w.db, a, d.id, False, expected_version=d.version
                )
            )(w.diagnosis(c)),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    "record.stop_medication": {
        G: Case(
            lambda w, a: (
                lambda m: record.stop_medication(w.db, a, m.id, expected_version=m.version)
            )(w.medication()),
            gate(E.EDIT_CLINICAL),
        )
    },
    "record.update_medication": {
        G: Case(
            lambda w, a: (
                lambda m: record.update_medication(
                    w.db,
                    a,
                    m.id,
                    record.MedicationInput("naproxen", 250, "mg", "bid"),
                    expected_version=m.version,
                )
            )(w.medication()),
            gate(E.EDIT_CLINICAL),
        )
    },
    # ---------------------------------------------------------------- referrals
    "referrals.add_note": per_category(
        lambda c: Case(
            lambda w, a: referrals.add_note(w.db, a, w.referral(c).id, "Called the office"),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "referrals.create_referral": per_category(
        lambda c: Case(
            lambda w, a: referrals.create_referral(
                w.db, a, referrals.ReferralInput(w.patient(), DISCIPLINE[c], "Assessment please")
            ),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    "referrals.get_referral": per_category(_referral_read),
    "referrals.list_for_patient": per_category(
        lambda c: Case(
            lambda w, a: (lambda r: referrals.list_for_patient(w.db, a, w.patient()))(
                w.referral(c)
            ),
            gate(E.READ_DEMOGRAPHICS),
            lambda views, a: shows(c, lambda vs: not vs[0].restricted)(views, a),
        )
    ),
    "referrals.record_letter": per_category(
        lambda c: Case(
            lambda w, a: referrals.record_letter(w.db, a, w.referral(c).id, "letter printed"),
            gate(E.PRINT, c),
        )
    ),
    "referrals.record_report_received": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referrals.record_report_received(
                    w.db,
                    a,
                    r.id,
                    expected_version=r.version,
                    report=documents.DocumentUpload("report.pdf", PDF_BYTES),
                )
            )(w.scheduled(c)),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "referrals.transition": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referrals.transition(
                    w.db, a, r.id, "sent", sent_via="fax", expected_version=r.version
                )
            )(w.referral(c)),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "referral_errors.mark_entered_in_error": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referral_errors.mark_entered_in_error(
                    w.db, a, r.id, "Wrong patient", expected_version=r.version
                )
            )(w.referral(c)),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    "referrals.perform": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referrals.perform(
                    w.db, a, r.id, "send", sent_via="fax", expected_version=r.version
                )
            )(w.referral(c)),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "referrals.undo_last_move": per_category(
        lambda c: Case(
            lambda w, a: _undo(w, a, c),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
            # Only the move's author (drlee) gets it undone; anyone else permitted is told so.
            lambda result, a: isinstance(result, referrals.ReferralView) == (a.username == "drlee"),
        )
    ),
    "review.acknowledge": per_category(
        lambda c: Case(
            lambda w, a: review.acknowledge(w.db, a, w.review_item(c), note="Read"),
            gate(E.READ_CLINICAL, c),
        )
    ),
    "review.open_document": per_category(
        lambda c: Case(
            lambda w, a: review.open_document(w.db, a, w.review_item(c)),
            gate(E.READ_CLINICAL, c),
        )
    ),
    "review.record_review": per_category(
        lambda c: Case(
            lambda w, a: review.record_review(
                w.db, a, w.document_review(c), clinically_relevant=False, note="Nothing new"
            ),
            # Unassigned: a physician only (the named reviewer is tested in test_review_documents).
            lambda a: a.role == UserRole.PHYSICIAN and allowed(a, E.EDIT_CLINICAL, c),
        )
    ),
    "review.reviewer_choices": per_category(
        lambda c: Case(
            lambda w, a: review.reviewer_choices(w.db, a, w.patient(), c),
            gate(E.READ_DEMOGRAPHICS),
        )
    ),
    "my_patients.my_patients": {
        G: Case(
            lambda w, a: my_patients.my_patients(w.db, a),
            lambda a: a.role in (UserRole.CLINICIAN, UserRole.PHYSICIAN),
        )
    },
    "review.count_to_review": {G: Case(lambda w, a: review.count_to_review(w.db, a), anyone)},
    "review.reports_to_review": {
        G: Case(lambda w, a: review.reports_to_review(w.db, a), gate(E.READ_CLINICAL))
    },
    "referrals.update_authorization": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referrals.update_authorization(
                    w.db,
                    a,
                    r.id,
                    referrals.AuthorizationInput("pending", payer="Acme Health"),
                    expected_version=r.version,
                )
            )(w.referral(c)),
            gate(E.EDIT_REFERRAL_LOGISTICS, c),
        )
    ),
    "referrals.update_referral": per_category(
        lambda c: Case(
            lambda w, a: (
                lambda r: referrals.update_referral(
                    w.db,
                    a,
                    r.id,
                    referrals.ReferralInput(r.patient_id, DISCIPLINE[c], "Updated reason"),
                    expected_version=r.version,
                )
            )(w.referral(c)),
            gate(E.EDIT_CLINICAL, c),
        )
    ),
    # ---------------------------------------------------------------- settings, team
    "settings.save_settings": {
        G: Case(
            lambda w, a: settings.save_settings(
                w.db, a, settings.ClinicSettings(clinic_name="Riverside")
            ),
            gate(E.MANAGE_SETTINGS),
        )
    },
    "team.assign_member": {
        G: Case(
            lambda w, a: team.assign_member(w.db, a, w.patient(), w.member().id, "consultant"),
            gate(E.EDIT_DEMOGRAPHICS),
        )
    },
    "team.create_member": {
        G: Case(
            lambda w, a: team.create_member(w.db, a, team.MemberInput("Mori", "Ken", "psychology")),
            gate(E.MANAGE_TEAM),
        )
    },
    "team.end_membership": {
        G: Case(
            lambda w, a: (lambda m: team.end_membership(w.db, a, m.id, expected_version=m.version))(
                w.membership()
            ),
            gate(E.EDIT_DEMOGRAPHICS),
        )
    },
    "team.get_care_team": {
        G: Case(lambda w, a: team.get_care_team(w.db, a, w.patient()), gate(E.READ_DEMOGRAPHICS))
    },
    "team.get_member": {
        G: Case(lambda w, a: team.get_member(w.db, a, w.member().id), gate(E.READ_DEMOGRAPHICS))
    },
    "team.list_members": {
        G: Case(lambda w, a: team.list_members(w.db, a), gate(E.READ_DEMOGRAPHICS))
    },
    "team.set_member_active": {
        G: Case(
            lambda w, a: (
                lambda m: team.set_member_active(w.db, a, m.id, False, expected_version=m.version)
            )(w.member()),
            gate(E.MANAGE_TEAM),
        )
    },
    "team.update_member": {
        G: Case(
            lambda w, a: (
                lambda m: team.update_member(
                    w.db,
                    a,
                    m.id,
                    team.MemberInput("Wróbel", "Łukasz", "physical_rehabilitation", fax="555-0100"),
                    expected_version=m.version,
                )
            )(w.member()),
            gate(E.MANAGE_TEAM),
        )
    },
    # ---------------------------------------------------------------- users (own account)
    "users.change_password": {G: Case(_change_password, anyone)},
    "users.unlock": {
        G: Case(lambda w, a: users.unlock(w.db, a, PASSWORD), anyone, lambda ok, a: ok)
    },
    "users.record_lock": {G: Case(lambda w, a: users.record_lock(w.db, a), anyone)},
    "break_glass.may_break_glass": {G: Case(lambda w, a: users.may_break_glass(w.db, a), anyone)},
    "break_glass.start_break_glass": {
        G: Case(
            lambda w, a: users.start_break_glass(
                w.db, w.designate(a), "Emergency: the patient is in the resuscitation room"
            ),
            anyone,
        )
    },
    "break_glass.end_break_glass": {G: Case(lambda w, a: users.end_break_glass(w.db, a), anyone)},
    # Reasons describe patients: roles that read every clinical category (break-glass no).
    "break_glass.break_glass_reasons": {
        S: Case(
            lambda w, a: users.break_glass_reasons(w.db, a),
            lambda a: a.role == UserRole.PHYSICIAN,
        )
    },
    # ---------------------------------------------------------------- users (administration)
    "users.create_user": {G: Case(lambda w, a: w.account(by=a), gate(E.MANAGE_USERS))},
    "users.get_user": {
        G: Case(lambda w, a: users.get_user(w.db, a, w.account().id), gate(E.MANAGE_USERS))
    },
    "users.list_users": {G: Case(lambda w, a: users.list_users(w.db, a), gate(E.MANAGE_USERS))},
    "users.update_user": {G: Case(_update_user, gate(E.MANAGE_USERS))},
    "users.set_user_active": {
        G: Case(
            lambda w, a: users.set_user_active(w.db, a, w.account().id, False, expected_version=1),
            gate(E.MANAGE_USERS),
        )
    },
    "users.reset_password": {
        G: Case(
            lambda w, a: users.reset_password(
                w.db, a, w.account().id, "a temporary password", expected_version=1
            ),
            gate(E.MANAGE_USERS),
        )
    },
    # ---------------------------------------------------------------- psychotherapy notes
    # ---------------------------------------------------------------- monitoring results
    "monitoring.list_results": per_category(_monitoring_list, (G, S)),
    "monitoring.record_result": per_category(
        lambda c: Case(
            lambda w, a: monitoring.record_result(w.db, a, w.patient(), MONITORING[c]),
            gate(E.EDIT_CLINICAL, c),
        ),
        (G, S),
    ),
    "monitoring.remove_result": per_category(
        lambda c: Case(
            lambda w, a: monitoring.remove_result(w.db, a, w.monitoring_result(c)),
            gate(E.EDIT_CLINICAL, c),
        ),
        (G, S),
    ),
    "monitoring_demo.record_demo_results": {
        S: Case(
            lambda w, a: monitoring_demo.record_demo_results(w.db, a, [w.patient()]),
            gate(E.EDIT_CLINICAL, S),
        )
    },
    "notes.create_note": {
        N: Case(
            lambda w, a: notes.create_note(w.db, a, w.patient(), "Process notes"),
            expected_note_writer,
        )
    },
    "notes.list_notes": {
        N: Case(
            lambda w, a: (lambda n: notes.list_notes(w.db, a, w.patient()))(w.note()),
            expected_note_writer,
            # Listing is allowed to every author, but shows the owner's note to the owner only.
            lambda rows, a: shows_note(rows, a),
        )
    },
    "notes.get_note": {
        N: Case(lambda w, a: notes.get_note(w.db, a, w.note().id), lambda a: a.username == "drlee")
    },
    "notes.update_note": {
        N: Case(
            lambda w, a: notes.update_note(w.db, a, w.note().id, "Amended", expected_version=1),
            lambda a: a.username == "drlee",
        )
    },
    # ---------------------------------------------------------------- pain drawings
    "pain_drawings.save_pain_drawing": {
        G: Case(
            lambda w, a: pain_drawings.save_pain_drawing(w.db, a, w.patient(), LOW_BACK),
            gate(E.EDIT_CLINICAL),
        )
    },
    "pain_drawings.list_pain_drawings": {
        G: Case(
            lambda w, a: (lambda d: pain_drawings.list_pain_drawings(w.db, a, d.patient_id))(
                w.pain_drawing()
            ),
            gate(E.READ_CLINICAL),
            lambda rows, _a: len(rows) == 1,
        )
    },
    "pain_drawings.get_pain_drawing": {
        G: Case(
            lambda w, a: pain_drawings.get_pain_drawing(w.db, a, w.pain_drawing().id),
            gate(E.READ_CLINICAL),
        )
    },
    "pain_drawings.delete_pain_drawing": {
        G: Case(
            lambda w, a: (
                lambda d: pain_drawings.delete_pain_drawing(
                    w.db, a, d.id, expected_version=d.version
                )
            )(w.pain_drawing()),
            gate(E.EDIT_CLINICAL),
        )
    },
    # ---------------------------------------------------------------- inbound referrals
    "intake.create_intake": per_category(
        lambda c: Case(lambda w, a: _intake(w, c, by=a), gate(E.ENTER_INTAKE, c))
    ),
    "intake.get_intake": per_category(_intake_read),
    "intake.accept_intake": {G: _intake_case(G, E.TRIAGE_INTAKE, _accept)},
    "intake.decline_intake": per_category(
        lambda c: _intake_case(
            c,
            E.TRIAGE_INTAKE,
            lambda w, a: intake.decline_intake(w.db, a, _intake(w, c).id, "Not for us"),
        )
    ),
    "intake.request_information": per_category(
        lambda c: _intake_case(
            c,
            E.TRIAGE_INTAKE,
            lambda w, a: intake.request_information(w.db, a, _intake(w, c).id, "MRI please"),
        )
    ),
    "intake.information_received": {
        P: _intake_case(
            P,
            E.ENTER_INTAKE,
            lambda w, a: intake.information_received(w.db, a, _intake(w, P, "info").id),
        )
    },
    "intake.waitlist_intake": {
        S: _intake_case(
            S,
            E.ENTER_INTAKE,
            lambda w, a: intake.waitlist_intake(w.db, a, _intake(w, S, "accept").id),
        )
    },
    "intake.book_first_visit": {
        G: _intake_case(
            G,
            E.ENTER_INTAKE,
            lambda w, a: intake.book_first_visit(
                w.db, a, _intake(w, G, "accept", "waitlist").id, date.today()
            ),
        )
    },
    "intake.mark_seen": {
        G: _intake_case(
            G,
            E.ENTER_INTAKE,
            lambda w, a: intake.mark_seen(
                w.db, a, _intake(w, G, "accept", "book").id, date.today()
            ),
        )
    },
    "intake.withdraw_intake": {
        P: _intake_case(
            P,
            E.ENTER_INTAKE,
            lambda w, a: intake.withdraw_intake(w.db, a, _intake(w, P).id, "Patient moved away"),
        )
    },
    "intake.reply_letter": per_category(
        lambda c: _intake_case(
            c, E.PRINT, lambda w, a: intake.reply_letter(w.db, a, _intake(w, c, "decline").id)
        )
    ),
    "intake_import.import_bundle": {G: Case(_import, gate(E.ENTER_INTAKE))},
    "intake_lists.intake_page": {
        G: Case(lambda w, a: intake_lists.intake_page(w.db, a, "received"), gate(E.READ_INTAKE))
    },
    "intake_lists.intake_counts": {
        G: Case(lambda w, a: intake_lists.intake_counts(w.db, a), gate(E.READ_INTAKE))
    },
    # ---------------------------------------------------------------- worklists
    "worklist.worklist": {
        G: Case(lambda w, a: worklist.worklist(w.db, a, "to_send"), gate(E.EDIT_REFERRAL_LOGISTICS))
    },
    "worklist.worklist_page": {
        G: Case(
            lambda w, a: worklist.worklist_page(w.db, a, "to_send"),
            gate(E.EDIT_REFERRAL_LOGISTICS),
        )
    },
    "worklist.worklist_counts": {
        G: Case(lambda w, a: worklist.worklist_counts(w.db, a), gate(E.EDIT_REFERRAL_LOGISTICS))
    },
}


def shows_note(rows: list[notes.NoteView], actor: Actor) -> None:
    assert bool(rows) == (actor.username == "drlee")


def service_functions() -> dict[str, Callable[..., Any]]:
    """Every public function in carecoord.services.* whose first parameters are (db, actor)."""
    import carecoord.services as package

    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in ("common", "unit_of_work"):  # the machinery every use case runs in
            continue
        module = importlib.import_module(f"carecoord.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if list(inspect.signature(function).parameters)[:2] == ["db", "actor"]:
                found[f"{info.name}.{name}"] = function
    return found


def test_the_walk_covers_every_service_function() -> None:
    found = set(service_functions())
    missing = sorted(found - set(WALK))
    assert not missing, f"add a WALK entry (action x category) for: {', '.join(missing)}"
    assert not sorted(set(WALK) - found), "WALK names functions that no longer exist"


def test_every_sensitive_category_is_walked() -> None:
    walked = {c for cases in WALK.values() for c in cases}
    assert walked == set(DataCategory)


def _actors(db: Database, password_hash: str) -> tuple[Actor, Actor, list[Actor]]:
    owner = make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    admin = make_actor(db, password_hash, "boss", UserRole.ADMINISTRATOR, "Pat Admin")
    later = utcnow() + timedelta(hours=1)
    people = [owner]
    for role in UserRole:
        person = make_actor(db, password_hash, f"user_{role.value}", role, role.label)
        people += [person, replace(person, break_glass_until=later)]
    with db.session(write=True) as session:  # designated, so their break-glass counts
        session.execute(
            update(User).where(User.username.like("user_%")).values(break_glass_allowed=True)
        )
        session.commit()
    return owner, admin, people


# Audit-only calls that must work even for an account changed meanwhile (locking the
# screen, ending emergency access): they return no patient data.
UNCHECKED = {"users.record_lock", "break_glass.end_break_glass"}


def test_every_service_function_rechecks_the_account_on_each_call() -> None:
    unchecked = {
        name
        for name, function in service_functions().items()
        if not hasattr(function, "__wrapped__")
    }
    assert unchecked == UNCHECKED


@pytest.mark.parametrize("name", sorted(WALK))
def test_service_function_obeys_the_matrix(db: Database, password_hash: str, name: str) -> None:
    """Every role (with and without break-glass, plus the data's owner) x every category."""
    owner, admin, people = _actors(db, password_hash)
    for category, case in WALK[name].items():
        for actor in people:
            world = World(db, owner, admin)
            label = f"{name} [{category.value}] as {actor.username}" + (
                " with break-glass" if actor.break_glass_until else ""
            )
            if case.permitted(actor):
                try:
                    result = case.call(world, actor)
                except PermissionDenied as error:
                    pytest.fail(f"{label}: refused although the written table allows it ({error})")
                if case.check is not None:
                    assert case.check(result, actor) is not False, label
            else:
                with pytest.raises(PermissionDenied):
                    case.call(world, actor)
                    pytest.fail(f"{label}: allowed although the written table refuses it")
