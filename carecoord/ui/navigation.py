"""Which sections a role is offered and which one it lands on, decided from permissions.

Every section names the actions it is for; a role is offered a section only when the
permission matrix (services/permissions.py) allows all of them, so nobody is sent to a
page that would only say "not allowed". The landing section follows the same matrix:
whoever coordinates care (clinical editing and referral logistics) lands on the
dashboard, whoever runs referral logistics on the worklist, whoever treats on their own
patients (My patients), whoever runs the clinic's set-up on the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed


@dataclass(frozen=True)
class PageSpec:
    """A navigation entry; the page's module is imported the first time it is shown."""

    key: str
    title: str  # English (marked for lupdate in ui/vocabulary.py); ``label`` is shown
    module: str
    cls: str

    @property
    def label(self) -> str:
        return QCoreApplication.translate("MainWindow", self.title)

    @property
    def needs(self) -> tuple[Action, ...]:
        """The actions the page is for: all must be allowed for it to be offered."""
        return NEEDS.get(self.key, (Action.READ_DEMOGRAPHICS,))


A = Action
PAGES = (
    PageSpec("dashboard", "Dashboard", "carecoord.ui.dashboard", "DashboardPage"),
    PageSpec("patients", "Patients", "carecoord.ui.patients.page", "PatientsPage"),
    PageSpec("referrals", "Referrals", "carecoord.ui.referrals.worklist_page", "ReferralsPage"),
    PageSpec("intake", "Intake", "carecoord.ui.intake.page", "IntakePage"),
    PageSpec("review", "Reports to review", "carecoord.ui.review.page", "ReviewPage"),
    PageSpec("my_patients", "My patients", "carecoord.ui.my_patients.page", "MyPatientsPage"),
    PageSpec("team", "Team", "carecoord.ui.team.page", "TeamPage"),
    PageSpec("settings", "Settings", "carecoord.ui.settings_page", "SettingsPage"),
    PageSpec("audit", "Audit trail", "carecoord.ui.audit_viewer", "AuditViewer"),
)
NEEDS: dict[str, tuple[Action, ...]] = {
    # Referrals show their discipline and reason (clinical), beside the logistics.
    "dashboard": (A.EDIT_REFERRAL_LOGISTICS, A.READ_CLINICAL),
    "referrals": (A.EDIT_REFERRAL_LOGISTICS, A.READ_CLINICAL),
    "intake": (A.READ_INTAKE,),
    "review": (A.READ_CLINICAL, A.EDIT_CLINICAL),  # reviewing a report acknowledges it
    "my_patients": (A.READ_CLINICAL, A.EDIT_CLINICAL),  # those who treat: their own patients
    "settings": (A.MANAGE_SETTINGS,),
    "audit": (A.READ_AUDIT,),
}

# Where a role lands: the first entry whose actions it may all take and whose page it is
# offered. Coordinating care needs both clinical editing and referral logistics.
HOME = (
    ("dashboard", (A.EDIT_CLINICAL, A.EDIT_REFERRAL_LOGISTICS)),
    ("referrals", (A.EDIT_REFERRAL_LOGISTICS,)),
    ("my_patients", (A.EDIT_CLINICAL,)),
    ("patients", (A.EDIT_CLINICAL,)),
    ("settings", (A.MANAGE_SETTINGS, A.MANAGE_USERS)),
)


def pages_for(actor: Actor) -> tuple[PageSpec, ...]:
    """The navigation entries this user's role may use (the role alone: break-glass
    access reads charts, it does not open sections)."""
    return tuple(spec for spec in PAGES if all(allowed(actor.role, a) for a in spec.needs))


def home_page(actor: Actor) -> str:
    """The key of the section this user works on."""
    offered = [spec.key for spec in pages_for(actor)]
    for key, actions in HOME:
        if key in offered and all(allowed(actor.role, a) for a in actions):
            return key
    return offered[0]


def landing_page(actor: Actor, remembered: object) -> str:
    """The remembered section when this role may use it, else its home."""
    offered = [spec.key for spec in pages_for(actor)]
    return remembered if isinstance(remembered, str) and remembered in offered else home_page(actor)
