"""First run on an empty database: set up the clinic, or explore a demo clinic."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.services import settings as settings_service
from carecoord.services import users
from carecoord.services.actor import Actor
from carecoord.services.settings import ClinicSettings
from carecoord.services.users import UserView
from carecoord.ui.forms import (
    FieldErrors,
    line_edit,
    password_edit,
    require_same,
    service_result,
    text_of,
)
from carecoord.ui.kit.clinic_fields import (
    LOGO_FIELD,
    WELCOME_LOOK,
    LogoField,
    add_contact_rows,
)
from carecoord.ui.screen_fit import fit_dialog
from carecoord.ui.style import hint, page_title

SET_UP = "set_up"
DEMO = "demo"


class WelcomeDialog(QDialog):
    """Two choices on first run. ``choice`` is SET_UP (clinic saved, ``admin`` created) or
    DEMO (the caller opens the separate demo database)."""

    def __init__(self, *, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.choice: str | None = None
        self.admin: Actor | None = None
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to CareCoord")
        self.setMinimumWidth(520)
        # Two pages shown one at a time; the dialog fits whichever is showing.
        self.choice_page = self._choice_page()
        self.setup_page = self._setup_page()
        self.setup_page.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.choice_page)
        layout.addWidget(self.setup_page)
        fit_dialog(self)

    def _choice_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(page_title("Welcome to CareCoord"))
        layout.addWidget(hint("This database is empty. How would you like to start?"))
        setup = QPushButton("Set up my clinic")
        setup.setObjectName("setUpClinic")
        setup.setProperty("role", "primary")
        setup.clicked.connect(lambda: self.show_page(self.setup_page))
        demo = QPushButton("Explore with demo data")
        demo.setObjectName("exploreDemo")
        demo.clicked.connect(self.choose_demo)
        for button, text in (
            (setup, "Enter your clinic's details and create the administrator account."),
            (
                demo,
                "Open a fictional clinic with 60 patients in a separate demo database; "
                "yours stays empty.",
            ),
        ):
            row = QHBoxLayout()
            button.setMinimumWidth(190)
            row.addWidget(button)
            row.addWidget(hint(text), 1)
            layout.addLayout(row)
        return page

    def show_page(self, page: QWidget) -> None:
        for other in (self.choice_page, self.setup_page):
            other.setVisible(other is page)
        self.adjustSize()

    def _setup_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(page_title("Set up my clinic"))
        layout.addWidget(
            hint(
                "The clinic details print on every referral letter. The "
                "administrator account manages users and settings."
            )
        )
        form = QFormLayout()
        self.errors = FieldErrors()
        self.clinic_name = line_edit(max_length=160)
        self.errors.add_row(form, "Clinic name:*", "clinic_name", self.clinic_name)
        self.address, self.phone, self.fax = add_contact_rows(self.errors, form)
        self.logo_field = LogoField(self.errors, WELCOME_LOOK)
        self.errors.add_row(form, "Logo (PNG, optional):", LOGO_FIELD, self.logo_field)
        self.admin_username = line_edit(max_length=64)
        self.admin_name = line_edit(max_length=160)
        self.admin_password = password_edit("adminPassword")
        self.admin_repeat = password_edit("adminPasswordRepeat")
        self.errors.add_row(form, "Administrator user name:*", "username", self.admin_username)
        self.errors.add_row(form, "Administrator full name:*", "full_name", self.admin_name)
        self.errors.add_row(form, "Password (8+ characters):*", "password", self.admin_password)
        self.errors.add_row(form, "Repeat password:*", "password_repeat", self.admin_repeat)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveClinic")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Back")
        buttons.accepted.connect(self.save_clinic)
        buttons.rejected.connect(lambda: self.show_page(self.choice_page))
        layout.addWidget(buttons)
        return page

    def choose_demo(self) -> None:
        self.choice = DEMO
        self.accept()

    def save_clinic(self) -> None:
        """Validate everything first, then save settings and the administrator together."""
        self.errors.clear()
        password = self.admin_password.text()
        clinic = replace(
            settings_service.get_settings(self.db),  # the defaults, with IT's holiday region
            clinic_name=text_of(self.clinic_name) or "",
            address=text_of(self.address) or "",
            phone=text_of(self.phone) or "",
            fax=text_of(self.fax) or "",
            logo_png=self.logo_field.content,
        )

        def create() -> tuple[ClinicSettings, UserView]:
            clean = settings_service.validate_settings(clinic)
            users.validate_password(password)
            require_same(
                self.admin_password,
                self.admin_repeat,
                "password_repeat",
                "the two passwords differ",
            )
            created = users.create_user(
                self.db,
                None,
                username=self.admin_username.text(),
                full_name=self.admin_name.text(),
                password=password,
                role=UserRole.ADMINISTRATOR,
            )
            return clean, created

        done = service_result(self, self.errors, create)
        if done is None:
            return
        clean, created = done
        self.admin = Actor(created.id, created.username, created.role, None, created.full_name)
        settings_service.save_settings(self.db, self.admin, clean)
        self.choice = SET_UP
        self.accept()
