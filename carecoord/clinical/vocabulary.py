"""The controlled vocabularies of a pain clinic (docs/clinical-reference.md), shared by every layer.

Each enum's *value* is what the database stores and exports carry, so values never
change once released; labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry a human label, declared beside the value where it
    is not the value with spaces: ``NAME = "value", "Label"``.

    Every labelled enum of CareCoord (vocabularies, workflow states and events, service
    views) is one of these, so ``member.label`` is the one way to show a member.
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member


class Discipline(LabelledEnum):
    """What a team member practises (docs/clinical-reference.md §1)."""

    PAIN_MEDICINE = "pain_medicine"
    PHYSICAL_REHABILITATION = "physical_rehabilitation", "Physical rehabilitation (PM&R)"
    PSYCHIATRY = "psychiatry"
    NEUROLOGY_HEADACHE = "neurology_headache", "Neurology / headache medicine"
    ANESTHESIOLOGY = "anesthesiology"
    NEUROSURGERY = "neurosurgery"
    INTERNAL_MEDICINE = "internal_medicine"
    PHYSICAL_THERAPY = "physical_therapy"
    PSYCHOLOGY = "psychology"
    SOCIAL_WORK = "social_work"
    OCCUPATIONAL_HEALTH = "occupational_health"
    COMPLEMENTARY_MEDICINE = "complementary_medicine", "Complementary & alternative medicine"
    PAIN_REHABILITATION_PROGRAM = (
        "pain_rehabilitation_program",
        "Chronic-pain rehabilitation program",
    )
    OTHER_SPECIALIST = "other_specialist"


class CareTeamRole(LabelledEnum):
    """The part a member plays on one patient's team; the first three are core."""

    COORDINATING_PHYSICIAN = "coordinating_physician"
    REHABILITATION_SPECIALIST = "rehabilitation_specialist"
    PSYCHIATRIST = "psychiatrist"
    CONSULTANT = "consultant"
    THERAPIST = "therapist"
    SUPPORT = "support"


CORE_ROLES: tuple[CareTeamRole, ...] = (
    CareTeamRole.COORDINATING_PHYSICIAN,
    CareTeamRole.REHABILITATION_SPECIALIST,
    CareTeamRole.PSYCHIATRIST,
)


class Priority(LabelledEnum):
    """FHIR ServiceRequest.priority."""

    ROUTINE = "routine"
    URGENT = "urgent"
    ASAP = "asap", "ASAP"
    STAT = "stat", "STAT"


class Expectation(LabelledEnum):
    """What the referrer expects of the specialist (PRSB referral elements)."""

    ADVICE = "advice", "Advice only"
    DIAGNOSIS = "diagnosis"
    TREATMENT = "treatment"
    SHARED_CARE = "shared_care"
    TRANSFER = "transfer", "Transfer of care"


class ReferralState(LabelledEnum):
    """CareCoord's referral workflow states (docs/clinical-reference.md §2)."""

    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    SEEN = "seen"
    REPORT_RECEIVED = "report_received"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    ON_HOLD = "on_hold"


class SendMethod(LabelledEnum):
    """How a referral left the clinic."""

    PRINT = "print"
    FAX = "fax"
    EMAIL = "email", "E-mail"
    PORTAL = "portal"


class DeliveryMethod(LabelledEnum):
    """How one letter left the clinic (kept with its stored copy); "hand" is a printed
    copy given to the patient or courier, recorded on the referral as printed."""

    PRINT = "print"
    FAX = "fax"
    EMAIL = "email", "E-mail"
    PORTAL = "portal"
    HAND = "hand", "By hand"


class AuthorizationOutcome(LabelledEnum):
    """Insurance prior-authorisation outcome (Da Vinci PAS / X12 278)."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class DocumentKind(LabelledEnum):
    SPECIALIST_REPORT = "specialist_report"
    IMAGING = "imaging"
    LAB_RESULT = "lab_result"
    LETTER_SENT = "letter_sent"
    OTHER = "other"


class Modality(LabelledEnum):
    """Treatment-plan modalities (docs/clinical-reference.md §8)."""

    MEDICATION = "medication"
    INTERVENTIONAL = "interventional", "Interventional procedure"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy / rehabilitation"
    PSYCHOLOGICAL = "psychological", "Psychological therapy"
    COMPLEMENTARY = "complementary"
    DIAGNOSTICS = "diagnostics"
    EDUCATION = "education", "Education / self-management"


class ActivityStatus(LabelledEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    STOPPED = "stopped"


class PlanStatus(LabelledEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class GoalAxis(LabelledEnum):
    """The clinic's three goals: less pain, better function, better quality of life."""

    PAIN = "pain"
    FUNCTION = "function"
    QUALITY_OF_LIFE = "quality_of_life"


class AssessmentKind(LabelledEnum):
    NRS = "nrs", "NRS pain"
    PEG = "peg", "PEG"
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"
    ORT = "ort", "ORT"


class AdministrativeSex(LabelledEnum):
    """FHIR AdministrativeGender."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class PatientStatus(LabelledEnum):
    ACTIVE = "active"
    DISCHARGED = "discharged"


class AllergySeverity(LabelledEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    UNKNOWN = "unknown"


class UserRole(LabelledEnum):
    ADMINISTRATOR = "administrator"
    PHYSICIAN = "physician"
    CLINICIAN = "clinician"
    FRONT_DESK = "front_desk"


class DataCategory(LabelledEnum):
    """Sensitivity class of a piece of patient information (docs/clinical-reference.md §9)."""

    GENERAL = "general"
    PSYCHIATRIC = "psychiatric"
    PSYCHOTHERAPY_NOTE = "psychotherapy_note"
    SUBSTANCE_USE = "substance_use", "Substance use (Part 2)"


class HeadacheType(LabelledEnum):
    """ICHD-3 headache groups (docs/clinical-reference.md §6)."""

    MIGRAINE = "1", "1 Migraine"
    TENSION_TYPE = "2", "2 Tension-type headache"
    TRIGEMINAL_AUTONOMIC = "3", "3 Trigeminal autonomic cephalalgia"
    OTHER_PRIMARY = "4", "4 Other primary headache"
    TRAUMA = "5", "5 Headache attributed to trauma"
    VASCULAR = "6", "6 Cranial or cervical vascular disorder"
    NON_VASCULAR_INTRACRANIAL = "7", "7 Non-vascular intracranial disorder"
    SUBSTANCE_OR_WITHDRAWAL = "8", "8 Substance or its withdrawal"
    MEDICATION_OVERUSE = "8.2", "8.2 Medication-overuse headache"
    INFECTION = "9", "9 Infection"
    HOMEOSTASIS = "10", "10 Disorder of homoeostasis"
    CRANIAL_FACIAL_STRUCTURES = "11", "11 Cranial, neck, eyes, ears, nose, sinuses, teeth"
    PSYCHIATRIC = "12", "12 Psychiatric disorder"
    CRANIAL_NEUROPATHY = "13", "13 Painful cranial neuropathy"
    OTHER = "14", "14 Other headache disorder"
