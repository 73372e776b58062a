"""The window that shows a generated batch before it is printed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QVBoxLayout, QWidget

from carecoord.errors import CareCoordError
from carecoord.services import referrals
from carecoord.ui.context import AppContext
from carecoord.ui.kit.pdf_window import PdfWindow
from carecoord.ui.letters.batch_run import SETTINGS_PREVIEW_GEOMETRY, BatchResult
from carecoord.ui.pdf_preview import PdfPreview
from carecoord.ui.style import hint, page_title


class BatchPreviewWindow(PdfWindow):
    """The combined letters in the PDF preview; printing records each letter as printed."""

    NAME = "batchPreviewWindow"
    GEOMETRY_KEY = SETTINGS_PREVIEW_GEOMETRY
    SIZE = (900, 860)

    def __init__(
        self,
        *,
        context: AppContext,
        pdf: bytes,
        result: BatchResult,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context=context, parent=parent)
        self.batch = result
        self.setWindowTitle(f"{result.letters} referral letters")
        self.preview = PdfPreview(
            pdf=pdf,
            title="Referral letters",
            suggested_name=Path(result.target).name,
            after_print=self._printed,
        )
        self.status = hint(f"{result.letters} letters · {self.preview.page_count()} pages")
        self.status.setObjectName("batchPreviewStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(f"{result.letters} referral letters"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        self.place()

    def _printed(self, pages: int) -> None:
        problems = []
        for referral_id in self.batch.referral_ids:
            try:
                referrals.record_letter(
                    self.context.db, self.context.actor, referral_id, "letter printed (batch)"
                )
            except CareCoordError as error:
                problems.append(f"referral {referral_id}: {error}")
                continue
            self.context.events.referral_changed.emit(referral_id)
        text = f"Printed {pages} pages; each letter is recorded in its referral's history."
        if problems:
            text += " Not recorded: " + "; ".join(problems)
        self.status.setText(text)
