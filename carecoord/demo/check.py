"""The demo clinic's coherence checker: what a pain physician would find wrong in its charts.

Reads a database (read only, in one connection) and returns a :class:`Finding` per
incoherence: a referral text that does not fit the recipient's discipline or the chart,
self-harm text without a positive PHQ-9 item 9, questions about drugs the patient does
not take, two current drugs of one therapeutic group, activities that do not fit the
plan's diagnoses, dates after discharge, before registration or in the future,
naloxone claimed but missing, a psychiatry referral without a mental-health reason, an
opioid taper for a patient with an opioid use disorder, a "trial" of a drug already taken.

It ships (not under tools/) because ``carecoord demo --check`` runs it on a demo
database that a clinic's IT set up, and because the rules it applies are the clinical
ones in :mod:`carecoord.clinical.coherence` and :mod:`carecoord.clinical.drugs`, which
the demo builder uses too. It reads any CareCoord database; only the demo is expected
to pass it with no findings (a clinic's real charts legitimately hold back-entered data).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, select

from carecoord.clinical import coherence, mme, opioid_safety
from carecoord.clinical.coherence import ChartFacts, Line, Score
from carecoord.clinical.vocabulary import ActivityStatus, AssessmentKind, Discipline
from carecoord.db import Database
from carecoord.models import (
    Assessment,
    Diagnosis,
    Document,
    Medication,
    MonitoringResult,
    PainDrawing,
    Patient,
    PlanActivity,
    Referral,
    ReferralEvent,
    TeamMember,
    TreatmentPlan,
)

DUPLICATE_DRUG_CLASS: Final = "duplicate_drug_class"
AFTER_DISCHARGE: Final = "after_discharge"
BEFORE_REGISTRATION: Final = "before_registration"
IN_FUTURE: Final = "in_future"
NALOXONE_CLAIMED_MISSING: Final = "naloxone_claimed_missing"

RULES: Final = (
    coherence.DISCIPLINE_MISMATCH,
    coherence.REASON_WITHOUT_FINDING,
    coherence.SELF_HARM_WITHOUT_PHQ9,
    coherence.DRUG_NOT_TAKEN,
    DUPLICATE_DRUG_CLASS,
    coherence.ACTIVITY_DIAGNOSIS_MISMATCH,
    coherence.TAPER_IN_OUD,
    coherence.TRIAL_OF_CURRENT_DRUG,
    AFTER_DISCHARGE,
    BEFORE_REGISTRATION,
    IN_FUTURE,
    NALOXONE_CLAIMED_MISSING,
    coherence.PSYCHIATRY_WITHOUT_REASON,
)
"""Every rule name a finding can carry."""

CLAIMED: Final = (ActivityStatus.ACTIVE, ActivityStatus.DONE)
"""Activity states that say the thing is happening or happened."""


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One incoherence in one patient's chart."""

    patient_id: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"patient {self.patient_id}: {self.rule}: {self.detail}"


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


class _Dates:
    """Collects dated facts per patient and judges them against registration, discharge
    and today."""

    def __init__(self, registered: dict[int, date], discharged: dict[int, date], today: date):
        self.registered = registered
        self.discharged = discharged
        self.today = today
        self.found: list[Finding] = []

    def check(self, patient_id: int, what: str, value: date | datetime | None) -> None:
        day = _day(value)
        if day is None:
            return
        registered = self.registered.get(patient_id)
        if registered is not None and day < registered:
            self.found.append(
                Finding(
                    patient_id,
                    BEFORE_REGISTRATION,
                    f"{what} {day.isoformat()} before registration on {registered.isoformat()}",
                )
            )
        discharged = self.discharged.get(patient_id)
        if discharged is not None and day > discharged:
            self.found.append(
                Finding(
                    patient_id,
                    AFTER_DISCHARGE,
                    f"{what} {day.isoformat()} after discharge on {discharged.isoformat()}",
                )
            )
        if day > self.today:
            self.found.append(
                Finding(
                    patient_id,
                    IN_FUTURE,
                    f"{what} {day.isoformat()} after {self.today.isoformat()}",
                )
            )


