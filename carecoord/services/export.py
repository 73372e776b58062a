"""CSV exports of the front desk's worklists: logistics only, audited, ISO dates."""

from __future__ import annotations

import csv
import io
from datetime import date

from carecoord.clinical.referral_rules import FHIR_CODES
from carecoord.db import Database
from carecoord.services import validation as v
from carecoord.services.actor import Actor
from carecoord.services.common import csv_cell, service
from carecoord.services.permissions import Action, require
from carecoord.services.unit_of_work import unit_of_work
from carecoord.services.worklist import (
    WorklistCursor,
    WorklistFilter,
    WorklistRow,
    WorklistView,
    worklist_page,
)

PAGE_SIZE = 1000
COLUMNS = (
    "referral_id",
    "patient",
    "mrn",
    "date_of_birth",
    "discipline",
    "recipient",
    "priority",
    "state",
    "fhir_service_request_status",
    "fhir_task_status",
    "sent_on",
    "due_on",
    "appointment_date",
    "overdue",
    "days_overdue",
    "authorization",
    "authorization_valid_to",
    "authorization_visits_left",
)
"""The export's header row. Deliberately no reason, question or other clinical text."""


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _line(row: WorklistRow) -> list[str]:
    service_request, task = FHIR_CODES[row.state]
    return [
        str(row.id),
        csv_cell(row.patient_name),
        csv_cell(row.mrn),
        _iso(row.date_of_birth),
        row.discipline.label,
        csv_cell(row.recipient_name or ""),
        row.priority.value,
        row.state.value,
        service_request,
        task,
        _iso(row.sent_on),
        _iso(row.due_on),
        _iso(row.appointment_date),
        "yes" if row.overdue else "no",
        str(row.days_overdue),
        row.auth_outcome.value,
        _iso(row.auth_valid_to),
        "" if row.auth_visits_left is None else str(row.auth_visits_left),
    ]


@service
def worklist_csv(
    db: Database,
    actor: Actor,
    view: WorklistView | str,
    filters: WorklistFilter | None = None,
    *,
    on: date | None = None,
) -> str:
    """Every row of one worklist view as CSV text (header first), for the payer or a report.

    Args:
        db: The database.
        actor: Who exports; needs the export permission.
        view: The worklist view to export.
        filters: The same filters the screen shows.
        on: The day "overdue" is judged on (today when None).

    Returns:
        The CSV text (RFC 4180 line endings), ready to write to a UTF-8 file.

    Raises:
        PermissionDenied: The actor's role may not export.
        ValidationError: Unknown view or bad filter values.
    """
    require(actor, Action.EXPORT)
    chosen = v.choice(view, WorklistView, "view")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    written = 0
    cursor: WorklistCursor | None = None
    while True:  # keyset pages: the last costs what the first does
        page = worklist_page(
            db, actor, chosen, filters=filters, after=cursor, limit=PAGE_SIZE, on=on
        )
        for row in page.rows:
            writer.writerow(_line(row))
        written += len(page.rows)
        if page.next is None:
            break
        cursor = page.next
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit(
            "export",
            "Worklist",
            detail=f"{chosen.value}: {written} rows as CSV",
        )
        uow.commit()
    return out.getvalue()


@service
def record_printed_list(db: Database, actor: Actor, description: str) -> None:
    """Audit a printed on-screen list (worklist, patient list): it shows patient data."""
    require(actor, Action.PRINT)
    what = v.required_text(description, "description", max_length=200)
    with unit_of_work(db, actor, write=True) as uow:
        uow.audit("print", "List", detail=what)
        uow.commit()
