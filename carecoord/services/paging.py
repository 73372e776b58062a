"""Keyset paging as every long list does it (worklists, intake lists, patient search).

A page is read in *parts* (rows with a sort key, then rows without one, say), each an
index range scan after the last row shown, until the page is full; its cursor is the last
row read. A full page may be the last one: the next read then finds nothing and says so,
which costs less than counting what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R")  # a row as shown
C = TypeVar("C")  # a cursor: where the next page starts
F = TypeVar("F")  # a row as read
K = TypeVar("K")  # a part of the list


@dataclass(frozen=True)
class Page(Generic[R, C]):
    """One page of a list and where the next starts."""

    rows: list[R]
    next: C | None  # None: this was the last page


def page_limit(limit: int, most: int) -> int:
    """A page's size as asked, kept within 1 and ``most`` (a 0 or a huge number asked is
    no error: the list still shows a page)."""
    return max(1, min(int(limit), most))


def fill_page(
    parts: Iterable[K],
    limit: int,
    after: C | None,
    read: Callable[[K, int], Sequence[F]],
    shown: Callable[[F], R],
    cursor_at: Callable[[K, F], C],
) -> Page[R, C]:
    """Read ``parts`` in order, each for as many rows as the page still lacks, until the
    page holds ``limit`` rows. ``read(part, wanted)`` reads a part after ``after``;
    ``cursor_at(part, row)`` is the cursor after a row read."""
    rows: list[R] = []
    cursor = after
    for part in parts:
        if len(rows) >= limit:
            break
        found = read(part, limit - len(rows))
        rows.extend(shown(f) for f in found)
        if found:
            cursor = cursor_at(part, found[-1])
    return Page(rows, cursor if len(rows) == limit else None)
