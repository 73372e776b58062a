"""Many letters in one go: the worklist's selection as one combined PDF or one file each,
then, where the clinic has an SMTP relay, sent to each recipient by e-mail or fax.

Generation runs on a worker thread (each letter opens its own database session through
the service), with a progress dialog that cancels between letters. Output is written
atomically: a cancelled or failed combined batch leaves no file, and per-file mode leaves
only complete letters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
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
from carecoord.ui.keyboard import close_shortcut
from carecoord.ui.kit.letter_sending import mark_sent
from carecoord.ui.letters.batch_output import BatchOutput
from carecoord.ui.letters.batch_preview import BatchPreviewWindow
from carecoord.ui.letters.batch_run import (
    BatchMode,
    BatchResult,
    SendResult,
    generate_batch,
    send_batch,
)
from carecoord.ui.letters.buttons import letter_button, main_button, standard_button
from carecoord.ui.letters.preview import ask_send_details
from carecoord.ui.screen_fit import remember_geometry, restore_geometry
from carecoord.ui.style import fg, hint, page_title
from carecoord.ui.worker import run_in_thread, wait_for_thread

__all__ = ["BatchLettersDialog", "BatchMode", "BatchResult", "SendResult"]


class BatchLettersDialog(QDialog):
    """Generate the letters of many referrals: one combined PDF or one file each.

    Each letter carries its recipient's default contents and is recorded in its
    referral's history; "Mark these sent…" keeps each generated letter as sent. Where they go
    is chosen in :attr:`output` (a :class:`BatchOutput`); ``generate_one`` is an attribute so
    tests answer it.

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

        self.output = BatchOutput(self.referral_ids)

        self.result_label = QLabel()
        self.result_label.setObjectName("batchResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = letter_button(
            "Preview and print all…",
            "batchPrintAll",
            "Preview and print all letters",
            self.preview_and_print,
            tip="Open the combined PDF to print every letter in one go",
            hidden=True,
        )
        self.send_button = letter_button(
            "Mark these sent…",
            "batchMarkSent",
            "Mark the referrals of these letters sent",
            self.mark_all_sent,
            tip="Record how the letters left; each letter is kept exactly as generated",
            hidden=True,
        )
        self.relay_button = letter_button(
            "Send these…",
            "batchSendRelay",
            "Send these letters by secure e-mail or fax",
            self.send_all,
            tip="Each letter goes to its recipient's e-mail or fax through the clinic's relay "
            "and its referral is marked sent when the relay accepts it",
            hidden=True,
        )
        self.to_send: tuple[tuple[int, bytes], ...] = ()
        self.send_value: SendResult | None = None
        self.ask_relay_method: Callable[[], DeliveryMethod | None] = self._ask_relay_method
        self.send_method = DeliveryMethod.EMAIL
        self.ask_send: Callable[[], tuple[DeliveryMethod, date] | None] = lambda: ask_send_details(
            self
        )

        buttons = QDialogButtonBox()
        self.generate_button = main_button(
            buttons,
            "Generate letters",
            QDialogButtonBox.ButtonRole.ActionRole,
            "batchGenerate",
            "Generate the letters",
        )
        self.generate_button.setEnabled(bool(self.referral_ids))
        self.generate_button.clicked.connect(self.start)
        close = standard_button(
            buttons, QDialogButtonBox.StandardButton.Close, "batchClose", "Close"
        )
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
        layout.addWidget(self.output)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ running
    def is_running(self) -> bool:
        return self._thread is not None

    def start(self) -> bool:
        """Check the output and start generating on a worker thread."""
        if self.is_running() or not self.referral_ids:
            return False
        target = self.output.target()
        if target is None:
            return False
        self.output.remember(target)
        mode = self.output.mode()
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
        restore_geometry(self, "letterBatch/geometry", 660, 330)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait()
        remember_geometry(self, "letterBatch/geometry")
        super().closeEvent(event)

    def reject(self) -> None:
        self.wait()
        super().reject()
