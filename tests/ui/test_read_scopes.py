"""A window a person opens audits its reads once per opening, not once per refresh."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.db import Database
from carecoord.models import AuditEvent
from carecoord.services.worklist import WorklistView
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from carecoord.ui.kit.referral_prompts import SendDetails
from carecoord.ui.main_window import MainWindow
from tests.services.helpers import new_member, new_patient, new_referral


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


def reads(db: Database) -> dict[str, int]:
    with db.session() as session:
        rows = session.execute(
            select(AuditEvent.entity, func.count())
            .where(AuditEvent.action == "read")
            .group_by(AuditEvent.entity)
        ).all()
    return {entity: int(n) for entity, n in rows}


# Read by services/record.py and services/referrals.py, which do not use the unit of work
# yet: their reads are still audited on every refresh.
PENDING = {"Headache profile", "Referral"}


def without_pending(counts: dict[str, int]) -> dict[str, int]:
    return {entity: n for entity, n in counts.items() if entity not in PENDING}


def open_chart(qtbot: QtBot, context: AppContext, patient_id: int) -> ChartWindow:
    window = ChartWindow(context=context, patient_id=patient_id)
    qtbot.addWidget(window)
    window.show()
    for index in range(window.tabs.count()):  # build every tab: each reads what it shows
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
    return window


def test_refreshing_an_open_chart_does_not_audit_its_reads_again(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = new_patient(context.db, context.actor).id
    window = open_chart(qtbot, context, patient_id)
    qtbot.wait(50)
    opened = reads(context.db)
    assert opened.get("Chart") == 1
    for _ in range(3):
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            window.reload()  # the chart read again, the visible tab refreshed
            QApplication.processEvents()
    qtbot.wait(50)
    assert without_pending(reads(context.db)) == without_pending(opened)
    window.close()

    second = open_chart(qtbot, context, patient_id)  # a second opening is audited again
    qtbot.wait(50)
    again = without_pending(reads(context.db))
    assert again["Chart"] == 2
    assert again == {entity: 2 * n for entity, n in without_pending(opened).items()}
    second.close()


def events(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [
            (e.action, e.entity)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_mark_sent_does_not_audit_the_worklist_read_again(
    qtbot: QtBot, context: AppContext
) -> None:
    """One click on Mark sent with the worklist and dashboard open: the worklist's refresh
    after the change is the same read of the same showing, not audited again."""
    patient = new_patient(context.db, context.actor)
    rehab = new_member(context.db, context.actor, "physical_rehabilitation", "Berg", "Lena")
    new_referral(context.db, context.actor, patient.id, rehab)
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_page("dashboard")
    qtbot.wait(200)
    dashboard.wait_for_threads()
    page = window.show_page("referrals")
    page.select_view(WorklistView.TO_SEND)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(page.counts), timeout=3000)  # type: ignore[attr-defined]
    assert ("read", "Worklist") in events(context.db)
    page.table.selectAll()  # type: ignore[attr-defined]
    page.ask_send = lambda: SendDetails(DeliveryMethod.EMAIL, date.today())  # type: ignore[attr-defined]
    before = len(events(context.db))
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    for _ in range(3):
        qtbot.wait(200)
        page.wait_for_threads()
        dashboard.wait_for_threads()
    written = events(context.db)[before:]
    assert ("transition", "Referral") in written
    assert ("read", "Worklist") not in written


def test_refreshing_the_dashboard_audits_its_read_once_per_showing(
    qtbot: QtBot, context: AppContext
) -> None:
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dashboard")  # built (its first load comes with it)
    qtbot.wait(200)
    page.wait_for_threads()

    def showing() -> int:
        """Show the dashboard again and refresh it three times: the records it added."""
        window.show_page("referrals")
        window.show_page("dashboard")
        before = reads(context.db)["Dashboard"]
        for _ in range(3):
            with qtbot.waitSignal(page.loaded, timeout=10_000):  # type: ignore[attr-defined]
                page.refresh()  # type: ignore[attr-defined]
            page.wait_for_threads()
        return reads(context.db)["Dashboard"] - before

    assert showing() == 1
    assert showing() == 1  # each showing is audited, once


def test_the_dashboards_first_showing_is_audited_once_with_its_refreshes(
    qtbot: QtBot, context: AppContext
) -> None:
    """The page reads while it is built: that read belongs to the showing that built it."""
    window = MainWindow(context=context)  # the physician lands on the dashboard: built here
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dashboard")
    qtbot.wait(200)
    page.wait_for_threads()
    for _ in range(2):
        with qtbot.waitSignal(page.loaded, timeout=10_000):  # type: ignore[attr-defined]
            page.refresh()  # type: ignore[attr-defined]
        page.wait_for_threads()
    assert reads(context.db)["Dashboard"] == 1
