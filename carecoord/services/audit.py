"""Writes audit events (who did what to which record) hash-chained, in the change's transaction.

Every record carries ``prev_hash`` (its predecessor's hash) and ``hash``: SHA-256 over a
canonical serialisation of its own fields and ``prev_hash``. Ids are consecutive, taken
from the one-row chain head that is locked and advanced in the same transaction, so an
edited, removed or hand-inserted record breaks the chain and :func:`verify_chain` names
the first one.

Events are queued on the session by :func:`record` and sealed just before it commits, after
the session's own changes were flushed. The chain head is therefore the last lock a
transaction takes and it is held only for the commit itself: on PostgreSQL two
workstations never wait for each other's row locks while one of them holds the head.
A transaction that rolls back leaves no audit record and no gap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack

from sqlalchemy import Connection, event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from carecoord.clinical.vocabulary import DataCategory
from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import AuditChainHead, AuditEvent, utcnow
from carecoord.services.actor import Actor

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the very first record."""
FORMAT = "carecoord-audit-1"
"""Names the serialisation inside every hashed payload, so it can evolve."""
_PENDING = "carecoord_audit_pending"

# Built once: constructing a statement per event costs more than executing it.
_INSERT = insert(AuditEvent)
_HEAD = select(AuditChainHead.last_id, AuditChainHead.last_hash).where(AuditChainHead.id == 1)
_HEAD_FOR_UPDATE = _HEAD.with_for_update()
_ADVANCE = update(AuditChainHead).where(AuditChainHead.id == 1)  # SET from the parameters
_ANY_EVENT = select(AuditEvent.id).limit(1)
# PostgreSQL: serialises starting a new chain (an arbitrary, fixed advisory-lock key).
_FIRST_HEAD_LOCK = select(func.pg_advisory_xact_lock(0x4341524543484149))


class Where(TypedDict, total=False):
    """Where an event happened besides its entity, all optional: the patient whose chart
    it touched, the data category (general when none), and a short detail. The audit calls
    of the unit of work take the same."""

    patient_id: int | None
    category: DataCategory | None
    detail: str | None


