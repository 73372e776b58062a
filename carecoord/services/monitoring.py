"""Monitoring results (drug screens, PDMP checks, liver and kidney tests, vitals): recorded,
listed and removed through role checks and the audit trail (docs/clinical-reference.md §5.1).

Drug screens are *substance use* data (§9): a role that may not read that category neither
sees them here, nor in the chart's alerts, nor in letters; the rest is *general*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session, selectinload

from carecoord.clinical import monitoring as rules
from carecoord.clinical.monitoring import PdmpResult, PdmpStatus, ResultKind, ScreenResult
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import ValidationError
from carecoord.models import MonitoringResult, MonitoringValue, Patient
from carecoord.services import record
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.permissions import Action, may_read, require
from carecoord.services.rows import add_audited, newest_first, view_from
from carecoord.services.settings import pdmp_interval_of
from carecoord.services.unit_of_work import unit_of_work

ENTITY = "MonitoringResult"
PDMP_ANALYTE = "pdmp"


def category_of(kind: ResultKind) -> DataCategory:
    """Drug screens tell substance use (42 CFR Part 2 class, §9); every other kind is general."""
    return DataCategory.SUBSTANCE_USE if kind == ResultKind.DRUG_SCREEN else DataCategory.GENERAL


# --------------------------------------------------------------------------- input
@dataclass(frozen=True)
class ScreenEntry:
    """One substance of a drug screen; ``expected``: prescribed, so expected to be present."""

    substance: str
    result: ScreenResult | str
    expected: bool = False


@dataclass(frozen=True)
class ResultEntry:
    """One dated result as entered. Numeric kinds fill ``values`` (analyte code: number,
    None or missing when not measured); a drug screen fills ``screens``; a PDMP check
    ``pdmp_result`` and ``performed_by`` (who checked; the recording user when empty)."""

    kind: ResultKind | str
    taken_on: date | str | None
    values: Mapping[str, float | int | None] = field(default_factory=dict)
    screens: Sequence[ScreenEntry] = ()
    pdmp_result: PdmpResult | str | None = None
    performed_by: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- views
@dataclass(frozen=True)
class ValueView:
    """One value as shown: number with unit and reference range, or an outcome."""

    analyte: str
    label: str
    value: float | None
    unit: str | None
    reference_low: float | None
    reference_high: float | None
    outcome: str | None
    expected: bool | None
    flag: str | None  # "high", "low", "positive, not expected", PDMP concerns …

    @property
    def reference(self) -> str:
        return rules.reference_text((self.reference_low, self.reference_high))

    @property
    def shown(self) -> str:
        """The value as a table cell prints it."""
        if self.value is not None:
            return rules.format_value(self.analyte, self.value)
        if self.analyte == PDMP_ANALYTE and self.outcome:
            return PdmpResult(self.outcome).label
        return (self.outcome or "").capitalize()


@dataclass(frozen=True)
class ResultView:
    id: int
    patient_id: int
    kind: ResultKind
    taken_on: date
    category: DataCategory
    performed_by: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime
    values: tuple[ValueView, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        """What needs a look: "Oxycodone: negative, expected (prescribed)", "ALT high"."""
        out = []
        for value in self.values:
            if value.flag is None:
                continue
            if self.kind == ResultKind.DRUG_SCREEN:
                out.append(f"{value.label}: {value.flag}")
            elif self.kind == ResultKind.PDMP:
                out.append(value.flag)
            else:
                out.append(f"{value.label} {value.flag}")
        return tuple(out)

    @property
    def unexpected(self) -> bool:
        """A drug screen with at least one unexpected substance."""
        return self.kind == ResultKind.DRUG_SCREEN and bool(self.flags)

    def summary(self) -> str:
        """One line: "ALT 32 U/L, AST 28 U/L"; a screen lists positives and flags."""
        if self.kind == ResultKind.DRUG_SCREEN:
            positive = [x.label for x in self.values if x.outcome == ScreenResult.POSITIVE]
            tested = len(self.values)
            found = ", ".join(positive) if positive else "none"
            return f"{tested} substances tested; positive: {found}"
        if self.kind == ResultKind.PDMP:
            who = f" (checked by {self.performed_by})" if self.performed_by else ""
            return ", ".join(x.shown for x in self.values) + who
        return ", ".join(f"{x.label} {x.shown}" for x in self.values)


@dataclass(frozen=True)
class MonitoringOverview:
    """A chart's results the actor may read (newest first) and what is flagged."""

    patient_id: int
    results: tuple[ResultView, ...]
    pdmp: PdmpStatus | None  # None: not on opioids the actor may see
    interval_days: int

    def of_kind(self, kind: ResultKind) -> tuple[ResultView, ...]:
        return tuple(r for r in self.results if r.kind == kind)

    @property
    def unexpected_screens(self) -> tuple[ResultView, ...]:
        return tuple(r for r in self.results if r.unexpected)

    @property
    def alerts(self) -> tuple[tuple[str, str, str], ...]:
        """(code, level, text) for the chart header: the latest screen if unexpected, and
        an overdue PDMP check."""
        out = []
        screens = self.of_kind(ResultKind.DRUG_SCREEN)
        if screens and screens[0].unexpected:
            latest = screens[0]
            out.append(
                (
                    "unexpected_screen",
                    "warning",
                    f"Unexpected drug screen {latest.taken_on.isoformat()}: "
                    + "; ".join(latest.flags),
                )
            )
        if self.pdmp is not None and self.pdmp.overdue:
            out.append(("pdmp_overdue", "warning", self.pdmp.text))
        return tuple(out)


