"""Filing the specialist's report closes a referral's loop; this dialog collects the file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DocumentKind
from carecoord.errors import ValidationError
from carecoord.services import referrals
from carecoord.services.documents import EXTENSIONS, DocumentUpload
from carecoord.services.referrals import ReferralView
from carecoord.ui.context import AppContext
from carecoord.ui.forms import (
    date_edit,
    limited_text,
    saved_date,
    service_call,
    text_of,
)
from carecoord.ui.kit.dialog_buttons import accept_cancel_buttons
from carecoord.ui.kit.records import action_button
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.preferences import ask_open_file
from carecoord.ui.screen_fit import fit_to_screen
from carecoord.ui.style import hint, scheme

REPORT_FILE_FILTER = "Reports (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"
DROP_STYLE = "QLabel {{ border: 2px dashed {colour}; border-radius: 8px; padding: 14px; }}"


def is_report_file(path: str | Path) -> bool:
    """Whether a path names a file a report can be filed from (PDF or a common image)."""
    return Path(path).suffix.lower() in EXTENSIONS


def report_path_from(mime: QMimeData) -> str | None:
    """The first local PDF/image file in dragged data, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and is_report_file(url.toLocalFile()):
            return url.toLocalFile()
    return None


def upload_from(path: str | Path, title: str, received_on: date | None) -> DocumentUpload:
    """Read a report file into an upload for the service.

    Raises:
        ValidationError: the file cannot be read (shown beside the file field).
    """
    file = Path(path)
    try:
        content = file.read_bytes()
    except OSError as error:
        raise ValidationError("report", f"cannot read {file.name}: {error.strerror}") from None
    return DocumentUpload(
        file_name=file.name,
        content=content,
        kind=DocumentKind.SPECIALIST_REPORT,
        title=title,
        received_on=received_on,
    )


def choose_report_file(parent: QWidget | None) -> str | None:
    """Ask for a report file, starting in the folder used last time."""
    return ask_open_file(
        parent, "referrals/reportFolder", "Choose the specialist's report", REPORT_FILE_FILTER
    )


class ReportDialog(ServiceFormDialog):
    """Attach the specialist's report (file picker or drop) or say why there is none.

    Signals:
        recorded(object): the referral's new ReferralView once the loop is closed.
    """

    recorded = Signal(object)
    NAME = "reportDialog"
    TITLE = "Report received"

    def __init__(
        self,
        *,
        context: AppContext,
        referral: ReferralView,
        path: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.referral = referral
        self.result_view: ReferralView | None = None
        # Replaced in tests so no native file dialog opens.
        self.choose_file: Callable[[], str | None] = lambda: choose_report_file(self)
        self.setAcceptDrops(True)

        recipient = referral.recipient_name or "the specialist"
        intro = QLabel(
            f"<b>{referral.discipline.label}</b> referral to {recipient}<br>"
            f"for {referral.patient_name} (MRN {referral.patient_mrn})"
        )
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.drop_zone = QLabel("Drop the report here (PDF or image)")
        self.drop_zone.setObjectName("reportDropZone")
        self.drop_zone.setAccessibleName("Drop zone for the report file")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setStyleSheet(DROP_STYLE.format(colour=scheme().drop_outline))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.file_edit = QLineEdit(path or "")
        self.file_edit.setObjectName("reportFile")
        self.file_edit.setPlaceholderText("No file chosen")
        self.choose_button = action_button(
            "Choose file…", "chooseReportFile", self.pick_file, accessible="Choose the report file"
        )
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        self.errors.add_row(
            form, "Report file:", "report", file_row, aliases=("file_name", "content", "media_type")
        )
        self.file_edit.setAccessibleName("Report file")

        self.no_report = QCheckBox("There is no report")
        self.no_report.setObjectName("noReport")
        self.no_report.setAccessibleName("There is no report")
        self.no_report.toggled.connect(self._no_report_toggled)
        form.addRow("", self.no_report)
        self.reason_edit = limited_text(max_length=400, lines=2)
        self.reason_edit.setObjectName("noReportReason")
        self.reason_edit.setPlaceholderText("Why, e.g. the specialist reports by phone only")
        self.reason_edit.setEnabled(False)
        self.errors.add_row(form, "Why not:", "no_report_reason", self.reason_edit)

        self.received_edit = date_edit(date.today())
        self.received_edit.setObjectName("receivedOn")
        self.received_edit.setMaximumDate(QDate.currentDate())
        self.errors.add_row(form, "Received on:", "received_on", self.received_edit)

        buttons = accept_cancel_buttons(
            self,
            self.save,
            names=("saveReport", "cancelReport"),
            text="File report",
            accessible="File the report and close the loop",
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.drop_zone)
        layout.addLayout(form)
        layout.addWidget(
            hint("Filing the report closes the referral and stores the file on the chart.")
        )
        layout.addWidget(buttons)
        fit_to_screen(self, 520, self.sizeHint().height())

    # ------------------------------------------------------------------ slots
    def pick_file(self) -> None:
        path = self.choose_file()
        if path:
            self.set_file(path)

    def set_file(self, path: str) -> None:
        self.file_edit.setText(path)
        self.no_report.setChecked(False)
        self.errors.clear()

    def _no_report_toggled(self, checked: bool) -> None:
        self.reason_edit.setEnabled(checked)
        self.file_edit.setEnabled(not checked)
        self.choose_button.setEnabled(not checked)
        self.drop_zone.setEnabled(not checked)
        if checked:
            self.reason_edit.setFocus()

    def save(self) -> None:
        """File the report (or the reason there is none) through the service."""
        self.errors.clear()
        if not service_call(self, self.errors, self._file, "Report not filed", reload=self.reject):
            return
        view = self.result_view
        assert view is not None  # set by _file when the service stored it
        self.recorded.emit(view)
        self.context.events.referral_changed.emit(view.id)
        self.context.events.patient_changed.emit(view.patient_id)
        self.accept()

    def _file(self) -> None:
        """The service call of :meth:`save`: the file (or why there is none) and the date."""
        received = saved_date(self.received_edit)
        upload = None
        why_none = None
        if self.no_report.isChecked():
            why_none = text_of(self.reason_edit)
            if not why_none:
                raise ValidationError("no_report_reason", "say why there is no report")
        else:
            path = self.file_edit.text().strip()
            if not path:
                raise ValidationError(
                    "report", "choose the report file, or tick “There is no report”"
                )
            upload = upload_from(path, f"{self.referral.discipline.label} report", received)
        self.result_view = referrals.record_report_received(
            self.context.db,
            self.context.actor,
            self.referral.id,
            expected_version=self.referral.version,
            report=upload,
            no_report_reason=why_none,
            received_on=received,
        )

    # ------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.no_report.isChecked() and report_path_from(event.mimeData()):
            event.acceptProposedAction()
            self.drop_zone.setStyleSheet(DROP_STYLE.format(colour=scheme().drop_active))
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.setStyleSheet(DROP_STYLE.format(colour=scheme().drop_outline))

    def dropEvent(self, event: QDropEvent) -> None:
        path = report_path_from(event.mimeData())
        self.drop_zone.setStyleSheet(DROP_STYLE.format(colour=scheme().drop_outline))
        if path:
            self.set_file(path)
            event.acceptProposedAction()
        else:
            event.ignore()
