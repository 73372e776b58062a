"""kill -9 in the middle of a stream of referral writes, many times: every referral whose
commit was acknowledged survives, the file passes PRAGMA integrity_check, and the audit
trail's hash chain is intact (its head moves in the same transaction as each record)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.models import Referral
from carecoord.services.audit import verify_chain
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient

CYCLES = 20
RESULTS: dict[str, int] = {}
"""Figures for the report: cycles and acknowledged referrals."""

WRITER = r"""
import sys
from carecoord.clinical.vocabulary import UserRole
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services import referrals
from carecoord.services.actor import Actor

url = sys.argv[1]
user_id, patient_id, member_id = (int(x) for x in sys.argv[2:5])
db = Database(url, migrate=False)
actor = Actor(user_id, "drlee", UserRole.PHYSICIAN, None, "Dr Avery Lee")
number = 0
while True:
    number += 1
    view = referrals.create_referral(
        db,
        actor,
        referrals.ReferralInput(
            patient_id=patient_id,
            discipline="psychiatry",
            reason=f"crash test referral {number}: " + "x" * 500,
            recipient_member_id=member_id,
        ),
    )
    print(view.id, flush=True)  # only after the commit returned
"""


@pytest.mark.slow
def test_kill_9_during_referral_writes(sqlite_db: Database, password_hash: str) -> None:
    physician = make_actor(sqlite_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    patient = new_patient(sqlite_db, physician)
    member = new_member(sqlite_db, physician)
    path = Path(sqlite_db.url.split("///", 1)[1])
    sqlite_db.dispose()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(20261206)
    acknowledged: list[int] = []
    for _cycle in range(CYCLES):
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                sqlite_db.url,
                str(physician.user_id),
                str(patient.id),
                str(member.id),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        wanted = rng.randint(2, 12)
        for _ in range(wanted):
            line = child.stdout.readline()
            assert line, "the writer stopped on its own"
            acknowledged.append(int(line))
        time.sleep(rng.uniform(0, 0.004))  # land anywhere inside the next transaction
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
        acknowledged.extend(int(x) for x in rest.split())
        assert child.returncode == -signal.SIGKILL

        # After every crash: a fresh open finds every acknowledged referral.
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db = Database(sqlite_db.url, migrate=False)
        with db.session() as session:
            present = set(session.scalars(select(Referral.id)))
        missing = set(acknowledged) - present
        assert not missing, f"acknowledged but lost: {sorted(missing)}"
        result = verify_chain(db)
        assert result.ok, result.problem
        db.dispose()
    RESULTS.update(cycles=CYCLES, acknowledged=len(acknowledged))
    print(
        f"\nkill -9: {CYCLES} cycles, {len(acknowledged)} acknowledged referrals all present, "
        f"integrity_check ok and audit chain intact after every crash"
    )
