"""The Intake page: referrals sent to the clinic, one tab per state with its count, the
selected referral's details and the steps the role may take; a FHIR file dropped on the
page is imported.

Every question is an attribute (``ask_acceptance``, ``ask_reason``, ``ask_date``,
``ask_link``, ``choose_file``, ``choose_pdf_path``, ``report_problem``) so tests answer
them without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.intake_workflow import TRIAGE_EVENTS, Event
from carecoord.clinical.vocabulary import Discipline
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import intake, intake_import, team
from carecoord.services.intake import IntakeDetail, IntakeRow, PatientMatch
from carecoord.services.intake_lists import IntakeCursor, IntakeList, intake_counts, intake_page
from carecoord.services.intake_reply import reference_of
from carecoord.services.permissions import Action, allowed
from carecoord.services.worklist import count_text
from carecoord.ui import style
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.flow_layout import FlowLayout
from carecoord.ui.intake import dialogs
from carecoord.ui.keyboard import tab_leaves
from carecoord.ui.kit.page import Page
from carecoord.ui.kit.table import Column, ColumnTableModel
from carecoord.ui.preferences import ask_open_file, ask_save_file

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200
COORDINATING_DISCIPLINES = (
    Discipline.PAIN_MEDICINE,
    Discipline.ANESTHESIOLOGY,
    Discipline.PHYSICAL_REHABILITATION,
    Discipline.NEUROLOGY_HEADACHE,
    Discipline.INTERNAL_MEDICINE,
)
"""Physician disciplines offered as the coordinating physician on accepting (a choice of
this screen: docs/clinical-reference.md §1 gives every patient one, a physician)."""


def _day(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _priority(row: IntakeRow) -> str:
    text = (row.priority or row.requested_priority).label
    return text if row.priority is not None else text + " (requested)"


def _intake_column(header: str, text: Callable[[IntakeRow], str]) -> Column:
    """Overdue referrals are tinted (every cell), like the worklist's."""
    return Column(header, text, background=lambda r: "danger" if r.overdue else None)


INTAKE_COLUMNS = (
    _intake_column("Received", lambda r: _day(r.received_on)),
    _intake_column("Patient", lambda r: r.patient_name),
    _intake_column("Born", lambda r: _day(r.date_of_birth)),
    _intake_column(
        "Referrer",
        lambda r: r.referrer_name + (f", {r.referrer_practice}" if r.referrer_practice else ""),
    ),
    _intake_column("Priority", _priority),
    _intake_column(
        "Due",
        lambda r: _day(r.first_visit_on or r.due_on) + (" — overdue" if r.overdue else ""),
    ),
    _intake_column("Reason", lambda r: r.reason.splitlines()[0] if r.reason else ""),
)