def _value_view(kind: ResultKind, row: MonitoringValue) -> ValueView:
    flag: str | None = None
    if kind == ResultKind.DRUG_SCREEN:
        label = rules.DRUG_PANEL.get(row.analyte, row.analyte)
        if row.outcome is not None and row.expected is not None:
            flag = rules.unexpected(row.outcome, row.expected)
    elif kind == ResultKind.PDMP:
        label = "PDMP"
        if row.outcome == PdmpResult.CONCERNS:
            flag = "PDMP: concerns"
    else:
        analyte = rules.ANALYTES.get(row.analyte)
        label = analyte.label if analyte else row.analyte
        if row.value is not None:
            flag = rules.out_of_range(row.value, row.reference_low, row.reference_high)
    return ValueView(
        row.analyte,
        label,
        row.value,
        row.unit,
        row.reference_low,
        row.reference_high,
        row.outcome,
        row.expected,
        flag,
    )


def view_of(row: MonitoringResult) -> ResultView:
    return view_from(ResultView, row, values=tuple(_value_view(row.kind, x) for x in row.values))


# --------------------------------------------------------------------------- validation
def validate_entry(entry: ResultEntry, actor: Actor, *, on: date) -> MonitoringResult:
    """The unsaved row for ``entry``; every refusal names the field (an analyte's code, a
    drug screen's ``substance``, ``taken_on`` …) so the form shows it beside it."""
    kind = v.choice(entry.kind, ResultKind, "kind")
    taken_on = v.required_date(entry.taken_on, "taken_on")
    v.not_future(taken_on, "taken_on", on)
    note = v.text(entry.note, "note", max_length=400, multiline=True)
    performed_by = v.text(entry.performed_by, "performed_by", max_length=120)
    values: list[MonitoringValue] = []
    if kind == ResultKind.DRUG_SCREEN:
        values = _screen_values(entry.screens)
    elif kind == ResultKind.PDMP:
        outcome = v.choice(entry.pdmp_result, PdmpResult, "pdmp_result")
        values = [MonitoringValue(analyte=PDMP_ANALYTE, outcome=outcome.value)]
        performed_by = performed_by or actor.display_name[:120]
    else:
        values = _numeric_values(kind, entry.values)
    return MonitoringResult(
        kind=kind,
        taken_on=taken_on,
        category=category_of(kind),
        performed_by=performed_by,
        note=note,
        recorded_by=actor.username,
        values=values,
    )


def _screen_values(screens: Sequence[ScreenEntry]) -> list[MonitoringValue]:
    if not screens:
        raise ValidationError("screens", "record the result of at least one substance")
    seen: set[str] = set()
    out = []
    for screen in screens:
        substance = rules.check_substance(screen.substance)
        if substance in seen:
            raise ValidationError("substance", f"{substance} is listed twice")
        seen.add(substance)
        result = v.choice(screen.result, ScreenResult, substance)
        expected = v.flag(screen.expected, substance)
        out.append(MonitoringValue(analyte=substance, outcome=result.value, expected=expected))
    return out


