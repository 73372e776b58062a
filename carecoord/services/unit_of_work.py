"""The unit of work every service function runs its database work in.

It owns the session, the permission check, the audit record and the commit, so no service
writes that sequence out by hand (see docs/architecture.md):

    with unit_of_work(db, actor, write=True) as uow:
        row = uow.load(Model, row_id, ENTITY)
        uow.require(may_edit(actor), "edit", CATEGORY)
        ...change row...
        uow.audit("update", ENTITY, row.id, patient_id=row.patient_id, category=CATEGORY)
        uow.commit(row, ENTITY)

A write unit refuses (:class:`AuditMissing`) to commit a change that has no audit record,
and rolls back whatever it did not commit. A read unit (the default) never takes the write
lock for its reads; the read audit it owes is written on leaving the block.

Reads are audited once per *read scope*: a window a person opens sets one
(:func:`read_scope`), and the same read repeated by its background refreshes is recorded
only the first time. Outside any scope (command line, tests) every read is recorded. The
account re-check and the audit of a refusal stay with :func:`~carecoord.services.common.service`.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, Unpack

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import PermissionDenied
from carecoord.services import audit
from carecoord.services.actor import Actor
from carecoord.services.audit import Where as AuditWhere
from carecoord.services.common import check_version
from carecoord.services.common import commit as _commit
from carecoord.services.common import load as _load
from carecoord.services.permissions import role_of

T = TypeVar("T")

_CHANGED = "carecoord_uow_changed"
_READ = "read"
MAX_SCOPES = 512
"""How many read scopes are remembered (least recently used forgotten first): windows
long closed need none, and a forgotten scope only means one more read record."""

ReadKey = tuple[str, int | None, str, int | None, int | None, str | None]


class AuditMissing(RuntimeError):
    """A write unit was asked to commit a change without an audit record (a bug in the
    service, never the user's doing); nothing was written."""

    def __init__(self, entity: str) -> None:
        super().__init__(f"refused to commit a change to {entity} that has no audit record")
        self.entity = entity


# ------------------------------------------------------------------------- read scopes
_SCOPE: ContextVar[Hashable | None] = ContextVar("carecoord_read_scope", default=None)
_SEEN: OrderedDict[Hashable, set[ReadKey]] = OrderedDict()
_SEEN_LOCK = threading.Lock()
_OPENINGS = itertools.count(1)


def new_read_scope(name: str) -> tuple[str, int]:
    """A read-scope key never used before in this process: one per opening of a window
    (an object's id may come back for the next window; this never does)."""
    return (name, next(_OPENINGS))


@contextmanager
def read_scope(key: Hashable) -> Iterator[None]:
    """Within this block (and in background jobs started from it, see ui/worker.py) a read
    already audited under ``key`` is not audited again.

    Entering the same key again continues the same scope: a window keeps one key per
    opening (:func:`new_read_scope`) and wraps its calls in it.
    """
    token = _SCOPE.set(key)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current_read_scope() -> Hashable | None:
    """The read scope of the calling code, None outside any."""
    return _SCOPE.get()


def _already_seen(scope: Hashable, key: ReadKey) -> bool:
    with _SEEN_LOCK:
        seen = _SEEN.get(scope)
        if seen is None:
            return False
        _SEEN.move_to_end(scope)
        return key in seen


def _remember(scope: Hashable, keys: set[ReadKey]) -> None:
    with _SEEN_LOCK:
        seen = _SEEN.setdefault(scope, set())
        _SEEN.move_to_end(scope)
        seen.update(keys)
        while len(_SEEN) > MAX_SCOPES:
            _SEEN.popitem(last=False)


# ------------------------------------------------------------- noticing written rows
def _note_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(row) for row in session.dirty):
        session.info[_CHANGED] = True


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_CHANGED] = True


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CHANGED, None)


event.listen(Session, "before_flush", _note_flush)
event.listen(Session, "do_orm_execute", _note_statement)
event.listen(Session, "after_commit", _forget)
event.listen(Session, "after_rollback", _forget)


def _has_changes(session: Session) -> bool:
    return bool(
        session.info.get(_CHANGED)
        or session.new
        or session.deleted
        or any(session.is_modified(row) for row in session.dirty)
    )


