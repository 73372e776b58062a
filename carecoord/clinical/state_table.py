"""What the pure workflow tables (inbound intake, outbound referrals) have in common.

Each workflow declares its own states, events, ``(state, event) -> next state`` table,
guards and field changes. The machinery around them is the same and lives here once: the
typed result of an event, the events a state allows, the refusal of a move the table lacks,
running the event's guards, and the date check most guards share
(docs/clinical-reference.md §2, §2.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from carecoord.errors import IllegalTransition, ValidationError

StateT = TypeVar("StateT", bound=StrEnum)
EventT = TypeVar("EventT", bound=StrEnum)
FactsT = TypeVar("FactsT")
DetailsT = TypeVar("DetailsT")


@dataclass(frozen=True)
class Transition(Generic[EventT, StateT]):
    """The result of one event: the new state and every field that changes."""

    event: EventT
    from_state: StateT
    to_state: StateT
    changes: Mapping[str, Any]


def _reachable(target: object) -> bool:
    return True


@dataclass(frozen=True)
class StateTable(Generic[StateT, EventT, FactsT, DetailsT]):
    """A workflow's moves and the guards each event must pass.

    ``moves`` maps ``(state, event)`` to the next state, or to a marker the workflow
    resolves itself (the referral's "back to where it was held from"); a pair missing from
    it is refused. ``events`` gives the order screens offer the events in.
    """

    events: type[EventT]
    moves: Mapping[tuple[StateT, EventT], StateT | str]
    guards: Mapping[EventT, tuple[Callable[[FactsT, DetailsT, date], None], ...]]

    def allowed_events(
        self, state: StateT, reachable: Callable[[StateT | str], bool] = _reachable
    ) -> tuple[EventT, ...]:
        """The events the table allows from ``state`` whose target is ``reachable``."""
        found = []
        for event in self.events:
            target = self.moves.get((state, event))
            if target is not None and reachable(target):
                found.append(event)
        return tuple(found)

    def check(
        self,
        facts: FactsT,
        details: DetailsT,
        move: tuple[StateT, EventT],
        today: date,
        refusal: Callable[[], IllegalTransition],
    ) -> StateT | str:
        """The table's target for ``move`` once every guard of its event has passed.

        Raises:
            IllegalTransition: ``refusal()``, when the table has no such move.
            ValidationError: A guard failed (names the field).
        """
        target = self.moves.get(move)
        if target is None:
            raise refusal()
        for guard in self.guards[move[1]]:
            guard(facts, details, today)
        return target


def check_day(name: str, day: date, today: date, earliest: date | None, since: str) -> None:
    """Refuse a day in the future or before ``earliest`` (``since`` words that day).

    Raises:
        ValidationError: On ``name``.
    """
    if day > today:
        raise ValidationError(name, "cannot be in the future")
    if earliest is not None and day < earliest:
        raise ValidationError(name, f"cannot be before {since}")


def closing(day: date) -> dict[str, Any]:
    """The changes that close an item on ``day``: closed, and nothing is owed any more."""
    return {"closed_on": day, "due_on": None}


def with_changes(facts: FactsT, changes: Mapping[str, Any]) -> FactsT:
    """``facts`` (a dataclass) with ``changes`` applied, to chain events in tests and the demo."""
    return replace(facts, **dict(changes))  # type: ignore[type-var]