class AuditChainError(CareCoordError):
    """The audit trail cannot be extended safely (its chain head is missing)."""


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None = None,
    **where: Unpack[Where],
) -> None:
    """Audit one event in ``session``'s transaction: it commits or rolls back with the change.

    The event is sealed into the hash chain when the session commits (see the module
    docstring); nothing is written if the session rolls back.
    """
    pending: list[dict[str, Any]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
    pending.append(event_values(actor, action, entity, entity_id, **where))


def append(connection: Connection, events: Iterable[dict[str, Any]]) -> int:
    """Seal ``events`` (dicts of AuditEvent columns without id, time and hashes) into the
    chain on ``connection``'s open transaction, which the caller commits.

    Used directly by bulk writers that work on a Connection (the demo loader); services
    call :func:`record`.

    Returns:
        The id of the last record written (the chain head's id when ``events`` is empty).

    Raises:
        AuditChainError: the chain head is missing although records exist.
    """
    last_id, last_hash = _lock_head(connection)
    now = utcnow()
    rows = []
    for values in events:
        last_id += 1
        row = {**values, "id": last_id, "at": now}
        digest = record_hash(row, last_hash)
        row["prev_hash"] = last_hash
        row["hash"] = digest
        rows.append(row)
        last_hash = digest
    if rows:
        connection.execute(_INSERT, rows)
        connection.execute(_ADVANCE, {"last_id": last_id, "last_hash": last_hash})
    return last_id


def event_values(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None = None,
    **where: Unpack[Where],
) -> dict[str, Any]:
    """The column values :func:`append` takes for one event."""
    unknown = where.keys() - Where.__optional_keys__
    if unknown:  # a misspelt keyword would otherwise leave a gap in the record
        raise TypeError(f"an audit record has no {', '.join(sorted(unknown))}")
    category = where.get("category") or DataCategory.GENERAL
    return {
        "user_id": actor.user_id,
        "username": actor.username,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "patient_id": where.get("patient_id"),
        "data_category": category.value,
        "detail": where.get("detail"),
    }


def _lock_head(connection: Connection) -> tuple[int, str]:
    """The chain head, locked until the transaction ends (SQLite writers hold the database
    lock already: ``BEGIN IMMEDIATE``, see carecoord.db)."""
    postgres = connection.dialect.name == "postgresql"
    row = connection.execute(_HEAD_FOR_UPDATE if postgres else _HEAD).first()
    if row is not None:
        return int(row.last_id), str(row.last_hash)
    if postgres:
        # Two workstations writing the very first records: without this lock the second
        # could find no record, then have its head insert checked by the guard trigger
        # after the first committed one ("must name the newest audit record"). The lock
        # lasts until this transaction ends; the head is read again once it is held.
        connection.execute(_FIRST_HEAD_LOCK)
        row = connection.execute(_HEAD_FOR_UPDATE).first()
        if row is not None:
            return int(row.last_id), str(row.last_hash)
    # No head: a new, emptied (TRUNCATEd) or damaged trail. Start a chain only when empty.
    if connection.execute(_ANY_EVENT).first() is not None:
        raise AuditChainError(
            "The audit trail's chain head is missing, so new audit records cannot be chained. "
            "An administrator should run 'carecoord audit verify' and restore from a backup."
        )
    from sqlalchemy.dialects import postgresql, sqlite

    start = (postgresql.insert if postgres else sqlite.insert)(AuditChainHead)
    connection.execute(
        start.values(
            id=1, last_id=0, last_hash=GENESIS_HASH, backfilled_through=0
        ).on_conflict_do_nothing()
    )
    row = connection.execute(_HEAD_FOR_UPDATE if postgres else _HEAD).one()
    return int(row.last_id), str(row.last_hash)


def _timestamp(value: datetime) -> str:
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: Any, prev_hash: str) -> bytes:
    """The bytes hashed for one record: a JSON array of its fields in a fixed order.

    ``values`` is a mapping or a row with the AuditEvent column names. ASCII-only JSON
    escapes every other character, so any text (even unpaired surrogates) serialises the
    same way everywhere.
    """
    get = values.get if isinstance(values, dict) else values._mapping.get
    payload = [
        FORMAT,
        get("id"),
        _timestamp(get("at")),  # type: ignore[arg-type]  # a record always has its time
        get("user_id"),
        get("username"),
        get("action"),
        get("entity"),
        get("entity_id"),
        get("patient_id"),
        get("data_category"),
        get("detail"),
        prev_hash,
    ]
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def record_hash(values: Any, prev_hash: str) -> str:
    """SHA-256 (hex) of :func:`canonical`."""
    return hashlib.sha256(canonical(values, prev_hash)).hexdigest()


# ----------------------------------------------------------------- session integration
def _seal_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # The session's own changes first: their row locks (and a version clash, which
    # becomes a ConflictError) come before the chain head is locked.
    session.flush()
    append(session.connection(), pending)


def _discard_pending(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


event.listen(Session, "before_commit", _seal_pending)
event.listen(Session, "after_soft_rollback", _discard_pending)


# ------------------------------------------------------------------------ verification
@dataclass(frozen=True)
class Seal:
    """What a checkpoint kept outside the database says about one record: its hash."""

    hash: str
    name: str  # the checkpoint, as people see it (its file name)
    made_at: str  # when it was made, as written in it


def _holdings(connection: Connection) -> str:
    """ "3 patients and 2 user accounts" (empty when the database holds neither)."""
    from sqlalchemy import func

    from carecoord.models import Patient, User

    patients = connection.execute(select(func.count()).select_from(Patient)).scalar_one()
    accounts = connection.execute(select(func.count()).select_from(User)).scalar_one()
    parts = [f"{patients} patients"] if patients else []
    parts += [f"{accounts} user accounts"] if accounts else []
    return " and ".join(parts)


@dataclass(frozen=True)
class VerifyResult:
    """What :func:`verify_chain` found.

    ``problem`` describes the first altered or missing record in words (None when intact);
    ``first_bad_id`` is that record's id (or where the missing records begin).
    """

    ok: bool
    checked: int
    last_id: int
    last_hash: str
    problem: str | None = None
    first_bad_id: int | None = None
    kind: str | None = None  # altered, missing, broken, unsealed, head, checkpoint, empty


_VERIFY_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.user_id,
    AuditEvent.username,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.patient_id,
    AuditEvent.data_category,
    AuditEvent.detail,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)
VERIFY_BATCH = 5000


