"""The printed treatment plan in the shared PDF preview (print, save as PDF).

The PDF is made by ``services.plan_report`` on a worker thread, so a long plan does not
freeze the chart.
"""

from __future__ import annotations

from PySide6.QtCore import QThread
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from carecoord.errors import CareCoordError
from carecoord.services import plan_report
from carecoord.services.plans import PlanView
from carecoord.ui.chart.plan_form import SETTINGS_PREFIX
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.pdf_window import PdfWindow
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.style import hint
from carecoord.ui.worker import run_in_thread, wait_for_thread


class PlanPdfDialog(PdfWindow):
    """The printed plan in the shared PDF preview (print, save as PDF). The PDF is made
    on a worker thread; :attr:`ready` turns true when it is shown."""

    NAME = "planPdfDialog"
    GEOMETRY_KEY = f"{SETTINGS_PREFIX}/pdfGeometry"
    SIZE = (900, 980)
    CLOSE_SHORTCUT = False  # it has its own Close button

    def __init__(
        self,
        *,
        context: AppContext,
        plan: PlanView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.setWindowTitle(f"Treatment plan PDF — {plan.title}")
        self.setAccessibleName("Treatment plan PDF")
        self.ready = False
        self.failed: BaseException | None = None
        self.status = hint("Preparing the plan…")
        self.status.setObjectName("planPdfStatus")
        self.preview = PdfPreview(
            title="Treatment plan",
            suggested_name=plan_report.plan_file_name(plan.patient_id, plan.id),
            after_print=lambda pages: self.status.setText(f"Printed {pages} page(s)."),
            after_save=lambda path: self.status.setText(f"Saved as {path}."),
        )
        close = QPushButton("Close")
        close.setObjectName("closePlanPdf")
        close.setAccessibleName("Close the plan PDF")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        self.place()
        db, actor = context.db, context.actor
        self.worker_thread: QThread | None = run_in_thread(
            self,
            lambda: plan_report.generate_plan_pdf(db, actor, plan.patient_id, plan.id),
            self._done,
            self._failed,
        )

    def _done(self, pdf: object) -> None:
        assert isinstance(pdf, bytes)
        self.preview.set_pdf(pdf)
        self.ready = True
        self.status.setText(f"{self.preview.page_count()} page(s) · Print… or Save as PDF… above.")

    def _failed(self, error: object) -> None:
        self.failed = error if isinstance(error, BaseException) else None
        self.status.setText("The plan could not be made.")
        if isinstance(error, CareCoordError):
            show_problem(self, error, "Plan PDF")
        elif isinstance(error, BaseException):
            raise error  # a bug: the application's exception hook shows and logs it

    def wait(self) -> None:
        """Let the worker finish (before this dialog goes away)."""
        thread, self.worker_thread = self.worker_thread, None
        wait_for_thread(thread)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.wait()
        super().done(result)
