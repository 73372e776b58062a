"""Every table model of the product is a ColumnTableModel that passes Qt's model tester,
with the demo clinic's rows and empty."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from carecoord.services import assessments, documents, team, users
from carecoord.services.audit_log import AuditFilter
from carecoord.services.patients import search_page
from carecoord.services.worklist import WorklistView
from carecoord.ui.audit_viewer import AuditModel
from carecoord.ui.chart.assessments_tab import AssessmentTableModel
from carecoord.ui.chart.document_files import DocumentTableModel
from carecoord.ui.context import AppContext
from carecoord.ui.kit.table import ColumnTableModel, RowRole
from carecoord.ui.patients.model import PatientSearchModel
from carecoord.ui.referrals.worklist_model import WorklistModel
from carecoord.ui.settings_users import UsersModel
from carecoord.ui.team.page import MemberModel
from carecoord.ui.users_dialog import UserTableModel
from tests.ui.test_users_dialog import admin_context


def _check_full_then_empty(tester: Any, model: ColumnTableModel) -> None:
    tester.check(model)
    assert model.rowCount() > 0
    first = model.index(0, 0)
    assert model.data(first) is not None
    assert model.headerData(0, Qt.Orientation.Horizontal) == model.columns[0].title()
    model.set_rows([])
    tester.check(model)
    assert model.rowCount() == 0 and model.row_at(0) is None


def test_chart_models(qtbot: QtBot, qtmodeltester: Any, demo_context: AppContext) -> None:
    db, actor = demo_context.db, demo_context.actor
    patients = search_page(db, actor, "", limit=40).rows
    with_documents = next(p for p in patients if documents.list_documents(db, actor, p.id))
    with_scores = next(p for p in patients if assessments.list_assessments(db, actor, p.id))
    docs = DocumentTableModel()
    docs.set_rows(documents.list_documents(db, actor, with_documents.id))
    assert docs.data(docs.index(0, 0), RowRole) is docs.row_at(0)
    _check_full_then_empty(qtmodeltester, docs)
    scores = AssessmentTableModel()
    scores.set_rows(assessments.list_assessments(db, actor, with_scores.id))
    _check_full_then_empty(qtmodeltester, scores)


def test_list_models(qtbot: QtBot, qtmodeltester: Any, demo_context: AppContext) -> None:
    patients = PatientSearchModel(context=demo_context)
    patients.set_query("")
    _check_full_then_empty(qtmodeltester, patients)
    patients.set_query("zzzz no such patient")
    qtmodeltester.check(patients)
    assert patients.rowCount() == 0
    worklist = WorklistModel(context=demo_context)
    worklist.set_query(WorklistView.OVERDUE)
    _check_full_then_empty(qtmodeltester, worklist)
    members = MemberModel()
    members.set_members(
        team.list_members(demo_context.db, demo_context.actor, active_only=False),
        members.on,
    )
    _check_full_then_empty(qtmodeltester, members)


def test_admin_models(qtbot: QtBot, qtmodeltester: Any, demo_context: AppContext) -> None:
    admin = admin_context(demo_context)
    accounts = users.list_users(admin.db, admin.actor)
    settings_users = UsersModel()
    settings_users.set_users(accounts, {})
    _check_full_then_empty(qtmodeltester, settings_users)
    dialog_users = UserTableModel()
    dialog_users.set_users(accounts)
    _check_full_then_empty(qtmodeltester, dialog_users)
    trail = AuditModel(context=admin)
    assert trail.set_filters(AuditFilter())
    _check_full_then_empty(qtmodeltester, trail)


def test_intake_model(qtbot: QtBot, qtmodeltester: Any, desk_context: AppContext) -> None:
    from tests.ui.test_intake_page import entered, page_for

    entered(desk_context)
    page = page_for(qtbot, desk_context)
    assert page.model.data(page.model.index(0, 1)) and page.model.row_of(page.model.index(0, 0))
    _check_full_then_empty(qtmodeltester, page.model)


def test_plan_models(qtbot: QtBot, qtmodeltester: Any, demo_context: AppContext) -> None:
    from carecoord.services import plans
    from carecoord.ui.chart.plan_models import ActivitiesModel, GoalRow, GoalsModel
    from tests.ui.test_plan_tab import _busiest_plan_patient

    db, actor = demo_context.db, demo_context.actor
    patient_id = _busiest_plan_patient(demo_context)
    plan = plans.list_plans(db, actor, patient_id)[0]
    goals = GoalsModel()
    goals.show_plan(plan, assessments.list_assessments(db, actor, patient_id))
    assert isinstance(goals.data(goals.index(0, 0), RowRole), GoalRow)
    _check_full_then_empty(qtmodeltester, goals)
    activities = ActivitiesModel()
    activities.set_rows(plan.activities)
    _check_full_then_empty(qtmodeltester, activities)
