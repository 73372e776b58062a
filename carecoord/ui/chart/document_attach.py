"""The dialog that files one or more documents on a chart, each with a named reviewer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QDate,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DocumentKind
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import documents, review
from carecoord.services.documents import DocumentUpload, DocumentView
from carecoord.ui.category_field import category_combo, chosen, may_file
from carecoord.ui.chart.document_files import FILE_FIELDS, Incoming
from carecoord.ui.context import AppContext
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    date_edit,
    date_of,
    line_edit,
    service_call,
    service_result,
    text_of,
)
from carecoord.ui.kit.dialog_buttons import accept_cancel_buttons
from carecoord.ui.screen_fit import fit_dialog


def named(file_name: str) -> Callable[[ValidationError], ValidationError]:
    """Name the file in a refusal of the file itself (several may be filed at once)."""

    def explain(error: ValidationError) -> ValidationError:
        if error.field not in FILE_FIELDS:
            return error
        message = error.message[:1].upper() + error.message[1:]
        return ValidationError(error.field, f"{message} ({file_name})")

    return explain


class AttachDocumentDialog(QDialog):
    """Kind, title and received date for one or more files, then file them on the chart.

    Every file is checked before any is stored, so a wrong file attaches nothing.

    Signals:
        attached(list): the stored :class:`DocumentView` objects.
    """

    attached = Signal(list)

    def __init__(
        self,
        *,
        context: AppContext,
        patient_id: int,
        paths: list[Path] | None = None,
        pasted: list[Incoming] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.paths = list(paths or [])
        self.files = [Incoming(p.name, path=p) for p in self.paths] + list(pasted or [])
        self.setObjectName("attachDocumentDialog")
        self.setWindowTitle("Attach documents" if len(self.files) > 1 else "Attach document")
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        listing = "\n".join(f"{f.name}  ({f.size})" for f in self.files)
        self.files_label = QLabel(listing)
        self.files_label.setObjectName("attachFiles")
        self.files_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors.add_row(form, "File(s):", "file", self.files_label, aliases=FILE_FIELDS)
        self.kind = combo([(k.label, k) for k in DocumentKind], DocumentKind.SPECIALIST_REPORT)
        self.kind.setObjectName("documentKind")
        self.errors.add_row(form, "Kind:", "kind", self.kind)
        self.title_edit = line_edit(placeholder="optional, e.g. Neurology consult report")
        self.title_edit.setObjectName("documentTitle")
        if len(self.files) > 1:
            self.title_edit.setEnabled(False)
            self.title_edit.setPlaceholderText("each file is listed under its file name")
        self.errors.add_row(form, "Title:", "title", self.title_edit)
        self.received = date_edit()
        self.received.setMaximumDate(QDate.currentDate())
        self.received.setObjectName("documentReceived")
        self.errors.add_row(form, "Received on:", "received_on", self.received)
        self.category = category_combo(may_file(context.actor), automatic="general")
        self.errors.add_row(form, "Who may read:", "category", self.category)
        self.reviewer = QComboBox()
        self.reviewer.setObjectName("documentReviewer")
        self.reviewer.setToolTip(
            "Who reads it and records whether it is clinically relevant; by default the "
            "coordinating physician"
        )
        self.errors.add_row(form, "Reviewer:", "reviewer", self.reviewer)
        self.kind.currentIndexChanged.connect(lambda *_: self.fill_reviewers())
        self.category.currentIndexChanged.connect(lambda *_: self.fill_reviewers())
        self.fill_reviewers()
        layout.addLayout(form)
        layout.addWidget(
            accept_cancel_buttons(
                self, self.save, names=("attachSave", "attachCancel"), text="Attach"
            )
        )
        self.setMinimumWidth(480)
        fit_dialog(self)

    def fill_reviewers(self) -> None:
        """The care team's physicians and clinicians who may read a document of the chosen
        category, the coordinating physician first; none for a copy of a letter sent."""
        keep = self.reviewer.currentData()
        self.reviewer.clear()
        if self.kind.currentData() == DocumentKind.LETTER_SENT:
            self.reviewer.addItem("Not reviewed: a copy of a letter the clinic sent", None)
            self.reviewer.setEnabled(False)
            return
        try:
            choices = review.reviewer_choices(
                self.context.db, self.context.actor, self.patient_id, chosen(self.category)
            )
        except CareCoordError:
            choices = []
        if not any(c.default for c in choices):
            self.reviewer.addItem("Unassigned: any physician may review it", None)
        for choice in choices:
            suffix = " (default)" if choice.default else ""
            self.reviewer.addItem(
                f"{choice.name} — {choice.team_role.label.lower()}{suffix}", choice.member_id
            )
        self.reviewer.setEnabled(True)
        if keep is not None and self.reviewer.findData(keep) >= 0:
            self.reviewer.setCurrentIndex(self.reviewer.findData(keep))

    def _uploads(self) -> list[DocumentUpload] | None:
        """Read and check every file; None (with the message shown) when one is refused."""
        uploads = []
        for incoming in self.files:
            try:
                content = incoming.read()
            except OSError as error:
                self.errors.show(
                    ValidationError("file", f"cannot be read: {error.strerror} ({incoming.name})")
                )
                return None
            upload = DocumentUpload(
                file_name=incoming.name,
                content=content,
                kind=self.kind.currentData(),
                title=text_of(self.title_edit) if len(self.files) == 1 else None,
                received_on=date_of(self.received),
                category=chosen(self.category),
            )
            checked = service_call(
                self,
                self.errors,
                partial(documents.validate_upload, upload),
                explain=named(incoming.name),
            )
            if not checked:
                return None
            uploads.append(upload)
        return uploads

    def save(self) -> bool:
        """File every document; False (message beside the field) when one is refused."""
        self.errors.clear()
        uploads = self._uploads()
        if uploads is None:
            return False
        stored: list[DocumentView] = []
        for upload in uploads:
            view = service_result(
                self,
                self.errors,
                partial(
                    documents.attach_document,
                    self.context.db,
                    self.context.actor,
                    self.patient_id,
                    upload,
                    reviewer_member_id=self.reviewer.currentData(),
                ),
                explain=named(upload.file_name),
            )
            if view is None:
                break
            stored.append(view)
        if stored:
            self.attached.emit(stored)
        if len(stored) == len(uploads):
            self.accept()
            return True
        return False
