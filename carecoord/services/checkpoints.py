"""Audit checkpoints: the trail's length and newest hash, kept outside the database.

The hash chain alone proves only that the trail is consistent with itself: whoever can
write the database can edit a record and re-hash everything after it. A checkpoint is a
small JSON file written outside the database (``carecoord audit checkpoint``, and every
backup) naming the newest record's id and hash at that moment. Because each record's
hash covers all the records before it, a later check that finds the same hash at that id
proves that no record up to it was changed, removed or re-hashed since; a different hash,
or a trail that no longer reaches that id, proves that it was.

Each checkpoint also carries an HMAC-SHA256 made with a key kept in the user's
configuration folder (never in the database), so a checkpoint file edited to match a
rewritten trail is refused on a workstation that holds the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from carecoord.config import (
    APP_AUTHOR,
    APP_NAME,
    configured_backup_folders,
    sqlite_path,
    user_data_dir,
)
from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import AuditEvent
from carecoord.services.audit import Seal, VerifyResult, verify_chain

FORMAT = "carecoord-audit-checkpoint-1"
SUFFIX = ".audit-checkpoint.json"
RETIRED = ".retired"
ENV_FOLDER = "CARECOORD_CHECKPOINT_DIR"
"""Overrides where checkpoints are written and looked for."""
ENV_KEY = "CARECOORD_CHECKPOINT_KEY"
"""Overrides the path of the checkpoint key file."""
_SIGNED = ("format", "database", "first_hash", "last_id", "records", "head_hash", "made_at")


class CheckpointError(CareCoordError):
    """A checkpoint could not be written (the trail failed its check, or the disk)."""


@dataclass(frozen=True)
class Checkpoint:
    """One checkpoint file as read back (``mac_ok`` None: no key here to check it)."""

    path: Path
    database: str
    first_hash: str | None
    last_id: int
    records: int
    head_hash: str
    made_at: str
    mac_ok: bool | None


@dataclass(frozen=True)
class TrailCheck:
    """The outcome of :func:`check_trail`: chain, checkpoints, SQLite integrity."""

    result: VerifyResult
    checkpoints: list[Checkpoint]
    folders: list[Path]
    problems: list[str] = field(default_factory=list)  # checkpoint files refused
    integrity: list[str] = field(default_factory=list)  # PRAGMA integrity_check findings
    unchecked_macs: int = 0

    @property
    def ok(self) -> bool:
        return self.result.ok and not self.problems and not self.integrity


# --------------------------------------------------------------------------- locations
def checkpoint_folder(url: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where checkpoints go: $CARECOORD_CHECKPOINT_DIR, else the first of the settings
    files' ``backup.folders``, else the ``backups`` folder beside the SQLite file (where the
    daily backups are), else (PostgreSQL) the user's ``backups`` folder."""
    env = os.environ if environ is None else environ
    if env.get(ENV_FOLDER):
        return Path(env[ENV_FOLDER]).expanduser()
    configured = configured_backup_folders(env)
    if configured:
        return configured[0]
    path = sqlite_path(url)
    if path is not None:
        return path.expanduser().resolve().parent / "backups"
    return user_data_dir() / "backups"


def checkpoint_folders(url: str, environ: Mapping[str, str] | None = None) -> list[Path]:
    """Every folder ``audit verify`` reads by default: where checkpoints go, then the other
    ``backup.folders`` of the settings files (IT's copies)."""
    first = checkpoint_folder(url, environ)
    others = configured_backup_folders(os.environ if environ is None else environ)
    return [first, *(folder for folder in others if folder != first)]


def database_identity(url: str) -> str:
    """The database a checkpoint belongs to: the SQLite file's full path, or the PostgreSQL
    server, database and options (never the user name or password)."""
    path = sqlite_path(url)
    if path is not None:
        return f"sqlite:{path.expanduser().resolve()}"
    parsed = make_url(url)
    options = parsed.query.get("options")
    suffix = f"?options={options}" if options else ""
    return f"postgresql://{parsed.host or ''}:{parsed.port or 5432}/{parsed.database}{suffix}"


