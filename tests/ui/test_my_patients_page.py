"""My patients: a linked clinician lands on their own patients; an unlinked one is told
how to get linked (real main windows on SQLite)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.models import User
from carecoord.services import team, users
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.my_patients.page import MyPatientsPage
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient
from tests.ui.test_role_home import open_main_window


def clinician_context(context: AppContext, password_hash: str, member_id: int | None) -> AppContext:
    make_actor(context.db, password_hash, "jopark", UserRole.CLINICIAN, "Jo Park")
    with context.db.session(write=True) as session:
        user = session.scalar(select(User).where(User.username == "jopark"))
        assert user is not None
        user.team_member_id = member_id
        session.commit()
        actor = users.actor_of(user)
    return AppContext(db=context.db, actor=actor, settings=context.settings)


def my_page(qtbot: QtBot, window: MainWindow) -> MyPatientsPage:
    assert window.current_key() == "my_patients"
    page = window.current_page()
    assert isinstance(page, MyPatientsPage)
    page.wait_for_threads()
    qtbot.waitUntil(lambda: page.result is not None)
    return page


def test_a_linked_clinician_lands_on_their_patients_and_opens_a_chart(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    me = new_member(context.db, context.actor, "physical_therapy", "Park", "Jo")
    mine = [
        new_patient(context.db, context.actor, "Zúñiga", "Ana"),
        new_patient(context.db, context.actor, "Abbott", "Lee", born=date(1971, 2, 3)),
    ]
    other = new_patient(context.db, context.actor, "Baker", "Tom", born=date(1990, 1, 1))
    for patient in mine:
        team.assign_member(context.db, context.actor, patient.id, me.id, "therapist")
    clinician = clinician_context(context, password_hash, me.id)
    QSettings("CareCoord", "CareCoord").remove("main/page/jopark")
    window = open_main_window(qtbot, clinician)
    page = my_page(qtbot, window)

    names = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert names == ["Abbott, Lee", "Zúñiga, Ana"]
    assert page.model.index(0, 1).data() == mine[1].mrn
    assert other.id not in [row.patient_id for row in page.model.rows]
    assert page.stack.currentWidget() is page.table
    opened: list[int] = []
    clinician.navigator.chart_requested.connect(opened.append)
    page.table.activated.emit(page.model.index(1, 0))
    page.table.selectRow(0)
    page.open_button.click()
    assert opened == [mine[0].id, mine[1].id]
    window.close()


def test_an_unlinked_clinician_is_told_to_ask_for_the_link(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    clinician = clinician_context(context, password_hash, None)
    QSettings("CareCoord", "CareCoord").remove("main/page/jopark")
    window = open_main_window(qtbot, clinician)
    page = my_page(qtbot, window)

    assert page.stack.currentWidget() is page.unlinked
    assert "not linked to a team member" in page.unlinked.text()
    assert page.model.rowCount() == 0
    window.close()