def verify_chain(
    db: Database, checkpoints: Mapping[int, Sequence[Seal]] | None = None
) -> VerifyResult:
    """Walk the whole audit trail in id order and check every link of the hash chain.

    Reports the first record whose contents no longer match its hash (altered), whose
    predecessor is gone (missing: ids skip and the chain breaks there), that was written
    without a hash, records missing from the end (the chain head names a later one), an
    empty trail in a database that holds patients or accounts (emptied), and a record
    whose hash differs from the one a checkpoint kept outside the database saw
    (``checkpoints`` maps a record id to those seals): the chain was rewritten and
    re-hashed, or records were cut and new ones written in their place.

    Returns:
        The result; ``ok`` is False when anything is wrong.
    """
    checkpoints = checkpoints or {}
    with db.session() as session:
        connection = session.connection()
        head = connection.execute(
            select(
                AuditChainHead.last_id,
                AuditChainHead.last_hash,
                AuditChainHead.backfilled_through,
            ).where(AuditChainHead.id == 1)
        ).first()
        backfilled = int(head.backfilled_through) if head is not None else 0
        checked = 0
        last_id, last_hash = 0, GENESIS_HASH

        def bad(kind: str, record_id: int, problem: str) -> VerifyResult:
            return VerifyResult(False, checked, last_id, last_hash, problem, record_id, kind)

        while True:
            rows = connection.execute(
                select(*_VERIFY_COLUMNS)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(VERIFY_BATCH)
            ).all()
            if not rows:
                break
            for row in rows:
                if row.hash is None or row.prev_hash is None:
                    return bad(
                        "unsealed",
                        row.id,
                        f"record {row.id} has no hash: it was written outside CareCoord",
                    )
                expected_id = last_id + 1
                if row.prev_hash != last_hash:
                    if row.id > expected_id:
                        gone = (
                            f"record {expected_id} is"
                            if row.id == expected_id + 1
                            else f"records {expected_id}–{row.id - 1} are"
                        )
                        return bad(
                            "missing",
                            expected_id,
                            f"{gone} missing (the chain jumps from record {last_id} "
                            f"to record {row.id})",
                        )
                    return bad(
                        "broken",
                        row.id,
                        f"the chain is broken at record {row.id}: it does not follow "
                        f"record {last_id} (a record was removed or inserted by hand)",
                    )
                if row.id > expected_id and row.id > backfilled + 1:
                    return bad(
                        "missing",
                        expected_id,
                        f"record ids jump from {last_id} to {row.id}: "
                        "records were removed and the chain rewritten",
                    )
                if record_hash(row, row.prev_hash) != row.hash:
                    return bad(
                        "altered",
                        row.id,
                        f"record {row.id} was altered: its contents no longer match its hash",
                    )
                for seal in checkpoints.get(row.id, ()):
                    if seal.hash != row.hash:
                        return bad(
                            "checkpoint",
                            row.id,
                            f"record {row.id} differs from the one checkpoint {seal.name} "
                            f"saw on {seal.made_at}: the trail up to it was rewritten and "
                            "re-hashed",
                        )
                last_id, last_hash = row.id, row.hash
                checked += 1
        beyond = [(i, seal) for i, seals in checkpoints.items() for seal in seals if i > last_id]
        if beyond:
            record_id, seal = min(beyond, key=lambda item: item[0])
            return bad(
                "checkpoint",
                record_id,
                f"record {record_id}, which checkpoint {seal.name} saw on {seal.made_at}, "
                f"is missing: the trail ends at record {last_id} (records were cut)",
            )
        if not checked:
            held = _holdings(connection)
            if held:
                return bad(
                    "empty",
                    1,
                    f"the audit trail is empty although the database holds {held}: "
                    "its records were deleted",
                )
        if head is None:
            if checked:
                return bad(
                    "head", last_id, "the chain head is missing (audit_chain_head was emptied)"
                )
            return VerifyResult(True, 0, 0, GENESIS_HASH)
        if int(head.last_id) > last_id:
            first = last_id + 1
            gone = (
                f"record {first} is"
                if int(head.last_id) == first
                else f"records {first}–{head.last_id} are"
            )
            return bad("missing", first, f"{gone} missing from the end of the trail (deleted)")
        if int(head.last_id) < last_id:
            return bad(
                "head",
                int(head.last_id) + 1,
                f"records after {head.last_id} were added outside CareCoord "
                "(the chain head does not know them)",
            )
        if head.last_hash != last_hash:
            return bad(
                "head",
                last_id,
                f"the chain head does not match record {last_id} (the head was edited)",
            )
        return VerifyResult(True, checked, last_id, last_hash)
