"""Clinic settings (letterhead, paper, letter dates, idle lock, time targets, the SMTP relay
for letters by e-mail and fax), users, database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.monitoring import MAX_PDMP_INTERVAL_DAYS, MIN_PDMP_INTERVAL_DAYS
from carecoord.clinical.referral_rules import Targets
from carecoord.errors import CareCoordError, ValidationError
from carecoord.letters.dates import DATE_FORMATS
from carecoord.services import delivery
from carecoord.services.permissions import Action, allowed
from carecoord.services.settings import (
    SMTP_DEFAULT_PORT,
    SMTP_SECURITY,
    ClinicSettings,
    save_settings,
)
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    line_edit,
    password_edit,
    service_call,
    text_of,
)
from carecoord.ui.kit.clinic_fields import LOGO_FIELD, LogoField, add_contact_rows
from carecoord.ui.kit.page import Page
from carecoord.ui.language_box import LanguageBox
from carecoord.ui.settings_users import UsersBox
from carecoord.ui.style import bg, fg, hint, page_title

Index = QModelIndex | QPersistentModelIndex
PAPER_SIZES = (("US Letter (8.5 × 11 in)", "letter"), ("A4 (210 × 297 mm)", "a4"))
TARGET_FIELDS = (
    ("stat_days", "STAT, to appointment", "calendar days"),
    ("asap_days", "ASAP, to appointment", "calendar days"),
    ("urgent_days", "Urgent, to appointment", "calendar days"),
    ("routine_business_days", "Routine, to appointment", "business days"),
    (
        "routine_mental_health_business_days",
        "Routine psychology / counselling",
        "business days",
    ),
    ("report_days", "Report after the visit", "calendar days"),
)
READ_ONLY_NOTE = "Only an administrator can change clinic settings."


def database_kind(dialect: str) -> str:
    if dialect == "sqlite":
        return "SQLite — stored on this workstation only"
    if dialect == "postgresql":
        return "PostgreSQL — shared by the clinic's workstations"
    return dialect


class SettingsPage(Page):
    """Clinic settings for everyone to read; administrators change them and manage users."""

    object_name = "settingsPage"
    accessible_name = "Settings"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.can_edit = allowed(context.actor.role, Action.MANAGE_SETTINGS)
        self.can_manage_users = allowed(context.actor.role, Action.MANAGE_USERS)
        self.errors = FieldErrors()

        content = QWidget()
        content.setObjectName("settingsContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(12)
        column.addWidget(page_title("Settings"))
        if not self.can_edit:
            note = QLabel(READ_ONLY_NOTE)
            note.setObjectName("settingsReadOnlyNote")
            note.setStyleSheet(
                f"background: {bg('info')}; color: {fg('info')}; padding: 8px; border-radius: 4px;"
            )
            column.addWidget(note)

        top = QHBoxLayout()
        top.setSpacing(12)
        left = QVBoxLayout()
        left.addWidget(self._clinic_box())
        left.addWidget(self._relay_box())
        left.addStretch(1)
        top.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(self._targets_box())
        right.addWidget(self._monitoring_box())
        right.addWidget(self._database_box())
        right.addWidget(LanguageBox())  # the person's own choice, editable by every role
        right.addStretch(1)
        top.addLayout(right, 2)
        column.addLayout(top)

        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("settingsSavedLabel")
        self.saved_label.setProperty("role", "hint")
        save_row.addWidget(self.saved_label)
        self.save_button = QPushButton("Save settings")
        self.save_button.setObjectName("settingsSave")
        self.save_button.setAccessibleName("Save clinic settings")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        save_row.addWidget(self.save_button)
        if self.can_edit:
            column.addLayout(save_row)

        self.users_box = UsersBox(context=context, parent=self)
        self.users_model = self.users_box.model
        self.user_dialog = self.users_box.user_dialog
        if self.can_manage_users:
            column.addWidget(self.users_box)
            self.users_box.refresh()
        else:
            self.users_box.hide()
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.fill(context.settings)
        self._set_editable(self.can_edit)
        context.events.settings_changed.connect(self._settings_changed)

    # ------------------------------------------------------------------ building
    def _clinic_box(self) -> QGroupBox:
        box = QGroupBox("Clinic and letterhead")
        box.setObjectName("clinicBox")
        form = QFormLayout(box)
        self.clinic_name = line_edit(max_length=160)
        self.email = line_edit(max_length=254)
        self.paper_size = combo(list(PAPER_SIZES))
        self.paper_size.setMaximumWidth(260)
        self.date_format = combo([(example, key) for key, example in DATE_FORMATS.items()])
        self.date_format.setObjectName("dateFormat")
        self.date_format.setMaximumWidth(260)
        self.date_format.setToolTip(
            "How referral letters print dates; ISO also shows YYYY-MM-DD in date fields"
        )
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(1, 240)
        self.idle_lock.setSuffix(" min")
        self.idle_lock.setMaximumWidth(110)
        self.errors.add_row(form, "Clinic name*:", "clinic_name", self.clinic_name)
        self.address, self.phone, self.fax = add_contact_rows(self.errors, form)
        self.errors.add_row(form, "E-mail:", "email", self.email)
        self.logo_field = LogoField(self.errors)
        self.errors.add_row(form, "Logo:", LOGO_FIELD, self.logo_field)
        self.errors.add_row(form, "Paper size:", "paper_size", self.paper_size)
        self.errors.add_row(form, "Dates in letters:", "date_format", self.date_format)
        self.errors.add_row(form, "Lock after idle:", "idle_lock_minutes", self.idle_lock)
        return box

    def _relay_box(self) -> QGroupBox:
        box = QGroupBox("Letters by e-mail and fax")
        box.setObjectName("relayBox")
        form = QFormLayout(box)
        self.smtp_host = line_edit(max_length=253, placeholder="smtp.example.org")
        self.smtp_host.setObjectName("smtpHost")
        self.smtp_host.setAccessibleName("SMTP relay host")
        self.smtp_port = QSpinBox()
        self.smtp_port.setObjectName("smtpPort")
        self.smtp_port.setAccessibleName("SMTP relay port")
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setMaximumWidth(110)
        self.smtp_security = combo([(label, key) for key, label in SMTP_SECURITY.items()])
        self.smtp_security.setObjectName("smtpSecurity")
        self.smtp_security.setAccessibleName("How the connection to the relay is encrypted")
        self.smtp_security.setMaximumWidth(260)
        self.smtp_security.currentIndexChanged.connect(self._security_changed)
        self.smtp_user = line_edit(max_length=254, placeholder="blank: the relay needs no sign-in")
        self.smtp_user.setObjectName("smtpUser")
        self.smtp_user.setAccessibleName("SMTP relay user name")
        self.smtp_password = password_edit("smtpPassword")
        self.smtp_password.setAccessibleName("SMTP relay password")
        self.sender_address = line_edit(max_length=254, placeholder="letters@clinic.example")
        self.sender_address.setObjectName("senderAddress")
        self.sender_address.setAccessibleName("Sender address of letters")
        self.fax_gateway = line_edit(max_length=254, placeholder="{fax}@fax.example.net")
        self.fax_gateway.setObjectName("faxGateway")
        self.fax_gateway.setAccessibleName("E-mail-to-fax gateway address pattern")
        self.errors.add_row(form, "SMTP relay:", "smtp_host", self.smtp_host)
        self.errors.add_row(form, "Port:", "smtp_port", self.smtp_port)
        self.errors.add_row(form, "Encryption:", "smtp_security", self.smtp_security)
        self.errors.add_row(form, "User name:", "smtp_user", self.smtp_user)
        self.errors.add_row(form, "Password:", "smtp_password", self.smtp_password)
        self.errors.add_row(form, "Sender address:", "sender_address", self.sender_address)
        self.errors.add_row(form, "E-mail-to-fax:", "fax_gateway", self.fax_gateway)
        form.addRow(
            hint(
                "Letters go to the recipient's e-mail, or to their fax through the gateway "
                "({fax} becomes the number's digits), over TLS only: never plain text. The "
                "password is kept in this workstation's keyring, never in the database; "
                "each workstation that sends enters it once."
            )
        )
        return box

    def _security_changed(self) -> None:
        """Follow the usual port for the chosen encryption, unless another was typed."""
        security = self.smtp_security.currentData()
        if self.smtp_port.value() in SMTP_DEFAULT_PORT.values() and security:
            self.smtp_port.setValue(SMTP_DEFAULT_PORT[security])

    def _password_state(self) -> None:
        if not self.can_edit:
            self.smtp_password.setPlaceholderText("")
            return
        try:
            stored = delivery.relay_password_stored(self.context.db, self.context.actor)
        except CareCoordError as error:
            self.smtp_password.setPlaceholderText(str(error))
            return
        self.smtp_password.setPlaceholderText(
            "stored in this workstation's keyring; type to replace"
            if stored
            else "not stored on this workstation"
        )

    def _targets_box(self) -> QGroupBox:
        box = QGroupBox("Referral time targets")
        box.setObjectName("targetsBox")
        form = QFormLayout(box)
        self.targets: dict[str, QSpinBox] = {}
        for name, label, unit in TARGET_FIELDS:
            spin = QSpinBox()
            spin.setRange(0, 365)
            spin.setMaximumWidth(90)
            self.targets[name] = spin
            self.errors.add_row(form, f"{label} ({unit}):", name, spin)
        form.addRow(
            hint(
                "From sending to the appointment, after California's timely-access rule; "
                "referrals past their target appear as overdue."
            )
        )
        self.holiday_country = QLineEdit()
        self.holiday_country.setObjectName("holidayCountry")
        self.holiday_country.setAccessibleName("Public holidays of country")
        self.holiday_country.setMaximumWidth(90)
        self.holiday_subdivision = QLineEdit()
        self.holiday_subdivision.setObjectName("holidaySubdivision")
        self.holiday_subdivision.setAccessibleName("State or province")
        self.holiday_subdivision.setMaximumWidth(90)
        self.closure_dates = QLineEdit()
        self.closure_dates.setObjectName("closureDates")
        self.closure_dates.setAccessibleName("Clinic closure dates")
        self.closure_dates.setPlaceholderText("2026-12-24, 2026-12-31")
        self.errors.add_row(form, "Holidays of country:", "holiday_country", self.holiday_country)
        self.errors.add_row(
            form, "State / province:", "holiday_subdivision", self.holiday_subdivision
        )
        self.errors.add_row(form, "Clinic closed on:", "closure_dates", self.closure_dates)
        form.addRow(
            hint(
                "Business days skip weekends, these public holidays (for example US, CA) "
                "and the clinic's closure dates (YYYY-MM-DD, separated by commas)."
            )
        )
        return box

    def _monitoring_box(self) -> QGroupBox:
        box = QGroupBox("Opioid-therapy monitoring")
        box.setObjectName("monitoringBox")
        form = QFormLayout(box)
        self.pdmp_interval = QSpinBox()
        self.pdmp_interval.setObjectName("pdmpInterval")
        self.pdmp_interval.setRange(MIN_PDMP_INTERVAL_DAYS, MAX_PDMP_INTERVAL_DAYS)
        self.pdmp_interval.setSuffix(" days")
        self.pdmp_interval.setMaximumWidth(110)
        self.errors.add_row(form, "PDMP check every:", "pdmp_interval_days", self.pdmp_interval)
        form.addRow(
            hint(
                "A patient on opioids without a PDMP check for longer is flagged overdue "
                "(CDC 2022 Rec. 9: from every prescription to every 3 months)."
            )
        )
        return box

    def _database_box(self) -> QGroupBox:
        box = QGroupBox("Database")
        box.setObjectName("databaseBox")
        form = QFormLayout(box)
        where = QLabel(self.context.db.display_url())
        where.setObjectName("databaseUrl")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        kind = QLabel(database_kind(self.context.db.dialect))
        kind.setObjectName("databaseKind")
        form.addRow("Open database:", where)
        form.addRow("Kind:", kind)
        if self.context.demo:
            demo = QLabel("DEMO data: fictional patients, safe to explore.")
            demo.setStyleSheet(f"color: {fg('warning')}; font-weight: 600;")
            form.addRow("", demo)
        return box

    # ------------------------------------------------------------------ values
    def fill(self, settings: ClinicSettings) -> None:
        self.errors.clear()
        self.clinic_name.setText(settings.clinic_name)
        self.address.setPlainText(settings.address)
        self.phone.setText(settings.phone)
        self.fax.setText(settings.fax)
        self.email.setText(settings.email)
        self.paper_size.setCurrentIndex(max(0, self.paper_size.findData(settings.paper_size)))
        self.date_format.setCurrentIndex(max(0, self.date_format.findData(settings.date_format)))
        self.idle_lock.setValue(settings.idle_lock_minutes)
        self.pdmp_interval.setValue(settings.pdmp_interval_days)
        for name, spin in self.targets.items():
            spin.setValue(getattr(settings.targets, name))
        self.holiday_country.setText(settings.holiday_country)
        self.holiday_subdivision.setText(settings.holiday_subdivision)
        self.closure_dates.setText(", ".join(d.isoformat() for d in settings.closure_dates))
        self.logo_field.set_content(settings.logo_png)
        self.smtp_host.setText(settings.smtp_host)
        self.smtp_security.blockSignals(True)
        self.smtp_security.setCurrentIndex(
            max(0, self.smtp_security.findData(settings.smtp_security))
        )
        self.smtp_security.blockSignals(False)
        self.smtp_port.setValue(settings.smtp_port)
        self.smtp_user.setText(settings.smtp_user)
        self.smtp_password.clear()
        self.sender_address.setText(settings.sender_address)
        self.fax_gateway.setText(settings.fax_gateway)
        self._password_state()

    def _set_editable(self, editable: bool) -> None:
        for edit in (
            self.clinic_name,
            self.phone,
            self.fax,
            self.email,
            self.smtp_host,
            self.smtp_user,
            self.sender_address,
            self.fax_gateway,
        ):
            edit.setReadOnly(not editable)
            edit.setClearButtonEnabled(editable)
        self.address.setReadOnly(not editable)
        self.logo_field.set_editable(editable)
        for widget in (
            self.paper_size,
            self.date_format,
            self.idle_lock,
            self.pdmp_interval,
            *self.targets.values(),
            self.holiday_country,
            self.holiday_subdivision,
            self.closure_dates,
            self.smtp_port,
            self.smtp_security,
            self.smtp_password,
            self.save_button,
        ):
            widget.setEnabled(editable)

    def values(self) -> ClinicSettings:
        """The settings as entered (validated by the service on save)."""
        targets = Targets(**{name: spin.value() for name, spin in self.targets.items()})
        return replace(
            self.context.settings,
            clinic_name=self.clinic_name.text(),
            address=text_of(self.address) or "",
            phone=self.phone.text(),
            fax=self.fax.text(),
            email=self.email.text(),
            logo_png=self.logo_field.content,
            paper_size=self.paper_size.currentData(),
            date_format=self.date_format.currentData(),
            idle_lock_minutes=self.idle_lock.value(),
            pdmp_interval_days=self.pdmp_interval.value(),
            targets=targets,
            holiday_country=self.holiday_country.text(),
            holiday_subdivision=self.holiday_subdivision.text(),
            closure_dates=self._closure_dates(),
            smtp_host=self.smtp_host.text(),
            smtp_port=self.smtp_port.value(),
            smtp_security=self.smtp_security.currentData(),
            smtp_user=self.smtp_user.text(),
            sender_address=self.sender_address.text(),
            fax_gateway=self.fax_gateway.text(),
        )

    def _closure_dates(self) -> tuple[date, ...]:
        days = []
        for part in self.closure_dates.text().replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                days.append(date.fromisoformat(part.strip()))
            except ValueError:
                raise ValidationError(
                    "closure_dates", f"{part.strip()!r} is not a date (YYYY-MM-DD)"
                ) from None
        return tuple(days)

    def save(self) -> bool:
        """Save through the service, update the shared settings and tell every screen."""
        if not self.can_edit:
            return False
        self.errors.clear()
        self.saved_label.setText("")
        if not service_call(self, self.errors, self._store):
            return False
        saved = self.context.settings
        password = self.smtp_password.text()
        if password:
            try:
                delivery.set_relay_password(self.context.db, self.context.actor, password)
            except ValidationError as error:
                self.fill(saved)
                self.errors.show(error)
                return False
            except CareCoordError as error:
                show_problem(self, error)
                return False
        self.fill(saved)
        self.saved_label.setText(
            "Settings saved; the relay password is in this workstation's keyring."
            if password
            else "Settings saved."
        )
        self.context.events.settings_changed.emit()
        return True

    def _store(self) -> None:
        """The service call of :meth:`save`: the settings shared with every screen."""
        self.context.settings = save_settings(self.context.db, self.context.actor, self.values())

    def _settings_changed(self) -> None:
        self.fill(self.context.settings)