def _facts(conn: Connection) -> tuple[dict[int, ChartFacts], dict[int, list[Any]]]:
    codes: dict[int, list[str]] = defaultdict(list)
    for patient_id, code in conn.execute(
        select(Diagnosis.patient_id, Diagnosis.code).where(Diagnosis.active.is_(True))
    ):
        codes[patient_id].append(code)
    lines: dict[int, list[Line]] = defaultdict(list)
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(
        select(
            Medication.patient_id,
            Medication.drug,
            Medication.start_date,
            Medication.stop_date,
            Medication.route,
            Medication.dose,
            Medication.unit,
            Medication.frequency,
            Medication.max_doses_per_day,
            Medication.indication,
            Medication.concentration_mg_per_ml,
        ).order_by(Medication.id)
    ):
        lines[row.patient_id].append(Line(row.drug, row.start_date, row.stop_date, row.route))
        rows[row.patient_id].append(row)
    phq9: dict[int, list[Score]] = defaultdict(list)
    gad7: dict[int, list[Score]] = defaultdict(list)
    for patient_id, kind, taken_on, answers, total in conn.execute(
        select(
            Assessment.patient_id,
            Assessment.kind,
            Assessment.taken_on,
            Assessment.answers,
            Assessment.total,
        ).where(Assessment.kind.in_((AssessmentKind.PHQ9, AssessmentKind.GAD7)))
    ):
        items = (json.loads(answers) if isinstance(answers, str) else answers).get("items", [])
        if kind == AssessmentKind.PHQ9:
            item9 = int(items[8]) if len(items) > 8 else 0
            phq9[patient_id].append(Score(taken_on, int(total), item9))
        else:
            gad7[patient_id].append(Score(taken_on, int(total)))
    ids = set(codes) | set(lines) | set(phq9) | set(gad7)
    facts = {
        pid: ChartFacts(
            tuple(codes.get(pid, ())),
            tuple(lines.get(pid, ())),
            tuple(phq9.get(pid, ())),
            tuple(gad7.get(pid, ())),
        )
        for pid in ids
    }
    return facts, rows


