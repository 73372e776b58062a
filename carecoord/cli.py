"""The ``carecoord`` command: the desktop app by default, sub-commands for maintenance."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from carecoord import __version__
from carecoord.audit_cli import add_audit_parser, run_audit
from carecoord.backup_cli import add_backup_parsers, run_backup, run_restore
from carecoord.cli_common import atomic_output, check_id, known_revision, open_current, sign_in
from carecoord.errors import CareCoordError, ConfigurationError
from carecoord.fhir_cli import add_fhir_parser, run_fhir
from carecoord.plan_cli import add_plan_parser, run_plan

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carecoord",
        description="CareCoord: care coordination for multidisciplinary pain clinics. "
        "Without a command it opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"CareCoord {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL or SQLite file path (default: $CARECOORD_DATABASE_URL, else "
        "database.url of your or the machine's settings file, else a SQLite file in your user "
        "data folder; 'carecoord config show' tells which)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="sign in as NAME for commands that read or change patient data (letter, letters, "
        "plan, fhir, backup, restore); default: $CARECOORD_USER. The password is asked for",
    )
    parser.add_argument(
        "--password-stdin",
        dest="sign_in_password_stdin",
        action="store_true",
        help="read the sign-in password from the first line of standard input (scheduled jobs)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="database schema: upgrade or show the revision")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate the database to the newest schema")
    db_commands.add_parser("current", help="show the database's schema revision (read only)")
    db_commands.add_parser(
        "rebuild-summary",
        help="work the dashboard's kept counts out again from every patient's records",
    )
    grant = db_commands.add_parser(
        "grant",
        help="PostgreSQL: give a workstation role exactly the privileges CareCoord needs",
        description="Run as the tables' owner. Grants ROLE SELECT/INSERT/UPDATE/DELETE on the "
        "ordinary tables, SELECT and INSERT only on audit_events, SELECT and UPDATE on "
        "audit_chain_head, USAGE on the schema and its sequences; nothing that can switch the "
        "audit trail's triggers off. Refuses a superuser or an owner of the tables.",
    )
    grant.add_argument("role", metavar="ROLE")

    demo = commands.add_parser("demo", help="fill an empty database with a fictional demo clinic")
    demo.add_argument("--patients", type=int, default=60, metavar="N", help="default 60")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="default 1")
    demo.add_argument(
        "--check",
        action="store_true",
        help="fill nothing: read the database and print every coherence finding "
        "(exit status 1 when there is one)",
    )

    commands.add_parser("info", help="show which database is used and what it holds")

    config = commands.add_parser(
        "config",
        help="the settings in effect and where each comes from",
        description="Settings come from, in order: the command line (--database), the "
        "environment (CARECOORD_DATABASE_URL, PGSSLMODE), the user's settings file, the "
        "machine's settings file, else defaults. See docs/it-guide.md.",
    )
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser(
        "show", help="print each setting in effect and where it came from (opens no database)"
    )

    letter = commands.add_parser("letter", help="write one referral's letter as a PDF")
    letter.add_argument("referral_id", type=int, metavar="REFERRAL_ID")
    letter.add_argument("--output", required=True, type=Path, metavar="FILE.pdf")
    letter.add_argument(
        "--packet", action="store_true", help="append the referral's attached documents"
    )

    letters = commands.add_parser(
        "letters", help="write the letters of every referral in a state (e.g. all drafts)"
    )
    letters.add_argument(
        "--state",
        required=True,
        choices=[
            "draft",
            "sent",
            "accepted",
            "scheduled",
            "seen",
            "report_received",
            "declined",
            "cancelled",
            "on_hold",
        ],
    )
    letters.add_argument(
        "--output-dir", type=Path, metavar="DIR", help="one PDF per referral in DIR"
    )
    letters.add_argument(
        "--combined", type=Path, metavar="FILE.pdf", help="all the letters in one PDF"
    )
    letters.add_argument(
        "--packet", action="store_true", help="append each referral's attached documents"
    )

    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="add an account (the first must be administrator)")
    add.add_argument("username")
    add.add_argument("--full-name", required=True)
    add.add_argument(
        "--role", required=True, choices=["administrator", "physician", "clinician", "front_desk"]
    )
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_audit_parser(commands)
    add_backup_parsers(commands)
    add_plan_parser(commands)
    add_fhir_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from carecoord.logs import configure_logging

        configure_logging()
    except OSError as exc:  # an unwritable log folder must not stop the app
        print(f"carecoord: logging disabled ({exc})", file=sys.stderr)
    try:
        return _dispatch(args)
    except ConfigurationError as exc:
        print(f"carecoord: {exc}", file=sys.stderr)
        return 2
    except CareCoordError as exc:
        print(f"carecoord: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line for people; the traceback goes to the log
        from carecoord.db import unreachable

        problem = unreachable(exc, _where(args))
        if problem is not None:  # the server is down or out of reach: not a bug
            log.warning("command %s: %s", args.command, problem)
            print(f"carecoord: {problem}", file=sys.stderr)
            return 2
        log.exception("command %s failed", args.command)
        print(f"carecoord: {explain(exc, args)}", file=sys.stderr)
        return 1


def explain(error: BaseException, args: argparse.Namespace) -> str:
    """One line saying what went wrong with a database, a file or the disk, without a
    traceback (which is in the log file)."""
    from carecoord.db import database_error_text

    where = _where(args)
    text = database_error_text(error)
    if text is not None:
        lower = text.lower()
        for needles, message in (
            (("file is not a database",), f"{where} is not a SQLite database (or is damaged)"),
            (("malformed",), f"{where} is damaged ({text}); restore a backup"),
            (("disk is full", "disk full"), f"the disk holding {where} is full ({text})"),
            (("readonly", "read-only"), f"{where} is on a read-only medium or file ({text})"),
            (("unable to open",), f"cannot open {where}: missing, a folder, or not accessible"),
            (("is locked",), f"{where} is busy (locked by another program); try again"),
            (
                ("connection", "could not connect", "timeout", "resolve host"),
                f"cannot connect to the database server of {where}: {text}",
            ),
        ):
            if any(needle in lower for needle in needles):
                return message
        return f"database error on {where}: {text}"
    if isinstance(error, OSError):
        name = f"{error.filename}: " if error.filename else ""
        return f"{name}{error.strerror or _first_line(error)}"
    log_hint = "details are in the log file"
    return f"unexpected error ({type(error).__name__}: {_first_line(error)}); {log_hint}"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _where(args: argparse.Namespace) -> str:
    try:
        from carecoord.config import resolve_database

        return resolve_database(getattr(args, "database", None)).display()
    except Exception:  # the location itself is what failed
        return "the database"


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]  # lazy import keeps --help fast
    """Open as a workstation: SQLite migrates itself, a PostgreSQL server is only checked."""
    from carecoord.config import resolve_database
    from carecoord.db import open_database

    location = resolve_database(args.database)
    return open_database(location.url, location.display()), location


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _launch_app(args)
    if args.command == "db":
        return _db(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "info":
        return _info(args)
    if args.command == "config":
        return _config_show(args)
    if args.command == "user":
        return _user(args)
    if args.command == "letter":
        return _letter(args)
    if args.command == "letters":
        return _letters(args)
    if args.command == "audit":
        return run_audit(args)
    if args.command == "backup":
        return run_backup(args)
    if args.command == "restore":
        return run_restore(args)
    if args.command == "plan":
        return run_plan(args)
    if args.command == "fhir":
        return run_fhir(args)
    raise AssertionError(args.command)


def _launch_app(args: argparse.Namespace) -> int:
    from carecoord.prereqs import qt_prerequisites_message

    missing = qt_prerequisites_message()
    if missing is not None:  # instead of Qt's abort naming the wrong library
        raise ConfigurationError(missing)
    from carecoord.ui.app import run

    return run(args.database)


def _db(args: argparse.Namespace) -> int:
    from carecoord.config import resolve_database, sqlite_path
    from carecoord.db import Database, current_revision, head_revision

    location = resolve_database(args.database)
    if args.db_command == "upgrade":
        db = Database(location.url)
        print(f"{location.display()} is at revision {current_revision(db.engine)} (head)")
        db.dispose()
        return 0
    if args.db_command == "rebuild-summary":
        from carecoord.services.database_info import rebuild_dashboard_summary

        db = Database(location.url)
        try:
            steps = rebuild_dashboard_summary(db)
        finally:
            db.dispose()
        print(f"Rebuilt the dashboard summary of {location.display()}: {steps} steps.")
        return 0
    if args.db_command == "grant":
        from carecoord.services.grants import grant_workstation_role

        db = Database(location.url, migrate=False)
        try:
            statements = grant_workstation_role(db, args.role)
        finally:
            db.dispose()
        print("\n".join(f"{statement};" for statement in statements))
        print(f"Granted {args.role} what a CareCoord workstation needs in {location.display()}.")
        return 0
    path = sqlite_path(location.url)
    if path is not None and not path.exists():
        print(f"{location.display()}: revision none (empty database), no file yet")
        return 0
    db = Database(location.url, read_only=True)
    try:
        current = known_revision(db, location.display())
    finally:
        db.dispose()
    head = head_revision()
    state = "up to date" if current == head else f"behind (newest is {head})"
    print(f"{location.display()}: revision {current or 'none (empty database)'}, {state}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from carecoord.demo import fill_demo

    if args.check:
        return _demo_check(args)
    if args.patients < 1:
        raise CareCoordError("--patients must be at least 1")
    db, location = _open(args)
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent >= last[0] + 10:
            last[0] = percent
            print(f"  {percent:3d}%", file=sys.stderr)

    print(f"Filling {location.display()} with a demo clinic of {args.patients} patients…")
    summary = fill_demo(db, patients=args.patients, seed=args.seed, progress=progress)
    print(
        f"Done in {summary.seconds:.1f} s: {summary.patients} patients, "
        f"{summary.team_members} team members, {summary.referrals} referrals, "
        f"{summary.assessments} assessments, {summary.plans} plans, {summary.users} demo users "
        "(password 'demo')."
    )
    db.dispose()
    return 0


def _demo_check(args: argparse.Namespace) -> int:
    """Print the demo coherence checker's findings and a count per rule; opened read-only,
    so checking never creates, migrates or writes anything."""
    from carecoord.demo import check as demo_coherence

    db, location = open_current(args, read_only=True)
    try:
        findings = demo_coherence.check(db)
    finally:
        db.dispose()
    for finding in findings:
        print(finding)
    tally = ", ".join(f"{rule} {n}" for rule, n in demo_coherence.counts(findings).items() if n)
    print(
        f"{location.display()}: {len(findings)} coherence finding(s){': ' + tally if tally else ''}"
    )
    return 1 if findings else 0


def _info(args: argparse.Namespace) -> int:
    """What the database is and holds; opened read-only, so it never creates or migrates."""
    from carecoord.config import resolve_database, sqlite_path
    from carecoord.db import (
        Database,
        current_revision,
        newer_schema_message,
        revision_known,
        table_names,
    )
    from carecoord.services.database_info import holdings
    from carecoord.services.demo_mark import is_demo_database

    location = resolve_database(args.database)
    print(f"CareCoord {__version__}")
    print(f"Database: {location.display()} (from {location.source})")
    path = sqlite_path(location.url)
    if path is not None and not path.exists():
        print("Schema revision: none (no database file yet)")
        return 0
    db = Database(location.url, read_only=True)
    try:
        revision = current_revision(db.engine)
        if revision is None:
            tables = table_names(db.engine)
            if tables:
                raise CareCoordError(
                    f"{location.display()} is not a CareCoord database (it holds other tables: "
                    f"{', '.join(sorted(tables)[:5])}); nothing was changed"
                )
            print("Schema revision: none (empty database)")
            return 0
        if not revision_known(revision):
            raise CareCoordError(newer_schema_message(revision))
        counts = holdings(db)
        demo = is_demo_database(db)
    finally:
        db.dispose()
    print(f"Schema revision: {revision}")
    print("Holds: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    if demo:
        print("DEMO database: fictional patients written by 'carecoord demo'")
    return 0


def _config_show(args: argparse.Namespace) -> int:
    """Each effective setting and its source, so IT can see which file or variable won."""
    from carecoord.config import load_configuration, redact_url, sqlite_path

    config = load_configuration(args.database)
    print("CareCoord settings (command line > environment > user file > machine file > default)")
    for kind, path, present in config.files:
        print(f"{kind}: {path} ({'read' if present else 'none there'})")
    url: str = config.url.value
    print(f"database.url = {redact_url(url)}  (from {config.url.source})")
    if sqlite_path(url) is not None:
        sslmode = "not used (SQLite)"
    elif config.sslmode.value is None:
        sslmode = "not set (libpq's default: prefer)"
    else:
        sslmode = config.sslmode.value
    print(f"database.sslmode = {sslmode}  (from {config.sslmode.source})")
    folders = config.backup_folders.value
    if folders:
        shown = ", ".join(str(folder) for folder in folders)
    else:
        database_file = sqlite_path(url)
        shown = (
            f"beside the SQLite file ({database_file.expanduser().resolve().parent / 'backups'})"
            if database_file is not None
            else "none (PostgreSQL: the server's pg_dump)"
        )
    print(f"backup.folders = {shown}  (from {config.backup_folders.source})")
    country = config.country.value or "US"
    print(f"clinic.country = {country}  (from {config.country.source})")
    subdivision = config.subdivision.value or "none"
    print(f"clinic.subdivision = {subdivision}  (from {config.subdivision.source})")
    return 0


def _user(args: argparse.Namespace) -> int:
    from carecoord.services import users

    db, _ = _open(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            raise CareCoordError("the passwords differ")
    actor = None
    if users.has_users(db):
        raise CareCoordError(
            "accounts exist already; an administrator adds users in the app (Settings › Users)"
        )
    view = users.create_user(
        db,
        actor,
        username=args.username,
        full_name=args.full_name,
        password=password,
        role=args.role,
    )
    print(f"Created {view.role.label.lower()} account '{view.username}'.")
    db.dispose()
    return 0


def _letter(args: argparse.Namespace) -> int:
    from carecoord.services.letters import generate_letter

    check_id("Referral", args.referral_id)
    db, _ = open_current(args)
    actor = sign_in(args, db)
    with atomic_output(args.output) as out:
        pdf = generate_letter(
            db,
            actor,
            args.referral_id,
            packet=args.packet,
            what=f"letter saved to {args.output} (command line)",
        )
        out.write(pdf)
    print(f"Wrote the letter for referral {args.referral_id} to {args.output}")
    db.dispose()
    return 0


def _letters(args: argparse.Namespace) -> int:
    from carecoord.letters.packet import combine
    from carecoord.services.letters import generate_letter, letter_file_name, referrals_in_state

    if args.output_dir is None and args.combined is None:
        raise CareCoordError("say where the letters go: --output-dir DIR and/or --combined FILE")
    db, _ = open_current(args)
    actor = sign_in(args, db)  # before anything is written, even the folder
    if args.output_dir is not None:
        try:
            args.output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CareCoordError(f"cannot write {args.output_dir}: {exc.strerror or exc}") from None
    ids = referrals_in_state(db, actor, args.state)
    if not ids:
        print(f"No referrals are in state {args.state}; nothing written.")
        db.dispose()
        return 0
    with contextlib.ExitStack() as stack:
        # Opened first, so an unwritable combined file fails before any letter is audited.
        combined = stack.enter_context(atomic_output(args.combined)) if args.combined else None
        pdfs: list[bytes] = []
        for referral_id in ids:
            if args.output_dir is None:
                pdfs.append(
                    generate_letter(
                        db,
                        actor,
                        referral_id,
                        packet=args.packet,
                        what=f"letter saved to {args.combined} (command line batch)",
                    )
                )
                continue
            path = args.output_dir / letter_file_name(referral_id, packet=args.packet)
            with atomic_output(path) as out:
                pdf = generate_letter(
                    db,
                    actor,
                    referral_id,
                    packet=args.packet,
                    what=f"letter saved to {path} (command line batch)",
                )
                out.write(pdf)
            if combined is not None:
                pdfs.append(pdf)
        if combined is not None:
            combined.write(combine(pdfs))
    where = " and ".join(str(p) for p in (args.output_dir, args.combined) if p is not None)
    print(f"Wrote {len(ids)} letter(s) for referrals in state {args.state} to {where}")
    db.dispose()
    return 0
