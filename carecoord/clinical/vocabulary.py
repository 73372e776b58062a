"""The controlled vocabularies of a pain clinic (docs/clinical-reference.md), shared by every layer.

Each enum's *value* is what the database stores and exports carry, so values never
change once released; labels are what people read.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar


class LabelledEnum(StrEnum):
    """A string enum with a human label (the value with spaces, unless overridden)."""

    @property
    def label(self) -> str:
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())


LabelledT = TypeVar("LabelledT", bound=LabelledEnum)


def with_labels(labels: Mapping[LabelledT, str]) -> Mapping[LabelledT, str]:
    """Make ``labels`` the members' :attr:`LabelledEnum.label` and return them.

    For enums declared beside their workflow, so one label lookup serves every enum.
    """
    for member, text in labels.items():
        _LABELS[(type(member), member.value)] = text
    return labels


class Discipline(LabelledEnum):
    """What a team member practises (docs/clinical-reference.md §1)."""

    PAIN_MEDICINE = "pain_medicine"
    PHYSICAL_REHABILITATION = "physical_rehabilitation"
    PSYCHIATRY = "psychiatry"
    NEUROLOGY_HEADACHE = "neurology_headache"
    ANESTHESIOLOGY = "anesthesiology"
    NEUROSURGERY = "neurosurgery"
    INTERNAL_MEDICINE = "internal_medicine"
    PHYSICAL_THERAPY = "physical_therapy"
    PSYCHOLOGY = "psychology"
    SOCIAL_WORK = "social_work"
    OCCUPATIONAL_HEALTH = "occupational_health"
    COMPLEMENTARY_MEDICINE = "complementary_medicine"
    PAIN_REHABILITATION_PROGRAM = "pain_rehabilitation_program"
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
    ASAP = "asap"
    STAT = "stat"


class Expectation(LabelledEnum):
    """What the referrer expects of the specialist (PRSB referral elements)."""

    ADVICE = "advice"
    DIAGNOSIS = "diagnosis"
    TREATMENT = "treatment"
    SHARED_CARE = "shared_care"
    TRANSFER = "transfer"


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
    EMAIL = "email"
    PORTAL = "portal"


class DeliveryMethod(LabelledEnum):
    """How one letter left the clinic (kept with its stored copy); "hand" is a printed
    copy given to the patient or courier, recorded on the referral as printed."""

    PRINT = "print"
    FAX = "fax"
    EMAIL = "email"
    PORTAL = "portal"
    HAND = "hand"


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
    INTERVENTIONAL = "interventional"
    PHYSICAL_THERAPY = "physical_therapy"
    PSYCHOLOGICAL = "psychological"
    COMPLEMENTARY = "complementary"
    DIAGNOSTICS = "diagnostics"
    EDUCATION = "education"


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
    NRS = "nrs"
    PEG = "peg"
    PHQ9 = "phq9"
    GAD7 = "gad7"
    ORT = "ort"


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
    SUBSTANCE_USE = "substance_use"


class HeadacheType(LabelledEnum):
    """ICHD-3 headache groups (docs/clinical-reference.md §6)."""

    MIGRAINE = "1"
    TENSION_TYPE = "2"
    TRIGEMINAL_AUTONOMIC = "3"
    OTHER_PRIMARY = "4"
    TRAUMA = "5"
    VASCULAR = "6"
    NON_VASCULAR_INTRACRANIAL = "7"
    SUBSTANCE_OR_WITHDRAWAL = "8"
    MEDICATION_OVERUSE = "8.2"
    INFECTION = "9"
    HOMEOSTASIS = "10"
    CRANIAL_FACIAL_STRUCTURES = "11"
    PSYCHIATRIC = "12"
    CRANIAL_NEUROPATHY = "13"
    OTHER = "14"


# Pairs, not a dict keyed by member: members of different enums with the same value
# (Discipline.PHYSICAL_THERAPY, Modality.PHYSICAL_THERAPY) compare equal as strings.
_LABEL_PAIRS: tuple[tuple[StrEnum, str], ...] = (
    (Discipline.PHYSICAL_REHABILITATION, "Physical rehabilitation (PM&R)"),
    (Discipline.NEUROLOGY_HEADACHE, "Neurology / headache medicine"),
    (Discipline.COMPLEMENTARY_MEDICINE, "Complementary & alternative medicine"),
    (Discipline.PAIN_REHABILITATION_PROGRAM, "Chronic-pain rehabilitation program"),
    (Priority.ASAP, "ASAP"),
    (Priority.STAT, "STAT"),
    (Expectation.ADVICE, "Advice only"),
    (Expectation.TRANSFER, "Transfer of care"),
    (SendMethod.EMAIL, "E-mail"),
    (DeliveryMethod.EMAIL, "E-mail"),
    (DeliveryMethod.HAND, "By hand"),
    (Modality.INTERVENTIONAL, "Interventional procedure"),
    (Modality.PHYSICAL_THERAPY, "Physical therapy / rehabilitation"),
    (Modality.PSYCHOLOGICAL, "Psychological therapy"),
    (Modality.EDUCATION, "Education / self-management"),
    (AssessmentKind.NRS, "NRS pain"),
    (AssessmentKind.PEG, "PEG"),
    (AssessmentKind.PHQ9, "PHQ-9"),
    (AssessmentKind.GAD7, "GAD-7"),
    (AssessmentKind.ORT, "ORT"),
    (UserRole.FRONT_DESK, "Front desk"),
    (DataCategory.SUBSTANCE_USE, "Substance use (Part 2)"),
    (HeadacheType.MIGRAINE, "1 Migraine"),
    (HeadacheType.TENSION_TYPE, "2 Tension-type headache"),
    (HeadacheType.TRIGEMINAL_AUTONOMIC, "3 Trigeminal autonomic cephalalgia"),
    (HeadacheType.OTHER_PRIMARY, "4 Other primary headache"),
    (HeadacheType.TRAUMA, "5 Headache attributed to trauma"),
    (HeadacheType.VASCULAR, "6 Cranial or cervical vascular disorder"),
    (HeadacheType.NON_VASCULAR_INTRACRANIAL, "7 Non-vascular intracranial disorder"),
    (HeadacheType.SUBSTANCE_OR_WITHDRAWAL, "8 Substance or its withdrawal"),
    (HeadacheType.MEDICATION_OVERUSE, "8.2 Medication-overuse headache"),
    (HeadacheType.INFECTION, "9 Infection"),
    (HeadacheType.HOMEOSTASIS, "10 Disorder of homoeostasis"),
    (HeadacheType.CRANIAL_FACIAL_STRUCTURES, "11 Cranial, neck, eyes, ears, nose, sinuses, teeth"),
    (HeadacheType.PSYCHIATRIC, "12 Psychiatric disorder"),
    (HeadacheType.CRANIAL_NEUROPATHY, "13 Painful cranial neuropathy"),
    (HeadacheType.OTHER, "14 Other headache disorder"),
)
_LABELS: dict[tuple[type, str], str] = {(type(m), m.value): text for m, text in _LABEL_PAIRS}
