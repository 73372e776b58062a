"""Buffers the demo's rows per table and writes them in bulk: executemany on SQLite,
COPY on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import Connection

from carecoord.bulk import copy_rows
from carecoord.models import Base

_V: Final = ("version", "created_at", "updated_at", "updated_by")

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "team_members": (
        "id",
        "family_name",
        "given_name",
        "credentials",
        "discipline",
        "specialty",
        "organisation",
        "board_name",
        "board_certification_expires",
        "phone",
        "fax",
        "email",
        "address",
        "is_internal",
        "active",
        "notes",
        *_V,
    ),
    "users": (
        "id",
        "username",
        "full_name",
        "password_hash",
        "role",
        "team_member_id",
        "active",
        "failed_attempts",
        *_V,
    ),
    "settings": ("key", "value"),
    "patients": (
        "id",
        "mrn",
        "family_name",
        "given_name",
        "middle_name",
        "family_key",
        "given_key",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address",
        "preferred_language",
        "insurance_payer",
        "insurance_member_id",
        "status",
        "discharged_on",
        "discharge_reason",
        "notes",
        *_V,
    ),
    "diagnoses": ("id", "patient_id", "code", "title", "onset", "active", "notes", *_V),
    "medications": (
        "id",
        "patient_id",
        "drug",
        "dose",
        "unit",
        "frequency",
        "max_doses_per_day",
        "route",
        "start_date",
        "stop_date",
        "is_opioid",
        "is_psychotropic",
        "notes",
        "indication",
        "category",
        *_V,
    ),
    "allergies": ("id", "patient_id", "substance", "reaction", "severity", *_V),
    "headache_profiles": (
        "id",
        "patient_id",
        "headache_type",
        "with_aura",
        "attacks_per_month",
        "headache_days_per_month",
        "acute_medication_days_per_month",
        "triggers",
        "notes",
        "recorded_at",
        *_V,
    ),
    "care_team_memberships": (
        "id",
        "patient_id",
        "member_id",
        "role",
        "since",
        "until",
        "notes",
        *_V,
    ),
    "assessments": (
        "id",
        "patient_id",
        "kind",
        "taken_on",
        "answers",
        "total",
        "band",
        "alert",
        "recorded_by",
        *_V,
    ),
    "treatment_plans": (
        "id",
        "patient_id",
        "title",
        "status",
        "started_on",
        "review_on",
        "notes",
        *_V,
    ),
    "plan_goals": (
        "id",
        "plan_id",
        "axis",
        "description",
        "measure",
        "baseline",
        "target",
        "review_on",
        *_V,
    ),
    "plan_activities": (
        "id",
        "plan_id",
        "modality",
        "description",
        "responsible_member_id",
        "start_on",
        "end_on",
        "sessions_planned",
        "sessions_done",
        "status",
        "stop_reason",
        "category",
        *_V,
    ),
    "referrals": (
        "id",
        "reference",
        "patient_id",
        "referring_member_id",
        "recipient_member_id",
        "discipline",
        "priority",
        "priority_reason",
        "expectation",
        "reason",
        "clinical_question",
        "patient_told",
        "treatments_tried",
        "sensitive",
        "state",
        "held_from",
        "sent_on",
        "sent_via",
        "appointment_due",
        "appointment_date",
        "seen_on",
        "report_due",
        "report_received_on",
        "no_report_reason",
        "due_on",
        "closed_on",
        "booked_late",
        "hold_reason",
        "hold_review_on",
        "auth_outcome",
        "auth_payer",
        "auth_member_id",
        "auth_number",
        "auth_denial_reason",
        "auth_requested_at",
        "auth_expedited",
        "auth_issued_on",
        "auth_provider",
        "auth_service",
        "auth_visits_authorized",
        "auth_visits_used",
        "auth_valid_from",
        "auth_valid_to",
        *_V,
    ),
    "referral_events": (
        "id",
        "referral_id",
        "at",
        "username",
        "kind",
        "from_state",
        "to_state",
        "reason",
    ),
    "documents": (
        "id",
        "patient_id",
        "referral_id",
        "kind",
        "title",
        "file_name",
        "media_type",
        "size_bytes",
        "sha256",
        "received_on",
        "filed_by",
        "filed_at",
        "content",
        "category",
    ),
}
"""Columns written per table, in foreign-key order (parents before children)."""


class Sink:
    """Buffers rows per table and writes them in foreign-key order (`COPY` on PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        quote = conn.dialect.identifier_preparer.quote
        self.sql: dict[str, str] = {}
        for table, cols in COLUMNS.items():
            known = Base.metadata.tables[table].c
            missing = [c for c in cols if c not in known]
            if missing:  # a model changed under us: fail loudly, not with half-filled rows
                raise RuntimeError(f"demo data: {table} has no column(s) {missing}")
            self.sql[table] = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
                f"VALUES ({', '.join([mark] * len(cols))})"
            )
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        self.written: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self._days: dict[date, Any] = {}
        self._stamps: dict[tuple[date, int], Any] = {}

    def day(self, value: date | None) -> Any:
        """A date as the Date column type binds it (ISO text on SQLite)."""
        if value is None or not self.sqlite:
            return value
        cached = self._days.get(value)
        if cached is None:
            cached = self._days[value] = value.isoformat()
        return cached

    def stamp(self, value: date, minute: int = 600) -> Any:
        """A UTC timestamp on ``value`` at ``minute`` past midnight, as UTCDateTime binds it."""
        key = (value, minute)
        cached = self._stamps.get(key)
        if cached is None:
            hour, minutes = divmod(minute % 1440, 60)
            if self.sqlite:  # SQLAlchemy's SQLite DATETIME storage format
                cached = f"{value.isoformat()} {hour:02d}:{minutes:02d}:00.000000"
            else:
                cached = datetime(value.year, value.month, value.day, hour, minutes, tzinfo=UTC)
            self._stamps[key] = cached
        return cached

    def now(self, value: datetime) -> Any:
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else utc

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                if self.sqlite:
                    self.conn.exec_driver_sql(self.sql[table], rows)
                else:
                    copy_rows(self.conn, table, COLUMNS[table], rows)  # one stream a table
                self.written[table] += len(rows)
                rows.clear()


# ---------------------------------------------------------------------- clinical data
