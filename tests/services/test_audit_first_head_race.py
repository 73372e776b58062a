"""Two workstations writing the very first audit records of a new PostgreSQL database.

Found in a CI run of the parallel sign-in test: the second writer saw no chain head and no
record (the first had not committed), then its own head insert reached the guard trigger
after the first committed, and was refused ("audit_chain_head must name the newest audit
record"). Here the second writer's head insert is held until the first has committed,
which makes that interleaving certain instead of rare.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from carecoord.db import Database
from carecoord.services import audit
from carecoord.services.actor import Actor
from tests.conftest import _truncate_all, make_actor

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url, migrate=False)
    _truncate_all(database)
    yield database
    database.dispose()


def test_the_second_first_writer_waits_and_chains_after_the_first(
    pg_db: Database, password_hash: str
) -> None:
    from carecoord.clinical.vocabulary import UserRole

    actor: Actor = make_actor(pg_db, password_hash, "drlee", UserRole.PHYSICIAN, "Dr Avery Lee")
    first_committed = threading.Event()
    second_thread: list[int] = []

    def hold_second_head_insert(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if threading.get_ident() in second_thread and statement.startswith(
            "INSERT INTO audit_chain_head"
        ):
            first_committed.wait(10)

    event.listen(pg_db.engine, "before_cursor_execute", hold_second_head_insert)
    outcome: list[object] = []

    def second_writer() -> None:
        second_thread.append(threading.get_ident())
        try:
            with pg_db.engine.begin() as connection:
                outcome.append(
                    audit.append(connection, [audit.event_values(actor, "read", "Patient", 2)])
                )
        except Exception as error:  # the outcome the test looks at
            outcome.append(error)

    try:
        with pg_db.engine.connect() as first:
            transaction = first.begin()
            assert audit.append(first, [audit.event_values(actor, "read", "Patient", 1)]) == 1
            second = threading.Thread(target=second_writer)
            second.start()
            second.join(0.5)  # the second writer is now waiting (or has read "no head")
            assert second.is_alive()
            transaction.commit()
            first_committed.set()
            second.join(20)
        assert not second.is_alive()
    finally:
        event.remove(pg_db.engine, "before_cursor_execute", hold_second_head_insert)
    assert outcome == [2]
    result = audit.verify_chain(pg_db)
    assert result.ok and result.checked == 2
