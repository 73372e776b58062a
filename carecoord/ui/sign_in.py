"""The sign-in dialog: who is using this workstation (every later action is theirs)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services.actor import Actor
from carecoord.ui.error_line import refusal_line
from carecoord.ui.forms import password_edit
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint, page_title


class SignInDialog(QDialog):
    """Asks for a user name and password; ``actor`` is set once they are accepted.

    ``authenticate`` is called with (username, password) and returns an Actor or None; it
    is passed in so the dialog can appear before the database has finished opening.

    Signals:
        set_up_requested(): "Set up my clinic instead…" was clicked (shown only after a
            remembered "Explore with demo data" choice skipped the welcome dialog).
    """

    set_up_requested = Signal()

    def __init__(
        self,
        *,
        authenticate: Callable[[str, str], Actor | None],
        clinic_name: str = "",
        demo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.authenticate = authenticate
        self.actor: Actor | None = None
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in — CareCoord") + (self.tr(" — DEMO") if demo else ""))
        self.setMinimumWidth(380)

        layout = QVBoxLayout(self)
        self.heading = page_title(clinic_name or "CareCoord")
        self.heading.setWordWrap(True)  # a long clinic name wraps on a small (200 %) screen
        layout.addWidget(self.heading)
        layout.addWidget(hint(self.tr("Sign in to see and change patient information.")))
        self.demo_hint = hint(
            self.tr(
                "Demo clinic with fictional patients: sign in as drlee (physician), "
                "therapist (clinician), frontdesk (front desk) or admin (administrator); "
                "the password is demo."
            )
        )
        self.demo_hint.setObjectName("demoHint")
        self.demo_hint.setVisible(demo)
        layout.addWidget(self.demo_hint)
        self.set_up_instead = QPushButton(self.tr("Set up my clinic instead…"))
        self.set_up_instead.setObjectName("setUpInstead")
        self.set_up_instead.setFlat(True)
        self.set_up_instead.hide()
        self.set_up_instead.clicked.connect(self.set_up_requested)
        layout.addWidget(self.set_up_instead, 0, Qt.AlignmentFlag.AlignLeft)
        self.waiting = hint(self.tr("Opening the database…"))
        self.waiting.setObjectName("openingDatabase")
        self.waiting.hide()
        layout.addWidget(self.waiting)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setAccessibleName(self.tr("User name"))
        self.password = password_edit("password")
        self.password.setAccessibleName(self.tr("Password"))
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.error = refusal_line("signInError")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Sign in"))
        self.ok_button.setObjectName("signInButton")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)
        fit_dialog(self)

    def set_waiting(self, waiting: bool) -> None:
        """While the database opens, typing is allowed but signing in is not yet."""
        self.waiting.setVisible(waiting)
        self.ok_button.setEnabled(not waiting)

    def set_clinic_name(self, name: str) -> None:
        self.heading.setText(name or "CareCoord")

    def show_demo_hint(self) -> None:
        self.demo_hint.show()

    def try_sign_in(self) -> None:
        name = self.username.text().strip()
        if not name or not self.password.text():
            self._fail(self.tr("Enter your user name and password."))
            return
        try:
            actor = self.authenticate(name, self.password.text())
        except CareCoordError as error:  # a locked account: the message says how long to wait
            self._fail(str(error))
            self.password.clear()
            return
        if actor is None:
            self._fail(self.tr("That user name and password do not match an active account."))
            self.password.clear()
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.actor = actor
        self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
