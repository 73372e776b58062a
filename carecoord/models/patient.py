"""The patient and the facts of their chart: diagnoses, medications, allergies, headaches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecoord.clinical.vocabulary import (
    AdministrativeSex,
    AllergySeverity,
    DataCategory,
    HeadacheType,
    PatientStatus,
)
from carecoord.models.base import (
    Base,
    UTCDateTime,
    Versioned,
    category_column,
    enum_column,
    owned_by,
)

# Search keys compare bytewise so a prefix range query uses the index on both databases.
SEARCH_KEY = String(80).with_variant(String(80, collation="C"), "postgresql")


class Patient(Versioned, Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    mrn: Mapped[str] = mapped_column(String(32), unique=True)
    family_name: Mapped[str] = mapped_column(String(80))
    given_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str | None] = mapped_column(String(80))
    family_key: Mapped[str] = mapped_column(SEARCH_KEY)
    given_key: Mapped[str] = mapped_column(SEARCH_KEY)
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[AdministrativeSex] = mapped_column(enum_column(AdministrativeSex, "sex"))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(400))
    preferred_language: Mapped[str | None] = mapped_column(String(40))
    insurance_payer: Mapped[str | None] = mapped_column(String(120))
    insurance_member_id: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[PatientStatus] = mapped_column(
        enum_column(PatientStatus, "patient_status"), default=PatientStatus.ACTIVE
    )
    discharged_on: Mapped[date | None] = mapped_column(Date)
    discharge_reason: Mapped[str | None] = mapped_column(String(400))
    notes: Mapped[str | None] = mapped_column(Text)

    diagnoses: Mapped[list[Diagnosis]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="Diagnosis.id"
    )
    medications: Mapped[list[Medication]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="Medication.id"
    )
    allergies: Mapped[list[Allergy]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", order_by="Allergy.id"
    )

    __table_args__ = (
        Index("ix_patients_family_key_given_key", "family_key", "given_key", "id"),
        Index("ix_patients_given_key", "given_key"),
    )


class Diagnosis(Versioned, Base):
    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", index=True)
    code: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    onset: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(String(400))
    # Received from a 42 CFR Part 2 program: disclosed only with the patient's consent.
    part2: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    patient: Mapped[Patient] = relationship(back_populates="diagnoses")


class Medication(Versioned, Base):
    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", index=True)
    drug: Mapped[str] = mapped_column(String(120))
    dose: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(20))
    max_doses_per_day: Mapped[float | None] = mapped_column(Float)
    route: Mapped[str] = mapped_column(String(30))
    # mg per mL, for a dose measured in mL (oral solutions); None otherwise.
    concentration_mg_per_ml: Mapped[float | None] = mapped_column(Float)
    # A code of clinical.medication_line.INDICATIONS ("opioid_use_disorder" keeps MOUD
    # out of the MME total); None when not recorded.
    indication: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date | None] = mapped_column(Date)
    stop_date: Mapped[date | None] = mapped_column(Date)
    is_opioid: Mapped[bool] = mapped_column(Boolean, default=False)
    is_psychotropic: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(String(400))
    # Who may read it (docs/clinical-reference.md §9); defaulted from drug and indication.
    category: Mapped[DataCategory] = category_column("medication_category")

    patient: Mapped[Patient] = relationship(back_populates="medications")

    __table_args__ = (
        Index("ix_medications_route", "route"),
        CheckConstraint("dose >= 0", name="dose_not_negative"),
        CheckConstraint(
            "concentration_mg_per_ml IS NULL OR concentration_mg_per_ml > 0",
            name="concentration_positive",
        ),
    )


class Allergy(Versioned, Base):
    __tablename__ = "allergies"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", index=True)
    substance: Mapped[str] = mapped_column(String(120))
    reaction: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[AllergySeverity] = mapped_column(
        enum_column(AllergySeverity, "allergy_severity"), default=AllergySeverity.UNKNOWN
    )

    patient: Mapped[Patient] = relationship(back_populates="allergies")


class NoKnownAllergies(Base):
    """A clinician's confirmation that the patient has no known allergies.

    One row per patient at most. Its presence is the "no known allergies" state; a chart
    without it and without allergy rows is "not yet asked" (clinical/allergy_status.py,
    docs/clinical-reference.md §10.1). The confirmer's name is kept as it read then, so
    a later rename or removed account never changes what a letter said.
    """

    __tablename__ = "no_known_allergies"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", unique=True)
    confirmed_by: Mapped[str] = mapped_column(String(64))  # the username
    confirmed_by_name: Mapped[str] = mapped_column(String(160))
    confirmed_on: Mapped[date] = mapped_column(Date)  # the clinic's local calendar date
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HeadacheProfile(Versioned, Base):
    """ICHD-3 headache profile for neurology referrals, one per patient.

    See docs/clinical-reference.md §6.
    """

    __tablename__ = "headache_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = owned_by("patients", unique=True)
    headache_type: Mapped[HeadacheType] = mapped_column(enum_column(HeadacheType, "headache_type"))
    with_aura: Mapped[bool] = mapped_column(Boolean, default=False)
    attacks_per_month: Mapped[int] = mapped_column(Integer, default=0)
    headache_days_per_month: Mapped[int] = mapped_column(Integer, default=0)
    acute_medication_days_per_month: Mapped[int] = mapped_column(Integer, default=0)
    # Acute-medication days a month per ICHD-3 8.2 drug class; NULL = not recorded.
    triptan_days_per_month: Mapped[int | None] = mapped_column(Integer)
    ergot_days_per_month: Mapped[int | None] = mapped_column(Integer)
    opioid_days_per_month: Mapped[int | None] = mapped_column(Integer)
    combination_analgesic_days_per_month: Mapped[int | None] = mapped_column(Integer)
    simple_analgesic_days_per_month: Mapped[int | None] = mapped_column(Integer)
    # SNNOOP10 red flags found (values of clinical.headache.RedFlag); NULL = not screened.
    red_flags: Mapped[list[str] | None] = mapped_column(JSON)
    triggers: Mapped[str | None] = mapped_column(String(400))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
