"""A form's date field whose text is not a date stops the save with the error beside that
field; nothing is written (issue 14: "02/30/1980" or a typo used to save the previous date)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import PatientStatus
from carecoord.services import patients, plans
from carecoord.ui.chart.plan_tab import PlanDialog
from carecoord.ui.context import AppContext, ChartScope
from carecoord.ui.patients.form import DischargeDialog
from tests.services.helpers import new_patient
from tests.ui.conftest import us_locale


@pytest.fixture(autouse=True)
def _us_locale_and_own_settings(tmp_path: Path) -> Iterator[None]:
    yield from us_locale(tmp_path)


def _patient(context: AppContext) -> int:
    return new_patient(context.db, context.actor, "Ibarra", "Luz", date(1969, 8, 14)).id


D = TypeVar("D", bound=QWidget)


def _shown(qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(qtbot: QtBot, field: object, text: str) -> None:
    edit = field.edit  # type: ignore[attr-defined]
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_an_impossible_discharge_date_blocks_the_discharge(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = _patient(context)
    dialog = _shown(qtbot, DischargeDialog(chart=ChartScope(context, patient_id)))
    _type(qtbot, dialog.on_date, "02/30/2026")
    qtbot.keyClicks(dialog.reason.edit, "Goals met")
    dialog.save()
    error = dialog.findChild(QLabel, "discharged_onError")
    assert error is not None and error.isVisible()
    assert "date" in error.text().lower() and "MM/DD/YYYY" in error.text()
    assert not dialog.on_date.error_label.isVisible()  # said once, not twice
    detail = patients.get_patient(context.db, context.actor, patient_id)
    assert detail.status == PatientStatus.ACTIVE  # nothing saved
    _type(qtbot, dialog.on_date, "2026-03-02")
    dialog.save()
    assert patients.get_patient(context.db, context.actor, patient_id).status == (
        PatientStatus.DISCHARGED
    )


def test_a_plan_with_an_unreadable_review_date_is_not_saved(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = _patient(context)
    dialog = _shown(qtbot, PlanDialog(chart=ChartScope(context, patient_id)))
    qtbot.keyClicks(dialog.title_edit, "Back pain: function first")
    _type(qtbot, dialog.review_on, "2026-13-01")
    assert dialog.save() is False
    error = dialog.findChild(QLabel, "review_onError")
    assert error is not None and error.isVisible() and error.text()
    assert plans.list_plans(context.db, context.actor, patient_id) == []
    dialog.review_on.clear()
    assert dialog.save() is True
    assert len(plans.list_plans(context.db, context.actor, patient_id)) == 1
