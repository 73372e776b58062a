"""``carecoord backup FILE`` and ``carecoord restore FILE`` for the SQLite database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_backup_parsers(subparsers: Any) -> None:
    """Add the ``backup`` and ``restore`` commands to ``carecoord``'s sub-commands."""
    backup = subparsers.add_parser(
        "backup",
        help="copy the SQLite database to FILE (safe while CareCoord is in use)",
        description="Copy the SQLite database with SQLite's online backup API (a consistent "
        "snapshot even while CareCoord is in use), then check the copy with "
        "PRAGMA integrity_check. For PostgreSQL use pg_dump (see the README).",
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")

    restore = subparsers.add_parser(
        "restore",
        help="replace the SQLite database with the backup FILE",
        description="Check FILE (integrity, schema version), set the current database aside "
        "as NAME.before-restore-TIMESTAMP, put the backup in its place and migrate it to this "
        "version's schema. If anything fails the current database is put back. Close "
        "CareCoord first.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _signed_in(args: argparse.Namespace, url: str) -> Any:
    """An administrator signs in when the database holds accounts at this version's schema
    (audited as that person); a missing, damaged or older database has nobody to sign in
    as, and the command runs as the system."""
    from carecoord.cli_common import sign_in
    from carecoord.clinical.vocabulary import UserRole
    from carecoord.config import sqlite_path
    from carecoord.db import Database, DatabaseError, current_revision, head_revision
    from carecoord.services.actor import system_actor
    from carecoord.services.users import has_users

    path = sqlite_path(url)
    if path is not None and path.is_file():
        db = Database(url, migrate=False)
        try:
            usable = current_revision(db.engine) == head_revision() and has_users(db)
        except DatabaseError:
            usable = False
        try:
            if usable:
                return sign_in(args, db, roles={UserRole.ADMINISTRATOR})
        finally:
            db.dispose()
    return system_actor(username="cli")


def run_backup(args: argparse.Namespace) -> int:
    """Run ``carecoord backup FILE``; returns the exit code."""
    from carecoord.config import resolve_database
    from carecoord.services.backup import (
        audit_maintenance,
        backup_database,
        checkpoint_copy,
        database_file,
    )
    from carecoord.services.checkpoints import CheckpointError

    location = resolve_database(getattr(args, "database", None))
    source = database_file(location.url)  # PostgreSQL: pg_dump advice before any sign-in
    actor = _signed_in(args, location.url)
    result = backup_database(location.url, args.file, overwrite=args.force)
    audit_maintenance(location.url, actor, "backup", f"backup written to {result.path}")
    print(
        f"Backed up {location.display()} to {result.path} "
        f"({result.size_bytes / 1_048_576:.1f} MB, schema {result.revision}, "
        f"integrity check ok, {result.seconds:.1f} s)"
    )
    try:
        made = checkpoint_copy(result.path, source)
    except CheckpointError as error:
        print(f"carecoord: the backup was written, but {error}", file=sys.stderr)
        return 1
    if made is not None:
        print(f"Audit checkpoint written: {made}")
    return 0


def run_restore(args: argparse.Namespace, *, ask: Any = None) -> int:
    """Run ``carecoord restore FILE``; returns the exit code (1 when declined)."""
    from carecoord.config import resolve_database
    from carecoord.services.backup import (
        audit_maintenance,
        check_backup,
        database_file,
        restore_database,
    )

    location = resolve_database(getattr(args, "database", None))
    target = database_file(location.url)
    actor = _signed_in(args, location.url)
    info = check_backup(args.file)
    print(
        f"{info.path}: integrity check ok, schema {info.revision}, {info.patients} patients, "
        f"{info.audit_records} audit records."
    )
    if not args.yes:
        answer = (ask or input)(f"Replace the database {target} with this backup? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    result = restore_database(location.url, info.path)
    retired = len(result.retired_checkpoints)
    detail = f"restored from {result.restored_from}" + (
        f"; {retired} checkpoint(s) of later records set aside" if retired else ""
    )
    audit_maintenance(location.url, actor, "restore", detail)
    print(f"Restored {result.database} from {result.restored_from} (schema {result.revision_now}).")
    if result.kept_aside is not None:
        print(
            f"The previous database was kept as {result.kept_aside}; delete it once you have "
            "checked the restored data."
        )
    for path in result.retired_checkpoints:
        print(f"Checkpoint of records the backup does not have, set aside: {path}")
    return 0
