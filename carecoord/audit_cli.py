"""``carecoord audit verify``: check the audit trail's hash chain from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_audit_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``audit`` command (with its ``verify`` action) to ``carecoord``'s sub-commands."""
    audit = subparsers.add_parser("audit", help="check the audit trail")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    actions.add_parser(
        "verify",
        help="check every audit record against the hash chain; exit 1 at the first altered "
        "or missing record",
        description="Walk the audit trail in order and check every record's hash and its link "
        "to the one before. Reports the first altered, missing or hand-inserted record and "
        "exits with status 1; exits 0 when the trail is intact.",
    )
    return audit


def run_audit(args: argparse.Namespace) -> int:
    """Run ``carecoord audit ACTION``; returns the exit code (0 intact, 1 damaged)."""
    from carecoord.config import resolve_database
    from carecoord.db import Database, current_revision, head_revision
    from carecoord.errors import CareCoordError
    from carecoord.services.audit import verify_chain

    if args.audit_command != "verify":
        raise AssertionError(args.audit_command)
    location = resolve_database(getattr(args, "database", None))
    db = Database(location.url, migrate=False)
    try:
        revision, head = current_revision(db.engine), head_revision()
        if revision != head:
            raise CareCoordError(
                f"{location.display()} is at schema revision {revision or 'none'}, not {head}; "
                "run 'carecoord db upgrade' first"
            )
        result = verify_chain(db)
    finally:
        db.dispose()
    if result.ok:
        print(
            f"Audit trail intact: {result.checked} records checked in {location.display()}.\n"
            f"Chain head: record {result.last_id}, SHA-256 {result.last_hash}"
        )
        return 0
    print(f"AUDIT TRAIL DAMAGED in {location.display()}: {result.problem}.", file=sys.stderr)
    print(
        f"{result.checked} records before it are intact (last good: record {result.last_id}, "
        f"SHA-256 {result.last_hash}).",
        file=sys.stderr,
    )
    return 1
