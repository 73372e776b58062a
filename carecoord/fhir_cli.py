"""``carecoord fhir export PATIENT_ID --output F.json`` (a patient's chart as a FHIR R4
Bundle) and ``carecoord fhir import F.json`` (inbound referrals from one).

Two functions for ``carecoord.cli``: :func:`add_fhir_parser` adds the sub-command and
:func:`run_fhir` runs it. The bundle is built and audited by ``services.fhir`` like the
chart's "Export FHIR…" action, and written atomically; an import goes through
``services.intake_import`` like a file dropped on the Intake page (docs/fhir-mapping.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from carecoord.errors import CareCoordError, ValidationError


def add_fhir_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``fhir`` sub-command (with its ``export`` action) to ``subparsers``."""
    fhir = subparsers.add_parser("fhir", help="exchange with other systems in HL7 FHIR R4")
    actions = fhir.add_subparsers(dest="fhir_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write a patient's chart as a FHIR R4 Bundle (JSON), as the role may"
    )
    export.add_argument("patient_id", type=int, metavar="PATIENT_ID")
    export.add_argument("--output", required=True, type=Path, metavar="FILE.json")
    inbound = actions.add_parser(
        "import", help="add the referrals of a FHIR R4 Bundle (JSON) to the Intake list"
    )
    inbound.add_argument("file", type=Path, metavar="FILE.json")
    return fhir


def run_fhir(args: argparse.Namespace) -> int:
    """Write the bundle; 0 on success, 1 (with a message on stderr) when it cannot.

    ``args`` carries ``patient_id``, ``output`` and the global ``database``, ``user`` and
    ``sign_in_password_stdin`` (the person signs in first; see ``cli_common.sign_in``).
    """
    if args.fhir_command == "import":
        return run_import(args)
    from carecoord.cli_common import atomic_output, check_id, open_current, sign_in
    from carecoord.exchange.fhir_export import to_json
    from carecoord.services.fhir import export_patient

    check_id("Patient", args.patient_id)
    db, _ = open_current(args)
    try:
        actor = sign_in(args, db)  # before any file: a refused sign-in writes nothing
        with atomic_output(args.output) as out:
            bundle = export_patient(db, actor, args.patient_id)
            out.write(to_json(bundle))
    except CareCoordError as error:  # unknown patient, not allowed, unwritable
        print(f"carecoord: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    count = len(bundle["entry"])
    print(f"Wrote {count} FHIR resources of patient {args.patient_id} to {args.output}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import the referrals of ``args.file``; 0 when all were added, 1 (one line on stderr
    naming what is wrong, nothing written) otherwise."""
    from carecoord.cli_common import open_current, sign_in
    from carecoord.services.intake_import import import_bundle
    from carecoord.services.intake_reply import reference_of

    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"carecoord: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    db, _ = open_current(args)
    try:
        actor = sign_in(args, db)
        added = import_bundle(db, actor, content)
    except ValidationError as error:  # the file: one sentence naming what is wrong
        what = error.message if error.field == "file" else str(error)
        print(f"carecoord: {args.file} {what}", file=sys.stderr)
        return 1
    except CareCoordError as error:  # not allowed, unreachable database
        print(f"carecoord: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    for item in added:
        print(
            f"Added {reference_of(item.id)}: {item.patient_name}, born"
            f" {item.date_of_birth.isoformat()}, from {item.referrer_name}"
        )
    return 0


__all__ = ["add_fhir_parser", "run_fhir", "run_import"]
