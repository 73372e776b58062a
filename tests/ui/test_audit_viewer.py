"""The audit trail viewer: administrators only, SQL sorting and filters, CSV export, integrity."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from carecoord.db import Database
from carecoord.errors import CareCoordError
from carecoord.models import AuditEvent, Patient, User
from carecoord.services import chart, patients, users
from carecoord.services.audit import VerifyResult
from carecoord.services.settings import get_settings
from carecoord.services.users import actor_of
from carecoord.ui import worker
from carecoord.ui.audit_viewer import COLUMNS, AuditViewer, action_label, cell_text
from carecoord.ui.context import AppContext
from carecoord.ui.preferences import store
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def fresh_layout() -> None:
    store().remove("auditViewer")


def _actor(db: Database, username: str):  # type: ignore[no-untyped-def]  # Actor
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return actor_of(user)


@pytest.fixture
def admin_context(demo_template: Path, tmp_path: Path) -> Iterator[AppContext]:
    """The demo clinic's administrator, after a morning of ordinary activity."""
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, target)
    db = Database(f"sqlite:///{target}")
    physician = _actor(db, "drlee")
    desk = _actor(db, "frontdesk")
    with db.session() as session:
        ids = list(session.scalars(select(Patient.id).order_by(Patient.id).limit(4)))
    users.authenticate(db, "drlee", "demo")
    users.authenticate(db, "frontdesk", "not the password")
    for text_typed in ("a", "mo", "2"):
        patients.search_patients(db, desk, text_typed)
    for patient_id in ids:
        chart.load_chart(db, physician, patient_id)
    patients.get_patient(db, desk, ids[0])
    yield AppContext(db=db, actor=_actor(db, "admin"), settings=get_settings(db), demo=True)
    db.dispose()


def open_viewer(qtbot: QtBot, context: AppContext) -> AuditViewer:
    viewer = AuditViewer(context=context)
    qtbot.addWidget(viewer)
    viewer.resize(1300, 720)
    problems: list[CareCoordError] = []
    viewer.show_problem = problems.append
    viewer.problems = problems  # type: ignore[attr-defined]  # for the assertions below
    return viewer


def last_event(db: Database) -> AuditEvent:
    with db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None
        session.expunge(last)
        return last


def settle_threads(qtbot: QtBot) -> None:
    """Let finished worker threads be deleted before the viewer goes away (worker.py's
    thread clean-up races the widget's destruction otherwise; reported to the lead)."""
    qtbot.waitUntil(lambda: not worker._running, timeout=10_000)
    qtbot.wait(20)


def column(viewer: AuditViewer, index: int) -> list[str]:
    model = viewer.model
    assert model is not None
    return [cell_text(row, index) for row in model.rows]


def test_other_roles_are_told_why_there_is_nothing(qtbot: QtBot, context: AppContext) -> None:
    viewer = open_viewer(qtbot, context)
    assert viewer.model is None
    assert viewer.findChild(QTableView) is None
    notice = viewer.findChild(QLabel, "auditNotAllowed")
    assert notice is not None and "Only administrators" in notice.text()


def test_lists_newest_first_and_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, admin_context: AppContext
) -> None:
    viewer = open_viewer(qtbot, admin_context)
    model = viewer.model
    assert model is not None
    qtmodeltester.check(model)
    ids = [row.id for row in model.rows]
    assert ids == sorted(ids, reverse=True)
    actions = {row.action for row in model.rows}
    assert {"sign_in", "sign_in_failed", "search", "read", "import"} <= actions
    assert "records" in viewer.status.text()
    # Opening the viewer is itself audited, after the records it pinned.
    last = last_event(admin_context.db)
    assert (last.action, last.entity) == ("read", "Audit trail")
    assert last.id > max(ids)


def test_every_column_sorts_in_sql_both_ways(qtbot: QtBot, admin_context: AppContext) -> None:
    viewer = open_viewer(qtbot, admin_context)
    model = viewer.model
    assert model is not None
    for index, (_, key) in enumerate(COLUMNS):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            viewer.table.sortByColumn(index, order)
            assert model.filters.sort == key
            values = [getattr(row, "patient_id" if key == "patient" else key) for row in model.rows]
            present = [v for v in values if v is not None]
            descending = order == Qt.SortOrder.DescendingOrder
            assert present == sorted(present, reverse=descending), key
            # NULLs gather at one end, whatever the database's rule for them.
            nulls = [i for i, v in enumerate(values) if v is None]
            assert nulls in (
                [],
                list(range(len(nulls))),
                list(range(len(values) - len(nulls), len(values))),
            )
    assert not viewer.problems  # type: ignore[attr-defined]


