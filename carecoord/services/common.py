"""Small helpers every service uses: the per-call account check, load-or-404,
optimistic-lock check, today."""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from carecoord.db import Database
from carecoord.errors import (
    AccountChanged,
    CareCoordError,
    ConflictError,
    NotFound,
    PermissionDenied,
)
from carecoord.models import User
from carecoord.services import audit
from carecoord.services.actor import Actor

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound=Actor | None)

log = logging.getLogger(__name__)
_INSIDE_SERVICE: ContextVar[bool] = ContextVar("carecoord_inside_service", default=False)
_ACCOUNT = select(User.active, User.role, User.break_glass_allowed).where(
    User.id == bindparam("user_id")
)


def current_actor(db: Database, actor: A) -> A:
    """``actor`` as the account stands now (one primary-key read): an administrator's change
    takes effect on the next call of an open session, not at its next sign-in.

    Break-glass access whose designation was withdrawn is dropped from the returned actor.

    Raises:
        AccountChanged: the account was deactivated, removed, or given another role.
    """
    if actor is None or actor.user_id is None:  # first set-up, command-line maintenance
        return actor
    with db.engine.connect() as connection:  # one indexed read, no ORM session needed
        row = connection.execute(_ACCOUNT, {"user_id": actor.user_id}).first()
    if row is None or not row.active:
        raise AccountChanged("deactivated")
    if row.role != actor.role:
        raise AccountChanged("given another role")
    if actor.break_glass_until is not None and not row.break_glass_allowed:
        return replace(actor, break_glass_until=None)
    return actor


def service(
    function: Callable[Concatenate[Database, A, P], R],
) -> Callable[Concatenate[Database, A, P], R]:
    """Mark a service function taking ``(db, actor, ...)``: every call re-checks the account
    (:func:`current_actor`) and audits a refusal.

    A PermissionDenied leaving the function is audited as ``denied`` in a transaction of
    its own (the function's own transaction rolled back), naming the function and the ids
    it was called with, never other arguments. Calls from inside another service function
    are checked and audited once, by the outermost.
    """
    signature = inspect.signature(function)
    name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"

    @functools.wraps(function)
    def call(db: Database, actor: A, *args: P.args, **kwargs: P.kwargs) -> R:
        if _INSIDE_SERVICE.get():
            return function(db, actor, *args, **kwargs)
        token = _INSIDE_SERVICE.set(True)
        try:
            return function(db, current_actor(db, actor), *args, **kwargs)
        except PermissionDenied as error:
            if actor is not None:
                ids = _ids(signature, db, actor, args, kwargs)
                record_refusal(db, actor, name, error, **ids)
            raise
        finally:
            _INSIDE_SERVICE.reset(token)

    return call


def _ids(
    signature: inspect.Signature, db: Database, actor: Any, args: Any, kwargs: Any
) -> dict[str, int | None]:
    """The record ids a refused call named: its first id argument and any patient id."""
    try:
        bound = signature.bind(db, actor, *args, **kwargs).arguments
    except TypeError:
        return {"entity_id": None, "patient_id": None}
    values = list(bound.items())[2:]
    first = next(
        (value for key, value in values if key.endswith("_id") and is_record_id(value)), None
    )
    patient = bound.get("patient_id")
    return {"entity_id": first, "patient_id": patient if is_record_id(patient) else None}


def record_refusal(
    db: Database,
    actor: Actor,
    what: str,
    error: PermissionDenied,
    *,
    entity_id: int | None = None,
    patient_id: int | None = None,
) -> None:
    """Audit a refused attempt (action ``denied``) in its own transaction: ids only."""
    detail = what if isinstance(error, AccountChanged) else f"{what}: {error.action}"
    try:
        with db.session(write=True) as session:
            audit.record(
                session,
                actor,
                "denied",
                what.split(".", 1)[0],
                entity_id,
                patient_id=patient_id,
                detail=detail[:200],
            )
            session.commit()
    except CareCoordError:  # the refusal stands even when it cannot be written down
        log.warning("a refused %s could not be audited", what, exc_info=True)


def csv_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (OWASP CSV injection).
    Every CSV CareCoord writes passes its text cells through here."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_ENCODING = "utf-8-sig"
"""CSV files start with the UTF-8 byte-order mark: without it Excel reads them as the
local code page and garbles accented names (Ñúñez shows as Ã‘ÃºÃ±ez)."""


def write_csv(path: str | Path, text: str) -> None:
    """Write CSV text from :func:`csv.writer` as Excel opens it: UTF-8 with a BOM, lines as
    written (RFC 4180 CRLF, no translation)."""
    Path(path).write_text(text, encoding=CSV_ENCODING, newline="")


def moved_names(module: str, target: str, *names: str) -> Callable[[str], Any]:
    """A module's ``__getattr__`` for ``names`` that moved to module ``target`` (callers keep
    using the old module's name); any other name is the AttributeError Python would raise."""
    known = frozenset(names)

    def attribute(name: str) -> Any:
        if name in known:
            return getattr(importlib.import_module(target), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return attribute


def today() -> date:
    """The workstation's calendar date (clinical dates are local dates)."""
    return date.today()


MAX_ID = 2**31 - 1
"""The largest id an INTEGER id column holds on PostgreSQL (larger ones cannot be looked up)."""


def is_record_id(value: object) -> bool:
    """Whether ``value`` can be a row's id (a positive int within the database's range)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def load(session: Session, model: type[T], entity_id: int, entity: str) -> T:
    """The row with primary key ``entity_id`` or NotFound naming the entity."""
    if not is_record_id(entity_id):
        raise NotFound(entity, entity_id)
    row = session.get(model, entity_id)
    if row is None:
        raise NotFound(entity, entity_id)
    return row


def check_version(row: Any, expected_version: int | None, entity: str) -> None:
    """Raise ConflictError when the row changed since the caller read ``expected_version``.

    The version column is also checked by the UPDATE itself (SQLAlchemy's version_id_col),
    which catches a save that races between this check and the commit.
    """
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(entity, row.id, row.updated_by, row.updated_at)


def apply(row: Any, values: dict[str, Any]) -> list[str]:
    """Set changed attributes; return the names of those that changed (for the audit)."""
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def commit(session: Session, row: Any = None, entity: str = "Record") -> None:
    """Commit; a version clash found by the UPDATE itself becomes a ConflictError."""
    from sqlalchemy.orm.exc import StaleDataError

    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        if row is None:
            raise ConflictError(entity, None, None, None) from None
        fresh = session.get(type(row), row.id, populate_existing=True)
        raise ConflictError(
            entity,
            row.id,
            getattr(fresh, "updated_by", None),
            getattr(fresh, "updated_at", None),
        ) from None


# Loading the service machinery registers the session hooks that keep the dashboard's
# summary current in every commit. They are not registered by the package file: the
# sign-in screen imports ``carecoord.services.actor`` before SQLAlchemy may load.
from carecoord.services import dashboard_summary as _dashboard_summary  # noqa: E402, F401
