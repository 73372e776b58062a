"""The permission matrix: which role may do which action to which category of data.

One table, consulted by every service function, so what a role may see is decided in one
place and can be reviewed (and tested) as a whole (docs/clinical-reference.md §9). Two rules
sit beside the table because they are about a person rather than a role:

* **Psychotherapy notes** (45 CFR 164.501) are read by their author only: no role, not
  even an administrator or break-glass access, reaches someone else's notes.
* **Break-glass** access: a user an administrator designated may, for a limited time and
  with a stated reason (audited), *read* clinical information of every category except
  psychotherapy notes, whatever their role. It grants no editing, printing or export.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import NoReturn, TypeVar

from carecoord.clinical.vocabulary import DataCategory, Discipline, Modality, UserRole
from carecoord.errors import PermissionDenied, ValidationError
from carecoord.services.actor import Actor


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
    READ_INTAKE = "read inbound referrals of"
    ENTER_INTAKE = "enter and schedule inbound referrals of"
    TRIAGE_INTAKE = "triage inbound referrals of"


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
        # Inbound referrals: the item is seen whatever its category (text masked by
        # "read clinical"); physicians triage, the front desk enters and books.
        Action.READ_INTAKE: NONE,
        Action.ENTER_INTAKE: NONE,
        Action.TRIAGE_INTAKE: NONE,
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
        Action.READ_INTAKE: ALL_CLINICAL,
        Action.ENTER_INTAKE: ALL_CLINICAL,
        Action.TRIAGE_INTAKE: ALL_CLINICAL,
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
        Action.READ_INTAKE: ALL_CLINICAL,
        Action.ENTER_INTAKE: NONE,
        Action.TRIAGE_INTAKE: NONE,
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
        Action.READ_INTAKE: ALL_CLINICAL,
        Action.ENTER_INTAKE: ALL_CLINICAL,
        Action.TRIAGE_INTAKE: NONE,
    },
}


# What emergency access adds, whatever the role: reading, nothing else, never notes.
BREAK_GLASS: dict[Action, frozenset[DataCategory]] = {Action.READ_CLINICAL: ALL_CLINICAL}

# Who may write psychotherapy notes at all (reading them is for the author alone).
PSYCHOTHERAPY_NOTE_AUTHORS = frozenset({UserRole.PHYSICIAN, UserRole.CLINICIAN})

Who = Actor | UserRole


def role_of(who: Who) -> UserRole:
    return who if isinstance(who, UserRole) else who.role


def allowed(
    who: Who, action: Action, category: DataCategory = G, *, now: datetime | None = None
) -> bool:
    """Whether ``who`` may perform ``action`` on data of ``category``.

    Services pass the Actor, so active break-glass access counts; a bare role answers
    for the role alone (used by the UI to decide what to offer).
    """
    if category in MATRIX[role_of(who)].get(action, NONE):
        return True
    return (
        isinstance(who, Actor)
        and who.break_glass_active(now)
        and category in BREAK_GLASS.get(action, NONE)
    )


def require(
    who: Who, action: Action, category: DataCategory = G, *, now: datetime | None = None
) -> None:
    """Raise PermissionDenied unless the matrix (or active break-glass access) allows it."""
    if not allowed(who, action, category, now=now):
        denied(who, action.value, category)


def denied(who: Who, action: str, category: DataCategory) -> NoReturn:
    """Raise the PermissionDenied naming the role, the action and the category."""
    raise PermissionDenied(role_of(who).label.lower(), action, category.label.lower())


def may_write_psychotherapy_notes(who: Who) -> bool:
    return role_of(who) in PSYCHOTHERAPY_NOTE_AUTHORS


def may_read_psychotherapy_note(actor: Actor, author_user_id: int | None) -> bool:
    """Only the note's author, identified by account; break-glass does not reach notes."""
    return actor.user_id is not None and actor.user_id == author_user_id


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


# ------------------------------------------------------------------------- masking
RESTRICTED = "restricted"
"""What a role reads instead of free text of a category it may not read."""

T = TypeVar("T")


def may_read(who: Who, category: DataCategory) -> bool:
    """Whether ``who`` may read clinical content of ``category`` (the one masking test)."""
    return allowed(who, Action.READ_CLINICAL, category)


def masked(who: Who, category: DataCategory, value: T) -> T | str:
    """``value`` when ``who`` may read clinical data of ``category``, else "restricted".

    The one way every service hides free text (reasons, notes, descriptions, titles) of a
    category the role may not read; an empty value stays empty (it says nothing).
    """
    if value is None or value == "" or may_read(who, category):
        return value
    return RESTRICTED


SUBSTANCE_USE_DRUGS = ("naloxone", "naltrexone", "acamprosate", "disulfiram", "suboxone")
"""Drugs (or combinations) given only for a substance-use disorder."""
SUBSTANCE_USE_WORDS = re.compile(
    r"\b(oud|aud|sud|moud|mat|opioid use disorder|substance use|addiction|"
    r"alcohol use disorder|opioid dependence|detox)\b",
    re.IGNORECASE,
)
PSYCHIATRIC_DRUGS = (
    "sertraline",
    "fluoxetine",
    "escitalopram",
    "citalopram",
    "paroxetine",
    "bupropion",
    "mirtazapine",
    "quetiapine",
    "aripiprazole",
    "lithium",
    "buspirone",
    "lorazepam",
    "alprazolam",
)
"""Psychotropics without a pain use: always prescribed for a psychiatric reason."""
PSYCHIATRIC_WORDS = re.compile(
    r"\b(depression|depressive|anxiety|panic|ptsd|bipolar|schizo\w*|psychosis|"
    r"ocd|adhd|insomnia|mood)\b",
    re.IGNORECASE,
)


def medication_category(drug: str, *why: str | None) -> DataCategory:
    """The default category of a medication from its drug and its indication or notes.

    Medication for opioid use disorder (buprenorphine or methadone with an OUD indication,
    buprenorphine with naloxone, naltrexone …) is substance use (42 CFR Part 2); a
    psychotropic given for a psychiatric reason is psychiatric; the rest is general
    (duloxetine or amitriptyline for pain stay general). The clinician may choose another.
    """
    text = drug.lower()
    reasons = " ".join(w.replace("_", " ") for w in why if w)  # codes read as words
    if any(d in text for d in SUBSTANCE_USE_DRUGS) or SUBSTANCE_USE_WORDS.search(reasons):
        return S
    if any(d in text for d in PSYCHIATRIC_DRUGS) or PSYCHIATRIC_WORDS.search(reasons):
        return P
    return G


def activity_category(modality: Modality) -> DataCategory:
    """Psychological therapy is psychiatric by default; every other modality general."""
    return P if modality == Modality.PSYCHOLOGICAL else G


def item_category(value: DataCategory | str | None, default: DataCategory) -> DataCategory:
    """A category a clinician chose for an item (None: ``default``); psychotherapy notes
    are a record of their own, never a category of a chart item.

    Raises:
        ValidationError: not a category, or "psychotherapy note".
    """
    if value is None or value == "":
        return default
    try:
        chosen = DataCategory(value)
    except ValueError:
        raise ValidationError("category", "must be general, psychiatric or substance use") from None
    if chosen == N:
        raise ValidationError("category", "psychotherapy notes are kept in their own tab")
    return chosen