class IntakeModel(ColumnTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(INTAKE_COLUMNS, parent=parent)

    def row_of(self, index: Index) -> IntakeRow | None:
        found: IntakeRow | None = self.row_at(index.row()) if index.isValid() else None
        return found


class IntakePage(Page):
    """Referrals to the clinic, by state; enter, import, triage and schedule them."""

    object_name = "intakePage"
    accessible_name = "Intake"

    def __init__(self, *, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context=context, parent=parent)
        self.setAcceptDrops(True)
        self.views = list(IntakeList)
        self.current: IntakeDetail | None = None
        self.next_page: IntakeCursor | None = None
        self.ask_acceptance: Callable[[IntakeDetail], dialogs.Acceptance | None] = lambda item: (
            dialogs.ask_acceptance(self, item.requested_priority, self.physicians())
        )
        self.ask_reason: Callable[[str, str], str | None] = lambda title, prompt: (
            dialogs.ask_reason(self, title, prompt)
        )
        self.ask_date: Callable[[str, str], Any] = lambda title, prompt: dialogs.ask_date(
            self, title, prompt
        )
        self.ask_link: Callable[[list[Any]], dialogs.LinkAnswer] = lambda matches: dialogs.ask_link(
            self, matches
        )
        self.choose_file: Callable[[], str | None] = self._choose_file
        self.choose_pdf_path: Callable[[str], str | None] = self._choose_pdf_path
        self.report_problem: Callable[[CareCoordError], None] = lambda error: show_problem(
            self, error, "Intake"
        )
        self._build()
        self.refresh()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        actor = self.context.actor
        may_enter = allowed(actor, Action.ENTER_INTAKE)
        self.new_button = QPushButton("New referral…")
        self.new_button.setObjectName("newIntake")
        self.new_button.setProperty("role", "primary")
        self.new_button.clicked.connect(self.new_referral)
        self.import_button = QPushButton("Import FHIR file…")
        self.import_button.setObjectName("importFhir")
        self.import_button.clicked.connect(self.import_chosen)
        if not may_enter:  # shown now, before they have a parent, they would flash up as windows
            self.new_button.hide()
            self.import_button.hide()
        refresh = QPushButton("Refresh")
        refresh.setObjectName("refreshIntake")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(style.page_title("Intake: referrals to the clinic"), 1)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addWidget(refresh)

        self.message = QLabel()
        self.message.setObjectName("intakeMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        self.tabs = QTabBar()
        self.tabs.setObjectName("intakeViews")
        self.tabs.setExpanding(False)
        for view in self.views:
            self.tabs.addTab(view.label)
        self.tabs.currentChanged.connect(lambda _i: self.load())

        self.model = IntakeModel(self)
        self.table = QTableView()
        self.table.setObjectName("intakeTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        tab_leaves(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        self.more_button = QPushButton("Show more")
        self.more_button.setObjectName("moreIntake")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.more_button)

        self.detail = QLabel()
        self.detail.setObjectName("intakeDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Wrap to the width the splitter gives rather than widen the panel for a long reason.
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.action_buttons: dict[str, QPushButton] = {}
        actions = QWidget()
        flow = FlowLayout(actions)
        for key, label in self._action_labels():
            button = QPushButton(label)
            button.setObjectName(f"intake_{key}")
            button.clicked.connect(lambda _c=False, k=key: self.perform(k))
            button.hide()
            flow.addWidget(button)
            self.action_buttons[key] = button
        right = QWidget()
        right.setMinimumWidth(320)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.triage_hint = style.hint("A physician triages this referral: accept, decline or ask.")
        self.triage_hint.setObjectName("intakeTriageHint")
        self.triage_hint.hide()
        right_layout.addWidget(self.detail)
        right_layout.addWidget(self.triage_hint)
        right_layout.addWidget(actions)
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 420])  # the list first; the details wrap in what is left

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if may_enter:
            layout.addWidget(
                style.hint("Drop a FHIR R4 referral (.json) on this page to import it.")
            )
        layout.addWidget(self.message)
        layout.addWidget(self.tabs)
        layout.addWidget(splitter, 1)

    @staticmethod
    def _action_labels() -> list[tuple[str, str]]:
        labels = {
            Event.ACCEPT: "Accept…",
            Event.DECLINE: "Decline…",
            Event.REQUEST_INFO: "Ask for more information…",
            Event.INFO_RECEIVED: "Information received",
            Event.WAITLIST: "Waitlist",
            Event.BOOK: "Book first visit…",
            Event.SEEN: "Seen…",
            Event.WITHDRAW: "Withdrawn by referrer…",
        }
        return [(e.value, labels[e]) for e in Event] + [
            ("reply", "Reply letter…"),
            ("chart", "Open chart"),
        ]

    # ------------------------------------------------------------------ loading
    def view(self) -> IntakeList:
        return self.views[max(0, self.tabs.currentIndex())]

    def refresh(self) -> None:
        """Counts on the tabs, then the current view from its first page."""
        db, actor = self.context.db, self.context.actor
        try:
            counts = intake_counts(db, actor)
        except CareCoordError as error:
            self.report_problem(error)
            return
        for i, view in enumerate(self.views):
            self.tabs.setTabText(i, f"{view.label} ({count_text(counts[view])})")
        self.load()

    def load(self) -> None:
        try:
            page = intake_page(self.context.db, self.context.actor, self.view(), limit=PAGE_SIZE)
        except CareCoordError as error:
            self.report_problem(error)
            return
        self.model.set_rows(page.rows)
        self.next_page = page.next
        self.more_button.setVisible(page.next is not None)
        if page.rows:
            self.table.selectRow(0)
        self.show_selected()

    def load_more(self) -> None:
        if self.next_page is None:
            return
        page = intake_page(
            self.context.db, self.context.actor, self.view(), after=self.next_page, limit=PAGE_SIZE
        )
        self.model.set_rows(self.model.rows + page.rows)
        self.next_page = page.next
        self.more_button.setVisible(page.next is not None)

    def select(self, intake_id: int) -> bool:
        """Select the row of ``intake_id`` in the current view (False when not in it)."""
        for number, row in enumerate(self.model.rows):
            if row.id == intake_id:
                self.table.selectRow(number)
                self.show_selected()
                return True
        return False

    def show_selected(self) -> None:
        row = self.model.row_of(self.table.currentIndex())
        self.current = None
        if row is not None:
            try:
                self.current = intake.get_intake(self.context.db, self.context.actor, row.id)
            except CareCoordError as error:
                self.report_problem(error)
        self.detail.setText(describe(self.current) if self.current else _EMPTY)
        for key, button in self.action_buttons.items():
            button.setVisible(self.current is not None and self.may(key, self.current))
        self.triage_hint.setVisible(
            self.current is not None
            and Event.ACCEPT in self.current.events
            and not self.may(Event.ACCEPT.value, self.current)
        )

    def may(self, key: str, item: IntakeDetail) -> bool:
        """Whether the step ``key`` is offered for ``item`` to this user."""
        actor = self.context.actor
        if key == "reply":
            return item.has_reply_letter and allowed(actor, Action.PRINT, item.category)
        if key == "chart":
            return item.patient_id is not None
        event = Event(key)
        if event not in item.events:
            return False
        action = Action.TRIAGE_INTAKE if event in TRIAGE_EVENTS else Action.ENTER_INTAKE
        return allowed(actor, action, item.category)

    # ------------------------------------------------------------------ steps
    def physicians(self) -> list[team.MemberView]:
        members = team.list_members(self.context.db, self.context.actor, internal=True)
        return [m for m in members if m.discipline in COORDINATING_DISCIPLINES]

    def perform(self, key: str) -> None:
        """Take one step on the selected referral; its result reloads the page."""
        item = self.current
        if item is None:
            return
        if key == "chart":
            assert item.patient_id is not None
            self.context.navigator.chart_requested.emit(item.patient_id)
            return
        if key == "reply":
            self.save_reply(item)
            return
        try:
            done = self._step(Event(key), item)
        except CareCoordError as error:
            self.report_problem(error)
            return
        if done is not None:
            said = f"{reference_of(done.id)}: {done.state.label.lower()}."
            if done.has_reply_letter and key == Event.DECLINE.value:
                said += " The reply letter to the referrer is kept: Closed tab, Reply letter…"
            self.say(said, "ok")
            if done.patient_id is not None:
                self.context.events.patient_changed.emit(done.patient_id)
            self.refresh()
            self.select(done.id)

    def _step(self, event: Event, item: IntakeDetail) -> IntakeDetail | None:
        db, actor, version = self.context.db, self.context.actor, item.version
        if event is Event.ACCEPT:
            return self.accept(item)
        if event in (Event.DECLINE, Event.REQUEST_INFO, Event.WITHDRAW):
            prompt = {
                Event.DECLINE: "Why the clinic cannot accept it (goes in the reply letter)",
                Event.REQUEST_INFO: "What the referrer should send",
                Event.WITHDRAW: "Who withdrew it and why",
            }[event]
            reason = self.ask_reason(event.label, prompt)
            if reason is None:
                return None
            call = {
                Event.DECLINE: intake.decline_intake,
                Event.REQUEST_INFO: intake.request_information,
                Event.WITHDRAW: intake.withdraw_intake,
            }[event]
            return call(db, actor, item.id, reason, expected_version=version)
        if event in (Event.BOOK, Event.SEEN):
            title = "Book the first visit" if event is Event.BOOK else "Seen"
            day = self.ask_date(title, "First visit on" if event is Event.BOOK else "Seen on")
            if day is None:
                return None
            move = intake.book_first_visit if event is Event.BOOK else intake.mark_seen
            return move(db, actor, item.id, day, expected_version=version)
        simple = {
            Event.INFO_RECEIVED: intake.information_received,
            Event.WAITLIST: intake.waitlist_intake,
        }
        return simple[event](db, actor, item.id, expected_version=version)

    def accept(self, item: IntakeDetail) -> IntakeDetail | None:
        """Accept: priority and physician, then the look-alike question if there is one."""
        answer = self.ask_acceptance(item)
        if answer is None:
            return None
        db, actor = self.context.db, self.context.actor

        def call(**extra: Any) -> IntakeDetail:
            return intake.accept_intake(
                db,
                actor,
                item.id,
                priority=answer.priority,
                coordinating_member_id=answer.coordinating_member_id,
                expected_version=item.version,
                **extra,
            )

        try:
            return call()
        except PatientMatch as match:
            choice = self.ask_link(match.matches)
            if choice == "cancel":
                return None
            return call(confirm_link=choice == "link", register_new=choice == "new")

    def save_reply(self, item: IntakeDetail) -> None:
        path = self.choose_pdf_path(f"{reference_of(item.id)}-reply.pdf")
        if not path:
            return
        try:
            pdf = intake.reply_letter(self.context.db, self.context.actor, item.id)
            Path(path).write_bytes(pdf)
        except CareCoordError as error:
            self.report_problem(error)
            return
        except OSError as error:
            self.say(f"Could not save {path}: {error.strerror or error}", "danger")
            return
        self.say(f"Saved the reply letter as {path}.", "ok")

    def new_referral(self) -> None:
        from carecoord.ui.intake.form import IntakeForm

        form = IntakeForm(context=self.context, parent=self)
        if form.exec() and form.saved is not None:
            self.say(f"Added {reference_of(form.saved.id)}.", "ok")
            self.tabs.setCurrentIndex(0)
            self.refresh()
            self.select(form.saved.id)

    # ------------------------------------------------------------------ import
    def import_chosen(self) -> None:
        path = self.choose_file()
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Import one FHIR file; the outcome (or what is wrong with it) shows on the page."""
        try:
            content = path.read_bytes()
        except OSError as error:
            self.say(f"Could not read {path.name}: {error.strerror or error}", "danger")
            return False
        try:
            added = intake_import.import_bundle(self.context.db, self.context.actor, content)
        except ValidationError as error:
            what = error.message if error.field == "file" else str(error)
            self.say(f"{path.name} {what}. Nothing was imported.", "danger")
            return False
        except CareCoordError as error:
            self.say(f"{path.name}: {error}", "danger")
            return False
        names = "; ".join(f"{reference_of(a.id)} {a.patient_name}" for a in added)
        self.say(f"Imported from {path.name}: {names}.", "ok")
        self.tabs.setCurrentIndex(0)
        self.refresh()
        self.select(added[0].id)
        return True

    @staticmethod
    def _json_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            Path(url.toLocalFile())
            for url in mime.urls()
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".json")
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if allowed(self.context.actor, Action.ENTER_INTAKE) and self._json_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._json_files(event)
        if not files or not allowed(self.context.actor, Action.ENTER_INTAKE):
            event.ignore()
            return
        event.acceptProposedAction()
        for path in files:
            self.import_file(path)

    # ------------------------------------------------------------------ helpers
    def say(self, text: str, meaning: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {style.fg(meaning)};")
        self.message.show()

    def _choose_file(self) -> str | None:
        return ask_open_file(
            self, "intake/importFolder", "Import a FHIR referral", "FHIR JSON (*.json)"
        )

    def _choose_pdf_path(self, suggested: str) -> str | None:
        return ask_save_file(
            self, "intake/replyFolder", "Save the reply letter", suggested, "PDF (*.pdf)"
        )


_EMPTY = "Choose a referral on the left to see it here."


def describe(item: IntakeDetail) -> str:
    """The selected referral as the detail panel shows it (rich text, escaped)."""
    from html import escape

    def line(label: str, value: object) -> str:
        if value in (None, "", ()):
            return ""
        text = escape(str(value)).replace("\n", "<br/>")
        return f"<b>{escape(label)}:</b> {text}<br/>"

    contacts = ", ".join(
        p
        for p in (
            f"phone {item.referrer_phone}" if item.referrer_phone else "",
            f"fax {item.referrer_fax}" if item.referrer_fax else "",
            item.referrer_email or "",
        )
        if p
    )
    priority = item.priority.label if item.priority else "not triaged"
    return (
        f"<h3>{escape(item.patient_name)}</h3>"
        f"<p>{escape(reference_of(item.id))} · {escape(item.state.label)}</p>"
        + line("Born", item.date_of_birth.isoformat())
        + line("Sex", item.sex.label)
        + line("Phone", item.phone)
        + line("Referrer's MRN", item.referrer_mrn)
        + line("Chart", "linked" if item.patient_id else "")
        + "<br/>"
        + line("Referred by", item.referrer_name)
        + line("Practice", item.referrer_practice)
        + line("Contact", contacts)
        + line("Received", item.received_on.isoformat())
        + line("Source", "FHIR import" if item.source == "fhir" else "entered by hand")
        + "<br/>"
        + line("Reason", item.reason)
        + line("Diagnoses", ", ".join(item.diagnosis_codes))
        + line("Requested priority", item.requested_priority.label)
        + line("Triaged priority", priority)
        + line("Due", item.due_on.isoformat() if item.due_on else "")
        + line("First visit", item.first_visit_on.isoformat() if item.first_visit_on else "")
        + line("More information asked", item.info_reason)
        + line("Declined because", item.decline_reason)
        + line("Withdrawn", item.withdrawn_reason)
    )