def check_connection(conn: Connection, today: date) -> list[Finding]:
    """Every finding in the database ``conn`` reads, sorted by patient and rule."""
    registered: dict[int, date] = {}
    discharged: dict[int, date] = {}
    for patient_id, created_at, discharged_on in conn.execute(
        select(Patient.id, Patient.created_at, Patient.discharged_on)
    ):
        registered[patient_id] = _day(created_at) or today
        if discharged_on is not None:
            discharged[patient_id] = discharged_on
    dates = _Dates(registered, discharged, today)
    facts, med_rows = _facts(conn)
    empty = ChartFacts()
    found: list[Finding] = []

    def add(patient_id: int, problems: Iterable[tuple[str, str]]) -> None:
        found.extend(Finding(patient_id, rule, detail) for rule, detail in problems)

    disciplines = {
        member_id: discipline
        for member_id, discipline in conn.execute(select(TeamMember.id, TeamMember.discipline))
    }
    for r in conn.execute(
        select(
            Referral.id,
            Referral.patient_id,
            Referral.discipline,
            Referral.recipient_member_id,
            Referral.reason,
            Referral.clinical_question,
            Referral.priority_reason,
            Referral.treatments_tried,
            Referral.created_at,
            Referral.sent_on,
            Referral.accepted_on,
            Referral.seen_on,
            Referral.report_received_on,
            Referral.closed_on,
        ).where(Referral.entered_in_error_at.is_(None))
    ):
        created = _day(r.created_at) or today
        label = f"referral {r.id}"
        recipient = disciplines.get(r.recipient_member_id)
        if recipient is not None and Discipline(recipient) != Discipline(r.discipline):
            found.append(
                Finding(
                    r.patient_id,
                    coherence.DISCIPLINE_MISMATCH,
                    f"{label} to {Discipline(r.discipline).label} addressed to a "
                    f"{Discipline(recipient).label} team member",
                )
            )
        add(
            r.patient_id,
            (
                (rule, f"{label}: {detail}")
                for rule, detail in coherence.referral_problems(
                    facts.get(r.patient_id, empty),
                    r.discipline,
                    created,
                    (r.reason, r.clinical_question, r.priority_reason),
                    treatments_tried=r.treatments_tried,
                )
            ),
        )
        dates.check(r.patient_id, f"{label} created", created)
        for what, value in (
            ("sent", r.sent_on),
            ("accepted", r.accepted_on),
            ("seen", r.seen_on),
            ("report received", r.report_received_on),
            ("closed", r.closed_on),
        ):
            dates.check(r.patient_id, f"{label} {what}", value)
    for patient_id, at in conn.execute(
        select(Referral.patient_id, ReferralEvent.at).join(
            Referral, Referral.id == ReferralEvent.referral_id
        )
    ):
        dates.check(patient_id, "referral event", at)
    for patient_id, doc_id, received_on in conn.execute(
        select(Document.patient_id, Document.id, Document.received_on)
    ):
        dates.check(patient_id, f"document {doc_id} received", received_on)
    for patient_id, result_id, taken_on in conn.execute(
        select(MonitoringResult.patient_id, MonitoringResult.id, MonitoringResult.taken_on)
    ):
        dates.check(patient_id, f"monitoring result {result_id}", taken_on)
    for patient_id, kind, taken_on in conn.execute(
        select(Assessment.patient_id, Assessment.kind, Assessment.taken_on)
    ):
        dates.check(patient_id, f"{AssessmentKind(kind).value} assessment", taken_on)
    for patient_id, drawn_on in conn.execute(select(PainDrawing.patient_id, PainDrawing.drawn_on)):
        dates.check(patient_id, "pain drawing", drawn_on)
    for patient_id, rows in med_rows.items():  # lines started before registration are usual
        left = discharged.get(patient_id)
        for row in rows:
            if left is not None and row.start_date is not None and row.start_date > left:
                found.append(
                    Finding(
                        patient_id,
                        AFTER_DISCHARGE,
                        f"{row.drug} started {row.start_date.isoformat()} after discharge on "
                        f"{left.isoformat()}",
                    )
                )
    for patient_id, plan_id, started_on in conn.execute(
        select(TreatmentPlan.patient_id, TreatmentPlan.id, TreatmentPlan.started_on)
    ):  # a plan may be drafted to start next week, but not for a discharged patient
        if patient_id in discharged or started_on <= today:
            dates.check(patient_id, f"plan {plan_id} started", started_on)
    claimed_naloxone: set[int] = set()
    for a in conn.execute(
        select(
            TreatmentPlan.patient_id,
            PlanActivity.id,
            PlanActivity.description,
            PlanActivity.status,
            PlanActivity.start_on,
            PlanActivity.end_on,
        ).join(TreatmentPlan, TreatmentPlan.id == PlanActivity.plan_id)
    ):
        status = ActivityStatus(a.status)
        day = min(a.start_on, today)
        add(
            a.patient_id,
            (
                (rule, f"activity {a.id}: {detail}")
                for rule, detail in coherence.activity_problems(
                    facts.get(a.patient_id, empty), a.description, day
                )
            ),
        )
        label = f"activity {a.id} ({status.value})"
        gone = a.patient_id in discharged
        if gone or status is not ActivityStatus.PLANNED:  # a plan may look ahead
            dates.check(a.patient_id, f"{label} start", a.start_on)
        if gone or status in (ActivityStatus.DONE, ActivityStatus.STOPPED):
            dates.check(a.patient_id, f"{label} end", a.end_on)
        if status in CLAIMED and "naloxone" in a.description.lower():
            claimed_naloxone.add(a.patient_id)
    for patient_id, fact in facts.items():
        for group, names in coherence.duplicate_classes(fact.lines, today):
            found.append(
                Finding(
                    patient_id,
                    DUPLICATE_DRUG_CLASS,
                    f"{len(names)} current {group} lines: {', '.join(names)}",
                )
            )
        if patient_id in claimed_naloxone:
            current = [
                mme.dose_of(row)
                for row in med_rows.get(patient_id, [])
                if Line(row.drug, row.start_date, row.stop_date).taken_on(today)
            ]
            alerts = opioid_safety.alerts(current, fact.codes)
            if any(alert.code == "naloxone" for alert in alerts):
                found.append(
                    Finding(
                        patient_id,
                        NALOXONE_CLAIMED_MISSING,
                        "a naloxone activity is active or done, yet overdose risk is raised "
                        "and no naloxone is on the current medication list (CDC 2022 Rec. 8)",
                    )
                )
    found.extend(dates.found)
    return sorted(set(found))


def check(db: Database, *, today: date | None = None) -> list[Finding]:
    """Every finding in ``db`` relative to ``today`` (default: the workstation's date).

    Read only: one connection, SELECTs only, nothing written or audited.
    """
    with db.engine.connect() as conn:
        return check_connection(conn, today or date.today())


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per rule, every rule listed (0 where none), in :data:`RULES` order."""
    tally = dict.fromkeys(RULES, 0)
    for finding in findings:
        tally[finding.rule] = tally.get(finding.rule, 0) + 1
    return tally
