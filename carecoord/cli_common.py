"""What every ``carecoord`` sub-command shares: signing in, opening the current database,
checking ids and writing output files whole.

Its own module so that the sub-command modules (audit, backup, fhir, plan) and the main
command import it instead of each other.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from carecoord.errors import CareCoordError

if TYPE_CHECKING:
    from carecoord.clinical.vocabulary import UserRole
    from carecoord.config import DatabaseLocation
    from carecoord.db import Database
    from carecoord.services.actor import Actor

ENV_USER = "CARECOORD_USER"


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """Write ``path`` through a temporary file in its folder, renamed into place only when
    complete, so a failure never leaves a half-written PDF. The temporary file is made
    first: an unwritable folder fails before any letter is generated (and audited)."""
    target = path.expanduser()
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise CareCoordError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CareCoordError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def sign_in(
    args: argparse.Namespace, db: Database, *, roles: Collection[UserRole] | None = None
) -> Actor:
    """Sign the person in for a patient-data command, through the app's sign-in service
    (audited, lockout applies): ``--user NAME`` or $CARECOORD_USER, the password from a
    prompt or, with ``--password-stdin``, from the first line of standard input.

    Raises:
        CareCoordError: no user name, wrong credentials, a locked account, or a role
            outside ``roles``.
    """
    from carecoord.services.users import authenticate

    name = (getattr(args, "user", None) or os.environ.get(ENV_USER) or "").strip()
    if not name:
        raise CareCoordError(
            f"'carecoord {args.command}' works with patient data: sign in with --user NAME "
            f"(or set {ENV_USER}); the password is asked for, or read with --password-stdin"
        )
    if getattr(args, "sign_in_password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {name}: ")
    actor = authenticate(db, name, password)
    if actor is None:
        raise CareCoordError("sign-in failed: unknown user name or wrong password")
    if roles is not None and actor.role not in roles:
        allowed = " or ".join(sorted(role.label.lower() for role in roles))
        raise CareCoordError(f"'carecoord {args.command}' is for an {allowed}")
    return actor


def open_current(
    args: argparse.Namespace, *, read_only: bool = False
) -> tuple[Database, DatabaseLocation]:
    """Open the database without migrating it or creating anything, for a command that
    needs this version's schema (a missing file, an older or a newer schema is refused);
    ``read_only`` for a command that only looks."""
    from carecoord.config import resolve_database, sqlite_path
    from carecoord.db import Database, head_revision

    location = resolve_database(args.database)
    path = sqlite_path(location.url)
    if path is not None and not path.is_file():
        raise CareCoordError(f"there is no CareCoord database at {path}")
    db = Database(location.url, migrate=False, read_only=read_only)
    try:
        revision = known_revision(db)
        if revision != head_revision():
            raise CareCoordError(
                f"{location.display()} is not a CareCoord database at this version's schema "
                f"(revision {revision or 'none'}); an administrator runs 'carecoord db upgrade'"
            )
    except BaseException:
        db.dispose()
        raise
    return db, location


def known_revision(db: Database, named: str | None = None) -> str | None:
    """The database's schema revision, refused when a newer CareCoord wrote it, so no
    command reads or reports a schema this version does not know.

    Raises:
        CareCoordError: The revision is unknown (the message starts with ``named`` and
            the revision when given).
    """
    from carecoord.db import current_revision, newer_schema_message, revision_known

    revision = current_revision(db.engine)
    if revision is not None and not revision_known(revision):
        where = "" if named is None else f"{named}: revision {revision}: "
        raise CareCoordError(where + newer_schema_message(revision))
    return revision


MAX_ID = 2**31 - 1
"""The largest id an INTEGER column holds on both databases."""


def check_id(entity: str, value: int | None) -> None:
    """An id no row can have is simply not found (never an overflow deeper down).

    Raises:
        NotFound: ``value`` is outside 1 … 2**31 - 1.
    """
    from carecoord.errors import NotFound

    if value is not None and not 1 <= value <= MAX_ID:
        raise NotFound(entity, value)
