"""The kit's dialog pieces: the Save / Cancel row (names, primary role, what each button
runs) and the one-date change dialog."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QWidget
from pytestqt.qtbot import QtBot

from carecoord.ui.context import AppContext
from carecoord.ui.kit.dialog_buttons import (
    accept_cancel_buttons,
    ok_cancel_buttons,
    save_cancel_buttons,
)
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.scroll import borderless_scroll
from carecoord.ui.kit.service_dialog import DatedChangeDialog, ServiceDialog


def test_save_runs_the_dialogs_save_and_cancel_rejects(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    saves: list[bool] = []
    box = accept_cancel_buttons(dialog, lambda: saves.append(True), names=("xSave", "xCancel"))
    save = box.button(QDialogButtonBox.StandardButton.Save)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert (save.objectName(), cancel.objectName()) == ("xSave", "xCancel")
    assert save.property("role") == "primary" and save.accessibleName() == save.text()
    save.click()
    assert saves == [True]
    dialog.open()
    cancel.click()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()


def test_label_and_accessible_name(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    box = accept_cancel_buttons(dialog, dialog.accept, names=("a", "b"), text="Attach")
    assert box.button(QDialogButtonBox.StandardButton.Save).accessibleName() == "Attach"
    box = accept_cancel_buttons(dialog, dialog.accept, names=("a", "b"), accessible="Save it")
    assert box.button(QDialogButtonBox.StandardButton.Save).accessibleName() == "Save it"
    box = ok_cancel_buttons(dialog, dialog.accept, "ask")
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.objectName() == "askOk" and ok.property("role") is None
    assert (
        "&" not in ok.accessibleName() and box.button(QDialogButtonBox.StandardButton.Save) is None
    )


def test_save_cancel_buttons_are_named_by_prefix(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    saves: list[bool] = []
    box = save_cancel_buttons(dialog, lambda: saves.append(True), "reset", "Reset password")
    save = box.button(QDialogButtonBox.StandardButton.Save)
    assert (save.objectName(), save.text(), save.accessibleName()) == (
        "resetSave",
        "Reset password",
        "Reset password",
    )
    assert save.property("role") == "primary"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).objectName() == "resetCancel"
    save.click()
    assert saves == [True]


def test_dated_change_dialog_passes_the_date_entered(qtbot: QtBot, context: AppContext) -> None:
    changed: list[date | None] = []
    dialog = DatedChangeDialog(context=context, title="Stop", name="stopIt", ok_text="Stop")
    dialog.ask_date("On *", "on", "The thing stops.", changed.append)
    qtbot.addWidget(dialog)
    dialog.on.setDate(dialog.on.date().addDays(-1))
    dialog.save()
    assert changed == [date.today() - timedelta(days=1)]
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.intro.text()


def test_action_button_names_tips_and_runs_its_slot(qtbot: QtBot) -> None:
    runs: list[str] = []
    plain = action_button("Delete…", "deleteIt", lambda: runs.append("plain"))
    qtbot.addWidget(plain)
    assert plain.accessibleName() == "Delete" and not plain.toolTip()
    assert plain.property("role") is None
    main = action_button(
        "Save",
        "saveIt",
        lambda: runs.append("main"),
        accessible="Save it",
        tooltip="Tip",
        primary=True,
    )
    qtbot.addWidget(main)
    assert (main.objectName(), main.accessibleName(), main.toolTip()) == (
        "saveIt",
        "Save it",
        "Tip",
    )
    assert main.property("role") == "primary"
    plain.click()
    main.click()
    assert runs == ["plain", "main"]


def test_service_dialog_names_from_class_attributes(qtbot: QtBot, context: AppContext) -> None:
    class Fixed(ServiceDialog):
        TITLE = "Add thing"
        NAME = "thingDialog"
        OK_TEXT = "Save thing"

    dialog = Fixed(context=context)
    qtbot.addWidget(dialog)
    assert (dialog.windowTitle(), dialog.objectName()) == ("Add thing", "thingDialog")
    assert (dialog.ok_button.text(), dialog.ok_button.objectName()) == (
        "Save thing",
        "thingDialogOk",
    )
    edit = Fixed(context=context, title="Edit thing")
    qtbot.addWidget(edit)
    assert edit.windowTitle() == "Edit thing"


def test_borderless_scroll_holds_the_widget_at_its_width(qtbot: QtBot) -> None:
    body = QWidget()
    scroll = borderless_scroll(body, "formScroll")
    qtbot.addWidget(scroll)
    assert scroll.widget() is body and scroll.widgetResizable()
    assert scroll.objectName() == "formScroll" and scroll.frameShape() == QFrame.Shape.NoFrame
    unnamed = borderless_scroll(QWidget())
    qtbot.addWidget(unnamed)
    assert unnamed.objectName() == ""