def test_filters_by_user_action_patient_and_time(qtbot: QtBot, admin_context: AppContext) -> None:
    viewer = open_viewer(qtbot, admin_context)
    model = viewer.model
    assert model is not None
    everything = model.total

    viewer.user_box.setEditText("frontdesk")
    viewer.apply_filters()
    assert 0 < model.total < everything
    assert set(column(viewer, 2)) == {"frontdesk"}

    viewer.action_box.setCurrentIndex(viewer.action_box.findText(action_label("search")))
    viewer.apply_filters()
    assert model.total == 3
    assert set(column(viewer, 3)) == {"Search"}

    viewer.clear_filters()
    assert model.total > everything  # the viewer's own views were audited meanwhile
    with admin_context.db.session() as session:
        first = session.scalar(select(Patient).order_by(Patient.id))
        assert first is not None
        mrn, patient_id = first.mrn, first.id
    viewer.patient_edit.setText(mrn.lower())
    viewer.apply_filters()
    assert model.total >= 2  # the chart read and the front desk's demographics read
    assert {row.patient_id for row in model.rows} == {patient_id}
    assert set(column(viewer, 6)) == {mrn}
    viewer.patient_edit.setText(str(patient_id))
    viewer.apply_filters()
    assert {row.patient_id for row in model.rows} == {patient_id}

    viewer.patient_edit.setText("NO-SUCH-MRN")
    viewer.apply_filters()
    error = viewer.findChild(QLabel, "patientError")
    assert error is not None and error.isVisibleTo(viewer) and "NO-SUCH-MRN" in error.text()
    viewer.patient_edit.clear()

    now = QDateTime.currentDateTime()
    viewer.start_edit.setDateTime(now.addSecs(3600))
    viewer.end_edit.setDateTime(now.addSecs(-3600))
    viewer.apply_filters()
    error = viewer.findChild(QLabel, "endError")
    assert error is not None and error.isVisibleTo(viewer)
    assert "after the start" in error.text()

    viewer.start_edit.setDateTime(now.addSecs(3600))
    viewer.end_edit.setDateTime(now.addSecs(7200))
    viewer.apply_filters()
    assert model.total == 0 and model.rowCount() == 0
    viewer.start_edit.setDateTime(now.addSecs(-3600))
    viewer.apply_filters()
    assert model.total > 0
    assert not viewer.problems  # type: ignore[attr-defined]


def test_scrolling_fetches_pages_that_stay_stable(qtbot: QtBot, admin_context: AppContext) -> None:
    db = admin_context.db
    desk = _actor(db, "frontdesk")
    for _ in range(450):  # three pages of searches
        patients.search_patients(db, desk, "b")
    viewer = open_viewer(qtbot, admin_context)
    model = viewer.model
    assert model is not None
    assert model.rowCount() == 200 and model.canFetchMore(model.index(-1, -1))
    patients.search_patients(db, desk, "new while scrolling")
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    ids = [row.id for row in model.rows]
    assert len(ids) == len(set(ids)) == model.total
    assert "Showing" not in viewer.status.text()


def test_export_csv_is_written_and_audited(
    qtbot: QtBot, admin_context: AppContext, tmp_path: Path
) -> None:
    viewer = open_viewer(qtbot, admin_context)
    viewer.action_box.setCurrentIndex(viewer.action_box.findText("Sign in failed"))
    viewer.apply_filters()
    target = tmp_path / "audit.csv"
    viewer.choose_export_path = lambda suggested: str(target)
    with qtbot.waitSignal(viewer.exported, timeout=10_000):
        viewer.export_csv()
    settle_threads(qtbot)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,time_utc,")
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][:5] == ["id", "time_utc", "username", "user_id", "action"]
    assert [r[4] for r in rows[1:]] == ["sign_in_failed"]
    assert rows[1][2] == "frontdesk" and len(rows[1][-1]) == 64
    last = last_event(admin_context.db)
    assert last.action == "export" and last.entity == "Audit trail"
    assert last.detail is not None and "1 records as CSV" in last.detail
    assert "Saved audit.csv" in viewer.message.text()


def test_check_integrity_reports_an_edited_record(qtbot: QtBot, admin_context: AppContext) -> None:
    viewer = open_viewer(qtbot, admin_context)
    with qtbot.waitSignal(viewer.verified, timeout=10_000) as intact:
        viewer.check_integrity()
    settle_threads(qtbot)
    assert isinstance(intact.args[0], VerifyResult) and intact.args[0].ok
    assert "Intact" in viewer.message.text()
    with admin_context.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET username = 'someone' WHERE id = 3"))
    with qtbot.waitSignal(viewer.verified, timeout=10_000) as damaged:
        viewer.check_integrity()
    settle_threads(qtbot)
    assert not damaged.args[0].ok and damaged.args[0].first_bad_id == 3
    assert "record 3 was altered" in viewer.message.text()


def test_screenshot_on_demo_data(qtbot: QtBot, admin_context: AppContext) -> None:
    viewer = open_viewer(qtbot, admin_context)
    viewer.show()
    qtbot.waitExposed(viewer)
    with qtbot.waitSignal(viewer.verified, timeout=10_000):
        viewer.check_integrity()
    settle_threads(qtbot)
    path = save_screenshot(viewer, "audit_viewer")
    image = viewer.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20
    assert path.exists()
    since = datetime.now(UTC) - timedelta(hours=1)
    assert all(row.at > since for row in viewer.model.rows[:5])  # type: ignore[union-attr]


def test_check_integrity_uses_the_checkpoints(qtbot: QtBot, admin_context: AppContext) -> None:
    from carecoord.services.checkpoints import checkpoint_folder, write_checkpoint

    db = admin_context.db
    write_checkpoint(db, checkpoint_folder(db.url))
    with db.engine.begin() as conn:  # cut the tail and move the head back: chain-consistent
        last = conn.execute(text("SELECT max(id) FROM audit_events")).scalar_one()
        conn.execute(text("DELETE FROM audit_events WHERE id = :i"), {"i": last})
        conn.execute(
            text(
                "UPDATE audit_chain_head SET last_id = :i, "
                "last_hash = (SELECT hash FROM audit_events WHERE id = :i)"
            ),
            {"i": last - 1},
        )
    viewer = open_viewer(qtbot, admin_context)
    with qtbot.waitSignal(viewer.verified, timeout=10_000) as damaged:
        viewer.check_integrity()
    settle_threads(qtbot)
    assert not damaged.args[0].ok and damaged.args[0].kind == "checkpoint"
    assert f"record {last} differs from the one checkpoint" in viewer.message.text()
    save_screenshot(viewer, "audit_viewer_checkpoint_mismatch")
