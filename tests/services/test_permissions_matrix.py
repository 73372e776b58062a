"""The permission matrix, written out by hand, against the one in the code.

``EXPECTED`` is the reviewed answer (it reads the same as docs/permissions.md): which
categories of data each role may touch for each action. It is typed here, not derived
from ``carecoord.services.permissions``, so a wrong entry in the code fails this test
instead of being copied into the expectation. The permission walk in
``test_permissions.py`` takes its expected outcomes from :func:`expected_allowed`.

Cells: G general, P psychiatric, S substance use, ``-`` nothing. Psychotherapy notes are
in no cell: only their author reads them, whatever the role.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from carecoord.clinical.vocabulary import DataCategory, UserRole
from carecoord.errors import ValidationError
from carecoord.services.actor import Actor
from carecoord.services.permissions import (
    Action,
    allowed,
    item_category,
    may_read_psychotherapy_note,
    may_write_psychotherapy_notes,
)

EXPECTED_TABLE = """
| action                        | administrator | physician | clinician | front_desk |
|-------------------------------|---------------|-----------|-----------|------------|
| read demographics             | G             | G         | G         | G          |
| edit demographics             | G             | G         | -         | G          |
| read clinical                 | -             | G P S     | G P       | G          |
| edit clinical                 | -             | G P S     | G P       | -          |
| manage referral logistics of  | G             | G P S     | -         | G P S      |
| print                         | -             | G P S     | G P       | G          |
| export                        | G             | G P S     | -         | G          |
| manage the team directory for | G             | G         | -         | G          |
| manage users for              | G             | -         | -         | -          |
| read the audit trail of       | G             | -         | -         | -          |
| change clinic settings for    | G             | -         | -         | -          |
| read inbound referrals of     | -             | G P S     | G P S     | G P S      |
| enter and schedule inbound referrals of | - | G P S     | -         | G P S      |
| triage inbound referrals of   | -             | G P S     | -         | -          |
"""

BREAK_GLASS_READS = "G P S"
"""What active break-glass access adds to any role: reading clinical data, never notes."""

NOTE_WRITERS = {"physician", "clinician"}
"""Roles that may write psychotherapy notes (reading them is for the author alone)."""

LETTERS = {
    "G": DataCategory.GENERAL,
    "P": DataCategory.PSYCHIATRIC,
    "S": DataCategory.SUBSTANCE_USE,
}


def _cell(text: str) -> frozenset[DataCategory]:
    text = text.strip()
    return frozenset() if text == "-" else frozenset(LETTERS[c] for c in text.split())


def _parse(table: str) -> dict[tuple[UserRole, Action], frozenset[DataCategory]]:
    lines = [line.strip().strip("|") for line in table.strip().splitlines()]
    header = [cell.strip() for cell in lines[0].split("|")]
    roles = [UserRole(name) for name in header[1:]]
    parsed = {}
    for line in lines[2:]:
        action, *cells = (cell.strip() for cell in line.split("|"))
        for role, cell in zip(roles, cells, strict=True):
            parsed[(role, Action(action))] = _cell(cell)
    return parsed


EXPECTED = _parse(EXPECTED_TABLE)


def expected_allowed(
    who: Actor | UserRole,
    action: Action,
    category: DataCategory = DataCategory.GENERAL,
    *,
    now: datetime | None = None,
) -> bool:
    """What the written-out table says: the role's cell, plus break-glass reading."""
    role = who if isinstance(who, UserRole) else who.role
    if category in EXPECTED[(role, action)]:
        return True
    return (
        isinstance(who, Actor)
        and who.break_glass_active(now)
        and action is Action.READ_CLINICAL
        and category in _cell(BREAK_GLASS_READS)
    )


def expected_note_writer(who: Actor | UserRole) -> bool:
    role = who if isinstance(who, UserRole) else who.role
    return role.value in NOTE_WRITERS


def _actor(role: UserRole, *, glass: bool = False) -> Actor:
    until = datetime.now(UTC) + timedelta(hours=1) if glass else None
    return Actor(
        user_id=7, username="someone", role=role, full_name="Someone", break_glass_until=until
    )


def test_the_written_table_names_every_role_and_every_action() -> None:
    assert {role for role, _ in EXPECTED} == set(UserRole)
    assert {action for _, action in EXPECTED} == set(Action)
    assert len(EXPECTED) == len(UserRole) * len(Action)


def test_the_code_matches_the_written_table_for_every_role_action_and_category() -> None:
    wrong = [
        f"{role.value} / {action.value} / {category.value}: code says {got}"
        for (role, action), cell in EXPECTED.items()
        for category in DataCategory
        if (got := allowed(role, action, category)) != (category in cell)
    ]
    assert not wrong, "\n".join(wrong)


def test_break_glass_adds_reading_of_every_category_but_notes_and_nothing_else() -> None:
    wrong = []
    for role in UserRole:
        actor = _actor(role, glass=True)
        for action in Action:
            for category in DataCategory:
                want = category in EXPECTED[(role, action)] or (
                    action is Action.READ_CLINICAL and category in _cell(BREAK_GLASS_READS)
                )
                if allowed(actor, action, category) != want:
                    wrong.append(f"{role.value} (break-glass) / {action.value} / {category}")
    assert not wrong, "\n".join(wrong)


def test_break_glass_that_has_ended_adds_nothing() -> None:
    ended = Actor(
        user_id=7,
        username="someone",
        role=UserRole.FRONT_DESK,
        full_name="Someone",
        break_glass_until=datetime(2026, 1, 1, 12, tzinfo=UTC),
    )
    later = datetime(2026, 1, 1, 12, 1, tzinfo=UTC)
    assert not allowed(ended, Action.READ_CLINICAL, DataCategory.PSYCHIATRIC, now=later)
    assert allowed(
        ended, Action.READ_CLINICAL, DataCategory.PSYCHIATRIC, now=later - timedelta(minutes=2)
    )


def test_psychotherapy_notes_are_written_by_physicians_and_clinicians_read_by_their_author() -> (
    None
):
    assert {r.value for r in UserRole if may_write_psychotherapy_notes(r)} == NOTE_WRITERS
    for role in UserRole:
        author = _actor(role, glass=True)
        assert may_read_psychotherapy_note(author, 7)
        assert not may_read_psychotherapy_note(author, 8)
        assert not may_read_psychotherapy_note(_actor(role), None)


def test_an_item_category_is_one_of_the_three_chart_categories() -> None:
    """A clinician's choice: empty keeps the default; notes and unknown words are refused."""
    assert item_category(None, DataCategory.PSYCHIATRIC) == DataCategory.PSYCHIATRIC
    assert item_category("", DataCategory.GENERAL) == DataCategory.GENERAL
    assert item_category("substance_use", DataCategory.GENERAL) == DataCategory.SUBSTANCE_USE
    with pytest.raises(ValidationError, match="must be general, psychiatric or substance use"):
        item_category("secret", DataCategory.GENERAL)
    with pytest.raises(ValidationError, match="psychotherapy notes are kept in their own tab"):
        item_category("psychotherapy_note", DataCategory.GENERAL)
