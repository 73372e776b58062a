"""``carecoord audit verify`` and ``carecoord audit checkpoint`` from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_audit_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``audit`` command (``verify``, ``checkpoint``) to ``carecoord``'s sub-commands."""
    audit = subparsers.add_parser("audit", help="check the audit trail, or checkpoint it")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="check every audit record against the hash chain and the checkpoints; exit 1 at "
        "the first altered or missing record",
        description="Run SQLite's integrity check, walk the audit trail in order and check "
        "every record's hash and its link to the one before, and check the trail against "
        "every checkpoint of this database found outside it (default: the backups folder "
        "beside the SQLite file, or $CARECOORD_CHECKPOINT_DIR, or the settings files' "
        "backup.folders). Reports the first altered, "
        "missing, re-hashed or hand-inserted record and exits with status 1; exits 0 when "
        "the trail is intact. Never changes the database.",
    )
    verify.add_argument(
        "--checkpoints",
        action="append",
        type=Path,
        metavar="DIR",
        help="look for checkpoints in DIR (repeat for several folders, e.g. IT's copies)",
    )
    checkpoint = actions.add_parser(
        "checkpoint",
        help="write a checkpoint of the audit trail (record count, newest hash, time) outside "
        "the database",
        description="Check the trail, then write a small file naming its newest record and "
        "hash (with an HMAC made with a key kept in your configuration folder) into DIR "
        "(default: the backups folder beside the SQLite file, or $CARECOORD_CHECKPOINT_DIR, or "
        "the first of the settings files' backup.folders). "
        "Copy checkpoints somewhere the database's users cannot write: a later "
        "'carecoord audit verify' proves that no record up to a checkpoint was changed.",
    )
    checkpoint.add_argument("--folder", type=Path, metavar="DIR", help="where to write it")
    return audit


def run_audit(args: argparse.Namespace) -> int:
    """Run ``carecoord audit ACTION``; returns the exit code (0 intact, 1 damaged)."""
    from carecoord.config import resolve_database
    from carecoord.db import Database

    location = resolve_database(getattr(args, "database", None))
    db = Database(location.url, read_only=True)
    try:
        _require_current_schema(db, location.display())
        if args.audit_command == "checkpoint":
            return _checkpoint(db, args, location.display())
        return _verify(db, args, location.display())
    finally:
        db.dispose()


def _require_current_schema(db: Any, where: str) -> None:
    from carecoord.db import current_revision, head_revision, newer_schema_message, revision_known
    from carecoord.errors import CareCoordError

    revision, head = current_revision(db.engine), head_revision()
    if revision is not None and not revision_known(revision):
        raise CareCoordError(newer_schema_message(revision))
    if revision != head:
        raise CareCoordError(
            f"{where} is at schema revision {revision or 'none'}, not {head}; "
            "run 'carecoord db upgrade' first"
        )


def _checkpoint(db: Any, args: argparse.Namespace, where: str) -> int:
    from carecoord.services.checkpoints import checkpoint_folder, write_checkpoint

    folder = args.folder or checkpoint_folder(db.url)
    made = write_checkpoint(db, folder)
    print(
        f"Checkpoint written: {made.path}\n"
        f"{where}: {made.records} records, newest record {made.last_id}, SHA-256 {made.head_hash}"
    )
    return 0


def _verify(db: Any, args: argparse.Namespace, where: str) -> int:
    from carecoord.services.checkpoints import check_trail, checkpoint_folders, describe_failure

    folders = args.checkpoints or checkpoint_folders(db.url)
    check = check_trail(db, folders)
    result = check.result
    if check.ok:
        print(
            f"Audit trail intact: {result.checked} records checked in {where}.\n"
            f"Chain head: record {result.last_id}, SHA-256 {result.last_hash}"
        )
        if check.checkpoints:
            newest = max(check.checkpoints, key=lambda cp: cp.last_id)
            print(
                f"Matches {len(check.checkpoints)} checkpoint(s) kept outside the database "
                f"(newest: record {newest.last_id}, made {newest.made_at})."
            )
            if check.unchecked_macs:
                print(
                    f"{check.unchecked_macs} checkpoint MAC(s) not checked: the key is not on "
                    "this computer."
                )
        else:
            folder_list = ", ".join(str(f) for f in folders)
            print(
                f"No checkpoint of this database in {folder_list}: the chain is only "
                "consistent with itself. Run 'carecoord audit checkpoint' and keep copies."
            )
        return 0
    print(f"AUDIT TRAIL DAMAGED in {where}: {describe_failure(check)}.", file=sys.stderr)
    if not result.ok:
        print(
            f"{result.checked} records before it are intact (last good: record "
            f"{result.last_id}, SHA-256 {result.last_hash}).",
            file=sys.stderr,
        )
    return 1
