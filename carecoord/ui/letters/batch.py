"""Many letters in one go: the worklist's selection as one combined PDF or one file each,
then, where the clinic has an SMTP relay, sent to each recipient by e-mail or fax.

Generation runs on a worker thread (each letter opens its own database session through
the service), with a progress dialog that cancels between letters. Output is written
atomically: a cancelled or failed combined batch leaves no file, and per-file mode leaves
only complete letters.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import DeliveryMethod
from carecoord.errors import CareCoordError
from carecoord.services import delivery, letters
from carecoord.services.delivery import DeliveryView
from carecoord.services.permissions import Action, allowed
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import error_style
from carecoord.ui.keyboard import close_shortcut
from carecoord.ui.kit.letter_sending import mark_sent
from carecoord.ui.letters.batch_preview import BatchPreviewWindow
from carecoord.ui.letters.batch_run import (
    SETTINGS_FOLDER,
    SETTINGS_MODE,
    BatchMode,
    BatchResult,
    SendResult,
    generate_batch,
    send_batch,
    settings_store,
)
from carecoord.ui.letters.preview import ask_send_details
from carecoord.ui.screen_fit import restore_or_fit
from carecoord.ui.style import fg, hint, page_title
from carecoord.ui.worker import run_in_thread, wait_for_thread

__all__ = ["BatchLettersDialog", "BatchMode", "BatchResult", "SendResult"]


class BatchLettersDialog(QDialog):
    """Generate the letters of many referrals: one combined PDF or one file each.

    Each letter carries its recipient's default contents and is recorded in its
    referral's history; "Mark these sent…" keeps each generated letter as sent. ``choose_file``,
    ``choose_folder`` and ``generate_one`` are attributes so tests answer them.

    Signals:
        batch_finished(object): the BatchResult (also after a cancel or a failure: then
            ``None``).
        send_finished(object): the SendResult of "Send these…" (``None`` if it stopped).
    """

    batch_finished = Signal(object)
    send_finished = Signal(object)

    def __init__(
        self, *, context: AppContext, referral_ids: Sequence[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        close_shortcut(self)  # Ctrl+W, as in a chart
        self.context = context
        self.referral_ids = tuple(dict.fromkeys(int(i) for i in referral_ids))
        self.result_value: BatchResult | None = None
        self._thread: QThread | None = None
        self.cancel_requested = threading.Event()
        self._progress: QProgressDialog | None = None
        self.preview_window: BatchPreviewWindow | None = None
        self.choose_file: Callable[[str], str | None] = self._choose_file
        self.choose_folder: Callable[[str], str | None] = self._choose_folder
        db, actor = context.db, context.actor
        self.generate_one: Callable[[int], bytes] = lambda referral_id: letters.generate_letter(
            db, actor, referral_id, what="letter generated (batch)"
        )
        self.setObjectName("batchLettersDialog")
        count = len(self.referral_ids)
        self.setWindowTitle(f"Letters for {count} referral{'s' if count != 1 else ''}")
        self._build()
        self._restore()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        count = len(self.referral_ids)
        title = page_title(f"Letters for {count} referral{'s' if count != 1 else ''}")
        title.setObjectName("batchTitle")
        intro = hint(
            "Each letter carries the usual contents for its recipient's discipline (anything "
            "left out is named in the letter) and is recorded in its referral's history. "
            "Open a single referral's letter to choose its contents item by item."
        )

        output = QGroupBox("Save as")
        output.setObjectName("batchOutput")
        self.combined_radio = QRadioButton("One combined PDF — to print the whole pile in one go")
        self.combined_radio.setObjectName("modeCombined")
        self.combined_radio.setAccessibleName("One combined PDF")
        self.per_file_radio = QRadioButton(
            "One file per referral — to fax or e-mail each letter separately"
        )
        self.per_file_radio.setObjectName("modePerFile")
        self.per_file_radio.setAccessibleName("One file per referral")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.combined_radio)
        self.modes.addButton(self.per_file_radio)
        self.path_label = QLabel()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("batchPath")
        self.path_edit.setClearButtonEnabled(True)
        self.path_label.setBuddy(self.path_edit)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setObjectName("batchBrowse")
        self.browse_button.setAccessibleName("Choose where to save")
        self.browse_button.clicked.connect(self.browse)
        self.path_error = QLabel()
        self.path_error.setObjectName("batchPathError")
        self.path_error.setStyleSheet(error_style())
        self.path_error.setWordWrap(True)
        self.path_error.hide()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.names_hint = hint("")
        self.names_hint.setObjectName("batchNamesHint")
        box = QVBoxLayout(output)
        box.addWidget(self.combined_radio)
        box.addWidget(self.per_file_radio)
        box.addSpacing(6)
        box.addLayout(path_row)
        box.addWidget(self.path_error)
        box.addWidget(self.names_hint)

        self.result_label = QLabel()
        self.result_label.setObjectName("batchResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("Preview and print all…")
        self.print_button.setObjectName("batchPrintAll")
        self.print_button.setAccessibleName("Preview and print all letters")
        self.print_button.setToolTip("Open the combined PDF to print every letter in one go")
        self.print_button.clicked.connect(self.preview_and_print)
        self.print_button.hide()
        self.send_button = QPushButton("Mark these sent…")
        self.send_button.setObjectName("batchMarkSent")
        self.send_button.setAccessibleName("Mark the referrals of these letters sent")
        self.send_button.setToolTip(
            "Record how the letters left; each letter is kept exactly as generated"
        )
        self.send_button.clicked.connect(self.mark_all_sent)
        self.send_button.hide()
        self.relay_button = QPushButton("Send these…")
        self.relay_button.setObjectName("batchSendRelay")
        self.relay_button.setAccessibleName("Send these letters by secure e-mail or fax")
        self.relay_button.setToolTip(
            "Each letter goes to its recipient's e-mail or fax through the clinic's relay and "
            "its referral is marked sent when the relay accepts it"
        )
        self.relay_button.clicked.connect(self.send_all)
        self.relay_button.hide()
        self.to_send: tuple[tuple[int, bytes], ...] = ()
        self.send_value: SendResult | None = None
        self.ask_relay_method: Callable[[], DeliveryMethod | None] = self._ask_relay_method
        self.send_method = DeliveryMethod.EMAIL
        self.ask_send: Callable[[], tuple[DeliveryMethod, date] | None] = lambda: ask_send_details(
            self
        )

        buttons = QDialogButtonBox()
        self.generate_button = buttons.addButton(
            "Generate letters", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.generate_button.setObjectName("batchGenerate")
        self.generate_button.setAccessibleName("Generate the letters")
        self.generate_button.setProperty("role", "primary")
        self.generate_button.setDefault(True)
        self.generate_button.setEnabled(bool(self.referral_ids))
        self.generate_button.clicked.connect(self.start)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("batchClose")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.relay_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(output)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addLayout(bottom)

        mode = str(settings_store().value(SETTINGS_MODE, BatchMode.COMBINED.value))
        (self.per_file_radio if mode == BatchMode.PER_FILE else self.combined_radio).setChecked(
            True
        )
        self._mode_changed()
        self.modes.buttonToggled.connect(lambda *_: self._mode_changed())

    # ------------------------------------------------------------------ choices
    def mode(self) -> BatchMode:
        return BatchMode.PER_FILE if self.per_file_radio.isChecked() else BatchMode.COMBINED

    def set_mode(self, mode: BatchMode) -> None:
        (self.per_file_radio if mode == BatchMode.PER_FILE else self.combined_radio).setChecked(
            True
        )

    def _folder(self) -> str:
        folder = str(settings_store().value(SETTINGS_FOLDER, "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _default_file(self) -> str:
        return str(Path(self._folder()) / f"referral-letters-{date.today().isoformat()}.pdf")

    def _mode_changed(self) -> None:
        combined = self.mode() == BatchMode.COMBINED
        self.path_label.setText("File:" if combined else "Folder:")
        self.path_edit.setAccessibleName("PDF file to write" if combined else "Folder to write to")
        self.path_edit.setText(self._default_file() if combined else self._folder())
        first = letters.letter_file_name(self.referral_ids[0]) if self.referral_ids else ""
        self.names_hint.setText(
            "All letters in one PDF, in worklist order."
            if combined
            else f"Files are named by referral number ({first}, …); existing ones are replaced."
        )
        self.path_error.hide()

    def _choose_file(self, start: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the letters as", start, "PDF files (*.pdf)"
        )
        return path or None

    def _choose_folder(self, start: str) -> str | None:
        return QFileDialog.getExistingDirectory(self, "Save the letters in", start) or None

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        if self.mode() == BatchMode.COMBINED:
            chosen = self.choose_file(current or self._default_file())
            if chosen and not chosen.lower().endswith(".pdf"):
                chosen += ".pdf"
        else:
            chosen = self.choose_folder(current or self._folder())
        if chosen:
            self.path_edit.setText(chosen)

    def _target(self) -> str | None:
        """The checked output path, or None with the reason shown under the field."""
        text = self.path_edit.text().strip()
        combined = self.mode() == BatchMode.COMBINED
        problem = None
        if not text:
            problem = "Choose the file to write." if combined else "Choose a folder."
        else:
            path = Path(text).expanduser()
            folder = path.parent if combined else path
            if combined and not path.suffix:
                path = path.with_suffix(".pdf")
            if combined and path.is_dir():
                problem = "That is a folder; give a file name ending in .pdf."
            elif not folder.is_dir():
                problem = f"The folder {folder} does not exist."
            elif not os.access(folder, os.W_OK):
                problem = f"You may not write in {folder}."
            text = str(path)
        if problem:
            self.path_error.setText(problem)
            self.path_error.show()
            self.path_edit.setFocus()
            return None
        self.path_error.hide()
        return text

    # ------------------------------------------------------------------ running
    def is_running(self) -> bool:
        return self._thread is not None

    def start(self) -> bool:
        """Check the output and start generating on a worker thread."""
        if self.is_running() or not self.referral_ids:
            return False
        target = self._target()
        if target is None:
            return False
        mode = self.mode()
        store = settings_store()
        store.setValue(SETTINGS_MODE, mode.value)
        store.setValue(
            SETTINGS_FOLDER, str(Path(target).parent if mode == BatchMode.COMBINED else target)
        )
        self.cancel_requested = threading.Event()
        ids, generate, cancel = self.referral_ids, self.generate_one, self.cancel_requested

        def work(progress: Callable[[int, int], None]) -> BatchResult:
            return generate_batch(ids, generate, mode, target, cancelled=cancel, progress=progress)

        self.result_label.clear()
        self.print_button.hide()
        self.send_button.hide()
        self.generate_button.setEnabled(False)
        self._run_batch(
            "batchProgress",
            "Generating letters",
            "Preparing letters…",
            len(ids),
            work,
            self._finished,
            self._failed,
        )
        return True

    def cancel(self) -> None:
        """Stop after the letter being generated (nothing half-written is kept)."""
        self.cancel_requested.set()
        if self._progress is not None:
            self._progress.setLabelText("Stopping after this letter…")

    def _advance(self, done: int, total: int) -> None:
        progress = self._progress  # setValue may run the event loop, which can end the batch
        if progress is None or self.cancel_requested.is_set():
            return
        if done < total:
            progress.setLabelText(f"Letter {done + 1} of {total}…")
        progress.setMaximum(total)
        progress.setValue(done)

    def _end(self) -> None:
        if self._progress is not None:
            self._progress.canceled.disconnect(self.cancel)
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None
        self._thread = None
        self.generate_button.setEnabled(True)

    def _finished(self, value: Any) -> None:
        self._end()
        result: BatchResult = value
        self.result_value = result
        self._report(result)
        for referral_id in result.referral_ids:
            self.context.events.referral_changed.emit(referral_id)
        self.batch_finished.emit(result)

    def _failed(self, error: Any) -> None:
        self._end()
        self._say(f"No letters saved: {error}", error=True)
        if isinstance(error, CareCoordError):
            show_problem(self, error, "Letters not generated")
        self.batch_finished.emit(None)

    def _report(self, result: BatchResult) -> None:
        count = result.letters
        letters_text = f"{count} letter{'s' if count != 1 else ''}"
        if result.cancelled and result.mode == BatchMode.COMBINED:
            text = "Cancelled: no file was written."
        elif result.cancelled:
            text = f"Cancelled: {letters_text} saved in {result.target} before stopping."
        elif not count:
            text = "No letters were saved."
        elif result.mode == BatchMode.COMBINED:
            text = f"{letters_text} saved to {result.target}."
        else:
            text = f"{letters_text} saved in {result.target}."
        if result.skipped:
            names = self._labels([rid for rid, _why in result.skipped[:5]])
            reasons = "; ".join(f"{names[rid]}: {why}" for rid, why in result.skipped[:5])
            more = f" and {len(result.skipped) - 5} more" if len(result.skipped) > 5 else ""
            text += f"\nSkipped {len(result.skipped)}: {reasons}{more}."
        # Red only when nothing came out; letters saved with some skipped is a warning.
        level = "error" if not count else "warning" if result.cancelled or result.skipped else ""
        self._say(text, error=level == "error", warning=level == "warning")
        self.print_button.setVisible(
            result.mode == BatchMode.COMBINED and not result.cancelled and bool(count)
        )
        self.send_button.setVisible(bool(result.pdfs))
        self.to_send = result.pdfs
        self.relay_button.setText("Send these…")
        self.relay_button.setVisible(
            bool(result.pdfs)
            and self.context.settings.relay_configured
            and allowed(self.context.actor.role, Action.EDIT_REFERRAL_LOGISTICS)
        )

    def _labels(self, referral_ids: list[int]) -> dict[int, str]:
        """ "Zoë Ñúñez, ref. RPC-000012" for each skipped referral (its id if unreadable)."""
        try:
            found = letters.referral_labels(self.context.db, self.context.actor, referral_ids)
        except CareCoordError:
            found = {}
        return {rid: found.get(rid, f"referral {rid}") for rid in referral_ids}

    def _say(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        colour = fg("danger") if error else fg("warning") if warning else fg("ok")
        self.result_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.result_label.setText(text)

    def mark_all_sent(self) -> int:
        """Ask once how the letters left, then keep each letter as sent; returns how many."""
        result = self.result_value
        if result is None or not result.pdfs:
            return 0
        answer = self.ask_send()
        if answer is None:
            return 0
        method, sent_on = answer
        sent, problems = 0, []
        for referral_id, pdf in result.pdfs:
            try:
                mark_sent(self.context, referral_id, method, sent_on, pdf=pdf)
            except CareCoordError as error:
                problems.append((referral_id, str(error)))
                continue
            sent += 1
        text = f"Marked {sent} referral{'s' if sent != 1 else ''} sent; each letter is kept."
        if problems:
            names = self._labels([rid for rid, _why in problems])
            text += " Not sent: " + "; ".join(f"{names[rid]}: {why}" for rid, why in problems)
        self._say(text, error=not sent, warning=bool(problems) and bool(sent))
        self.send_button.setVisible(False)
        return sent

    # ------------------------------------------------------------------ the relay
    def _ask_relay_method(self) -> DeliveryMethod | None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Send these letters",
            f"Send {len(self.to_send)} letter(s) through the clinic's relay, each to its "
            "recipient's address in the team directory?",
            parent=self,
        )
        by_email = box.addButton("By e-mail", QMessageBox.ButtonRole.AcceptRole)
        by_fax = box.addButton("By fax", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is by_email:
            return DeliveryMethod.EMAIL
        if clicked is by_fax:
            return DeliveryMethod.FAX
        return None

    def send_all(self) -> bool:
        """Send the letters not sent yet through the relay, on a worker thread with progress
        and Cancel (between letters)."""
        pending = self.to_send
        if self.is_running() or not pending:
            return False
        method = self.ask_relay_method()
        if method is None:
            return False
        self.cancel_requested = threading.Event()
        db, actor, cancel = self.context.db, self.context.actor, self.cancel_requested

        def send_one(referral_id: int, pdf: bytes) -> DeliveryView:
            return delivery.send_letter(db, actor, referral_id, pdf, method)

        def work(progress: Callable[[int, int], None]) -> SendResult:
            return send_batch(pending, send_one, cancelled=cancel, progress=progress)

        self.send_method = method
        self.send_button.hide()
        self.relay_button.hide()
        self.generate_button.setEnabled(False)
        self._run_batch(
            "batchSendProgress",
            "Sending letters",
            "Connecting to the relay…",
            len(pending),
            work,
            self._sent_all,
            self._send_stopped,
        )
        return True

    def _run_batch(
        self,
        name: str,
        title: str,
        first_step: str,
        steps: int,
        work: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Any], None],
    ) -> None:
        """Run ``work`` on its own thread behind a cancellable, window-modal progress dialog
        (generating and sending letters share it)."""
        self._progress = QProgressDialog(first_step, "Cancel", 0, steps, self)
        self._progress.setObjectName(name)
        self._progress.setWindowTitle(title)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)
        self._progress.setAutoClose(False)
        self._progress.setAutoReset(False)
        self._progress.canceled.connect(self.cancel)
        # The job belongs to ui.worker until it has finished: closing the dialog never
        # destroys a running thread, and the callbacks are dropped once the dialog goes.
        self._thread = run_in_thread(self, work, on_done, on_failed, on_progress=self._advance)

    def _sent_all(self, value: Any) -> None:
        self._end()
        outcome: SendResult = value
        self.send_value = outcome
        how = "e-mail" if self.send_method == DeliveryMethod.EMAIL else "fax"
        count = len(outcome.sent)
        text = (
            f"Sent {count} letter{'s' if count != 1 else ''} by {how}; "
            "each referral is marked sent and its letter kept."
        )
        if outcome.failed:
            names = self._labels([rid for rid, _why in outcome.failed])
            reasons = "; ".join(f"{names[rid]}: {why}" for rid, why in outcome.failed[:5])
            more = f" and {len(outcome.failed) - 5} more" if len(outcome.failed) > 5 else ""
            text += f"\nNot sent {len(outcome.failed)}: {reasons}{more}."
        if outcome.cancelled:
            text += f"\nCancelled: {len(outcome.untried)} not tried."
        left = {rid for rid, _why in outcome.failed} | set(outcome.untried)
        self.to_send = tuple((rid, pdf) for rid, pdf in self.to_send if rid in left)
        self._say(
            text,
            error=not count,
            warning=bool(count) and bool(left),
        )
        self.relay_button.setText(f"Send the {len(self.to_send)} not sent…")
        self.relay_button.setVisible(bool(self.to_send))
        for referral_id, _view in outcome.sent:
            self.context.events.referral_changed.emit(referral_id)
        for referral_id, _why in outcome.failed:
            self.context.events.referral_changed.emit(referral_id)
        self.send_finished.emit(outcome)

    def _send_stopped(self, error: Any) -> None:
        self._end()
        self._say(f"Sending stopped: {error}", error=True)
        self.relay_button.setVisible(bool(self.to_send))
        self.send_finished.emit(None)

    def wait(self) -> None:
        """Cancel and wait for a running batch (before the dialog goes away)."""
        thread = self._thread
        if thread is None:
            return
        self.cancel_requested.set()
        wait_for_thread(thread)

    # ------------------------------------------------------------------ printing
    def preview_and_print(self) -> BatchPreviewWindow | None:
        """Open the combined PDF to print every letter at once."""
        result = self.result_value
        if result is None or result.mode != BatchMode.COMBINED or not result.files:
            return None
        try:
            pdf = Path(result.target).read_bytes()
        except OSError as error:
            self._say(f"The combined PDF could not be read: {error}", error=True)
            return None
        self.preview_window = BatchPreviewWindow(
            context=self.context, pdf=pdf, result=result, parent=self
        )
        self.preview_window.show()
        return self.preview_window

    # ------------------------------------------------------------------ geometry
    def _restore(self) -> None:
        restore_or_fit(self, settings_store().value("letterBatch/geometry"), 660, 330)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait()
        settings_store().setValue("letterBatch/geometry", self.saveGeometry())
        super().closeEvent(event)

    def reject(self) -> None:
        self.wait()
        super().reject()
