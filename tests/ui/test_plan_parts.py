"""The plan tab's pieces on their own: the shared dialog frame's save and refusals, the
header's overdue rule and chips, and the activity columns' wording."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import ActivityStatus, Modality, PlanStatus
from carecoord.errors import ConflictError, NotFound, ValidationError
from carecoord.services import plans
from carecoord.services.plans import ActivityView, PlanView
from carecoord.ui import forms
from carecoord.ui.chart.plan_dialogs import GoalDialog
from carecoord.ui.chart.plan_form import PlanPartDialog
from carecoord.ui.chart.plan_header import PlanHeader, review_overdue
from carecoord.ui.chart.plan_models import ActivitiesModel
from carecoord.ui.context import AppContext
from carecoord.ui.preferences import store
from tests.services.helpers import new_patient

TODAY = date(2026, 5, 4)


def plan_view(**changes: Any) -> PlanView:
    view = PlanView(
        id=7,
        patient_id=3,
        title="Pacing plan",
        status=PlanStatus.ACTIVE,
        started_on=TODAY - timedelta(days=60),
        review_on=TODAY - timedelta(days=1),
        notes=None,
        goals=(),
        activities=(),
        version=2,
    )
    return replace(view, **changes)


def activity(**changes: Any) -> ActivityView:
    view = ActivityView(
        id=11,
        plan_id=7,
        modality=Modality.INTERVENTIONAL,
        description="Facet injection",
        responsible_member_id=None,
        responsible_name=None,
        start_on=TODAY,
        end_on=None,
        sessions_planned=None,
        sessions_done=0,
        status=ActivityStatus.PLANNED,
        stop_reason=None,
        version=4,
    )
    return replace(view, **changes)


class _ActivityPart(PlanPartDialog):
    key = "activity"


def test_store_sends_an_edited_part_with_its_id_and_version(
    qtbot: QtBot, context: AppContext
) -> None:
    plan = plan_view()
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def save(*args: Any, **kwargs: Any) -> PlanView:
        calls.append((args, kwargs))
        return plan

    dialog = _ActivityPart(context=context, plan=plan, record=None)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "New activity" and dialog.objectName() == "activityDialog"
    assert dialog.store(save, "data", None) is plan
    assert dialog.store(save, "data", activity()) is plan
    assert calls[0] == ((context.db, context.actor, 7, "data"), {})
    assert calls[1][1] == {"activity_id": 11, "expected_version": 4}


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ValidationError("description", "is required"), "field"),
        (ValidationError("no_such_field", "is odd"), "message"),
        (ConflictError("Goal", 1, None, None), "reload"),
        (NotFound("Plan", 7), "problem"),
    ],
)
def test_a_refused_save_is_shown_where_it_belongs(
    qtbot: QtBot,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    shown: str,
) -> None:
    patient = new_patient(context.db, context.actor)
    plan = plans.create_plan(context.db, context.actor, patient.id, title="P", started_on=TODAY)
    dialog = GoalDialog(context=context, plan=plan, scores=[])
    qtbot.addWidget(dialog)
    seen: list[str] = []

    def offer_reload(*_args: object) -> bool:
        seen.append("reload")
        return False

    monkeypatch.setattr(forms, "offer_reload", offer_reload)
    monkeypatch.setattr(forms, "show_problem", lambda *_args: seen.append("problem"))

    def refuse() -> PlanView:
        raise error

    dialog.submit = refuse  # type: ignore[method-assign]
    dialog.show()
    assert dialog.save() is False
    field = dialog.findChild(QLabel, "descriptionError")
    assert field is not None
    if shown == "field":
        assert field.isVisible() and "required" in field.text()
    elif shown == "message":
        assert dialog.message.isVisible() and "is odd" in dialog.message.text()
    else:
        assert seen == [shown]
    assert dialog.result_view is None


def test_review_is_overdue_only_for_a_plan_in_force() -> None:
    assert review_overdue(plan_view(), TODAY)
    assert review_overdue(plan_view(status=PlanStatus.DRAFT), TODAY)
    assert not review_overdue(plan_view(status=PlanStatus.COMPLETED), TODAY)
    assert not review_overdue(plan_view(review_on=TODAY), TODAY)
    assert not review_overdue(plan_view(review_on=None), TODAY)


def test_header_shows_the_status_and_overdue_chips(qtbot: QtBot) -> None:
    header = PlanHeader()
    qtbot.addWidget(header)
    plan = plan_view(review_on=date.today() - timedelta(days=3))
    header.list_plans([plan], plan.id)
    header.show_plan(plan)
    chips = {header.chips.itemAt(i).widget().objectName() for i in range(header.chips.count())}  # type: ignore[union-attr]
    assert chips == {"planStatusChip", "reviewOverdueChip"}
    assert not header.chooser_row.isVisibleTo(header)  # one plan: nothing to choose
    header.show_plan(None)
    assert header.title.text() == "Treatment plan"


def test_activity_columns_read_as_the_clinic_speaks(qtbot: QtBot) -> None:
    model = ActivitiesModel()
    model.set_rows(
        [
            activity(),
            activity(
                id=12, modality=Modality.PHYSICAL_THERAPY, sessions_planned=6, sessions_done=2
            ),
            activity(id=13, status=ActivityStatus.STOPPED, stop_reason="no benefit"),
        ]
    )
    texts = [[model.data(model.index(r, c)) for c in (4, 5, 6)] for r in range(3)]
    assert texts == [
        ["one day", "", "Planned"],
        ["open", "2 of 6", "Planned"],
        ["one day", "", "Stopped: no benefit"],
    ]


def test_a_plan_dialog_reopens_at_the_size_it_was_closed(qtbot: QtBot, context: AppContext) -> None:
    """The plan dialogs remember their geometry (each under its own key); the default size
    applies only the first time."""
    store().remove("chart/plan/goalGeometry")
    patient = new_patient(context.db, context.actor)
    plan = plans.create_plan(context.db, context.actor, patient.id, title="P", started_on=TODAY)
    first = GoalDialog(context=context, plan=plan, scores=[])
    qtbot.addWidget(first)
    first.show()
    wider = QSize(first.width() + 40, first.height() + 20)
    first.resize(wider)
    first.reject()

    again = GoalDialog(context=context, plan=plan, scores=[])
    qtbot.addWidget(again)
    assert again.size() == wider
