"""Which sections a role is offered and which one it lands on, decided from permissions.

Every section names the actions it is for; a role is offered a section only when the
permission matrix (services/permissions.py) allows all of them, so nobody is sent to a
page that would only say "not allowed". The landing section follows the same matrix:
whoever coordinates care (clinical editing and referral logistics) lands on the
dashboard, whoever runs referral logistics on the worklist, whoever treats on their own
patients (My patients), whoever runs the clinic's set-up on the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from carecoord.services.actor import Actor
from carecoord.services.permissions import Action, allowed

# Only for the types: importing a page module (kit/page.py too) is left to first showing.
if TYPE_CHECKING:
    from carecoord.ui.kit.page import Page

PageLoader = Callable[[], "type[Page]"]


@dataclass(frozen=True)
class PageSpec:
    """A navigation entry; ``load`` imports the page's class the first time it is shown.

    The loaders below import by name, not from strings: a renamed or missing page fails
    mypy, the import contracts and the start-up tests instead of vanishing from the list."""

    key: str
    title: str  # English (marked for lupdate in ui/vocabulary.py); ``label`` is shown
    load: PageLoader

    @property
    def label(self) -> str:
        return QCoreApplication.translate("MainWindow", self.title)

    @property
    def needs(self) -> tuple[Action, ...]:
        """The actions the page is for: all must be allowed for it to be offered."""
        return NEEDS.get(self.key, (Action.READ_DEMOGRAPHICS,))


# Each page's module is imported on first showing, so start-up loads none of them.
def _dashboard_page() -> type[Page]:
    from carecoord.ui.dashboard import DashboardPage

    return DashboardPage


def _patients_page() -> type[Page]:
    from carecoord.ui.patients.page import PatientsPage

    return PatientsPage


def _referrals_page() -> type[Page]:
    from carecoord.ui.referrals.worklist_page import ReferralsPage

    return ReferralsPage


def _intake_page() -> type[Page]:
    from carecoord.ui.intake.page import IntakePage

    return IntakePage


def _review_page() -> type[Page]:
    from carecoord.ui.review.page import ReviewPage

    return ReviewPage


def _my_patients_page() -> type[Page]:
    from carecoord.ui.my_patients.page import MyPatientsPage

    return MyPatientsPage


def _team_page() -> type[Page]:
    from carecoord.ui.team.page import TeamPage

    return TeamPage


def _settings_page() -> type[Page]:
    from carecoord.ui.settings_page import SettingsPage

    return SettingsPage


def _audit_page() -> type[Page]:
    from carecoord.ui.audit_viewer import AuditViewer

    return AuditViewer


A = Action
PAGES = (
    PageSpec("dashboard", "Dashboard", _dashboard_page),
    PageSpec("patients", "Patients", _patients_page),
    PageSpec("referrals", "Referrals", _referrals_page),
    PageSpec("intake", "Intake", _intake_page),
    PageSpec("review", "Reports to review", _review_page),
    PageSpec("my_patients", "My patients", _my_patients_page),
    PageSpec("team", "Team", _team_page),
    PageSpec("settings", "Settings", _settings_page),
    PageSpec("audit", "Audit trail", _audit_page),
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