def _label(url: str) -> str:
    path = sqlite_path(url)
    name = path.stem if path is not None else str(make_url(url).database or "postgresql")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "carecoord"


def key_file(environ: Mapping[str, str] | None = None) -> Path:
    """The checkpoint key: $CARECOORD_CHECKPOINT_KEY, else ``audit-checkpoint.key`` in the
    user's configuration folder (outside the database and outside the backups folder)."""
    env = os.environ if environ is None else environ
    if env.get(ENV_KEY):
        return Path(env[ENV_KEY]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, APP_AUTHOR) / "audit-checkpoint.key"


def _read_key(path: Path, *, create: bool) -> bytes | None:
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"the checkpoint key {path} is unreadable: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process
        return _read_key(path, create=False)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key


def _mac(key: bytes, body: Mapping[str, object]) -> str:
    text = json.dumps([body.get(name) for name in _SIGNED], separators=(",", ":"))
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------ reading
def _first_hash(db: Database) -> str | None:
    # A direct session: the audit chain's first hash, no patient data and no actor to audit.
    with db.session() as session:
        return session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id).limit(1))


def read_checkpoints(
    folders: Iterable[Path], identity: str, first_hash: str | None, key: bytes | None
) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in ``folders`` that belong to this database (same location, or the
    same first record: a moved or copied database), and the files that were refused."""
    found: list[Checkpoint] = []
    problems: list[str] = []
    for folder in folders:
        paths = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
        for path in paths:
            try:
                body = json.loads(path.read_text(encoding="utf-8"))
                if body.get("format") != FORMAT:
                    raise ValueError(f"unknown format {body.get('format')!r}")
                checkpoint = Checkpoint(
                    path,
                    str(body["database"]),
                    body.get("first_hash"),
                    int(body["last_id"]),
                    int(body["records"]),
                    str(body["head_hash"]),
                    str(body["made_at"]),
                    None if key is None else hmac.compare_digest(_mac(key, body), body["mac"]),
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"checkpoint {path.name} is unreadable ({exc})")
                continue
            mine = checkpoint.database == identity or (
                first_hash is not None and checkpoint.first_hash == first_hash
            )
            if not mine:
                continue
            if checkpoint.mac_ok is False:
                problems.append(
                    f"checkpoint {path.name} was altered or not made with this key "
                    "(its MAC does not match)"
                )
                continue
            found.append(checkpoint)
    return found, problems


def _seals(checkpoints: Sequence[Checkpoint], up_to: int | None = None) -> dict[int, list[Seal]]:
    seals: dict[int, list[Seal]] = {}
    for cp in checkpoints:
        if cp.last_id > 0 and (up_to is None or cp.last_id <= up_to):
            seals.setdefault(cp.last_id, []).append(Seal(cp.head_hash, cp.path.name, cp.made_at))
    return seals


def integrity_problems(db: Database) -> list[str]:
    """``PRAGMA integrity_check`` on SQLite (empty when "ok"; nothing to run on PostgreSQL)."""
    if db.dialect != "sqlite":
        return []
    # A direct connection: the file's own integrity check reads no patient data.
    with db.engine.connect() as connection:
        rows = [str(r[0]) for r in connection.exec_driver_sql("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def check_trail(
    db: Database,
    folders: Sequence[Path],
    *,
    up_to: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> TrailCheck:
    """Check the database's integrity, its audit chain, and the chain against every
    checkpoint of this database found in ``folders``.

    Args:
        up_to: use only checkpoints of records up to this id (a backup being restored
            ends earlier than checkpoints made after it).
    """
    integrity = integrity_problems(db)
    key = _read_key(key_file(environ), create=False)
    checkpoints, problems = read_checkpoints(
        folders, database_identity(db.url), _first_hash(db), key
    )
    result = verify_chain(db, _seals(checkpoints, up_to))
    used = [cp for cp in checkpoints if up_to is None or cp.last_id <= up_to]
    unchecked = sum(1 for cp in used if cp.mac_ok is None)
    return TrailCheck(result, used, list(folders), problems, integrity, unchecked)


def describe_failure(check: TrailCheck) -> str:
    """One paragraph naming what is wrong, for people."""
    lines = []
    if check.integrity:
        lines.append("SQLite's integrity check failed: " + "; ".join(check.integrity[:5]))
    lines.extend(check.problems)
    if not check.result.ok:
        lines.append(str(check.result.problem))
    return "; ".join(lines)


# ------------------------------------------------------------------------------ writing
def write_checkpoint(
    db: Database,
    folder: Path,
    *,
    identity_url: str | None = None,
    now: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> Checkpoint:
    """Check the trail (against the checkpoints already in ``folder``) and, when it is
    intact, write a new checkpoint of its newest record there.

    Args:
        identity_url: the database the checkpoint is about, when ``db`` is a copy of it
            (the daily backup checkpoints its fresh copy on behalf of the live file).

    Raises:
        CheckpointError: the trail failed its check (nothing written: a checkpoint must
            never bless a damaged trail), or the folder or key cannot be written.
    """
    check = check_trail(db, [folder], environ=environ)
    if not check.ok:
        raise CheckpointError(
            "No checkpoint was written because the audit trail failed its check: "
            + describe_failure(check)
        )
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    url = identity_url or db.url
    body: dict[str, object] = {
        "format": FORMAT,
        "database": database_identity(url),
        "first_hash": _first_hash(db),
        "last_id": check.result.last_id,
        "records": check.result.checked,
        "head_hash": check.result.last_hash,
        "made_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    name = f"{_label(url)}-{moment.strftime('%Y%m%dT%H%M%S%fZ')}-{check.result.last_id}"
    target = folder / f"{name}{SUFFIX}"
    partial = folder / f".{name}.part"
    try:
        key = _read_key(key_file(environ), create=True)
        assert key is not None
        body["mac"] = _mac(key, body)
        folder.mkdir(parents=True, exist_ok=True)
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise CheckpointError(
            f"cannot write a checkpoint in {folder}: {exc.strerror or exc}"
        ) from None
    return Checkpoint(
        target,
        str(body["database"]),
        body["first_hash"],  # type: ignore[arg-type]  # str or None, as built above
        check.result.last_id,
        check.result.checked,
        check.result.last_hash,
        str(body["made_at"]),
        True,
    )


def retire_checkpoints(
    db: Database,
    folder: Path,
    after_id: int,
    stamp: str,
    *,
    environ: Mapping[str, str] | None = None,
) -> list[Path]:
    """After a restore: set aside this database's checkpoints of records beyond the
    restored trail (renamed ``….retired-by-restore-STAMP``), which no longer describe it.

    Returns:
        The new names of the files set aside.
    """
    key = _read_key(key_file(environ), create=False)
    mine, _ = read_checkpoints([folder], database_identity(db.url), None, key)
    retired = []
    for cp in mine:
        if cp.last_id > after_id:
            target = cp.path.with_name(f"{cp.path.name}{RETIRED}-by-restore-{stamp}")
            os.replace(cp.path, target)
            retired.append(target)
    return retired


def verify_with_checkpoints(db: Database) -> VerifyResult:
    """:func:`check_trail` against the database's default checkpoint folder, as one
    VerifyResult (for the administrators' audit-trail screen)."""
    check = check_trail(db, [checkpoint_folder(db.url)])
    if check.ok:
        return check.result
    kind = check.result.kind or ("integrity" if check.integrity else "checkpoint")
    return replace(check.result, ok=False, problem=describe_failure(check), kind=kind)