def _numeric_values(
    kind: ResultKind, given: Mapping[str, float | int | None]
) -> list[MonitoringValue]:
    analytes = rules.analytes_of(kind)
    codes = {a.code for a in analytes}
    for code in given:
        if code not in codes:
            raise ValidationError("analyte", f"{code!r} is not part of {kind.label.lower()}")
    numbers = {
        a.code: rules.check_value(a.code, given[a.code])
        for a in analytes
        if given.get(a.code) not in (None, "")
    }
    if not numbers:
        raise ValidationError(analytes[0].code, "enter at least one value")
    if kind == ResultKind.VITALS:
        systolic, diastolic = numbers.get("systolic"), numbers.get("diastolic")
        if (systolic is None) != (diastolic is None):
            missing = "diastolic" if diastolic is None else "systolic"
            raise ValidationError(missing, "blood pressure needs both systolic and diastolic")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            raise ValidationError("diastolic", "must be lower than the systolic pressure")
    return [
        MonitoringValue(
            analyte=a.code,
            value=numbers[a.code],
            unit=a.unit,
            reference_low=a.reference[0],
            reference_high=a.reference[1],
        )
        for a in analytes
        if a.code in numbers
    ]


# --------------------------------------------------------------------------- reading
def results_of(session: Session, actor: Actor, patient_id: int) -> list[ResultView]:
    """The results ``actor`` may read, newest first (a drug screen is left out whole for a
    role without substance-use access: that one was taken tells something already)."""
    rows = newest_first(
        session,
        MonitoringResult,
        patient_id,
        MonitoringResult.taken_on,
        selectinload(MonitoringResult.values),
    )
    return [view_of(r) for r in rows if may_read(actor, r.category)]


def overview_of(
    session: Session,
    actor: Actor,
    patient_id: int,
    medications: Sequence[record.MedicationView] | None = None,
) -> MonitoringOverview:
    """Results and flags inside the caller's session; ``medications`` when already read
    (the chart has them) else read here, those the actor may read."""
    results = results_of(session, actor, patient_id)
    if medications is None:
        medications = record.medications_of(session, patient_id, actor=actor)
    interval = pdmp_interval_of(session)
    on_opioids = any(m.is_opioid and m.current for m in medications)
    checks = [r.taken_on for r in results if r.kind == ResultKind.PDMP]
    status = rules.pdmp_status(on_opioids, checks, today(), interval)
    return MonitoringOverview(patient_id, tuple(results), status, interval)


@service
def list_results(db: Database, actor: Actor, patient_id: int) -> MonitoringOverview:
    """A chart's monitoring results with the unexpected-screen and overdue-PDMP flags."""
    require(actor, Action.READ_CLINICAL)
    with unit_of_work(db, actor) as uow:
        uow.load(Patient, patient_id, "Patient")
        overview = overview_of(uow.session, actor, patient_id)
        uow.audit_read(ENTITY, patient_id=patient_id, detail="list")
        return overview


# --------------------------------------------------------------------------- changing
@service
def record_result(db: Database, actor: Actor, patient_id: int, entry: ResultEntry) -> ResultView:
    """Record one dated result; the audit names its kind and how many values, never them."""
    kind = v.choice(entry.kind, ResultKind, "kind")
    require(actor, Action.EDIT_CLINICAL, category_of(kind))
    row = validate_entry(entry, actor, on=today())
    with unit_of_work(db, actor, write=True) as uow:
        uow.load(Patient, patient_id, "Patient")
        row.patient_id = patient_id
        add_audited(
            uow,
            row,
            ENTITY,
            patient_id=patient_id,
            category=row.category,
            detail=f"{kind.value}, {len(row.values)} value(s)",
        )
        uow.commit()
        return view_of(row)


@service
def remove_result(db: Database, actor: Actor, result_id: int) -> None:
    """Remove a result entered in error (on the wrong chart, a mistyped value)."""
    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(MonitoringResult, result_id, ENTITY)
        require(actor, Action.EDIT_CLINICAL, row.category)
        patient_id, category, kind = row.patient_id, row.category, row.kind
        uow.session.delete(row)
        uow.audit(
            "delete",
            ENTITY,
            result_id,
            patient_id=patient_id,
            category=category,
            detail=kind.value,
        )
        uow.commit()
