"""Two workstations saving the same referral or patient: the second gets a ConflictError
naming who saved first, and nothing is overwritten.

On SQLite the workstations are two processes on one database file; on PostgreSQL two
``Database`` objects (two connection pools), also racing from two threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import ConflictError
from carecoord.services import common, patients, referrals, unit_of_work
from carecoord.services.actor import Actor
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient, new_referral

ROUNDS = 12
CONFLICTS = {"caught": 0}
"""Conflicts caught across this module (printed at the end for the report)."""

WORKSTATION = r"""
import sys
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.errors import ConflictError
from carecoord.services import patients, referrals
from carecoord.services.actor import Actor

url, user_id, username = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = Database(url, migrate=False)
actor = Actor(user_id, username, UserRole.PHYSICIAN, None, username)
print("ready", flush=True)
held = {}
for line in sys.stdin:
    command, kind, ident, *rest = line.split(" ", 3)
    ident = int(ident)
    if command == "read":
        if kind == "referral":
            held[kind] = referrals.get_referral(db, actor, ident)
        else:
            held[kind] = patients.get_patient(db, actor, ident)
        print("version", held[kind].version, flush=True)
    elif command == "save":
        text = rest[0].rstrip("\n")
        view = held[kind]
        try:
            if kind == "referral":
                data = referrals.ReferralInput(
                    patient_id=view.patient_id, discipline=view.discipline, reason=text,
                    recipient_member_id=view.recipient_member_id,
                    referring_member_id=view.referring_member_id,
                    clinical_question=view.clinical_question,
                )
                saved = referrals.update_referral(
                    db, actor, ident, data, expected_version=view.version
                )
            else:
                data = patients.PatientInput(
                    view.family_name, view.given_name, view.date_of_birth, view.sex,
                    notes=text,
                )
                saved = patients.update_patient(
                    db, actor, ident, data, expected_version=view.version
                )
            print("ok", saved.version, flush=True)
        except ConflictError as error:
            print("conflict", error.changed_by, flush=True)
db.dispose()
"""


@dataclass
class Station:
    """A workstation: a child process running CareCoord's services on the shared file."""

    name: str
    process: subprocess.Popen[str]

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def answer(self) -> list[str]:
        assert self.process.stdout is not None
        return self.process.stdout.readline().split()


def start_station(url: str, actor: Actor) -> Station:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-c", WORKSTATION, url, str(actor.user_id), actor.username],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    station = Station(actor.username, process)
    assert station.answer() == ["ready"]
    return station


@pytest.fixture
def two_physicians(db: Database, password_hash: str) -> tuple[Actor, Actor]:
    return (
        make_actor(db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee"),
        make_actor(db, password_hash, "drkim", UserRole.PHYSICIAN, "Dr Sun Kim"),
    )


@pytest.fixture
def stations(
    sqlite_db: Database, password_hash: str
) -> Iterator[tuple[Actor, tuple[Station, Station]]]:
    """Two workstation processes signed in as two physicians (and the first one's Actor)."""
    lee = make_actor(sqlite_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    kim = make_actor(sqlite_db, password_hash, "drkim", UserRole.PHYSICIAN, "Dr Sun Kim")
    pair = (start_station(sqlite_db.url, lee), start_station(sqlite_db.url, kim))
    yield lee, pair
    for station in pair:
        assert station.process.stdin is not None
        station.process.stdin.close()
        station.process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["referral", "patient"])
def test_two_processes_on_one_sqlite_file(
    sqlite_db: Database, stations: tuple[Actor, tuple[Station, Station]], kind: str
) -> None:
    lee, pair = stations
    patient = new_patient(sqlite_db, lee)
    target = patient.id
    if kind == "referral":
        target = new_referral(sqlite_db, lee, patient.id, new_member(sqlite_db, lee)).id
    first, second = pair
    caught = 0
    for round_number in range(ROUNDS):
        for station in pair:
            station.send(f"read {kind} {target}")
        versions = {station.answer()[1] for station in pair}
        assert len(versions) == 1  # both opened the same version
        # Both press Save at (nearly) the same moment; alternate who sends first.
        order = pair if round_number % 2 == 0 else (second, first)
        for station in order:
            station.send(f"save {kind} {target} written by {station.name} in round {round_number}")
        answers = {station.name: station.answer() for station in pair}
        winners = [name for name, answer in answers.items() if answer[0] == "ok"]
        losers = [name for name, answer in answers.items() if answer[0] == "conflict"]
        assert len(winners) == 1 and len(losers) == 1, answers
        assert answers[losers[0]][1] == winners[0]  # the conflict names who saved first
        caught += 1
        saved = (
            referrals.get_referral(sqlite_db, lee, target).reason
            if kind == "referral"
            else patients.get_patient(sqlite_db, lee, target).notes
        )
        assert saved == f"written by {winners[0]} in round {round_number}"  # not overwritten
    CONFLICTS["caught"] += caught
    print(f"\n{kind}: {caught} conflicts caught in {ROUNDS} rounds on SQLite (two processes)")


def _save_referral(db: Database, actor: Actor, view: referrals.ReferralView, text: str) -> Any:
    data = referrals.ReferralInput(
        patient_id=view.patient_id,
        discipline=view.discipline,
        reason=text,
        recipient_member_id=view.recipient_member_id,
        clinical_question=view.clinical_question,
    )
    return referrals.update_referral(db, actor, view.id, data, expected_version=view.version)


def _save_patient(db: Database, actor: Actor, view: patients.PatientDetail, text: str) -> Any:
    data = patients.PatientInput(
        view.family_name, view.given_name, view.date_of_birth, view.sex, notes=text
    )
    return patients.update_patient(db, actor, view.id, data, expected_version=view.version)


def _subjects(
    db: Database, actor: Actor
) -> dict[str, tuple[int, Callable[..., Any], Callable[..., Any], Callable[[Any], str | None]]]:
    patient = new_patient(db, actor)
    referral = new_referral(db, actor, patient.id, new_member(db, actor))
    return {
        "referral": (referral.id, referrals.get_referral, _save_referral, lambda v: v.reason),
        "patient": (patient.id, patients.get_patient, _save_patient, lambda v: v.notes),
    }


@pytest.mark.parametrize("kind", ["referral", "patient"])
def test_second_workstation_gets_a_conflict(
    db: Database, two_physicians: tuple[Actor, Actor], kind: str
) -> None:
    """Two Database objects (two connection pools) on one database, interleaved by hand."""
    lee, kim = two_physicians
    other = Database(db.url, migrate=False)
    try:
        target, read, save, content = _subjects(db, lee)[kind]
        at_lee = read(db, lee, target)
        at_kim = read(other, kim, target)
        save(db, lee, at_lee, "Lee's edit")
        with pytest.raises(ConflictError) as caught:
            save(other, kim, at_kim, "Kim's edit")
        assert caught.value.changed_by == "drlee"
        assert "drlee" in str(caught.value)
        assert content(read(db, lee, target)) == "Lee's edit"
        CONFLICTS["caught"] += 1
    finally:
        other.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["referral", "patient"])
