"""Demo monitoring results: a coherent year of opioid-therapy monitoring for the fictional
patients on opioids (drug screens that match their prescriptions, with a few unexpected
ones; PDMP checks, some overdue; liver and kidney tests; vitals drifting slowly).

The demo loader (``carecoord.demo.monitoring``) writes these entries in bulk inside its
own transaction; :func:`record_demo_results` records them through the audited service
instead, one by one (for a chosen set of patients in a running clinic demo).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Connection, select

from carecoord.clinical.monitoring import PdmpResult, ResultKind, ScreenResult
from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.models import Medication
from carecoord.services import monitoring
from carecoord.services.actor import Actor
from carecoord.services.common import service, today
from carecoord.services.monitoring import ResultEntry, ScreenEntry
from carecoord.services.permissions import Action, require

# What a prescribed drug shows up as on the clinic's panel (clinical/monitoring.DRUG_PANEL).
PANEL_OF_DRUG = {
    "oxycodone": "oxycodone",
    "hydrocodone": "opiates",
    "morphine": "opiates",
    "codeine": "opiates",
    "hydromorphone": "opiates",
    "fentanyl": "fentanyl",
    "methadone": "methadone",
    "buprenorphine": "buprenorphine",
    "tramadol": "tramadol",
    "alprazolam": "benzodiazepines",
    "lorazepam": "benzodiazepines",
    "diazepam": "benzodiazepines",
    "clonazepam": "benzodiazepines",
}
SCREENED = ("oxycodone", "opiates", "fentanyl", "benzodiazepines", "cannabinoids", "cocaine")


def expected_substances(drugs: Iterable[str]) -> set[str]:
    """The panel substances a patient's current prescriptions should show."""
    found = set()
    for drug in drugs:
        name = drug.lower()
        found |= {panel for word, panel in PANEL_OF_DRUG.items() if word in name}
    return found


def current_drugs(db: Database) -> dict[int, list[str]]:
    """Each patient on a current opioid line and their current drugs (read directly: a
    demo builder's query, not a chart read)."""
    with db.engine.connect() as conn:
        return drugs_on(conn, today())


def drugs_on(conn: Connection, on: date) -> dict[int, list[str]]:
    """Each patient on an opioid line current ``on`` that day, with their drugs then."""
    rows = conn.execute(
        select(Medication.patient_id, Medication.drug, Medication.is_opioid).where(
            (Medication.stop_date.is_(None)) | (Medication.stop_date >= on)
        )
    ).all()
    on_opioids = {r.patient_id for r in rows if r.is_opioid}
    drugs: dict[int, list[str]] = {p: [] for p in sorted(on_opioids)}
    for r in rows:
        if r.patient_id in drugs:
            drugs[r.patient_id].append(r.drug)
    return drugs


@service
def record_demo_results(
    db: Database, actor: Actor, patient_ids: Iterable[int] | None = None, *, limit: int = 40
) -> int:
    """Record a year of monitoring for each patient on opioids (at most ``limit`` of them;
    ``actor`` must be a physician, since drug screens are substance-use data).

    Every third patient's PDMP check is overdue and every fourth patient's latest drug
    screen holds an unexpected result, so the flags show in the demo. Deterministic per
    patient id. Returns the number of results recorded.
    """
    require(actor, Action.EDIT_CLINICAL, DataCategory.SUBSTANCE_USE)  # drug screens
    drugs = current_drugs(db)
    ids = list(patient_ids) if patient_ids is not None else list(drugs)
    count = 0
    now = today()
    for index, patient_id in enumerate(ids[:limit]):
        rng = random.Random(patient_id)
        expected = expected_substances(drugs.get(patient_id, []))
        entries = list(demo_entries(rng, now, expected, overdue=index % 3 == 2, odd=index % 4 == 3))
        for entry in entries:
            monitoring.record_result(db, actor, patient_id, entry)
        count += len(entries)
    return count


def demo_entries(
    rng: random.Random, now: date, expected: set[str], *, overdue: bool, odd: bool
) -> Iterable[ResultEntry]:
    # PDMP every ~80 days; an overdue patient's last check is four months old.
    last = now - timedelta(days=120 if overdue else rng.randint(5, 40))
    for back in (0, 80, 160, 240):
        yield ResultEntry(
            ResultKind.PDMP,
            last - timedelta(days=back),
            pdmp_result=PdmpResult.CONSISTENT,
            performed_by="Demo Delegate, RN" if back else None,
        )
    # Two screens: the older as expected, the latest unexpected for an ``odd`` patient.
    for back, latest in ((200, False), (rng.randint(10, 60), True)):
        screens = []
        for substance in sorted(set(SCREENED) | expected):
            present = substance in expected
            if latest and odd and substance == "cannabinoids":
                present = True  # positive, not prescribed
            result = ScreenResult.POSITIVE if present else ScreenResult.NEGATIVE
            screens.append(ScreenEntry(substance, result, substance in expected))
        yield ResultEntry(ResultKind.DRUG_SCREEN, now - timedelta(days=back), screens=screens)
    alt = rng.randint(14, 48)
    yield ResultEntry(
        ResultKind.LIVER,
        now - timedelta(days=rng.randint(30, 90)),
        values={"alt": alt, "ast": max(10, alt + rng.randint(-8, 6))},
    )
    creatinine = round(rng.uniform(0.7, 1.2), 2)
    yield ResultEntry(
        ResultKind.KIDNEY,
        now - timedelta(days=rng.randint(30, 90)),
        values={"creatinine": creatinine, "egfr": round(100 - (creatinine - 0.7) * 60)},
    )
    weight = rng.uniform(62, 105)
    systolic = rng.randint(118, 142)
    for back in (270, 180, 90, 7):
        weight += rng.uniform(-1.5, 1.0)
        systolic += rng.randint(-5, 3)
        yield ResultEntry(
            ResultKind.VITALS,
            now - timedelta(days=back),
            values={
                "systolic": systolic,
                "diastolic": systolic - rng.randint(38, 50),
                "weight": round(weight, 1),
                "bmi": round(weight / 1.72**2, 1),
            },
        )
