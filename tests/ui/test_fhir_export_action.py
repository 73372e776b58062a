"""The chart's "Export FHIR…": a real save dialog, answered here, writes a valid R4 bundle."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.bundle import Bundle
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from carecoord.clinical.vocabulary import UserRole
from carecoord.exchange.fhir_export import unresolved
from carecoord.models import AuditEvent
from carecoord.services import record
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from tests.conftest import make_actor
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


def answer_save_dialog(target: Path | None, folders: list[str] | None = None) -> list[str]:
    """Answer the next "Export FHIR bundle" dialog: type ``target`` and save, or cancel.
    ``folders`` (when given) collects the folder the dialog opened in."""
    seen: list[str] = []

    def answer() -> None:
        dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QFileDialog) and w.objectName() == "fhirSaveDialog" and w.isVisible()
        ]
        if not dialogs:
            QTimer.singleShot(20, answer)
            return
        dialog = dialogs[0]
        seen.append(dialog.windowTitle())
        if folders is not None:
            folders.append(dialog.directory().absolutePath())
        if target is None:
            dialog.reject()
        else:
            dialog.selectFile(str(target))
            dialog.accept()

    QTimer.singleShot(0, answer)
    return seen


def open_chart(qtbot: QtBot, context: AppContext, patient_id: int) -> ChartWindow:
    window = ChartWindow(context=context, patient_id=patient_id)
    qtbot.addWidget(window)
    window.show()
    return window


def test_export_fhir_saves_the_bundle_where_the_dialog_says(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient = new_patient(context.db, context.actor)
    record.add_allergy(context.db, context.actor, patient.id, "Latex", reaction="rash")
    window = open_chart(qtbot, context, patient.id)
    button = window.findChild(QPushButton, "exportFhirButton")
    assert button is not None and button.isVisible() and button.text() == "Export FHIR…"
    save_screenshot(window.header, "chart_header_export_fhir")

    target = tmp_path / "out" / "chart.json"
    target.parent.mkdir()
    seen = answer_save_dialog(target)
    window.export_fhir_action.trigger()
    assert seen == ["Export FHIR bundle"]
    bundle = json.loads(target.read_text(encoding="utf-8"))
    Bundle.parse_obj(bundle)
    assert unresolved(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Patient") == 1 and "AllergyIntolerance" in kinds
    with context.db.session() as session:
        actions = list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.action == "export"))
        )
    assert actions == ["export"]

    seen = answer_save_dialog(None)  # cancelled: nothing written, nothing audited
    assert window.export_fhir() is None
    assert seen == ["Export FHIR bundle"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["chart.json"]


def test_a_clinician_is_not_offered_the_export(
    qtbot: QtBot, context: AppContext, password_hash: str
) -> None:
    patient = new_patient(context.db, context.actor)
    therapist = make_actor(context.db, password_hash, "therapist", UserRole.CLINICIAN, "T")
    window = open_chart(
        qtbot, AppContext(db=context.db, actor=therapist, settings=context.settings), patient.id
    )
    button = window.findChild(QPushButton, "exportFhirButton")
    assert button is not None and not button.isVisible()
    assert not window.export_fhir_action.isVisible()


def test_the_dialog_opens_where_the_last_bundle_went_unless_that_folder_is_gone(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    patient = new_patient(context.db, context.actor)
    window = open_chart(qtbot, context, patient.id)
    first = tmp_path / "usb stick"
    first.mkdir()
    answer_save_dialog(first / "chart.json")
    assert window.export_fhir() == str(first / "chart.json")

    folders: list[str] = []
    answer_save_dialog(None, folders)
    window.export_fhir()
    assert folders == [str(first)]

    (first / "chart.json").unlink()
    first.rmdir()  # the stick was pulled out: its folder no longer counts as remembered
    folders.clear()
    answer_save_dialog(None, folders)
    window.export_fhir()
    assert len(folders) == 1 and folders[0] != str(first)