def test_a_save_racing_past_the_form_check_is_caught_by_the_update(
    db: Database,
    two_physicians: tuple[Actor, Actor],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """PostgreSQL lets a second transaction pass the services' version check while the
    first commits (SQLite writers queue for the lock first); the UPDATE's own version
    condition must then turn the save into a ConflictError, not overwrite or crash."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite writers take the write lock before reading (BEGIN IMMEDIATE)")
    lee, kim = two_physicians
    other = Database(db.url, migrate=False)
    try:
        target, read, save, content = _subjects(db, lee)[kind]
        at_lee = read(db, lee, target)
        at_kim = read(other, kim, target)
        real_check = common.check_version
        raced: list[bool] = []

        def check_then_lee_saves(row: Any, expected: int | None, entity: str) -> None:
            real_check(row, expected, entity)
            if not raced:  # Kim's check passed; Lee's save commits before Kim's UPDATE
                raced.append(True)
                save(db, lee, at_lee, "Lee's edit")

        # referrals check versions themselves; patients through the unit of work
        monkeypatch.setattr(referrals, "check_version", check_then_lee_saves)
        monkeypatch.setattr(unit_of_work, "check_version", check_then_lee_saves)
        with pytest.raises(ConflictError) as caught:
            save(other, kim, at_kim, "Kim's edit")
        assert raced and caught.value.changed_by == "drlee"
        assert content(read(db, lee, target)) == "Lee's edit"
        CONFLICTS["caught"] += 1
    finally:
        other.dispose()


def _race(
    save: Callable[..., Any],
    stations: list[tuple[str, Database, Actor, Any]],
    round_number: int,
) -> dict[str, object]:
    """Every station presses Save at the same moment (a barrier); what each one got."""
    barrier = threading.Barrier(len(stations))
    results: dict[str, object] = {}

    def press_save(name: str, station: Database, actor: Actor, view: Any) -> None:
        barrier.wait()
        try:
            save(station, actor, view, f"{name} in round {round_number}")
            results[name] = "ok"
        except Exception as error:  # a ConflictError is expected; anything else fails
            results[name] = error

    threads = [threading.Thread(target=press_save, args=station) for station in stations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["referral", "patient"])
def test_postgres_threads_racing(
    pg_url: str, two_physicians: tuple[Actor, Actor], db: Database, kind: str
) -> None:
    """Two workstations (Database objects) press Save at the same moment, many times."""
    if db.dialect != "postgresql":
        pytest.skip("the SQLite variant runs in two processes above")
    lee, kim = two_physicians
    other = Database(db.url, migrate=False)
    target, read, save, content = _subjects(db, lee)[kind]
    caught = 0
    try:
        for round_number in range(ROUNDS):
            views = {"drlee": read(db, lee, target), "drkim": read(other, kim, target)}
            results = _race(
                save,
                [("drlee", db, lee, views["drlee"]), ("drkim", other, kim, views["drkim"])],
                round_number,
            )
            winners = [n for n, r in results.items() if r == "ok"]
            losers = {n: r for n, r in results.items() if isinstance(r, ConflictError)}
            assert len(winners) == 1 and len(losers) == 1, results
            assert next(iter(losers.values())).changed_by == winners[0]
            assert content(read(db, lee, target)) == f"{winners[0]} in round {round_number}"
            caught += 1
    finally:
        other.dispose()
    CONFLICTS["caught"] += caught
    print(f"\n{kind}: {caught} conflicts caught in {ROUNDS} racing rounds on PostgreSQL")
