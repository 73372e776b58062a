"""Vocabulary labels (disciplines, priorities, states, worklist views…) in the reader's
language.

The clinical layer is pure (no Qt) and keeps its English labels, which letters print in the
clinic's language; screens show them through :func:`label`. ``LABELS`` lists every label of
the enums the screens show, literally, so ``pyside6-lupdate`` finds them (context
"Vocabulary"); tests/ui/test_translations.py fails when an enum gains a label missing here.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QCoreApplication

from carecoord.clinical import vocabulary as v
from carecoord.services.worklist import WorklistView
from carecoord.ui.translation import QT_TRANSLATE_NOOP

ENUMS: tuple[type[Enum], ...] = (
    v.Discipline,
    v.Priority,
    v.ReferralState,
    v.PatientStatus,
    v.AdministrativeSex,
    v.AuthorizationOutcome,
    v.SendMethod,
    v.UserRole,
    WorklistView,
)
LABELS = (
    QT_TRANSLATE_NOOP("Vocabulary", "Pain medicine"),
    QT_TRANSLATE_NOOP("Vocabulary", "Physical rehabilitation (PM&R)"),
    QT_TRANSLATE_NOOP("Vocabulary", "Psychiatry"),
    QT_TRANSLATE_NOOP("Vocabulary", "Neurology / headache medicine"),
    QT_TRANSLATE_NOOP("Vocabulary", "Anesthesiology"),
    QT_TRANSLATE_NOOP("Vocabulary", "Neurosurgery"),
    QT_TRANSLATE_NOOP("Vocabulary", "Internal medicine"),
    QT_TRANSLATE_NOOP("Vocabulary", "Physical therapy"),
    QT_TRANSLATE_NOOP("Vocabulary", "Psychology"),
    QT_TRANSLATE_NOOP("Vocabulary", "Social work"),
    QT_TRANSLATE_NOOP("Vocabulary", "Occupational health"),
    QT_TRANSLATE_NOOP("Vocabulary", "Complementary & alternative medicine"),
    QT_TRANSLATE_NOOP("Vocabulary", "Chronic-pain rehabilitation program"),
    QT_TRANSLATE_NOOP("Vocabulary", "Other specialist"),
    QT_TRANSLATE_NOOP("Vocabulary", "Routine"),
    QT_TRANSLATE_NOOP("Vocabulary", "Urgent"),
    QT_TRANSLATE_NOOP("Vocabulary", "ASAP"),
    QT_TRANSLATE_NOOP("Vocabulary", "STAT"),
    QT_TRANSLATE_NOOP("Vocabulary", "Draft"),
    QT_TRANSLATE_NOOP("Vocabulary", "Sent"),
    QT_TRANSLATE_NOOP("Vocabulary", "Accepted"),
    QT_TRANSLATE_NOOP("Vocabulary", "Scheduled"),
    QT_TRANSLATE_NOOP("Vocabulary", "Seen"),
    QT_TRANSLATE_NOOP("Vocabulary", "Report received"),
    QT_TRANSLATE_NOOP("Vocabulary", "Declined"),
    QT_TRANSLATE_NOOP("Vocabulary", "Cancelled"),
    QT_TRANSLATE_NOOP("Vocabulary", "On hold"),
    QT_TRANSLATE_NOOP("Vocabulary", "Active"),
    QT_TRANSLATE_NOOP("Vocabulary", "Discharged"),
    QT_TRANSLATE_NOOP("Vocabulary", "Female"),
    QT_TRANSLATE_NOOP("Vocabulary", "Male"),
    QT_TRANSLATE_NOOP("Vocabulary", "Other"),
    QT_TRANSLATE_NOOP("Vocabulary", "Unknown"),
    QT_TRANSLATE_NOOP("Vocabulary", "Not required"),
    QT_TRANSLATE_NOOP("Vocabulary", "Pending"),
    QT_TRANSLATE_NOOP("Vocabulary", "Approved"),
    QT_TRANSLATE_NOOP("Vocabulary", "Denied"),
    QT_TRANSLATE_NOOP("Vocabulary", "Print"),
    QT_TRANSLATE_NOOP("Vocabulary", "Fax"),
    QT_TRANSLATE_NOOP("Vocabulary", "E-mail"),
    QT_TRANSLATE_NOOP("Vocabulary", "Portal"),
    QT_TRANSLATE_NOOP("Vocabulary", "Administrator"),
    QT_TRANSLATE_NOOP("Vocabulary", "Physician"),
    QT_TRANSLATE_NOOP("Vocabulary", "Clinician"),
    QT_TRANSLATE_NOOP("Vocabulary", "Front desk"),
    QT_TRANSLATE_NOOP("Vocabulary", "To send"),
    QT_TRANSLATE_NOOP("Vocabulary", "Awaiting acceptance"),
    QT_TRANSLATE_NOOP("Vocabulary", "To schedule"),
    QT_TRANSLATE_NOOP("Vocabulary", "Awaiting visit"),
    QT_TRANSLATE_NOOP("Vocabulary", "Awaiting report"),
    QT_TRANSLATE_NOOP("Vocabulary", "Overdue"),
    QT_TRANSLATE_NOOP("Vocabulary", "Authorisations expiring"),
    QT_TRANSLATE_NOOP("Vocabulary", "Authorisations pending"),
    QT_TRANSLATE_NOOP("Vocabulary", "Booked past target"),
    QT_TRANSLATE_NOOP("Vocabulary", "Holds past review"),
    QT_TRANSLATE_NOOP("Vocabulary", "Closed"),
)

# The navigation's page titles (carecoord.ui.navigation.PAGES), shown by PageSpec.label.
PAGE_TITLES = (
    QT_TRANSLATE_NOOP("MainWindow", "Dashboard"),
    QT_TRANSLATE_NOOP("MainWindow", "Patients"),
    QT_TRANSLATE_NOOP("MainWindow", "Referrals"),
    QT_TRANSLATE_NOOP("MainWindow", "Intake"),
    QT_TRANSLATE_NOOP("MainWindow", "Reports to review"),
    QT_TRANSLATE_NOOP("MainWindow", "My patients"),
    QT_TRANSLATE_NOOP("MainWindow", "Team"),
    QT_TRANSLATE_NOOP("MainWindow", "Settings"),
    QT_TRANSLATE_NOOP("MainWindow", "Audit trail"),
)


def label(member: Enum) -> str:
    """``member``'s label as the reader's language says it (English when untranslated)."""
    english: str = getattr(member, "label", str(member.value))
    return QCoreApplication.translate("Vocabulary", english)
