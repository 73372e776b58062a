"""The ORM tables; importing this package registers every table on Base.metadata."""

from carecoord.models.assessment import Assessment
from carecoord.models.audit_chain import AuditChainHead
from carecoord.models.base import Base, utcnow
from carecoord.models.consent import Part2Consent
from carecoord.models.dashboard_summary import DashboardContribution, DashboardCount, DashboardLoop
from carecoord.models.delivery import DeliveryOutcome, LetterDelivery
from carecoord.models.document import Document
from carecoord.models.intake import IntakeReferral
from carecoord.models.monitoring import MonitoringResult, MonitoringValue
from carecoord.models.note import PsychotherapyNote
from carecoord.models.pain_drawing import PainDrawing
from carecoord.models.patient import (
    Allergy,
    Diagnosis,
    HeadacheProfile,
    Medication,
    NoKnownAllergies,
    Patient,
)
from carecoord.models.plan import PlanActivity, PlanGoal, TreatmentPlan
from carecoord.models.referral import Referral, ReferralEvent
from carecoord.models.review import ReviewItem
from carecoord.models.team import CareTeamMembership, TeamMember
from carecoord.models.user import AuditEvent, BreakGlassReason, Setting, SignInFailure, User

__all__ = [
    "Allergy",
    "Assessment",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "BreakGlassReason",
    "CareTeamMembership",
    "DashboardContribution",
    "DashboardCount",
    "DashboardLoop",
    "DeliveryOutcome",
    "Diagnosis",
    "Document",
    "HeadacheProfile",
    "IntakeReferral",
    "LetterDelivery",
    "Medication",
    "MonitoringResult",
    "MonitoringValue",
    "NoKnownAllergies",
    "PainDrawing",
    "Part2Consent",
    "Patient",
    "PlanActivity",
    "PlanGoal",
    "PsychotherapyNote",
    "Referral",
    "ReferralEvent",
    "ReviewItem",
    "Setting",
    "SignInFailure",
    "TeamMember",
    "TreatmentPlan",
    "User",
    "utcnow",
]
