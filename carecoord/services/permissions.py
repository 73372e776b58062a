"""The permission matrix: which role may do which action to which category of data.

One table, consulted by every service function, so what a role may see is decided in one
place and can be reviewed (and tested) as a whole (domain.md §9).
"""

from __future__ import annotations

from enum import StrEnum

from carecoord.clinical.vocabulary import DataCategory, Discipline, UserRole
from carecoord.errors import PermissionDenied


class Action(StrEnum):
    READ_DEMOGRAPHICS = "read demographics"
    EDIT_DEMOGRAPHICS = "edit demographics"
    READ_CLINICAL = "read clinical"
    EDIT_CLINICAL = "edit clinical"
    EDIT_REFERRAL_LOGISTICS = "manage referral logistics of"
    PRINT = "print"
    EXPORT = "export"
    MANAGE_TEAM = "manage the team directory for"
    MANAGE_USERS = "manage users for"
    READ_AUDIT = "read the audit trail of"
    MANAGE_SETTINGS = "change clinic settings for"


G, P, N, S = (
    DataCategory.GENERAL,
    DataCategory.PSYCHIATRIC,
    DataCategory.PSYCHOTHERAPY_NOTE,
    DataCategory.SUBSTANCE_USE,
)
ALL_CLINICAL = frozenset({G, P, S})
GENERAL_ONLY = frozenset({G})
NONE: frozenset[DataCategory] = frozenset()

# Psychotherapy notes appear in no row: only their author reads them (checked separately).
MATRIX: dict[UserRole, dict[Action, frozenset[DataCategory]]] = {
    UserRole.ADMINISTRATOR: {
        Action.READ_DEMOGRAPHICS: GENERAL_ONLY,
        Action.EDIT_DEMOGRAPHICS: GENERAL_ONLY,
        Action.READ_CLINICAL: NONE,
        Action.EDIT_CLINICAL: NONE,
        Action.EDIT_REFERRAL_LOGISTICS: GENERAL_ONLY,
        Action.PRINT: NONE,
        Action.EXPORT: GENERAL_ONLY,
        Action.MANAGE_TEAM: GENERAL_ONLY,
        Action.MANAGE_USERS: GENERAL_ONLY,
        Action.READ_AUDIT: GENERAL_ONLY,
        Action.MANAGE_SETTINGS: GENERAL_ONLY,
    },
    UserRole.PHYSICIAN: {
        Action.READ_DEMOGRAPHICS: GENERAL_ONLY,
        Action.EDIT_DEMOGRAPHICS: GENERAL_ONLY,
        Action.READ_CLINICAL: ALL_CLINICAL,
        Action.EDIT_CLINICAL: ALL_CLINICAL,
        Action.EDIT_REFERRAL_LOGISTICS: ALL_CLINICAL,
        Action.PRINT: ALL_CLINICAL,
        Action.EXPORT: ALL_CLINICAL,
        Action.MANAGE_TEAM: GENERAL_ONLY,
        Action.MANAGE_USERS: NONE,
        Action.READ_AUDIT: NONE,
        Action.MANAGE_SETTINGS: NONE,
    },
    UserRole.CLINICIAN: {
        Action.READ_DEMOGRAPHICS: GENERAL_ONLY,
        Action.EDIT_DEMOGRAPHICS: NONE,
        Action.READ_CLINICAL: frozenset({G, P}),
        Action.EDIT_CLINICAL: frozenset({G, P}),
        Action.EDIT_REFERRAL_LOGISTICS: NONE,
        Action.PRINT: frozenset({G, P}),
        Action.EXPORT: NONE,
        Action.MANAGE_TEAM: NONE,
        Action.MANAGE_USERS: NONE,
        Action.READ_AUDIT: NONE,
        Action.MANAGE_SETTINGS: NONE,
    },
    UserRole.FRONT_DESK: {
        Action.READ_DEMOGRAPHICS: GENERAL_ONLY,
        Action.EDIT_DEMOGRAPHICS: GENERAL_ONLY,
        Action.READ_CLINICAL: GENERAL_ONLY,
        Action.EDIT_CLINICAL: NONE,
        # Logistics (who, when, state, authorisation) of every referral, whatever its category.
        Action.EDIT_REFERRAL_LOGISTICS: ALL_CLINICAL,
        Action.PRINT: GENERAL_ONLY,
        Action.EXPORT: GENERAL_ONLY,
        Action.MANAGE_TEAM: GENERAL_ONLY,
        Action.MANAGE_USERS: NONE,
        Action.READ_AUDIT: NONE,
        Action.MANAGE_SETTINGS: NONE,
    },
}


def allowed(role: UserRole, action: Action, category: DataCategory = G) -> bool:
    """Whether ``role`` may perform ``action`` on data of ``category``."""
    return category in MATRIX[role].get(action, NONE)


def require(role: UserRole, action: Action, category: DataCategory = G) -> None:
    """Raise PermissionDenied unless the matrix allows it."""
    if not allowed(role, action, category):
        raise PermissionDenied(role.label.lower(), action.value, category.label.lower())


PSYCHIATRIC_DISCIPLINES = frozenset({Discipline.PSYCHIATRY, Discipline.PSYCHOLOGY})


def referral_category(discipline: Discipline, sensitive: bool) -> DataCategory:
    """Psychiatric and addiction referrals are restricted; so is any flagged sensitive."""
    if discipline == Discipline.PAIN_REHABILITATION_PROGRAM:
        return S
    if discipline in PSYCHIATRIC_DISCIPLINES or sensitive:
        return P
    return G


def diagnosis_category(code: str) -> DataCategory:
    """ICD-10-CM F10–F19 are substance use; the rest of chapter F is psychiatric."""
    code = code.upper()
    if code.startswith("F1") and len(code) >= 3 and code[2].isdigit():
        return S
    if code.startswith("F"):
        return P
    return G


def assessment_category(kind: str) -> DataCategory:
    """Mood scales are psychiatric; the opioid-risk tool touches substance use."""
    if kind in ("phq9", "gad7"):
        return P
    if kind == "ort":
        return S
    return G
