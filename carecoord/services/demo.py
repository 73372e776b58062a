"""Fills an empty database with fictional, coherent demo data; fast enough for 100,000 patients.

Everything here is invented: patients, clinicians, streets (555 telephone numbers,
example.org / example.com addresses). The demo accounts all use the password
``demo`` and are for demonstrations only, never for a clinic's real data.

Speed: rows are written with the driver's ``executemany`` inside one transaction, with
primary keys assigned here and values already in the form the column type would
produce (ISO dates and SQLAlchemy's DATETIME text on SQLite, native values on
PostgreSQL). SQLAlchemy Core ``insert()`` runs a Python bind processor per value and
was twice as slow at this volume (about 70,000 against 150,000 rows a second). On
PostgreSQL the rows are streamed with ``COPY … FROM STDIN`` instead (executemany still
waits for the server batch by batch), and the filled tables are analyzed at the end.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final, NamedTuple, TypeVar

from sqlalchemy import Connection, func, select, text

from carecoord.clinical import coherence, drugs, instruments, mme
from carecoord.clinical import referral_rules as rules
from carecoord.clinical.vocabulary import (
    ActivityStatus,
    AdministrativeSex,
    AllergySeverity,
    AssessmentKind,
    AuthorizationOutcome,
    CareTeamRole,
    Discipline,
    DocumentKind,
    Expectation,
    GoalAxis,
    HeadacheType,
    Modality,
    PatientStatus,
    PlanStatus,
    Priority,
    ReferralState,
    SendMethod,
    UserRole,
)
from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import Base, Patient
from carecoord.services import (
    audit,
    dashboard_summary,
    demo_allergy,
    demo_document_review,
    demo_intake,
    demo_pain_drawings,
    demo_workflow,
    monitoring_demo,
)
from carecoord.services import demo_names as names
from carecoord.services.demo_mark import DEMO_SETTING, DEMO_SETTING_VALUE, is_demo_connection
from carecoord.services.permissions import (
    activity_category,
    medication_category,
    referral_category,
)
from carecoord.services.reference import number_all
from carecoord.services.settings import ClinicSettings, encode_settings
from carecoord.services.validation import search_key

log = logging.getLogger(__name__)

DEMO_PASSWORD: Final = "demo"
"""Password of every demo account. Demo only: never load demo data where real patients live."""

DEMO_USERNAMES: Final = ("admin", "drlee", "therapist", "frontdesk")
LOADED_BY: Final = "demo"
BATCH_PATIENTS: Final = 2000

S = ReferralState
D = Discipline


class DemoRefused(CareCoordError):
    """Demo data goes only into a database without patients."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`fill_demo` wrote, and how long it took."""

    team_members: int
    patients: int
    referrals: int
    assessments: int
    plans: int
    activities: int
    documents: int
    users: int
    seconds: float


# ---------------------------------------------------------------------------- tables

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