# ------------------------------------------------------------------------ the unit
class UnitOfWork:
    """One service call's database work: see the module docstring."""

    def __init__(self, db: Database, actor: Actor | None, session: Session, write: bool) -> None:
        self.db = db
        self.actor = actor  # None only before first set-up or sign-in names who acts
        self.session = session
        self.write = write
        self._scope = _SCOPE.get()
        self._database = db.engine.url.render_as_string(hide_password=True)
        self._reads_due: list[tuple[ReadKey, dict[str, Any]]] = []
        self._reads_queued = 0  # read records queued on a write unit's session

    # -- loading and checking
    def load(self, model: type[T], entity_id: int, entity: str) -> T:
        """The row with primary key ``entity_id`` or NotFound naming the entity."""
        return _load(self.session, model, entity_id, entity)

    def load_for_change(
        self, model: type[T], entity_id: int, entity: str, expected_version: int | None
    ) -> T:
        """The row a person is changing, as they last read it: NotFound when it is gone,
        ConflictError when someone changed it since ``expected_version`` (None: no check)."""
        row = self.load(model, entity_id, entity)
        check_version(row, expected_version, entity)
        return row

    def require(self, allowed: bool, action: str, what: DataCategory | str) -> None:
        """Raise PermissionDenied(role, action, what) unless ``allowed``."""
        if not allowed:
            label = what.label.lower() if isinstance(what, DataCategory) else what
            raise PermissionDenied(role_of(self._who()).label.lower(), action, label)

    # -- auditing
    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None = None,
        **where: Unpack[AuditWhere],
    ) -> None:
        """Queue the audit record of a change (or any event); it commits with the unit."""
        audit.record(self.session, self._who(), action, entity, entity_id, **where)

    def audit_read(
        self,
        entity: str,
        entity_id: int | None = None,
        *,
        patient_id: int | None = None,
        category: DataCategory | None = None,
        detail: str | None = None,
        same_read: str | None = None,
    ) -> None:
        """Audit a read, once per read scope (every time outside one).

        ``same_read`` stands in for ``detail`` when telling two reads apart, where the
        detail also reports what was found ("12 rows"): a refresh finding 11 is the same read.
        """
        what = detail if same_read is None else same_read
        key: ReadKey = (self._database, self._who().user_id, entity, entity_id, patient_id, what)
        if self._scope is not None and (
            _already_seen(self._scope, key) or any(key == due for due, _ in self._reads_due)
        ):
            return
        values: dict[str, Any] = {
            "entity_id": entity_id,
            "patient_id": patient_id,
            "category": category or DataCategory.GENERAL,
            "detail": detail,
        }
        self._reads_due.append((key, values))
        if self.write:  # in the change's own transaction
            audit.record(self.session, self._who(), _READ, entity, **values)
            self._reads_queued += 1

    def _who(self) -> Actor:
        if self.actor is None:
            raise RuntimeError("an audit record names who acted: set uow.actor first")
        return self.actor

    # -- committing
    def commit(self, row: Any = None, entity: str = "Record") -> None:
        """Commit the change with its audit records; a version clash becomes ConflictError.

        Raises:
            AuditMissing: the session changed rows but no audit record was queued (all is
                rolled back).
        """
        if not self.write:
            self._write_reads()
            return
        # Records queued by uow.audit or by a helper calling audit.record on this session.
        queued = len(self.session.info.get(audit._PENDING) or ())
        if _has_changes(self.session) and queued <= self._reads_queued:
            self.session.rollback()
            self._reads_due.clear()
            raise AuditMissing(entity)
        _commit(self.session, row, entity)
        self._reads_queued = 0
        self._settle_reads()

    def commit_change(
        self, row: Any, action: str, entity: str, **where: Unpack[AuditWhere]
    ) -> None:
        """Commit a change to a versioned ``row``: who made it (``updated_by``), its audit
        record, then :meth:`commit` (whose version check catches a save racing this one)."""
        row.updated_by = self._who().username
        self.audit(action, entity, row.id, **where)
        self.commit(row, entity)

    def _settle_reads(self) -> None:
        if self._scope is not None and self._reads_due:
            _remember(self._scope, {key for key, _ in self._reads_due})
        self._reads_due.clear()

    def _write_reads(self) -> None:
        """A read unit's due read records, in a short write transaction of their own (the
        reads themselves never held the write lock)."""
        if not self._reads_due:
            return
        with self.db.session(write=True) as session:
            for key, values in self._reads_due:
                audit.record(session, self._who(), _READ, key[2], **values)
            session.commit()
        self._settle_reads()


@contextmanager
def unit_of_work(db: Database, actor: Actor | None, *, write: bool = False) -> Iterator[UnitOfWork]:
    """A unit of work on ``db`` for ``actor``: commits only through :meth:`UnitOfWork.commit`
    (a write unit) or, for a read unit, writes its due read records on leaving normally;
    anything else is rolled back."""
    with db.session(write=write) as session:
        uow = UnitOfWork(db, actor, session, write)
        yield uow
        if not write:
            if _has_changes(session):
                raise AuditMissing("a read unit's rows")  # a change belongs in a write unit
            # Ends the read transaction keeping what was loaded (rows stay readable after
            # the block, as they do after a write unit's commit); writes nothing.
            session.commit()
    if not write:
        uow._write_reads()
