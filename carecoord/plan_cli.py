"""``carecoord plan PATIENT_ID --output FILE.pdf``: a patient's treatment plan as a PDF.

Two functions for ``carecoord.cli``: :func:`add_plan_parser` adds the sub-command and
:func:`run_plan` runs it. The plan is read and audited through ``services.plan_report``
like the chart's Plan PDF button, and written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from carecoord.errors import CareCoordError


def add_plan_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``plan`` sub-command to ``subparsers`` (from ``add_subparsers()``)."""
    plan = subparsers.add_parser(
        "plan", help="write a patient's treatment plan (goals, activities, timeline) as a PDF"
    )
    plan.add_argument("patient_id", type=int, metavar="PATIENT_ID")
    plan.add_argument("--output", required=True, type=Path, metavar="FILE.pdf")
    plan.add_argument(
        "--plan-id",
        type=int,
        metavar="PLAN_ID",
        help="which of the patient's plans (default: the active one, else the newest)",
    )
    return plan


def run_plan(args: argparse.Namespace) -> int:
    """Write the plan PDF; 0 on success, 1 (with a message on stderr) when it cannot.

    ``args`` carries ``patient_id``, ``output``, ``plan_id`` and the global ``database``,
    ``user`` and ``sign_in_password_stdin`` (the person signs in first; see ``cli_common.sign_in``).
    """
    from carecoord.cli_common import atomic_output, check_id, open_current, sign_in
    from carecoord.services.plan_report import generate_plan_pdf

    check_id("Patient", args.patient_id)
    check_id("Plan", getattr(args, "plan_id", None))
    db, _ = open_current(args)
    try:
        actor = sign_in(args, db)  # before any file: a refused sign-in writes nothing
        # The output file is opened first: an unwritable folder fails before the plan is
        # read (and audited); an unknown patient leaves no file behind.
        with atomic_output(args.output) as out:
            out.write(generate_plan_pdf(db, actor, args.patient_id, getattr(args, "plan_id", None)))
    except CareCoordError as error:  # unknown patient or plan, not allowed, unwritable
        print(f"carecoord: {error}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"Wrote the treatment plan of patient {args.patient_id} to {args.output}")
    return 0


__all__ = ["add_plan_parser", "run_plan"]