class _Sink:
    """Buffers rows per table and writes them in foreign-key order with executemany."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        quote = conn.dialect.identifier_preparer.quote
        self.sql: dict[str, str] = {}
        self.copy_sql: dict[str, str] = {}
        for table, cols in COLUMNS.items():
            known = Base.metadata.tables[table].c
            missing = [c for c in cols if c not in known]
            if missing:  # a model changed under us: fail loudly, not with half-filled rows
                raise RuntimeError(f"demo data: {table} has no column(s) {missing}")
            self.sql[table] = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
                f"VALUES ({', '.join([mark] * len(cols))})"
            )
            self.copy_sql[table] = (
                f"COPY {quote(table)} ({', '.join(quote(c) for c in cols)}) FROM STDIN"
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
                    self._copy(table, rows)
                self.written[table] += len(rows)
                rows.clear()

    def _copy(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """PostgreSQL: stream the rows with COPY, in the same transaction (about 3.5x
        faster than executemany's row inserts, which wait for the server per batch)."""
        driver = self.conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(self.copy_sql[table]) as copy:
            for row in rows:
                copy.write_row(row)


# ---------------------------------------------------------------------- clinical data


ICD: Final[dict[str, str]] = {
    # Titles as in the ICD-10-CM code set (checked against simple-icd-10-cm in the tests).
    "G89.29": "Other chronic pain",
    "G89.4": "Chronic pain syndrome",
    "G89.3": "Neoplasm related pain (acute) (chronic)",
    "M54.50": "Low back pain, unspecified",
    "M54.51": "Vertebrogenic low back pain",
    "M54.59": "Other low back pain",
    "M54.16": "Radiculopathy, lumbar region",
    "M54.2": "Cervicalgia",
    "M79.7": "Fibromyalgia",
    "G43.009": "Migraine without aura, not intractable, without status migrainosus",
    "G43.109": "Migraine with aura, not intractable, without status migrainosus",
    "G43.909": "Migraine, unspecified, not intractable, without status migrainosus",
    "G44.209": "Tension-type headache, unspecified, not intractable",
    "G44.229": "Chronic tension-type headache, not intractable",
    "G62.9": "Polyneuropathy, unspecified",
    "G90.50": "Complex regional pain syndrome I, unspecified",
    "M96.1": "Postlaminectomy syndrome, not elsewhere classified",
    "M17.0": "Bilateral primary osteoarthritis of knee",
    "M17.11": "Unilateral primary osteoarthritis, right knee",
    "F11.20": "Opioid dependence, uncomplicated",
    "Z79.891": "Long term (current) use of opiate analgesic",
    "F32.A": "Depression, unspecified",
    "F41.1": "Generalized anxiety disorder",
}


class _Profile(NamedTuple):
    """A pain presentation: the diagnoses it brings and the drugs and referrals it suggests."""

    name: str
    primary: tuple[str, ...]
    extra: tuple[str, ...]
    weight: int
    drugs: tuple[str, ...]  # keys of NON_OPIOIDS, most fitting first
    headache: bool = False
    spine: bool = False


PROFILES: Final[tuple[_Profile, ...]] = (
    _Profile(
        "chronic low back pain",
        ("M54.50", "M54.51", "M54.59"),
        ("M54.16", "G89.29", "G89.4"),
        26,
        ("naproxen", "meloxicam", "cyclobenzaprine", "duloxetine", "acetaminophen"),
        spine=True,
    ),
    _Profile(
        "lumbar radiculopathy",
        ("M54.16",),
        ("M54.50", "G89.29"),
        10,
        ("gabapentin", "pregabalin", "duloxetine", "naproxen"),
        spine=True,
    ),
    _Profile(
        "post-laminectomy pain",
        ("M96.1",),
        ("M54.16", "G89.4"),
        5,
        ("gabapentin", "duloxetine", "tizanidine"),
        spine=True,
    ),
    _Profile(
        "chronic neck pain",
        ("M54.2",),
        ("G89.29", "G44.209"),
        8,
        ("tizanidine", "ibuprofen", "lidocaine", "amitriptyline"),
    ),
    _Profile(
        "fibromyalgia",
        ("M79.7",),
        ("G89.4",),
        10,
        ("duloxetine", "pregabalin", "amitriptyline", "cyclobenzaprine"),
    ),
    _Profile(
        "migraine",
        ("G43.009", "G43.109", "G43.909"),
        ("G44.209", "M54.2"),
        11,
        ("topiramate", "propranolol", "sumatriptan", "amitriptyline"),
        headache=True,
    ),
    _Profile(
        "tension-type headache",
        ("G44.209", "G44.229"),
        ("M54.2",),
        5,
        ("amitriptyline", "ibuprofen", "acetaminophen"),
        headache=True,
    ),
    _Profile(
        "peripheral neuropathic pain",
        ("G62.9",),
        ("G89.29",),
        6,
        ("gabapentin", "pregabalin", "duloxetine", "lidocaine"),
    ),
    _Profile(
        "complex regional pain syndrome",
        ("G90.50",),
        ("G89.4",),
        3,
        ("gabapentin", "nortriptyline", "naproxen"),
    ),
    _Profile(
        "knee osteoarthritis pain",
        ("M17.0", "M17.11"),
        ("G89.29",),
        8,
        ("diclofenac", "acetaminophen", "meloxicam", "duloxetine"),
    ),
    _Profile(
        "cancer-related pain",
        ("G89.3",),
        ("G89.29",),
        3,
        ("gabapentin", "acetaminophen", "duloxetine"),
    ),
)


class _Drug(NamedTuple):
    drug: str
    doses: tuple[float, ...]
    unit: str
    frequency: str
    route: str
    psychotropic: bool = False
    max_per_day: float | None = None
    indication: str | None = None


NON_OPIOIDS: Final[dict[str, _Drug]] = {
    "gabapentin": _Drug("gabapentin", (300, 600), "mg", "tid", "oral", True),
    "pregabalin": _Drug("pregabalin", (75, 150), "mg", "bid", "oral", True),
    "duloxetine": _Drug("duloxetine", (30, 60), "mg", "daily", "oral", True),
    "amitriptyline": _Drug("amitriptyline", (10, 25), "mg", "qhs", "oral", True),
    "nortriptyline": _Drug("nortriptyline", (10, 25), "mg", "qhs", "oral", True),
    "sertraline": _Drug("sertraline", (50, 100), "mg", "daily", "oral", True),
    "escitalopram": _Drug("escitalopram", (10,), "mg", "daily", "oral", True),
    "venlafaxine": _Drug("venlafaxine ER", (75, 150), "mg", "daily", "oral", True),
    "naproxen": _Drug("naproxen", (250, 500), "mg", "bid", "oral"),
    "ibuprofen": _Drug("ibuprofen", (400, 600), "mg", "tid", "oral"),
    "meloxicam": _Drug("meloxicam", (7.5, 15), "mg", "daily", "oral"),
    "diclofenac": _Drug("diclofenac 1% gel", (4,), "g", "qid", "other"),
    "acetaminophen": _Drug("acetaminophen", (500, 1000), "mg", "tid", "oral"),
    "cyclobenzaprine": _Drug("cyclobenzaprine", (5, 10), "mg", "qhs", "oral"),
    "tizanidine": _Drug("tizanidine", (2, 4), "mg", "tid", "oral"),
    "lidocaine": _Drug("lidocaine 5% patch", (1,), "patch", "daily", "other"),
    "topiramate": _Drug("topiramate", (25, 50), "mg", "bid", "oral"),
    "propranolol": _Drug("propranolol ER", (80,), "mg", "daily", "oral"),
    "sumatriptan": _Drug("sumatriptan", (50, 100), "mg", "prn", "oral", max_per_day=2),
}
NON_OPIOID_NAMES: Final = frozenset(d.drug for d in NON_OPIOIDS.values())
MOOD_DRUGS: Final = ("sertraline", "escitalopram", "venlafaxine", "duloxetine")

OPIOIDS: Final[tuple[tuple[_Drug, int], ...]] = (
    (_Drug("oxycodone", (5, 10), "mg", "q6h", "oral"), 14),
    (_Drug("oxycodone ER", (10, 20), "mg", "q12h", "oral"), 8),
    (_Drug("hydrocodone bitartrate/acetaminophen", (5, 7.5, 10), "mg", "qid", "oral"), 14),
    (_Drug("hydrocodone bitartrate/acetaminophen", (5, 10), "mg", "prn", "oral", False, 4), 6),
    (_Drug("morphine sulfate ER", (15, 30), "mg", "q12h", "oral"), 8),
    (_Drug("tramadol", (50,), "mg", "qid", "oral"), 14),
    (_Drug("tapentadol", (50, 100), "mg", "bid", "oral"), 5),
    (_Drug("hydromorphone", (2,), "mg", "q6h", "oral"), 4),
    (_Drug("methadone", (5, 10), "mg", "tid", "oral"), 3),
    (_Drug("codeine/acetaminophen", (30,), "mg", "qid", "oral"), 4),
    (_Drug(mme.FENTANYL_TRANSDERMAL, (12, 25, 50), "mcg/h", mme.CONTINUOUS, "transdermal"), 9),
    (_Drug("buprenorphine buccal film", (150, 300), "mcg", "bid", "sublingual"), 7),
)
OUD_TREATMENT: Final = _Drug(
    "buprenorphine/naloxone",
    (8, 12, 16),
    "mg",
    "daily",
    "sublingual",
    indication="opioid_use_disorder",
)
BREAKTHROUGH: Final = _Drug("oxycodone", (5,), "mg", "prn", "oral", False, 3)
NALOXONE: Final = _Drug("naloxone nasal spray", (4,), "mg", "prn", "other", False, 2)
GABAPENTINOIDS: Final = frozenset({"gabapentin", "pregabalin"})


class _Showcase(NamedTuple):
    """One opioid patient built on purpose to show one opioid-safety alert (CDC 2022)."""

    lines: tuple[tuple[_Drug, float], ...]
    oud: bool = False
    naloxone: bool = True  # add naloxone where Rec. 8 asks for it


SHOWCASES: Final[tuple[_Showcase, ...]] = (
    _Showcase(((OPIOIDS[10][0], 25),)),  # patch 60 MME/day, naloxone given: "mme_50"
    _Showcase(((OPIOIDS[11][0], 150),)),  # buprenorphine: "not_converted"
    _Showcase(  # "opioid_benzodiazepine" and, without naloxone, "naloxone" (and "mme_50")
        (
            (_Drug("oxycodone", (10,), "mg", "q6h", "oral"), 10),
            (_Drug("alprazolam", (0.5,), "mg", "tid", "oral", True, indication="anxiety"), 0.5),
        ),
        naloxone=False,
    ),
    _Showcase(((OPIOIDS[5][0], 50), (NON_OPIOIDS["gabapentin"], 300))),  # "opioid_gabapentinoid"
    _Showcase(((OPIOIDS[0][0], 5),), oud=True, naloxone=False),  # "moud" and "naloxone"
    _Showcase(  # intrathecal pump: "not_converted" with the route as the reason
        ((_Drug("morphine (intrathecal pump)", (2,), "mg", "daily", "intrathecal"), 2),)
    ),
    _Showcase(((_Drug("oxycodon", (5,), "mg", "bid", "oral"), 5),)),  # "unrecognised_opioid"
    _Showcase(((_Drug("morphine sulfate ER", (60,), "mg", "q12h", "oral"), 60),)),  # "mme_90"
)
"""The first opioid patients get these, so even a small demo shows every safety alert."""
LONG_ACTING: Final = frozenset({"oxycodone ER", "morphine sulfate ER", mme.FENTANYL_TRANSDERMAL})


class _Allergy(NamedTuple):
    substance: str
    reaction: str
    severity: AllergySeverity
    avoid: tuple[str, ...]  # drug-name fragments this patient must not be prescribed


ALLERGIES: Final[tuple[_Allergy, ...]] = (
    _Allergy("Penicillin", "Hives", AllergySeverity.MODERATE, ()),
    _Allergy("Sulfonamide antibiotics", "Rash", AllergySeverity.MILD, ()),
    _Allergy("Codeine", "Nausea and vomiting", AllergySeverity.MILD, ("codeine",)),
    _Allergy("Morphine", "Itching and flushing", AllergySeverity.MILD, ("morphine",)),
    _Allergy(
        "Ibuprofen (NSAIDs)",
        "Angioedema",
        AllergySeverity.SEVERE,
        ("ibuprofen", "naproxen", "meloxicam", "diclofenac"),
    ),
    _Allergy("Latex", "Contact dermatitis", AllergySeverity.MODERATE, ()),
    _Allergy("Iodinated contrast media", "Urticaria", AllergySeverity.MODERATE, ()),
    _Allergy("Gabapentin", "Dizziness and ankle swelling", AllergySeverity.MILD, ("gabapentin",)),
    _Allergy("Peanuts", "Anaphylaxis", AllergySeverity.SEVERE, ()),
    _Allergy("Adhesive tape", "Skin blistering", AllergySeverity.MILD, ("patch", "transdermal")),
    _Allergy("Tramadol", "Seizure", AllergySeverity.SEVERE, ("tramadol",)),
    _Allergy("Shellfish", "Throat tightness", AllergySeverity.UNKNOWN, ()),
)


def _sentence(text: str) -> str:
    """``text`` with its first letter in upper case and the rest as written ("PHQ-9")."""
    return text[:1].upper() + text[1:]


class _Ask(NamedTuple):
    reason: str
    question: str
    expectation: Expectation


E = Expectation
REFERRAL_TEXT: Final[dict[Discipline, tuple[_Ask, ...]]] = {
    D.PAIN_MEDICINE: (
        _Ask(
            "Second opinion on the management of {condition}.",
            "Would you review the current regimen and suggest changes?",
            E.ADVICE,
        ),
    ),
    D.PHYSICAL_REHABILITATION: (
        _Ask(
            "Functional decline from {condition}; needs a rehabilitation assessment.",
            "Which functional goals are realistic, and which rehabilitation programme fits?",
            E.DIAGNOSIS,
        ),
        _Ask(
            "Shared rehabilitation care for {condition} with loss of work capacity.",
            "Please lead the rehabilitation plan; we keep medication management.",
            E.SHARED_CARE,
        ),
    ),
    D.PSYCHIATRY: (
        _Ask(
            "Low mood and anxiety complicating {condition}.",
            "Please assess mood and advise on psychotropics compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        _Ask(
            "Low mood complicating {condition}.",
            "Please assess mood and advise on psychotropics compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        _Ask(
            "Generalised anxiety complicating {condition}.",
            "Please assess the anxiety and advise on treatment compatible with the pain regimen.",
            E.SHARED_CARE,
        ),
        _Ask(
            "Thoughts of self-harm on PHQ-9 item 9 in a patient with {condition}.",
            "Please see the patient for a same-day safety assessment and advise on follow-up.",
            E.ADVICE,
        ),
        _Ask(
            "Positive PHQ-9 screen in a patient with {condition}.",
            "Is there a depressive disorder needing treatment, and is the antidepressant adequate?",
            E.ADVICE,
        ),
        _Ask(
            "Positive PHQ-9 screen in a patient with {condition}.",
            "Is there a depressive disorder needing treatment?",
            E.ADVICE,
        ),
    ),
    D.NEUROLOGY_HEADACHE: (
        _Ask(
            "Frequent headaches despite preventive treatment.",
            "Please confirm the headache diagnosis and advise on prevention and medication "
            "overuse.",
            E.DIAGNOSIS,
        ),
        _Ask(
            "Frequent headaches; no preventive treatment yet.",
            "Please confirm the headache diagnosis and advise on starting prevention and on "
            "medication overuse.",
            E.DIAGNOSIS,
        ),
        _Ask(
            "Numbness and burning with {condition}.",
            "Is nerve conduction testing indicated, and is there a treatable neuropathy?",
            E.DIAGNOSIS,
        ),
    ),
    D.ANESTHESIOLOGY: (
        _Ask(
            "{condition} not controlled with conservative care.",
            "Is the patient a candidate for an epidural steroid injection or radiofrequency "
            "ablation?",
            E.TREATMENT,
        ),
        _Ask(
            "{condition} not controlled with conservative care.",
            "Is the patient a candidate for an image-guided injection or another interventional "
            "procedure?",
            E.TREATMENT,
        ),
    ),
    D.NEUROSURGERY: (
        _Ask(
            "Persistent radicular pain with imaging findings.",
            "Is there a surgical option, or is a spinal cord stimulator trial worth considering?",
            E.ADVICE,
        ),
        _Ask(
            "{condition} with structural findings on imaging.",
            "Is there a surgical option?",
            E.ADVICE,
        ),
    ),
    D.INTERNAL_MEDICINE: (
        _Ask(
            "Medical conditions affecting the treatment of {condition}.",
            "Please optimise blood pressure and renal function before NSAID or opioid changes.",
            E.ADVICE,
        ),
        _Ask(
            "Medical conditions affecting the treatment of {condition}.",
            "Please review blood pressure, renal and liver function before medication changes.",
            E.ADVICE,
        ),
    ),
    D.PHYSICAL_THERAPY: (
        _Ask(
            "{condition} with deconditioning.",
            "Please evaluate and treat: graded activity, strengthening and a home programme.",
            E.TREATMENT,
        ),
    ),
    D.PSYCHOLOGY: (
        _Ask(
            "Pain-related distress and avoidance with {condition}.",
            "Please provide CBT for chronic pain (8 sessions) focused on pacing and coping.",
            E.TREATMENT,
        ),
    ),
    D.SOCIAL_WORK: (
        _Ask(
            "Financial and housing stress affecting attendance and adherence.",
            "Please help with disability benefits and transport to appointments.",
            E.TREATMENT,
        ),
    ),
    D.OCCUPATIONAL_HEALTH: (
        _Ask(
            "Return to work after a long absence due to {condition}.",
            "What work restrictions and graded return plan do you advise?",
            E.ADVICE,
        ),
    ),
    D.COMPLEMENTARY_MEDICINE: (
        _Ask(
            "Patient asks for non-drug options for {condition}.",
            "Please give a course of acupuncture or chiropractic care (6 sessions) and report "
            "the effect on the PEG score.",
            E.TREATMENT,
        ),
    ),
    D.PAIN_REHABILITATION_PROGRAM: (
        _Ask(  # the chart's F11: tapering is not the aim, treatment of the disorder is
            "Opioid use disorder in the setting of {condition}.",
            "Please evaluate for the interdisciplinary programme alongside the treatment of "
            "the opioid use disorder.",
            E.TRANSFER,
        ),
        _Ask(
            "Long-term opioid therapy with limited benefit for {condition}.",
            "Please evaluate for the interdisciplinary programme with supervised opioid tapering.",
            E.TRANSFER,
        ),
        _Ask(
            "Persistent disability from {condition} despite multimodal care.",
            "Please evaluate for the interdisciplinary pain rehabilitation programme.",
            E.TRANSFER,
        ),
    ),
    D.OTHER_SPECIALIST: (
        _Ask(
            "Joint pain and morning stiffness alongside {condition}.",
            "Is there an inflammatory or structural cause that needs specialist treatment?",
            E.DIAGNOSIS,
        ),
        _Ask(
            "Poor sleep worsening {condition}.",
            "Is there a sleep disorder, and does it bear on the opioid or sedative regimen?",
            E.ADVICE,
        ),
        _Ask(
            "Poor sleep worsening {condition}.",
            "Is there a sleep disorder, such as sleep apnoea, that needs treatment?",
            E.ADVICE,
        ),
    ),
}

AUTH_SERVICE: Final[dict[Discipline, str]] = {
    D.PHYSICAL_THERAPY: "Physical therapy evaluation and treatment",
    D.PSYCHOLOGY: "Psychotherapy for chronic pain",
    D.COMPLEMENTARY_MEDICINE: "Acupuncture / chiropractic visits",
    D.ANESTHESIOLOGY: "Interventional pain procedure",
    D.PAIN_REHABILITATION_PROGRAM: "Interdisciplinary pain rehabilitation program",
    D.NEUROSURGERY: "Neurosurgical consultation",
}
COURSE_DISCIPLINES: Final = frozenset(
    {D.PHYSICAL_THERAPY, D.PSYCHOLOGY, D.COMPLEMENTARY_MEDICINE, D.SOCIAL_WORK}
)

BASE_WEIGHTS: Final[dict[Discipline, int]] = {
    D.PHYSICAL_THERAPY: 16,
    D.PSYCHOLOGY: 12,
    D.PHYSICAL_REHABILITATION: 10,
    D.PSYCHIATRY: 8,
    D.ANESTHESIOLOGY: 10,
    D.NEUROLOGY_HEADACHE: 4,
    D.NEUROSURGERY: 3,
    D.INTERNAL_MEDICINE: 5,
    D.SOCIAL_WORK: 5,
    D.OCCUPATIONAL_HEALTH: 4,
    D.COMPLEMENTARY_MEDICINE: 7,
    D.PAIN_REHABILITATION_PROGRAM: 1,
    D.OTHER_SPECIALIST: 5,
    D.PAIN_MEDICINE: 2,
}

PRIORITY_REASONS: Final[dict[Priority, tuple[str, ...]]] = {
    Priority.URGENT: (
        "Rapidly worsening pain with loss of function.",
        "Pain flare threatening the patient's job.",
        "Escalating opioid use; needs review before the next refill.",
    ),
    Priority.ASAP: (
        "Severe pain limiting sleep and self-care.",
        "New weakness reported since the last visit.",
    ),
    Priority.STAT: (
        "Thoughts of self-harm reported on PHQ-9 item 9.",
        "Sudden worsening with new neurological signs.",
    ),
}
TOLD: Final = (
    "The patient knows why they are being referred and agrees.",
    "Told to expect a call from the specialist's office within two weeks.",
    "Told the aim is better function, not a cure.",
    "The patient is anxious about the visit and was reassured.",
    None,
)
TRIED: Final = (
    "six weeks of physical therapy with partial benefit",
    "home exercise programme, limited adherence",
    "TENS without benefit",
    "two epidural steroid injections, about three weeks of relief each",
    "CBT workbook with some benefit",
    "heat, stretching and pacing advice",
)
HOLD_REASONS: Final = (
    "Awaiting insurance authorisation.",
    "Patient admitted to hospital.",
    "Patient travelling until next month.",
    "Patient asked to wait until after a family event.",
)
DECLINE_REASONS: Final = (
    "Not accepting new patients until next quarter.",
    "Out of network for the patient's insurance.",
    "Outside our scope; please refer to a subspecialist.",
    "Duplicate referral: the patient is already under our care.",
)
CANCEL_REASONS: Final = (
    "Symptoms improved; referral no longer needed.",
    "Patient moved out of the area.",
    "Patient declined the referral.",
    "Referred to another provider closer to home.",
)
DENIAL_REASONS: Final = (
    "Not medically necessary under the payer's criteria.",
    "Out-of-network provider.",
    "Step therapy required: six weeks of physical therapy first.",
)
NO_REPORT_REASONS: Final = (
    "Specialist gave the findings by phone; documented in a chart note.",
    "Specialist's office closed; report unobtainable after three requests.",
)
DISCHARGE_REASONS: Final = (
    "Goals met; care returned to the primary care physician.",
    "Moved out of the area.",
    "Patient chose to end treatment.",
)
TRIGGERS: Final = (
    "stress, poor sleep",
    "bright light, skipped meals",
    "menstruation, red wine",
    "weather changes, screen time",
    "neck strain, long drives",
)

ACTIVITIES: Final[dict[Modality, tuple[tuple[str, tuple[int, int] | None], ...]]] = {
    Modality.MEDICATION: (
        ("Titrate neuropathic agent to effect", None),
        ("Opioid taper by 10 % a month", None),
        ("Trial of topical lidocaine", None),
        ("Review of the analgesic regimen and its side effects", None),
    ),
    Modality.INTERVENTIONAL: (
        ("Lumbar epidural steroid injection", (1, 2)),
        ("Medial branch blocks, then radiofrequency ablation", (2, 3)),
        ("Occipital nerve block", (1, 2)),
        ("Spinal cord stimulator trial", (1, 1)),
        ("Genicular nerve block", (1, 2)),
        ("Trigger point injections", (2, 4)),
        ("Sympathetic nerve block", (1, 3)),
    ),
    Modality.PHYSICAL_THERAPY: (
        ("Graded activity programme, twice weekly", (8, 12)),
        ("Aquatic therapy", (6, 10)),
        ("Core stabilisation and home exercise programme", (6, 12)),
    ),
    Modality.PSYCHOLOGICAL: (
        ("CBT for chronic pain", (8, 10)),
        ("Relaxation training and biofeedback", (4, 6)),
        ("Acceptance and commitment therapy group", (6, 8)),
    ),
    Modality.COMPLEMENTARY: (
        ("Acupuncture", (6, 8)),
        ("Chiropractic care", (4, 6)),
        ("Therapeutic massage", (4, 6)),
    ),
    Modality.DIAGNOSTICS: (
        ("MRI of the lumbar spine", (1, 1)),
        ("Nerve conduction study", (1, 1)),
        ("Baseline renal and liver function tests", (1, 1)),
        ("Diagnostic medial branch block", (1, 1)),
    ),
    Modality.EDUCATION: (
        ("Pain neuroscience education", (1, 3)),
        ("Sleep and pacing workshop", (2, 4)),
        ("Naloxone and safe opioid storage teaching", (1, 1)),
    ),
}
ACTIVITY_DISCIPLINES: Final[dict[Modality, tuple[Discipline, ...]]] = {
    Modality.MEDICATION: (),  # the coordinating physician
    Modality.INTERVENTIONAL: (D.ANESTHESIOLOGY, D.PAIN_MEDICINE),
    Modality.PHYSICAL_THERAPY: (D.PHYSICAL_THERAPY,),
    Modality.PSYCHOLOGICAL: (D.PSYCHOLOGY,),
    Modality.COMPLEMENTARY: (D.COMPLEMENTARY_MEDICINE,),
    Modality.DIAGNOSTICS: (D.INTERNAL_MEDICINE,),
    Modality.EDUCATION: (D.SOCIAL_WORK, D.PSYCHOLOGY, D.PHYSICAL_THERAPY),
}
STOP_REASONS: Final = (
    "No benefit after several sessions.",
    "Patient declined further sessions.",
    "Insurance visits exhausted.",
    "Side effects: dizziness and nausea.",
)
MODALITIES: Final = tuple(Modality)
MODALITY_WEIGHTS: Final = (14, 10, 16, 12, 8, 6, 8)


# ----------------------------------------------------------------------------- helpers


def _v(member: StrEnum) -> str:
    """An enum's stored value as a plain ``str`` (drivers must not see the enum itself)."""
    value: str = member._value_  # the attribute itself: ``.value`` is a slow descriptor
    return value


T = TypeVar("T")


class _Random(random.Random):
    """``random.Random`` with quicker integer and element draws (millions are made)."""

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        return items[int(self.random() * len(items))]


def report_pdf(
    heading: str = "Specialist report",
    findings: str = "see the referral history in CareCoord.",
) -> bytes:
    """A one-page, valid PDF marked as a fictional document (built by hand: fast)."""
    lines = (
        (16, heading),
        (11, "DEMONSTRATION DOCUMENT - fictional patient, not a medical record."),
        (11, f"Findings: {findings}"),
        (11, f"Filed to {names.CLINIC_NAME} demo data."),
    )
    parts = ["BT", "72 720 Td"]
    for i, (size, line) in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(f"/F1 {size} Tf {'0 -24 Td ' if i else ''}({escaped}) Tj")
    parts.append("ET")
    stream = "\n".join(parts).encode("latin-1")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _hash_password() -> str:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    return str(hasher.hash(DEMO_PASSWORD))


def _clamp(value: float, low: int = 0, high: int = 10) -> int:
    return max(low, min(high, round(value)))


def _weekday(day: date) -> date:
    """Move a weekend day to the Monday after (clinics book on weekdays)."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


class _Member(NamedTuple):
    id: int
    discipline: Discipline
    display: str
    active: bool


class _Chart(NamedTuple):
    """What later steps of one patient's generation need to know about the earlier ones."""

    id: int
    since: date
    sex: str
    born: date
    profile: _Profile
    codes: tuple[str, ...]
    opioid: bool
    oud: bool
    depressed: bool
    anxious: bool
    drug_names: tuple[str, ...]
    payer: str | None
    member_no: str | None
    lines: tuple[coherence.Line, ...] = ()


# ----------------------------------------------------------------------------- builder


class _Builder:
    """Generates every row from one seeded random stream; the same seed and day, the same data."""

    def __init__(self, sink: _Sink, ids: dict[str, int], seed: int, today: date) -> None:
        self.sink = sink
        self.ids = ids
        self.rng = _Random(seed)
        self.today = today
        self.stamp_today = sink.stamp(today, 7 * 60)
        self.members: list[_Member] = []
        self.by_discipline: dict[Discipline, list[_Member]] = {d: [] for d in Discipline}
        self.user_ids: dict[str, int] = {}
        self.pdf = report_pdf()
        self.pdf_sha = hashlib.sha256(self.pdf).hexdigest()
        self.nrs_cache: dict[int, tuple[str, float, str]] = {}
        self.peg_cache: dict[tuple[int, int, int], tuple[str, float, str]] = {}
        self.profile_weights = [p.weight for p in PROFILES]
        self.opioid_weights = [w for _, w in OPIOIDS]
        self.discipline_cum: dict[tuple[bool, ...], tuple[list[Discipline], list[int]]]
        self.discipline_cum = {}
        self.referral_index = 0
        self.states = list(S)
        # draft, sent, accepted, scheduled, seen, report_received, declined, cancelled, on_hold
        self.state_cum = _cumulative((5, 9, 6, 9, 8, 42, 5, 9, 7))
        self.modality_index = 0
        self.opioid_index = 0
        # Per-patient facts the later steps use (set by team_for and assessments).
        self.current_coordinator = 0
        self.current_alert = False
        self.current_alert_day: date | None = None
        self.current_facts = coherence.ChartFacts()
        self.current_discharged = False
        self.therapist_member = 0

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def versioned(self, day: date, by: str = LOADED_BY, minute: int = 600) -> tuple[Any, ...]:
        stamp = self.sink.stamp(day, minute)
        return (1, stamp, stamp, by)

    # ------------------------------------------------------------------ directory & users
    def team(self) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        soon = {2: 17, 9: 41, 19: 55}  # board certifications expiring within 60 days
        expired = {13: -23}
        created = today - timedelta(days=900)
        for index, spec in enumerate(names.MEMBERS):
            member_id = self.next_id("team_members")
            internal = spec.organisation is None
            nn = 2 + index * 2
            ascii_given = search_key(spec.given).replace(" ", "")
            ascii_family = search_key(spec.family).replace(" ", "")
            if internal:
                phone = f"{names.CLINIC_PHONE} ext {200 + index}"
                fax = names.CLINIC_FAX
                email = f"{ascii_given}.{ascii_family}@{names.CLINIC_DOMAIN}"
                address = names.CLINIC_ADDRESS
                organisation = names.CLINIC_ORGANISATION
            else:
                organisation = spec.organisation or ""
                slug = search_key(organisation).replace(" ", "-")
                phone = f"(503) 555-01{nn:02d}"
                fax = f"(503) 555-01{nn + 1:02d}"
                email = f"{ascii_given[0]}{ascii_family}@{slug}.example.com"
                street = names.STREETS[index % len(names.STREETS)]
                city, state, zip_code = names.CITIES[index % len(names.CITIES)]
                address = f"{100 + index * 37} {street}\n{city}, {state} {zip_code}"
            expires: date | None = None
            if spec.board:
                offset = soon.get(index, expired.get(index))
                if offset is None:
                    offset = rng.between(120, 2400)
                expires = today + timedelta(days=offset)
            sink.rows["team_members"].append(
                (
                    member_id,
                    spec.family,
                    spec.given,
                    spec.credentials,
                    _v(spec.discipline),
                    spec.specialty,
                    organisation,
                    spec.board,
                    sink.day(expires),
                    phone,
                    fax,
                    email,
                    address,
                    internal,
                    spec.active,
                    spec.notes,
                    *self.versioned(created),
                )
            )
            suffix = f", {spec.credentials}" if spec.credentials else ""
            member = _Member(
                member_id, spec.discipline, f"{spec.given} {spec.family}{suffix}", spec.active
            )
            self.members.append(member)
            if spec.active:
                self.by_discipline[spec.discipline].append(member)

    def users(self, existing: set[str]) -> None:
        password_hash = _hash_password()  # argon2 is slow on purpose: hash once
        coordinator = self.members[0].id
        psychologist = next(m.id for m in self.members if m.discipline == D.PSYCHOLOGY)
        accounts = (
            ("admin", "Clinic Administrator (demo)", UserRole.ADMINISTRATOR, None),
            ("drlee", "Hana Lee", UserRole.PHYSICIAN, coordinator),
            ("therapist", "Marisol Vega", UserRole.CLINICIAN, psychologist),
            ("frontdesk", "Front Desk (demo)", UserRole.FRONT_DESK, None),
        )
        created = self.today - timedelta(days=900)
        for username, full_name, role, member_id in accounts:
            if username in existing:
                continue
            user_id = self.next_id("users")
            self.user_ids[username] = user_id
            self.sink.rows["users"].append(
                (
                    user_id,
                    username,
                    full_name,
                    password_hash,
                    _v(role),
                    member_id,
                    True,
                    0,
                    *self.versioned(created),
                )
            )

    def settings(self) -> None:
        clinic = ClinicSettings(
            clinic_name=names.CLINIC_NAME,
            address=names.CLINIC_ADDRESS,
            phone=names.CLINIC_PHONE,
            fax=names.CLINIC_FAX,
            email=names.CLINIC_EMAIL,
        )
        for key, value in encode_settings(clinic).items():
            self.sink.rows["settings"].append((key, value))

    # --------------------------------------------------------------------------- patients
    def patient(self, index: int) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        patient_id = self.next_id("patients")
        culture = rng.choices(names.CULTURES, cum_weights=CULTURE_CUM)[0]
        sex_roll = rng.random()
        sex = (
            AdministrativeSex.FEMALE
            if sex_roll < 0.55
            else AdministrativeSex.MALE
            if sex_roll < 0.98
            else AdministrativeSex.OTHER
            if sex_roll < 0.99
            else AdministrativeSex.UNKNOWN
        )
        female = sex == AdministrativeSex.FEMALE or (
            sex != AdministrativeSex.MALE and rng.random() < 0.5
        )
        given = rng.pick(culture.female if female else culture.male)
        family = rng.pick(culture.family)
        middle = culture.female_middle if female else culture.male_middle
        if middle is None and rng.random() < 0.12:
            middle = rng.pick(culture.female if female else culture.male)
            if middle == given:
                middle = None
        language = culture.language if rng.random() < 0.4 else "English"
        if index < len(names.SHOWCASE_PATIENTS):
            given, family, middle, sex_value, language = names.SHOWCASE_PATIENTS[index]
            sex = AdministrativeSex(sex_value)
        age_days = int(365.25 * min(90, max(19, rng.triangular(19, 91, 55))))
        born = today - timedelta(days=age_days + rng.between(0, 300))
        since = today - timedelta(days=rng.between(120, 1000))
        family_key, given_key = search_key(family), search_key(given)
        phone = f"({rng.pick(names.AREA_CODES)}) 555-01{rng.between(0, 99):02d}"
        email = (
            f"{given_key.replace(' ', '')}.{family_key.replace(' ', '')}{patient_id}@example.com"
            if rng.random() < 0.75
            else None
        )
        city, state, zip_code = rng.pick(names.CITIES)
        address = f"{rng.between(10, 9899)} {rng.pick(names.STREETS)}\n{city}, {state} {zip_code}"
        payer: str | None = None
        member_no: str | None = None
        if rng.random() < 0.94:
            payer = rng.pick(names.PAYERS)
            member_no = f"{payer[:3].upper()}{rng.between(10_000_000, 99_999_999)}"
        discharged = rng.random() < 0.05
        discharged_on = today - timedelta(days=rng.between(5, 100)) if discharged else None
        sink.rows["patients"].append(
            (
                patient_id,
                f"CC{patient_id:07d}",
                family,
                given,
                middle,
                family_key,
                given_key,
                sink.day(born),
                _v(sex),
                phone,
                email,
                address,
                language,
                payer,
                member_no,
                _v(PatientStatus.DISCHARGED if discharged else PatientStatus.ACTIVE),
                sink.day(discharged_on),
                rng.pick(DISCHARGE_REASONS) if discharged else None,
                None,
                *self.versioned(since, "frontdesk"),
            )
        )
        # A discharged patient's chart ends on the discharge day: build it as of that day.
        self.today = discharged_on or today
        self.current_discharged = discharged
        try:
            chart = self.chart(patient_id, since, _v(sex), born, payer, member_no)
            self.team_for(chart)
            visits = self.assessments(chart)
            self.plan(chart, visits)
            self.referrals(chart)
        finally:
            self.today = today

    def chart(
        self,
        patient_id: int,
        since: date,
        sex: str,
        born: date,
        payer: str | None,
        member_no: str | None,
    ) -> _Chart:
        """Diagnoses, medications, allergies and headache profile of one patient."""
        rng, sink = self.rng, self.sink
        profile = rng.choices(PROFILES, cum_weights=PROFILE_CUM)[0]
        opioid = rng.random() < 0.40
        oud = opioid and rng.random() < 0.15
        showcase = None
        if opioid and self.opioid_index < len(SHOWCASES):
            showcase = SHOWCASES[self.opioid_index]
            oud = showcase.oud
        depressed = rng.random() < (0.35 if profile.name == "fibromyalgia" else 0.25)
        anxious = rng.random() < 0.2
        codes = [rng.pick(profile.primary)]
        if oud:
            codes.append("F11.20")
        elif opioid:
            codes.append("Z79.891")
        # Depression and anxiety are always coded: the scores, drugs and psychiatry
        # referrals that follow refer to them.
        codes += [*(["F32.A"] if depressed else []), *(["F41.1"] if anxious else [])]
        optional = [c for c in profile.extra if rng.random() < 0.4]
        wanted = max(len(codes), rng.between(1, 4))
        codes += optional[: max(0, wanted - len(codes))]
        codes = codes[:4]
        for code in codes:
            onset = since - timedelta(days=rng.between(30, 3000))
            sink.rows["diagnoses"].append(
                (
                    self.next_id("diagnoses"),
                    patient_id,
                    code,
                    ICD[code],
                    sink.day(onset),
                    True,
                    None,
                    *self.versioned(since, "drlee"),
                )
            )
        allergies: list[_Allergy] = []
        if rng.random() < 0.30:
            allergies = rng.sample(ALLERGIES, 1 if rng.random() < 0.75 else 2)
        if showcase is not None:  # a showcase's drugs are never ones the patient must avoid
            given = " ".join(d.drug for d, _ in showcase.lines)
            allergies = [a for a in allergies if not any(f in given for f in a.avoid)]
        for allergy in allergies:
            sink.rows["allergies"].append(
                (
                    self.next_id("allergies"),
                    patient_id,
                    allergy.substance,
                    allergy.reaction,
                    _v(allergy.severity),
                    *self.versioned(since, "drlee"),
                )
            )
        avoid = tuple(fragment for a in allergies for fragment in a.avoid)
        lines: list[tuple[_Drug, float]] = []
        if showcase is not None:
            self.opioid_index += 1
            lines += showcase.lines
        elif opioid:
            if oud:  # CDC 2022 Rec. 12: treatment for OUD is on the list
                lines.append((OUD_TREATMENT, rng.pick(OUD_TREATMENT.doses)))
            else:
                for _ in range(5):
                    drug = rng.choices(OPIOIDS, cum_weights=OPIOID_CUM)[0][0]
                    if not any(f in drug.drug for f in avoid):
                        break
                else:
                    drug = OPIOIDS[-1][0]
                self.opioid_index += 1
                lines.append((drug, rng.pick(drug.doses)))
                if drug.drug in LONG_ACTING and rng.random() < 0.3:
                    lines.append((BREAKTHROUGH, BREAKTHROUGH.doses[0]))
        if lines and (showcase is None or showcase.naloxone):
            summary = mme.total_mme(
                mme.MedicationDose(
                    d.drug, dose, d.frequency, d.max_per_day, unit=d.unit, route=d.route
                )
                for d, dose in lines
            )
            if summary.at_least_50 or oud:  # CDC 2022 Rec. 8: offer naloxone
                lines.append((NALOXONE, NALOXONE.doses[0]))
        wanted_drugs = max(0, rng.between(1, 5) - len(lines))
        pool = [d for d in profile.drugs if not any(f in NON_OPIOIDS[d].drug for f in avoid)]
        if opioid:  # a gabapentinoid beside an opioid only where a showcase means it
            pool = [d for d in pool if d not in GABAPENTINOIDS]
        if (depressed or anxious) and rng.random() < 0.7:
            pool.insert(0, rng.pick(MOOD_DRUGS))
        chosen: list[str] = []
        # One drug per therapeutic group (no SSRI beside an SNRI, no two NSAIDs).
        groups = {drugs.duplicate_group(d.drug, d.route) for d, _ in lines} - {None}
        for key in pool:
            if len(chosen) >= wanted_drugs:
                break
            group = drugs.duplicate_group(NON_OPIOIDS[key].drug, NON_OPIOIDS[key].route)
            if group is not None and group in groups:
                continue
            if key not in chosen and rng.random() < 0.75:
                chosen.append(key)
                groups.add(group)
        if not lines and not chosen:
            chosen.append(pool[0] if pool else "acetaminophen")
        for key in chosen:
            drug = NON_OPIOIDS[key]
            lines.append((drug, rng.pick(drug.doses)))
        taken: list[coherence.Line] = []
        for drug, dose in lines:
            # Taken when the patient came (the intake medication list), some stopped since.
            start = since - timedelta(days=rng.between(0, 60))
            stop = None
            # Naloxone and the treatment of an OUD stay while the risk does (CDC 2022 Rec. 8, 12).
            if rng.random() < 0.08 and drug is not NALOXONE and drug is not OUD_TREATMENT:
                stop = min(self.today, start + timedelta(days=rng.between(30, 200)))
            taken.append(coherence.Line(drug.drug, start, stop, drug.route))
            sink.rows["medications"].append(
                (
                    self.next_id("medications"),
                    patient_id,
                    drug.drug,
                    dose,
                    drug.unit,
                    drug.frequency,
                    drug.max_per_day,
                    drug.route,
                    sink.day(start),
                    sink.day(stop),
                    mme.is_opioid(drug.drug),
                    drug.psychotropic,
                    None,
                    drug.indication,
                    _v(medication_category(drug.drug, drug.indication)),
                    *self.versioned(since, "drlee"),
                )
            )
        if profile.headache:
            migraine = codes[0].startswith("G43")
            attacks = rng.between(3, 14) if migraine else rng.between(6, 20)
            days = min(30, attacks + rng.between(0, 8))
            sink.rows["headache_profiles"].append(
                (
                    self.next_id("headache_profiles"),
                    patient_id,
                    _v(HeadacheType.MIGRAINE if migraine else HeadacheType.TENSION_TYPE),
                    codes[0] == "G43.109",
                    attacks,
                    days,
                    min(days, rng.between(2, 18)),
                    rng.pick(TRIGGERS),
                    None,
                    sink.stamp(since),
                    *self.versioned(since, "drlee"),
                )
            )
        return _Chart(
            id=patient_id,
            since=since,
            sex=sex,
            born=born,
            profile=profile,
            codes=tuple(codes),
            opioid=opioid,
            oud=oud,
            depressed=depressed,
            anxious=anxious,
            drug_names=tuple(d.drug for d, _ in lines if d.drug in NON_OPIOID_NAMES),
            payer=payer,
            member_no=member_no,
            lines=tuple(taken),
        )

    def team_for(self, chart: _Chart) -> None:
        """Care team: one active coordinator always; ~15 % miss a core role (the gap warning)."""
        rng, sink, today = self.rng, self.sink, self.today
        rows = sink.rows["care_team_memberships"]
        coordinators = self.by_discipline[D.PAIN_MEDICINE]
        coordinator = rng.pick(coordinators)
        since = chart.since
        if rng.random() < 0.1:  # handed over from another coordinator
            previous = rng.pick([m for m in coordinators if m.id != coordinator.id])
            handover = since + timedelta(days=rng.between(20, max(21, (today - since).days - 10)))
            rows.append(
                (
                    self.next_id("care_team_memberships"),
                    chart.id,
                    previous.id,
                    _v(CareTeamRole.COORDINATING_PHYSICIAN),
                    sink.day(since),
                    sink.day(handover),
                    "Handed over coordination.",
                    *self.versioned(since, "drlee"),
                )
            )
            since = handover
        rows.append(
            (
                self.next_id("care_team_memberships"),
                chart.id,
                coordinator.id,
                _v(CareTeamRole.COORDINATING_PHYSICIAN),
                sink.day(since),
                None,
                None,
                *self.versioned(since, "drlee"),
            )
        )

        self.current_coordinator = coordinator.id
        gap = rng.random() < 0.15
        missing_rehab = gap and rng.random() < 0.65
        missing_psych = gap and (not missing_rehab or rng.random() < 0.25)
        for role, discipline, missing in (
            (CareTeamRole.REHABILITATION_SPECIALIST, D.PHYSICAL_REHABILITATION, missing_rehab),
            (CareTeamRole.PSYCHIATRIST, D.PSYCHIATRY, missing_psych),
        ):
            member = rng.pick(self.by_discipline[discipline])
            start = chart.since + timedelta(days=rng.between(0, 60))
            if missing:
                if rng.random() < 0.4:  # the gap is a membership that ended
                    end = min(
                        today - timedelta(days=1), start + timedelta(days=rng.between(30, 200))
                    )
                    rows.append(
                        (
                            self.next_id("care_team_memberships"),
                            chart.id,
                            member.id,
                            _v(role),
                            sink.day(start),
                            sink.day(max(start, end)),
                            "Moved on; not replaced.",
                            *self.versioned(start, "drlee"),
                        )
                    )
                continue
            rows.append(
                (
                    self.next_id("care_team_memberships"),
                    chart.id,
                    member.id,
                    _v(role),
                    sink.day(start),
                    None,
                    None,
                    *self.versioned(start, "drlee"),
                )
            )
        if rng.random() < 0.35:
            discipline = rng.pick((D.PHYSICAL_THERAPY, D.PSYCHOLOGY, D.COMPLEMENTARY_MEDICINE))
            member = rng.pick(self.by_discipline[discipline])
            start = chart.since + timedelta(days=rng.between(0, 90))
            rows.append(
                (
                    self.next_id("care_team_memberships"),
                    chart.id,
                    member.id,
                    _v(CareTeamRole.THERAPIST),
                    sink.day(start),
                    None,
                    None,
                    *self.versioned(start, "drlee"),
                )
            )
        if chart.profile.headache and rng.random() < 0.5:
            member = rng.pick(self.by_discipline[D.NEUROLOGY_HEADACHE])
            rows.append(
                (
                    self.next_id("care_team_memberships"),
                    chart.id,
                    member.id,
                    _v(CareTeamRole.CONSULTANT),
                    sink.day(chart.since),
                    None,
                    None,
                    *self.versioned(chart.since, "drlee"),
                )
            )
        if rng.random() < 0.08:  # a therapist who has since left the practice
            leaver = next(
                (m for m in self.members if not m.active and m.discipline == D.PHYSICAL_THERAPY),
                None,
            )
            if leaver is not None:
                end = min(today - timedelta(days=1), chart.since + timedelta(days=90))
                rows.append(
                    (
                        self.next_id("care_team_memberships"),
                        chart.id,
                        leaver.id,
                        _v(CareTeamRole.THERAPIST),
                        sink.day(chart.since),
                        sink.day(end),
                        "Clinician left the practice.",
                        *self.versioned(chart.since, "drlee"),
                    )
                )

    # ------------------------------------------------------------------------ assessments
    def assessments(self, chart: _Chart) -> list[tuple[date, int, tuple[int, int, int]]]:
        """PEG and NRS every 4-8 weeks over the last year; PHQ-9, GAD-7 and ORT now and then."""
        rng, sink, today = self.rng, self.sink, self.today
        rows = sink.rows["assessments"]
        start = max(chart.since, today - timedelta(days=365)) + timedelta(days=rng.between(0, 14))
        dates: list[date] = []
        day = start
        while day <= today:
            dates.append(day)
            day += timedelta(days=rng.between(28, 56))
        if not dates:
            dates.append(today)
        baseline = rng.between(5, 9)
        course = rng.random()
        final = baseline * (
            rng.uniform(0.4, 0.7)
            if course < 0.55
            else rng.uniform(0.8, 0.95)
            if course < 0.8
            else rng.uniform(0.95, 1.15)
        )
        steps = max(1, len(dates) - 1)
        visits: list[tuple[date, int, tuple[int, int, int]]] = []
        for i, day in enumerate(dates):
            level = baseline + (final - baseline) * i / steps + rng.gauss(0, 0.6)
            value = _clamp(level)
            nrs = self.nrs_cache.get(value)
            if nrs is None:
                result = instruments.nrs(value)
                nrs = self.nrs_cache[value] = (
                    json.dumps({"value": value}),
                    float(result.total),
                    result.band,
                )
            items = (
                _clamp(level + rng.gauss(0, 0.8)),
                _clamp(level + 0.5 + rng.gauss(0, 1.2)),
                _clamp(level + 0.3 + rng.gauss(0, 1.2)),
            )
            peg = self.peg_cache.get(items)
            if peg is None:
                answers = {"pain": items[0], "enjoyment": items[1], "activity": items[2]}
                scored = instruments.score(AssessmentKind.PEG, answers)
                peg = self.peg_cache[items] = (json.dumps(answers), scored.total, scored.band)
            who = "drlee" if rng.random() < 0.8 else "therapist"
            versioned = self.versioned(day, who)
            taken = sink.day(day)
            rows.append(
                (self.next_id("assessments"), chart.id, "nrs", taken, *nrs, False, who, *versioned)
            )
            rows.append(
                (self.next_id("assessments"), chart.id, "peg", taken, *peg, False, who, *versioned)
            )
            visits.append((day, value, items))
        alert = False
        alert_day: date | None = None
        phq9: list[coherence.Score] = []
        gad7: list[coherence.Score] = []
        phq_times = rng.between(2, 3) if chart.depressed else (1 if rng.random() < 0.4 else 0)
        for day in sorted(rng.sample(dates, min(phq_times, len(dates)))):
            weights = (20, 40, 30, 10) if chart.depressed else (60, 30, 8, 2)
            items9 = rng.choices((0, 1, 2, 3), weights=weights, k=9)
            items9[8] = 0
            if rng.random() < (0.08 if chart.depressed else 0.01):
                items9[8] = rng.pick((1, 1, 2))
            answers9 = {"items": items9}
            phq = instruments.score(AssessmentKind.PHQ9, answers9)
            flag = isinstance(phq, instruments.Phq9Result) and phq.self_harm_flag
            if flag and alert_day is None:
                alert_day = day
            alert = alert or flag
            phq9.append(coherence.Score(day, int(phq.total), items9[8]))
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "phq9",
                    sink.day(day),
                    json.dumps(answers9),
                    float(phq.total),
                    phq.band,
                    flag,
                    "therapist",
                    *self.versioned(day, "therapist"),
                )
            )
        gad_times = rng.between(1, 2) if chart.anxious else (1 if rng.random() < 0.3 else 0)
        for day in sorted(rng.sample(dates, min(gad_times, len(dates)))):
            weights = (15, 40, 30, 15) if chart.anxious else (60, 30, 8, 2)
            answers7 = {"items": rng.choices((0, 1, 2, 3), weights=weights, k=7)}
            gad = instruments.score(AssessmentKind.GAD7, answers7)
            gad7.append(coherence.Score(day, int(gad.total)))
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "gad7",
                    sink.day(day),
                    json.dumps(answers7),
                    float(gad.total),
                    gad.band,
                    False,
                    "therapist",
                    *self.versioned(day, "therapist"),
                )
            )
        if chart.opioid or rng.random() < 0.15:
            day = dates[0]
            age = (day - chart.born).days // 365
            ort_answers: dict[str, object] = {"sex": chart.sex}
            boxes = {
                "family_alcohol": rng.random() < 0.2,
                "family_illegal_drugs": rng.random() < 0.08,
                "family_prescription_drugs": rng.random() < 0.06,
                "personal_alcohol": rng.random() < 0.1,
                "personal_illegal_drugs": rng.random() < (0.3 if chart.oud else 0.03),
                "personal_prescription_drugs": chart.oud,
                "age_16_to_45": 16 <= age <= 45,
                "preadolescent_sexual_abuse": rng.random() < 0.04,
                "psychological_disease": rng.random() < 0.05,
                "depression": chart.depressed,
            }
            ort_answers.update({k: True for k, marked in boxes.items() if marked})
            ort = instruments.score(AssessmentKind.ORT, ort_answers)
            rows.append(
                (
                    self.next_id("assessments"),
                    chart.id,
                    "ort",
                    sink.day(day),
                    json.dumps(ort_answers),
                    float(ort.total),
                    ort.band,
                    False,
                    "drlee",
                    *self.versioned(day, "drlee"),
                )
            )
        self.current_alert = alert
        self.current_alert_day = alert_day
        self.current_facts = coherence.ChartFacts(
            chart.codes, chart.lines, tuple(phq9), tuple(gad7)
        )
        return visits

    # ------------------------------------------------------------------------------ plans
    def plan(self, chart: _Chart, visits: list[tuple[date, int, tuple[int, int, int]]]) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        if rng.random() < 0.18:
            return
        first_day, first_nrs, first_peg = visits[0]
        plans: list[tuple[PlanStatus, date]] = []
        if rng.random() < 0.1 and (first_day - chart.since).days > 60:
            plans.append((rng.pick((PlanStatus.COMPLETED, PlanStatus.DISCONTINUED)), chart.since))
        roll = rng.random()
        current = (
            PlanStatus.ACTIVE
            if roll < 0.85
            else PlanStatus.DRAFT
            if roll < 0.93
            else PlanStatus.COMPLETED
        )
        if self.current_discharged:  # care ended with the discharge
            current = PlanStatus.COMPLETED if roll < 0.7 else PlanStatus.DISCONTINUED
        plans.append((current, first_day))
        for status, started in plans:
            plan_id = self.next_id("treatment_plans")
            old = started < first_day
            ends = first_day if old else today
            review = (
                started + timedelta(days=90)
                if old or status is PlanStatus.COMPLETED
                else today + timedelta(days=rng.between(-14, 75))
            )
            sink.rows["treatment_plans"].append(
                (
                    plan_id,
                    chart.id,
                    f"Multimodal plan: {chart.profile.name}",
                    _v(status),
                    sink.day(started),
                    sink.day(review),
                    "Fictional demo plan." if status is PlanStatus.DRAFT else None,
                    *self.versioned(started, "drlee"),
                )
            )
            goals = (
                (GoalAxis.PAIN, "Reduce average pain by at least 30 %", "NRS", first_nrs),
                (
                    GoalAxis.FUNCTION,
                    "Walk 30 minutes a day and return to usual activities",
                    "PEG activity",
                    first_peg[2],
                ),
                (
                    GoalAxis.QUALITY_OF_LIFE,
                    "Enjoy social life again; sleep 6 hours a night",
                    "PEG enjoyment",
                    first_peg[1],
                ),
            )
            for axis, description, measure, baseline in goals:
                target = (
                    max(0, round(baseline * 0.7)) if axis is GoalAxis.PAIN else max(0, baseline - 3)
                )
                sink.rows["plan_goals"].append(
                    (
                        self.next_id("plan_goals"),
                        plan_id,
                        _v(axis),
                        description,
                        measure,
                        float(baseline),
                        float(target),
                        sink.day(review),
                        *self.versioned(started, "drlee"),
                    )
                )
            count = rng.between(2, 5)
            picks = rng.choices(MODALITIES, weights=MODALITY_WEIGHTS, k=count - 1)
            picks.append(MODALITIES[self.modality_index % len(MODALITIES)])
            self.modality_index += 1
            for modality in dict.fromkeys(picks):
                self.activity(plan_id, modality, status, started, ends)

    def activity(
        self, plan_id: int, modality: Modality, plan_status: PlanStatus, started: date, ends: date
    ) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        span = max(0, (ends - started).days)
        start = started + timedelta(days=rng.between(0, min(span, 120)))
        end: date | None = None
        stop_reason = None
        if plan_status in (PlanStatus.COMPLETED, PlanStatus.DISCONTINUED):
            status = ActivityStatus.DONE if rng.random() < 0.7 else ActivityStatus.STOPPED
        elif plan_status is PlanStatus.DRAFT:
            status = ActivityStatus.PLANNED
        else:
            roll = rng.random()
            status = (
                ActivityStatus.ACTIVE
                if roll < 0.45
                else ActivityStatus.DONE
                if roll < 0.7
                else ActivityStatus.PLANNED
                if roll < 0.88
                else ActivityStatus.STOPPED
            )
        if status is ActivityStatus.PLANNED:
            start = today + timedelta(days=rng.between(3, 45))
        # Only activities that fit the chart: the site of the pain, the drugs taken then.
        options = [
            option
            for option in ACTIVITIES[modality]
            if self.activity_fits(option[0], status, min(start, today))
        ]
        if not options:
            return
        description, sessions = rng.pick(options)
        disciplines = ACTIVITY_DISCIPLINES[modality]
        responsible = (
            self.current_coordinator
            if not disciplines
            else rng.pick(self.by_discipline[rng.pick(disciplines)]).id
        )
        planned = None if sessions is None else rng.between(*sessions)
        if status is ActivityStatus.PLANNED:
            done = 0
        elif status is ActivityStatus.ACTIVE:
            done = 0 if planned is None else rng.between(0, max(0, planned - 1))
        elif status is ActivityStatus.DONE:
            done = planned or 0
            end = min(ends, start + timedelta(days=rng.between(14, 120)))
        else:
            done = 0 if planned is None else rng.between(0, max(0, planned - 1))
            end = min(ends, start + timedelta(days=rng.between(7, 60)))
            stop_reason = rng.pick(STOP_REASONS)
        if end is not None and end < start:
            end = start
        sink.rows["plan_activities"].append(
            (
                self.next_id("plan_activities"),
                plan_id,
                _v(modality),
                description,
                responsible,
                sink.day(start),
                sink.day(end),
                planned,
                done,
                _v(status),
                stop_reason,
                _v(activity_category(modality)),
                *self.versioned(started, "drlee"),
            )
        )

    def activity_fits(self, description: str, status: ActivityStatus, day: date) -> bool:
        """The activity fits the diagnoses and the drugs taken on ``day``; naloxone taught
        (active or done) only where naloxone is on the list (CDC 2022 Rec. 8)."""
        facts = self.current_facts
        if coherence.activity_problems(facts, description, day):
            return False
        if "naloxone" in description.lower() and status is not ActivityStatus.PLANNED:
            return any(
                "naloxone" in match.ingredients and not match.opioids
                for match in (drugs.recognise(line.drug) for line in facts.drugs_on(self.today))
            )
        return True

    # -------------------------------------------------------------------------- referrals
    def weights_for(self, chart: _Chart) -> tuple[list[Discipline], list[int]]:
        """Referral disciplines weighted by what the chart gives them to do: no psychiatry
        without a mental-health reason, no neurosurgery for knee pain."""
        facts = self.current_facts
        mental = chart.depressed or chart.anxious or self.current_alert
        neuropathic = facts.has_code(coherence.NEUROPATHIC)
        neck = facts.has_code(coherence.CERVICAL)
        key = (chart.profile.headache, chart.profile.spine, chart.opioid, mental,
               chart.depressed, neuropathic, neck)  # fmt: skip
        cached = self.discipline_cum.get(key)
        if cached is None:
            weights = dict(BASE_WEIGHTS)
            weights[D.NEUROLOGY_HEADACHE] = 4 if neuropathic else 0
            weights[D.NEUROSURGERY] = 3 if neck else 0
            weights[D.PSYCHIATRY] = 8 if mental else 0
            if chart.profile.headache:
                weights[D.NEUROLOGY_HEADACHE] = 22
            if chart.profile.spine:
                weights[D.NEUROSURGERY] = 8
                weights[D.ANESTHESIOLOGY] = 14
            if chart.opioid:
                weights[D.PAIN_REHABILITATION_PROGRAM] = 3
            if chart.depressed:
                weights[D.PSYCHIATRY] = 14
            population = [d for d in weights if weights[d]]
            cum: list[int] = []
            total = 0
            for discipline in population:
                total += weights[discipline]
                cum.append(total)
            cached = self.discipline_cum[key] = (population, cum)
        return cached

    def referrals(self, chart: _Chart) -> None:
        rng = self.rng
        count = rng.between(1, 9)  # mean 5, whatever the number of patients
        population, cum = self.weights_for(chart)
        disciplines = rng.choices(population, cum_weights=cum, k=count)
        if chart.oud:
            disciplines[0] = D.PAIN_REHABILITATION_PROGRAM
        elif chart.profile.headache and rng.random() < 0.75:
            disciplines[0] = D.NEUROLOGY_HEADACHE
        if self.current_alert and len(disciplines) > 1:
            disciplines[1] = D.PSYCHIATRY
        for i, discipline in enumerate(disciplines):
            self.referral(chart, discipline, urgent_psych=self.current_alert and i == 1)

    def fitting_asks(self, chart: _Chart, discipline: Discipline, day: date) -> list[_Ask]:
        """The discipline's texts that fit this chart on ``day`` (clinical/coherence.py)."""
        facts = self.current_facts
        fitting = []
        for ask in REFERRAL_TEXT[discipline]:
            reason = ask.reason.format(condition=chart.profile.name)
            if not coherence.referral_problems(facts, discipline, day, (reason, ask.question)):
                fitting.append(ask)
        return fitting

    def referral(self, chart: _Chart, discipline: Discipline, *, urgent_psych: bool) -> None:
        rng, sink, today = self.rng, self.sink, self.today
        referral_id = self.next_id("referrals")
        k = self.referral_index
        self.referral_index += 1
        if k < 3 * len(self.states):  # every state appears, even in a tiny database
            state = self.states[k % len(self.states)]
        else:
            state = rng.choices(self.states, cum_weights=self.state_cum)[0]
        discharged = self.current_discharged and state in rules.OPEN_STATES
        if discharged:  # the clinic's discharge ended what was still open
            state = S.CANCELLED
        roll = rng.random()
        priority = (
            Priority.ROUTINE
            if roll < 0.75
            else Priority.URGENT
            if roll < 0.9
            else Priority.ASAP
            if roll < 0.97
            else Priority.STAT
        )
        if urgent_psych:
            priority = Priority.STAT if rng.random() < 0.3 else Priority.URGENT
        path, held_from = _path(rng, state)
        reason = None
        if state is S.ON_HOLD:
            reason = rng.pick(HOLD_REASONS)
        elif state is S.DECLINED:
            reason = rng.pick(DECLINE_REASONS)
        elif state is S.CANCELLED:
            reason = (
                "Patient discharged from the clinic." if discharged else rng.pick(CANCEL_REASONS)
            )

        # Dates along the path: open referrals end near today, closed ones anywhere since.
        gaps = [0, *(_gap(rng, step) for step in path[1:])]
        duration = sum(gaps)
        alert_day = self.current_alert_day if urgent_psych else None
        if alert_day is not None and alert_day + timedelta(days=duration) > today:
            # The self-harm answer came lately: sent the same day, nothing after that yet.
            state, path, held_from, reason, gaps, duration = (
                S.SENT,
                [S.DRAFT, S.SENT],
                None,
                None,
                [0, 0],
                0,
            )
        available = max(0, (today - chart.since).days - duration)
        offset = rng.between(0, min(available, OPEN_OFFSETS.get(state, available)))
        day = max(chart.since, today - timedelta(days=offset + duration))
        if day + timedelta(days=duration) > today:
            day = today - timedelta(days=duration)
        if day < chart.since:  # a short chart (discharged soon after coming): a quicker path
            span = (today - chart.since).days
            gaps = [gap * span // duration for gap in gaps]
            duration = sum(gaps)
            day = chart.since
        if alert_day is not None:  # made after the PHQ-9 that showed it, never before
            day = max(day, alert_day)
        created = day

        facts = self.current_facts
        asks = self.fitting_asks(chart, discipline, created)
        if not asks:  # nothing this discipline could be asked fits the chart yet
            discipline = D.PHYSICAL_THERAPY
            asks = self.fitting_asks(chart, discipline, created)
        ask = rng.pick(asks)
        recipient = rng.pick(self.by_discipline[discipline])
        creator = (
            "therapist"
            if discipline in (D.PSYCHOLOGY, D.PHYSICAL_THERAPY) and rng.random() < 0.3
            else "drlee"
        )
        priority_reason = None
        if priority is not Priority.ROUTINE:
            reasons = [  # the self-harm reason only on the referral made for it
                text
                for text in PRIORITY_REASONS[Priority.STAT if urgent_psych else priority]
                if bool(coherence.SELF_HARM.search(text)) == urgent_psych
                and not coherence.referral_problems(facts, discipline, created, (text,))
            ]
            priority_reason = rng.pick(reasons)
        tried_drugs = ", ".join(chart.drug_names[:3])
        tried = f"{tried_drugs}; {rng.pick(TRIED)}" if tried_drugs else rng.pick(TRIED)
        sensitive = discipline == D.PAIN_REHABILITATION_PROGRAM or (
            discipline in (D.PSYCHIATRY, D.PSYCHOLOGY, D.SOCIAL_WORK) and rng.random() < 0.1
        )
        reached: dict[ReferralState, date] = {}
        for step, gap in zip(path, gaps, strict=True):
            day += timedelta(days=gap)
            reached[step] = day

        sent_on = reached.get(S.SENT)
        sent_via = rng.pick(_SEND_METHODS) if sent_on else None
        appointment_due = rules.appointment_due(sent_on, priority, discipline) if sent_on else None
        appointment_date: date | None = None
        booked = reached.get(S.SCHEDULED)
        if booked is not None:
            if state is S.SCHEDULED and rng.random() < 0.88:
                ahead = max(today + timedelta(days=1), booked) + timedelta(days=rng.between(0, 30))
                appointment_date = _weekday(ahead)
            else:  # a passed appointment with no outcome recorded yet, or held / cancelled
                appointment_date = booked + timedelta(days=rng.between(2, 14))
        seen_on = reached.get(S.SEEN)
        if seen_on is not None:
            appointment_date = seen_on
        report_due = rules.report_due(seen_on) if seen_on else None
        received = reached.get(S.REPORT_RECEIVED)
        closed_on = reached.get(state) if state in rules.CLOSED_STATES else None
        due_on = {
            S.SENT: appointment_due,
            S.ACCEPTED: appointment_due,
            S.SCHEDULED: appointment_date,
            S.SEEN: report_due,
        }.get(state)

        # Insurance authorisation; denials only where the referral never went ahead.
        outcome = AuthorizationOutcome.NOT_REQUIRED
        roll = rng.random()
        if chart.payer:
            if state is S.ON_HOLD and reason == HOLD_REASONS[0]:
                outcome = AuthorizationOutcome.PENDING
            elif state in (S.DECLINED, S.CANCELLED, S.DRAFT) and roll < 0.15:
                outcome = AuthorizationOutcome.DENIED
                if state is S.CANCELLED and not discharged:
                    reason = "Payer denied authorisation; the patient chose not to appeal."
            elif state in (S.DRAFT, S.SENT, S.ACCEPTED) and roll < 0.3:
                outcome = AuthorizationOutcome.PENDING
            elif roll < 0.6 and state not in (S.DRAFT, S.DECLINED):
                outcome = AuthorizationOutcome.APPROVED
        auth, auth_event = self.authorization(
            chart, referral_id, state, outcome, priority, discipline, recipient, created
        )
        report = state is S.REPORT_RECEIVED and rng.random() < 0.9
        no_report_reason = (
            rng.pick(NO_REPORT_REASONS) if state is S.REPORT_RECEIVED and not report else None
        )

        # History: created, each transition (who, when, why), the payer's decision.
        history: list[tuple[date, int, str, str, str | None, str | None, str | None]] = []
        previous: ReferralState | None = None
        for number, step in enumerate(path):
            when = reached[step]
            minute = 9 * 60 + number * 11
            if step is S.DRAFT:
                history.append((when, minute, creator, "created", None, _v(S.DRAFT), None))
                previous = step
                continue
            who = "frontdesk"
            why: str | None = None
            if step is S.SENT:
                why = f"sent by {sent_via.label.lower() if sent_via else 'fax'}"
            elif step is S.SCHEDULED and appointment_date is not None:
                why = f"appointment on {appointment_date.isoformat()}"
            elif step is S.SEEN:
                why = "visit confirmed by the specialist's office"
            elif step is S.ON_HOLD:
                why = reason if state is S.ON_HOLD else rng.pick(HOLD_REASONS)
            elif step is S.DECLINED:
                why = reason
            elif step is S.CANCELLED:
                why = reason
                who = "drlee" if rng.random() < 0.4 else who
            elif step is S.REPORT_RECEIVED:
                why = "report filed" if report else f"no report: {no_report_reason}"
            history.append(
                (when, minute, who, "transition", _v(previous) if previous else None, _v(step), why)
            )
            previous = step
        if auth_event is not None:
            history.append(auth_event)
        history.sort(key=lambda event: (event[0], event[1]))
        events = sink.rows["referral_events"]
        for when, minute, who, kind, from_state, to_state, why in history:
            events.append(
                (
                    self.next_id("referral_events"),
                    referral_id,
                    sink.stamp(when, minute),
                    who,
                    kind,
                    from_state,
                    to_state,
                    why,
                )
            )
        last = history[-1]
        sink.rows["referrals"].append(
            (
                referral_id,
                chart.id,
                self.current_coordinator if creator == "drlee" else self.therapist_member,
                recipient.id,
                _v(discipline),
                _v(priority),
                priority_reason,
                _v(ask.expectation),
                _sentence(ask.reason.format(condition=chart.profile.name)),
                ask.question,
                rng.pick(TOLD),
                tried,
                sensitive,
                _v(state),
                _v(held_from) if held_from else None,
                sink.day(sent_on),
                _v(sent_via) if sent_via else None,
                sink.day(appointment_due),
                sink.day(appointment_date),
                sink.day(seen_on),
                sink.day(report_due),
                sink.day(received),
                no_report_reason,
                sink.day(due_on),
                sink.day(closed_on),
                *auth,
                1,
                sink.stamp(created, 9 * 60),
                sink.stamp(last[0], last[1]),
                last[2],
            )
        )
        if report and received is not None:
            sink.rows["documents"].append(
                (
                    self.next_id("documents"),
                    chart.id,
                    referral_id,
                    _v(DocumentKind.SPECIALIST_REPORT),
                    f"{discipline.label} report",
                    f"report-{referral_id}.pdf",
                    "application/pdf",
                    len(self.pdf),
                    self.pdf_sha,
                    sink.day(received),
                    "frontdesk",
                    sink.stamp(received, 16 * 60),
                    self.pdf,
                    _v(referral_category(discipline, sensitive)),
                )
            )

    def authorization(
        self,
        chart: _Chart,
        referral_id: int,
        state: ReferralState,
        outcome: AuthorizationOutcome,
        priority: Priority,
        discipline: Discipline,
        recipient: _Member,
        created: date,
    ) -> tuple[
        tuple[Any, ...], tuple[date, int, str, str, str | None, str | None, str | None] | None
    ]:
        """The 14 auth_* column values and the history entry of the payer's answer."""
        rng, sink, today = self.rng, self.sink, self.today
        if outcome is AuthorizationOutcome.NOT_REQUIRED:
            return NO_AUTH, None
        expedited = priority is not Priority.ROUTINE and rng.random() < 0.6
        service = AUTH_SERVICE.get(discipline, f"{discipline.label} consultation")
        if outcome is AuthorizationOutcome.PENDING:  # some beyond the 7-day decision limit
            requested = max(created, today - timedelta(days=rng.between(0, 14)))
        else:
            requested = min(today, created + timedelta(days=rng.between(0, 2)))
        requested_at = sink.stamp(requested, 9 * 60 + 30)
        if outcome is AuthorizationOutcome.PENDING:
            values: tuple[Any, ...] = (
                _v(outcome), chart.payer, chart.member_no, None, None, requested_at,
                expedited, None, None, service, None, 0, None, None,
            )  # fmt: skip
            return values, (requested, 9 * 60 + 30, "frontdesk", "authorization", None, None,
                            "authorisation requested; pending")  # fmt: skip
        decided = min(today, requested + timedelta(days=rng.between(1, 6)))
        event = (decided, 17 * 60, "frontdesk", "authorization", None, None,
                 f"authorisation {outcome.label.lower()}")  # fmt: skip
        if outcome is AuthorizationOutcome.DENIED:
            values = (
                _v(outcome), chart.payer, chart.member_no, None, rng.pick(DENIAL_REASONS),
                requested_at, expedited, sink.day(decided), None, service, None, 0, None, None,
            )  # fmt: skip
            return values, event
        valid_to = decided + timedelta(days=rng.pick((60, 90, 180)))
        course = discipline in COURSE_DISCIPLINES
        visits = rng.pick((6, 8, 10, 12)) if course else rng.pick((1, 2))
        used = rng.between(1, visits) if state in (S.SEEN, S.REPORT_RECEIVED) else 0
        if state in rules.OPEN_STATES:
            if rng.random() < 0.2:  # expiring within the 14-day warning window
                valid_to = max(decided, today + timedelta(days=rng.between(0, 14)))
            elif state is S.SEEN and course and rng.random() < 0.4:  # one visit left
                used = visits - 1
        values = (
            _v(outcome), chart.payer, chart.member_no, f"PA{referral_id:08d}{rng.between(10, 99)}",
            None, requested_at, expedited, sink.day(decided), recipient.display, service,
            visits, used, sink.day(decided), sink.day(valid_to),
        )  # fmt: skip
        return values, event


_WALK: Final = (S.DRAFT, S.SENT, S.ACCEPTED, S.SCHEDULED, S.SEEN, S.REPORT_RECEIVED)
NO_AUTH: Final = (_v(AuthorizationOutcome.NOT_REQUIRED), None, None, None, None, None, False,
                  None, None, None, None, 0, None, None)  # fmt: skip
OPEN_OFFSETS: Final[dict[ReferralState, int]] = {
    # How many days ago an open referral's last step may lie: some overdue, most not.
    S.DRAFT: 14,
    S.SENT: 35,
    S.ACCEPTED: 20,
    S.SCHEDULED: 10,
    S.SEEN: 26,
    S.ON_HOLD: 40,
}


def _path(rng: _Random, state: ReferralState) -> tuple[list[ReferralState], ReferralState | None]:
    """The states a referral went through to reach ``state``, and what an on-hold one left."""
    if state in _WALK:
        return list(_WALK[: _WALK.index(state) + 1]), None
    if state is S.ON_HOLD:
        held_from = rng.pick((S.SENT, S.ACCEPTED, S.ACCEPTED, S.SCHEDULED))
        return [*_WALK[: _WALK.index(held_from) + 1], S.ON_HOLD], held_from
    if state is S.DECLINED:
        last = rng.pick((S.SENT, S.SENT, S.ACCEPTED))
        return [*_WALK[: _WALK.index(last) + 1], S.DECLINED], None
    last = rng.pick((S.DRAFT, S.SENT, S.SENT, S.ACCEPTED, S.SCHEDULED, S.ON_HOLD))
    if last is S.ON_HOLD:
        held_from = rng.pick((S.SENT, S.ACCEPTED))
        return [*_WALK[: _WALK.index(held_from) + 1], S.ON_HOLD, S.CANCELLED], None
    return [*_WALK[: _WALK.index(last) + 1], S.CANCELLED], None


_SEND_METHODS: Final = (
    SendMethod.FAX,
    SendMethod.FAX,
    SendMethod.PORTAL,
    SendMethod.EMAIL,
    SendMethod.PRINT,
)


GAPS: Final[dict[ReferralState, tuple[int, int]]] = {
    S.SENT: (0, 3),
    S.ACCEPTED: (0, 6),
    S.SCHEDULED: (0, 7),
    S.SEEN: (5, 35),
    S.REPORT_RECEIVED: (2, 30),  # some after the 14-day target
    S.DECLINED: (1, 10),
    S.CANCELLED: (1, 20),
    S.ON_HOLD: (1, 15),
}
"""Days from the previous state to each state along the workflow (lowest, highest)."""


def _gap(rng: _Random, step: ReferralState) -> int:
    low, high = GAPS[step]
    return rng.between(low, high)


def _cumulative(weights: Sequence[int]) -> list[int]:
    total = 0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return out


CULTURE_CUM: Final = _cumulative([c.weight for c in names.CULTURES])
PROFILE_CUM: Final = _cumulative([p.weight for p in PROFILES])
OPIOID_CUM: Final = _cumulative([w for _, w in OPIOIDS])


# --------------------------------------------------------------------------------- API


def _max_ids(conn: Connection) -> dict[str, int]:
    ids = {}
    for table in COLUMNS:
        if table == "settings":
            continue
        ids[table] = conn.execute(select(func.max(Base.metadata.tables[table].c.id))).scalar() or 0
    return ids


def _reset_sequences(conn: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids assigned here, so later inserts work."""
    for table in COLUMNS:
        if table == "settings":
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        )


def _refuse_a_clinic_database(conn: Connection) -> None:
    """Demo data goes only into an empty database or a demo database without patients.

    A database that holds patients, accounts other than the demo's, or (without the demo
    mark) any account or clinic settings is a clinic's: the demo's ``admin``/``demo``
    accounts must never appear there.

    Raises:
        DemoRefused: naming what the database holds.
    """
    existing = conn.execute(select(func.count()).select_from(Patient.__table__)).scalar_one()
    if existing:
        raise DemoRefused(
            f"The database already holds {existing} patients; demo data goes only into an "
            "empty database."
        )
    accounts = set(conn.execute(text("SELECT username FROM users")).scalars())
    foreign = sorted(accounts - set(DEMO_USERNAMES))
    if foreign:
        raise DemoRefused(
            f"The database holds {len(foreign)} user account(s) that are not the demo's; demo "
            "data goes only into an empty database, never into a clinic's."
        )
    has_settings = conn.execute(text("SELECT COUNT(*) FROM settings")).scalar_one() > 0
    if (accounts or has_settings) and not is_demo_connection(conn):
        raise DemoRefused(
            "The database holds clinic settings or user accounts and is not a demo database; "
            "demo data goes only into an empty database, never into a clinic's."
        )


def fill_demo(
    db: Database,
    *,
    patients: int = 60,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with fictional but clinically coherent demo data.

    Writes about 40 team members, the clinic settings and the demo mark (unless already
    set: a demo database), the demo
    accounts ``admin``, ``drlee``, ``therapist`` and ``frontdesk`` (password ``demo``,
    for demonstrations only), ``patients`` patients with diagnoses, medications,
    allergies, care teams, assessments, treatment plans, about five referrals each (in
    every workflow state, some overdue) with their history and reports, and one audit
    event. The same ``seed`` and ``today`` give the same data.

    Args:
        db: The database; it must not hold any patient.
        patients: How many patients to create (0 or more).
        seed: Seed of the random stream.
        today: The day the data is relative to (default: the workstation's date).
        progress: Called as ``progress(done, total)`` patients now and then.

    Returns:
        Row counts and the seconds taken.

    Raises:
        DemoRefused: The database holds patients, or is a clinic's (accounts or settings
            without the demo mark); nothing is written.
        ValueError: A negative number of patients.
    """
    if patients < 0:
        raise ValueError("patients must be 0 or more")
    started = time.perf_counter()
    day = today or date.today()
    engine = db.engine.execution_options(carecoord_write=True)
    with engine.begin() as conn:
        _refuse_a_clinic_database(conn)
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a bigger page cache keeps the index B-trees in memory during the load
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        try:
            summary = _fill(conn, patients, seed, day, progress, started)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
        if not sqlite:  # fresh statistics, or the planner guesses on empty-table estimates
            # Only the tables filled here: a bare ANALYZE would lock every schema's tables.
            quote = conn.dialect.identifier_preparer.quote
            conn.exec_driver_sql("ANALYZE " + ", ".join(quote(t) for t in COLUMNS))
    log.info("demo data loaded: %d patients in %.1f s", patients, summary.seconds)
    return summary


def _fill(
    conn: Connection,
    patients: int,
    seed: int,
    day: date,
    progress: Callable[[int, int], None] | None,
    started: float,
) -> DemoSummary:
    sink = _Sink(conn)
    builder = _Builder(sink, _max_ids(conn), seed, day)
    usernames = set(conn.execute(text("SELECT username FROM users")).scalars())
    has_settings = conn.execute(text("SELECT COUNT(*) FROM settings")).scalar_one() > 0
    builder.team()
    builder.users(usernames)
    builder.therapist_member = next(m.id for m in builder.members if m.discipline == D.PSYCHOLOGY)
    if not has_settings:
        builder.settings()
        sink.rows["settings"].append((DEMO_SETTING, DEMO_SETTING_VALUE))
    sink.flush()
    for index in range(patients):
        builder.patient(index)
        if (index + 1) % BATCH_PATIENTS == 0:
            sink.flush()
            if progress is not None:
                progress(index + 1, patients)
    sink.flush()
    number_all(conn)  # each referral's reference number, as the app gives a new one
    demo_workflow.fill_workflow_extras(conn, day)
    drawings = demo_pain_drawings.fill_pain_drawings(conn, day)
    no_known_allergies = demo_allergy.mark_no_known_allergies(conn, day)
    results = monitoring_demo.fill_monitoring(conn, day)
    incoming = demo_document_review.fill_document_reviews(conn, day, report_pdf)
    demo_intake.fill_intake(conn, day)  # referrals to the clinic (services/demo_intake.py)
    dashboard_summary.rebuild(conn)  # the dashboard's kept counts, from the rows just written
    written = sink.written
    detail = (
        f"demo data loaded (seed {seed}, relative to {day.isoformat()}): "
        f"{written['team_members']} team members, {written['users']} users, "
        f"{written['patients']} patients, {written['diagnoses']} diagnoses, "
        f"{written['medications']} medications, {written['allergies']} allergies, "
        f"{written['care_team_memberships']} care-team memberships, "
        f"{written['assessments']} assessments, {written['treatment_plans']} plans, "
        f"{written['plan_activities']} activities, {written['referrals']} referrals, "
        f"{written['referral_events']} referral events, {written['documents']} documents, "
        f"{drawings} pain drawings, {no_known_allergies} 'no known allergies' confirmations, "
        f"{results} monitoring results, {incoming} incoming documents with their reviews"
    )
    # Through the audit service, which chains the record (ids, hashes, chain head).
    audit.append(
        conn,
        [
            {
                "user_id": builder.user_ids.get("admin"),
                "username": "system",
                "action": "import",
                "entity": "DemoData",
                "entity_id": None,
                "patient_id": None,
                "data_category": "general",
                "detail": detail,
            }
        ],
    )
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn)
    if progress is not None:
        progress(patients, patients)
    return DemoSummary(
        team_members=written["team_members"],
        patients=written["patients"],
        referrals=written["referrals"],
        assessments=written["assessments"],
        plans=written["treatment_plans"],
        activities=written["plan_activities"],
        documents=written["documents"],
        users=written["users"],
        seconds=round(time.perf_counter() - started, 2),
    )
