"""The chart's Psychotherapy notes tab: the signed-in author's own notes, and no one else's.

Notes load when the tab is first shown (each listing is an audited read of psychotherapy
notes), not when the chart opens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError
from carecoord.services import notes
from carecoord.services.notes import NoteView
from carecoord.services.permissions import may_write_psychotherapy_notes
from carecoord.ui.context import ChartScope
from carecoord.ui.kit.chart_tab import ChartTab
from carecoord.ui.kit.dialog_buttons import accept_cancel_buttons
from carecoord.ui.kit.service_form import ServiceFormDialog
from carecoord.ui.style import bg, fg, hint, named

PRIVACY_STATEMENT = (
    "Psychotherapy notes are visible only to their author. They are kept apart from the "
    "chart and never appear in letters, exports or search."
)
IdRole = Qt.ItemDataRole.UserRole + 1


def when(note: NoteView) -> str:
    return note.written_at.astimezone().strftime("%Y-%m-%d %H:%M")


def first_line(text: str, width: int = 70) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class NoteDialog(ServiceFormDialog):
    """Write a new note, or amend one's own; ``saved`` holds the stored note."""

    NAME = "noteDialog"
    GEOMETRY_KEY = "notes/dialogGeometry"

    def __init__(
        self, *, chart: ChartScope, note: NoteView | None = None, parent: QWidget | None = None
    ) -> None:
        title = "New psychotherapy note" if note is None else "Amend note"
        super().__init__(context=chart.context, title=title, parent=parent)
        self.patient_id = chart.patient_id
        self.note = note
        self.saved: NoteView | None = None
        statement = hint(PRIVACY_STATEMENT)
        self.text = QPlainTextEdit(note.text if note else "")
        self.text.setObjectName("noteText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Session observations, process, hypotheses…")
        self.text.setMinimumHeight(260)
        form = QFormLayout()
        self.errors.add_row(form, "Note*:", "text", self.text)
        buttons = accept_cancel_buttons(
            self, self.save, names=("noteSave", "noteCancel"), text="Save note"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(statement)
        layout.addLayout(form, 1)
        layout.addWidget(buttons)
        self.restore_geometry(640, 440)

    def has_unsaved_work(self) -> bool:
        """Typed text not stored yet (the chart asks before it closes; ui/unsaved.py)."""
        stored = self.note.text if self.note is not None else ""
        typed = self.text.toPlainText().strip()
        return self.isVisible() and self.saved is None and typed != stored.strip()

    def save_unsaved_work(self) -> bool:
        return self.save()

    def save(self) -> bool:
        """Store through the service; True (and accepted) when it worked."""
        return self.save_and_accept(self._store, "Psychotherapy note", reload=self.reload)

    def _store(self) -> None:
        """The service call of :meth:`save`: a new note, or the amended one."""
        db, actor, text = self.context.db, self.context.actor, self.text.toPlainText()
        if self.note is None:
            self.saved = notes.create_note(db, actor, self.patient_id, text)
        else:
            self.saved = notes.update_note(
                db, actor, self.note.id, text, expected_version=self.note.version
            )

    def reload(self) -> None:
        if self.note is not None:
            self.note = notes.get_note(self.context.db, self.context.actor, self.note.id)
            self.text.setPlainText(self.note.text)


class NotesTab(ChartTab):
    """The signed-in author's psychotherapy notes on this patient, newest first.

    Roles that cannot keep such notes see why instead of a list.

    Signals:
        changed(): a note was written or amended (the chart reloads; notes never show
            anywhere else in it).
    """

    OBJECT_NAME = "notesTab"

    def setup(self) -> None:
        self.notes: list[NoteView] = []
        self.loaded = False
        self.can_write = may_write_psychotherapy_notes(self.context.actor)

        statement = QLabel(PRIVACY_STATEMENT)
        statement.setObjectName("notesPrivacyStatement")
        statement.setWordWrap(True)
        statement.setStyleSheet(
            f"background: {bg('info')}; color: {fg('info')}; padding: 8px; "
            "border-radius: 4px; font-weight: 600;"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(statement)

        self.summary = QLabel()
        self.summary.setObjectName("notesSummary")
        self.new_button = QPushButton("New note…")
        self.new_button.setObjectName("newNote")
        self.new_button.setAccessibleName("New psychotherapy note")
        self.new_button.setProperty("role", "primary")
        self.new_button.clicked.connect(lambda *_: self.new_note())
        self.edit_button = QPushButton("Amend…")
        self.edit_button.setObjectName("amendNote")
        self.edit_button.setAccessibleName("Amend the selected note")
        self.edit_button.clicked.connect(lambda *_: self.amend_selected())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.new_button)

        self.list = QListWidget()
        self.list.setObjectName("notesList")
        self.list.setAccessibleName("Your psychotherapy notes")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSpacing(3)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemActivated.connect(lambda *_: self.amend_selected())
        self.viewer = named(QPlainTextEdit(), "noteViewer", "Selected note")
        self.viewer.setReadOnly(True)
        self.viewer_title = named(QLabel(), "noteViewerTitle")
        self.viewer_title.setStyleSheet("font-weight: 600;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.viewer_title)
        right_layout.addWidget(self.viewer, 1)
        self.splitter = QSplitter()
        self.splitter.setObjectName("notesSplitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setSizes([320, 600])
        self.empty = hint("You have no psychotherapy notes on this patient. Use “New note…”.")
        self.empty.setObjectName("noNotes")

        if self.can_write:
            layout.addLayout(top)
            layout.addWidget(self.empty)
            layout.addWidget(self.splitter, 1)
        else:
            role = self.context.actor.role.label.lower()
            article = "an" if role[:1] in "aeiou" else "a"
            refusal = hint(
                f"{article.capitalize()} {role} account does not keep psychotherapy notes. "
                "Physicians and clinicians write them here, and each sees only their own."
            )
            refusal.setObjectName("notesNotForRole")
            layout.addWidget(refusal)
            layout.addStretch(1)
            for widget in (self.summary, self.new_button, self.edit_button, self.list):
                widget.hide()
        self._update_actions()

    # ------------------------------------------------------------------ data
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> None:
        """Read the author's notes again (an audited read)."""
        if not self.can_write:
            return
        self.loaded = True
        current = self.selected()
        try:
            self.notes = notes.list_notes(self.context.db, self.context.actor, self.patient_id)
        except CareCoordError as error:
            self.problem(error, "Psychotherapy notes")
            return
        self.list.clear()
        for note in self.notes:
            item = QListWidgetItem(f"{when(note)}\n{first_line(note.text, 48)}")
            item.setToolTip(first_line(note.text, 200))
            item.setData(IdRole, note.id)
            self.list.addItem(item)
        count = len(self.notes)
        self.summary.setText(f"{count} note{'s' if count != 1 else ''} by you")
        self.empty.setVisible(count == 0)
        self.splitter.setVisible(count > 0)
        self.select(current.id if current else (self.notes[0].id if self.notes else None))
        self._update_actions()

    def selected(self) -> NoteView | None:
        item = self.list.currentItem()
        if item is None:
            return None
        note_id = item.data(IdRole)
        return next((n for n in self.notes if n.id == note_id), None)

    def select(self, note_id: int | None) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(IdRole) == note_id:
                self.list.setCurrentRow(row)
                return

    def _show_selected(self) -> None:
        note = self.selected()
        if note is None:
            self.viewer_title.clear()
            self.viewer.clear()
        else:
            amended = f" · amended (version {note.version})" if note.version > 1 else ""
            self.viewer_title.setText(f"{when(note)} · {note.author_name}{amended}")
            self.viewer.setPlainText(note.text)
        self._update_actions()

    def _update_actions(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    # --------------------------------------------------------------- actions
    def note_dialog(self, note: NoteView | None = None) -> NoteDialog:
        """The new/amend dialog (tests fill and save it without running it modally)."""
        return NoteDialog(chart=self.chart_scope, note=note, parent=self)

    def new_note(self) -> None:
        dialog = self.note_dialog()
        if dialog.exec() and dialog.saved is not None:
            self.note_saved(dialog.saved)

    def amend_selected(self) -> None:
        note = self.selected()
        if note is None:
            return
        dialog = self.note_dialog(note)
        if dialog.exec() and dialog.saved is not None:
            self.note_saved(dialog.saved)

    def note_saved(self, note: NoteView) -> None:
        """Show the stored note selected and tell the chart."""
        self.refresh()
        self.select(note.id)
        self.changed.emit()
