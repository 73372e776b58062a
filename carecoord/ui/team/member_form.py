"""Add or edit a member of the team directory, with the service's messages beside each field."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import Discipline
from carecoord.services import team
from carecoord.services.team import MemberInput, MemberView
from carecoord.ui.context import AppContext
from carecoord.ui.forms import (
    FieldErrors,
    combo,
    date_edit,
    limited_text,
    line_edit,
    saved_date,
    service_call,
    set_date,
    text_edit,
    text_of,
)
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.style import hint


class MemberForm(ServiceFormDialog):
    """Every :class:`MemberInput` field; saving creates or updates through the team service.

    After a successful save ``saved`` holds the new view and ``team_changed`` is emitted.
    """

    NAME = "memberForm"
    GEOMETRY_KEY = "memberForm/geometry"

    def __init__(
        self,
        *,
        context: AppContext,
        member: MemberView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit team member" if member else "Add team member"
        super().__init__(context=context, parent=parent, title=title)
        self.setAccessibleName(title)
        self.member = member
        self.saved: MemberView | None = None
        # A field's error line clears as soon as what is typed there passes the rules.
        self.errors = FieldErrors(revalidate=lambda: team.validate_member(self.data()))
        self.given_name = line_edit(max_length=80)
        self.family_name = line_edit(max_length=80)
        self.credentials = line_edit(placeholder="MD, DO, PT, PhD, LCSW …", max_length=60)
        self.discipline = combo([(d.label, d) for d in Discipline])
        self.specialty = line_edit(max_length=120)
        self.organisation = line_edit(max_length=160)
        self.is_internal = QCheckBox("Works in this clinic (internal)")
        self.board_name = line_edit(placeholder="e.g. American Board of Anesthesiology")
        self.board_expires = date_edit(optional=True)
        self.phone = line_edit(max_length=40)
        self.fax = line_edit(max_length=40)
        self.email = line_edit(max_length=254)
        self.address = text_edit(lines=3)
        self.notes = limited_text(max_length=4000, lines=3)

        people = QFormLayout()
        self.errors.add_row(people, "Given name*:", "given_name", self.given_name)
        self.errors.add_row(people, "Family name*:", "family_name", self.family_name)
        self.errors.add_row(people, "Credentials:", "credentials", self.credentials)
        self.errors.add_row(people, "Discipline*:", "discipline", self.discipline)
        self.errors.add_row(people, "Specialty:", "specialty", self.specialty)
        self.errors.add_row(people, "Organisation:", "organisation", self.organisation)
        self.errors.add_row(people, "Internal:", "is_internal", self.is_internal)
        self.errors.add_row(people, "Board:", "board_name", self.board_name)
        self.errors.add_row(
            people,
            "Board certification expires:",
            "board_certification_expires",
            self.board_expires,
        )
        contact = QFormLayout()
        self.errors.add_row(contact, "Phone:", "phone", self.phone)
        self.errors.add_row(contact, "Fax:", "fax", self.fax)
        self.errors.add_row(contact, "E-mail:", "email", self.email)
        self.errors.add_row(contact, "Address:", "address", self.address)
        self.errors.add_row(contact, "Notes:", "notes", self.notes)
        # The board-expiry picker's "not set" is its minimum: offer a one-click way back.
        self.clear_board = QPushButton("Clear expiry")
        self.clear_board.setObjectName("clearBoardExpiry")
        self.clear_board.setAccessibleName("Clear the board certification expiry date")
        self.clear_board.clicked.connect(lambda: set_date(self.board_expires, None, optional=True))
        people.addRow("", self.clear_board)

        columns = QHBoxLayout()
        columns.addLayout(people, 1)
        columns.addSpacing(16)
        columns.addLayout(contact, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("memberFormButtons")
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName("memberSave")
        save.setAccessibleName("Save team member")
        save.setProperty("role", "primary")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("memberCancel")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(hint("Fields marked * are required."))
        layout.addWidget(self.buttons)

        self.fill(member)
        self.restore_geometry(self.sizeHint().width(), self.sizeHint().height())

    def fill(self, member: MemberView | None) -> None:
        """Show ``member`` (or an empty internal member) in the fields."""
        self.member = member
        self.errors.clear()
        if member is None:
            self.is_internal.setChecked(True)
            set_date(self.board_expires, None, optional=True)
            return
        self.given_name.setText(member.given_name)
        self.family_name.setText(member.family_name)
        self.credentials.setText(member.credentials or "")
        self.discipline.setCurrentIndex(max(0, self.discipline.findData(member.discipline)))
        self.specialty.setText(member.specialty or "")
        self.organisation.setText(member.organisation or "")
        self.is_internal.setChecked(member.is_internal)
        self.board_name.setText(member.board_name or "")
        set_date(self.board_expires, member.board_certification_expires, optional=True)
        self.phone.setText(member.phone or "")
        self.fax.setText(member.fax or "")
        self.email.setText(member.email or "")
        self.address.setPlainText(member.address or "")
        self.notes.setPlainText(member.notes or "")

    def data(self) -> MemberInput:
        return MemberInput(
            family_name=self.family_name.text(),
            given_name=self.given_name.text(),
            discipline=self.discipline.currentData(),
            credentials=text_of(self.credentials),
            specialty=text_of(self.specialty),
            organisation=text_of(self.organisation),
            board_name=text_of(self.board_name),
            board_certification_expires=saved_date(self.board_expires),
            phone=text_of(self.phone),
            fax=text_of(self.fax),
            email=text_of(self.email),
            address=text_of(self.address),
            is_internal=self.is_internal.isChecked(),
            notes=text_of(self.notes),
        )

    def save(self) -> bool:
        """Save through the service; True (and the dialog accepted) when it worked."""
        self.errors.clear()
        if not service_call(self, self.errors, self._store, reload=self.reload):
            return False
        self.context.events.team_changed.emit()
        self.accept()
        return True

    def _store(self) -> None:
        """The service call of :meth:`save`: a new member, or the updated one."""
        db, actor = self.context.db, self.context.actor
        if self.member is None:
            self.saved = team.create_member(db, actor, self.data())
        else:
            self.saved = team.update_member(
                db, actor, self.member.id, self.data(), expected_version=self.member.version
            )

    def reload(self) -> None:
        """Show the member as saved now (after someone else changed it)."""
        if self.member is not None:
            self.fill(team.get_member(self.context.db, self.context.actor, self.member.id))
