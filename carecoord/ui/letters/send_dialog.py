"""Send… a letter by secure e-mail or e-mail-to-fax through the clinic's relay.

The person picks the recipient's e-mail or fax (from the team directory), sees the subject
line that will go out (no patient details in it) and sends. The relay is talked to on a
worker thread; its answer is shown as it came, and a refused letter can be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services import delivery, referrals
from carecoord.services.delivery import DeliveryFailed, DeliveryView, Destination
from carecoord.ui.context import AppContext
from carecoord.ui.style import fg, hint, page_title
from carecoord.ui.worker import run_in_thread, wait_for_thread


def say(label: QLabel, text: str, colour: str = "") -> None:
    """Show ``text`` in ``label`` (coloured, bold) and let its window grow to fit it."""
    label.setStyleSheet(f"color: {colour}; font-weight: 600;" if colour else "")
    label.setText(text)
    label.setVisible(bool(text))
    window = label.window()
    window.resize(window.width(), max(window.height(), window.sizeHint().height()))


class SendLetterDialog(QDialog):
    """Send this exact PDF to the referral's recipient by e-mail or fax.

    Signals:
        sent(object): the accepted DeliveryView (the referral is marked sent).
    """

    sent = Signal(object)

    def __init__(
        self,
        *,
        context: AppContext,
        referral_id: int,
        pdf: bytes,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.referral_id = referral_id
        self.pdf = pdf
        self.result_value: DeliveryView | None = None
        self.job: QThread | None = None
        self.setObjectName("sendLetterDialog")
        self.setWindowTitle("Send the letter")
        view = referrals.get_referral(context.db, context.actor, referral_id)
        self.found: list[Destination] = delivery.destinations(
            context.db, context.actor, referral_id
        )
        self._build(view.recipient_name or "the recipient", view.reference)

    def _build(self, recipient: str, reference: str) -> None:
        settings = self.context.settings
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(f"Send to {recipient}"))
        box = QGroupBox("Send by")
        box.setObjectName("sendDestinations")
        column = QVBoxLayout(box)
        self.choices = QButtonGroup(self)
        for number, destination in enumerate(self.found):
            radio = QRadioButton(destination.label)
            radio.setObjectName(f"sendTo{destination.method.value.title()}")
            radio.setAccessibleName(destination.label)
            self.choices.addButton(radio, number)
            column.addWidget(radio)
            radio.setChecked(number == 0)
        if not self.found:
            column.addWidget(
                hint(
                    "The team directory has no e-mail address for this recipient"
                    + ("" if settings.fax_gateway else ", and no e-mail-to-fax gateway is set")
                    + ". Add one, or print or fax the letter as before."
                )
            )
        layout.addWidget(box)
        subject = delivery.subject_line(settings, reference)
        self.subject = QLabel(f"Subject: {subject}")
        self.subject.setObjectName("sendSubject")
        self.subject.setWordWrap(True)
        layout.addWidget(self.subject)
        size = max(1, round(len(self.pdf) / 1024))
        layout.addWidget(
            hint(
                f"The letter goes attached exactly as shown ({size} KB PDF), with a note that it "
                "is confidential; the subject names no patient. It is sent over TLS through "
                f"{settings.smtp_host or 'the clinic relay'}, and the referral is marked sent "
                "only when the relay accepts it."
            )
        )
        self.status = QLabel()
        self.status.setObjectName("sendStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("sendLetterNow")
        self.send_button.setAccessibleName("Send the letter now")
        self.send_button.setProperty("role", "primary")
        self.send_button.setEnabled(bool(self.found) and settings.relay_configured)
        self.send_button.clicked.connect(self.send)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("sendClose")
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        if not settings.relay_configured:
            say(
                self.status,
                "No SMTP relay is set up: an administrator sets it in Settings.",
                fg("danger"),
            )
        self.setMinimumWidth(600)
        self.resize(600, self.sizeHint().height())

    def chosen(self) -> Destination | None:
        index = self.choices.checkedId()
        return self.found[index] if 0 <= index < len(self.found) else None

    def is_running(self) -> bool:
        return self.job is not None

    def send(self, *, on_end: Callable[[], None] | None = None) -> bool:
        """Start sending on a worker thread; False when nothing could be started."""
        destination = self.chosen()
        if destination is None or self.is_running():
            return False
        db, actor, referral_id, pdf = (
            self.context.db,
            self.context.actor,
            self.referral_id,
            self.pdf,
        )
        self.send_button.setEnabled(False)
        say(self.status, f"Sending to {destination.address}…")

        def done(result: Any) -> None:
            self.job = None
            self._sent(result)
            if on_end is not None:
                on_end()

        def failed(error: BaseException) -> None:
            self.job = None
            self._failed(error)
            if on_end is not None:
                on_end()

        self.job = run_in_thread(
            self,
            lambda: delivery.send_letter(db, actor, referral_id, pdf, destination.method),
            done,
            failed,
        )
        return True

    def _sent(self, result: DeliveryView) -> None:
        self.result_value = result
        say(
            self.status,
            f"Sent: the relay accepted the letter for {result.address} "
            f"(Message-ID {result.message_id}). A copy is kept; the referral is marked sent.",
            fg("ok"),
        )
        self.send_button.hide()
        self.context.events.referral_changed.emit(self.referral_id)
        self.sent.emit(result)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, DeliveryFailed):
            text = f"Not sent. The relay answered: {error.answer}"
            self.context.events.referral_changed.emit(self.referral_id)  # the attempt's entry
        elif isinstance(error, CareCoordError):
            text = f"Not sent: {error}"
        else:
            text = f"Not sent: an unexpected problem ({error})"
        say(self.status, text, fg("danger"))
        self.send_button.setText("Retry")
        self.send_button.setAccessibleName("Try sending the letter again")
        self.send_button.setEnabled(True)

    def wait(self) -> None:
        """Let a send in progress finish (before the dialog goes)."""
        wait_for_thread(self.job)

    def reject(self) -> None:
        if self.is_running():  # the relay is being talked to; its answer must be recorded
            return
        super().reject()
