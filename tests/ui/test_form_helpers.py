"""The form helpers and the form dialog every dialog's save uses: a refused service call
shown beside its field, in a box, or as a conflict with the offer to reload; password
fields."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout
from pytestqt.qtbot import QtBot

from carecoord.errors import CareCoordError, ConflictError, TemporaryFailure, ValidationError
from carecoord.ui import forms
from carecoord.ui.context import AppContext
from carecoord.ui.error_line import refusal_line
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.preferences import store


@pytest.fixture
def dialog(qtbot: QtBot) -> QDialog:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    return dialog


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What would have been shown in a message box: (kind, title or message)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        forms, "show_problem", lambda _parent, _error, title: shown.append(("problem", title))
    )
    monkeypatch.setattr(
        forms, "offer_reload", lambda _parent, error, _reload: shown.append(("reload", str(error)))
    )
    return shown


def errors_with_name_field(dialog: QDialog) -> tuple[forms.FieldErrors, QLineEdit]:
    errors = forms.FieldErrors()
    name = QLineEdit()
    errors.add_row(QFormLayout(dialog), "Name:", "name", name)
    return errors, name


def fail(error: CareCoordError) -> None:
    raise error


def test_a_stored_call_returns_true_and_shows_nothing(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    errors, _name = errors_with_name_field(dialog)
    calls: list[int] = []
    assert forms.service_call(dialog, errors, lambda: calls.append(1), "Title")
    assert calls == [1] and boxes == []


def test_a_refused_field_shows_beside_it(dialog: QDialog, boxes: list[tuple[str, str]]) -> None:
    errors, _name = errors_with_name_field(dialog)
    refused = ValidationError("name", "is required")
    assert not forms.service_call(dialog, errors, lambda: fail(refused), "Title")
    assert errors.labels["name"].text() == "Is required" and boxes == []


def test_a_rule_without_its_field_and_other_refusals_show_in_a_box(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    errors, _name = errors_with_name_field(dialog)
    assert not forms.service_call(dialog, errors, lambda: fail(ValidationError("x", "no")), "T1")
    assert not forms.service_call(dialog, errors, lambda: fail(CareCoordError("no")), "T2")
    # A conflict with nothing to reload is shown as any other refusal.
    assert not forms.service_call(
        dialog, errors, lambda: fail(ConflictError("Patient", 7, "drlee", None))
    )
    assert boxes == [("problem", "T1"), ("problem", "T2"), ("problem", "CareCoord")]


def test_a_conflict_offers_the_reload(dialog: QDialog, boxes: list[tuple[str, str]]) -> None:
    errors, _name = errors_with_name_field(dialog)
    conflict = ConflictError("Patient", 7, "drlee", None)
    assert not forms.service_call(dialog, errors, lambda: fail(conflict), reload=lambda: None)
    assert boxes == [("reload", str(conflict))]


class NameDialog(ServiceFormDialog):
    NAME = "nameDialog"
    TITLE = "Name"


def test_form_dialog_is_named_and_titled(qtbot: QtBot, context: AppContext) -> None:
    dialog = NameDialog(context=context)
    qtbot.addWidget(dialog)
    assert (dialog.objectName(), dialog.windowTitle()) == ("nameDialog", "Name")
    assert dialog.context is context and dialog.errors.labels == {}
    renamed = NameDialog(context=context, title="Rename Ada")
    qtbot.addWidget(renamed)
    assert renamed.windowTitle() == "Rename Ada"


class PlacedDialog(NameDialog):
    GEOMETRY_KEY = "tests/placedDialog"


def test_form_dialog_remembers_where_it_was_closed(qtbot: QtBot, context: AppContext) -> None:
    store().remove(PlacedDialog.GEOMETRY_KEY)
    dialog = PlacedDialog(context=context)
    qtbot.addWidget(dialog)
    dialog.restore_geometry(400, 300)  # nothing remembered yet: the size asked for
    assert (dialog.width(), dialog.height()) == (400, 300)
    dialog.show()
    dialog.resize(520, 360)
    dialog.reject()
    again = PlacedDialog(context=context)
    qtbot.addWidget(again)
    again.restore_geometry(400, 300)
    assert (again.width(), again.height()) == (520, 360)


def test_save_and_accept_accepts_only_when_stored(
    qtbot: QtBot, context: AppContext, boxes: list[tuple[str, str]]
) -> None:
    dialog = NameDialog(context=context)
    qtbot.addWidget(dialog)
    dialog.errors.add_row(QFormLayout(dialog), "Name:", "name", QLineEdit())
    dialog.open()
    assert not dialog.save_and_accept(lambda: fail(ValidationError("name", "no")))
    assert dialog.isVisible() and dialog.errors.labels["name"].text() == "No"
    assert dialog.save_and_accept(lambda: None)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_password_edit_hides_what_is_typed(qtbot: QtBot) -> None:
    edit = forms.password_edit("secret")
    qtbot.addWidget(edit)
    assert edit.objectName() == "secret"
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def test_require_same_refuses_a_different_repeat(qtbot: QtBot) -> None:
    first, repeat = forms.password_edit("a"), forms.password_edit("b")
    for edit in (first, repeat):
        qtbot.addWidget(edit)
        edit.setText("correct horse")
    forms.require_same(first, repeat, "password_repeat", "the passwords differ")
    repeat.setText("correct hose")
    with pytest.raises(ValidationError) as refused:
        forms.require_same(first, repeat, "password_repeat", "the passwords differ")
    assert (refused.value.field, refused.value.message) == (
        "password_repeat",
        "the passwords differ",
    )


def test_refusal_line_starts_hidden_and_wraps(qtbot: QtBot) -> None:
    line = refusal_line("signInError")
    qtbot.addWidget(line)
    assert line.objectName() == "signInError" and line.isHidden() and line.wordWrap()
    assert "color:" in line.styleSheet()


def test_a_change_without_a_form_shows_every_refusal_in_a_box(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    assert not forms.service_call(dialog, None, lambda: fail(ValidationError("x", "no")), "T")
    assert boxes == [("problem", "T")]


def test_service_result_gives_back_what_was_stored_or_none(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    errors, _name = errors_with_name_field(dialog)
    assert forms.service_result(dialog, errors, lambda: 42) == 42
    refused = ValidationError("name", "is required")
    assert forms.service_result(dialog, errors, lambda: fail(refused)) is None
    assert errors.labels["name"].isVisibleTo(dialog) and boxes == []


def test_a_rule_without_its_field_goes_to_the_message_line_not_a_box(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    errors, _name = errors_with_name_field(dialog)
    message = QLabel()
    message.hide()
    odd = ValidationError("plan", "is odd")
    assert not forms.service_call(dialog, errors, lambda: fail(odd), message=message)
    assert not message.isHidden() and message.text() == "plan: is odd" and boxes == []
    # A rule with its field on the form still shows beside it; other refusals still box.
    message.hide()
    named = ValidationError("name", "no")
    assert not forms.service_call(dialog, errors, lambda: fail(named), message=message)
    assert message.isHidden() and errors.labels["name"].text() == "No"
    assert not forms.service_call(
        dialog, errors, lambda: fail(CareCoordError("x")), message=message
    )
    assert message.isHidden() and boxes == [("problem", "CareCoord")]


def test_explain_rewords_a_rule_before_it_is_shown(
    dialog: QDialog, boxes: list[tuple[str, str]]
) -> None:
    errors, _name = errors_with_name_field(dialog)

    def to_name(error: ValidationError) -> ValidationError:
        return ValidationError("name", f"{error.message} (wrapped)")

    wrapped = ValidationError("other", "is odd")
    assert not forms.service_call(dialog, errors, lambda: fail(wrapped), explain=to_name)
    assert errors.labels["name"].text() == "Is odd (wrapped)" and boxes == []


def test_a_temporary_failure_offers_retry_which_runs_the_call_again(
    dialog: QDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[int] = []
    offered: list[bool] = []

    def busy_once() -> str:
        tries.append(1)
        if len(tries) == 1:
            raise TemporaryFailure("the database is busy")
        return "stored"

    def press_retry(_parent: object, _error: object, _title: str, **kwargs: Any) -> None:
        offered.append(kwargs.get("retry") is not None)
        kwargs["retry"]()

    monkeypatch.setattr(forms, "show_problem", press_retry)
    assert forms.service_result(dialog, None, busy_once, retry=True) == "stored"
    assert tries == [1, 1] and offered == [True]


def test_registered_lines_and_the_dialog_that_grows(qtbot: QtBot, dialog: QDialog) -> None:
    layout = QVBoxLayout(dialog)
    errors = forms.FieldErrors(grows=dialog)
    line = QLabel()
    line.hide()
    layout.addWidget(line)
    errors.register("phq9 item 1", line)
    dialog.resize(200, 40)
    for _ in range(8):
        layout.addWidget(QLabel("a row of the form"))
    shown = errors.show(ValidationError("phq9 item 1", "choose an answer"))
    assert shown and not line.isHidden() and line.text() == "Choose an answer"
    assert dialog.height() >= dialog.sizeHint().height()  # grown to make room
    errors.clear()
    assert line.isHidden()
