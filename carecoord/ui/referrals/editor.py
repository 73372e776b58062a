"""The referral editor window: the request, its authorisation, the workflow buttons and the
history, put together from the parts in the ``editor_*`` modules. The window saves, runs
workflow actions and keeps itself current when another screen changes the referral."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord.clinical.vocabulary import ReferralState
from carecoord.errors import CareCoordError, ValidationError
from carecoord.services import patients, referrals
from carecoord.services.permissions import Action, allowed
from carecoord.services.referral_views import (
    AUTHORISE,
    EDIT,
    ENTERED_IN_ERROR,
    FILE_REPORT,
    AuthorizationInput,
    ReferralInput,
    ReferralView,
)
from carecoord.ui import unsaved
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.forms import FieldErrors, service_result
from carecoord.ui.keyboard import close_shortcut
from carecoord.ui.kit.referral_actions import ReferralActions
from carecoord.ui.preferences import store
from carecoord.ui.referrals.editor_authorization import AuthorizationForm
from carecoord.ui.referrals.editor_history import HistoryPanel, local_time
from carecoord.ui.referrals.editor_letters import LetterTools
from carecoord.ui.referrals.editor_prompts import EditorPrompts
from carecoord.ui.referrals.editor_request import RESTRICTED_TEXT, RequestForm
from carecoord.ui.referrals.editor_status import StatusPanel
from carecoord.ui.referrals.editor_widgets import SaveBar
from carecoord.ui.screen_fit import remember_geometry, restore_geometry

__all__ = ["RESTRICTED_TEXT", "ReferralEditor"]

S = ReferralState
HISTORY_TAB = 2


class TabbedFieldErrors(FieldErrors):
    """The editor's fields spread over tabs: the tab holding the first error comes forward."""

    tabs: QTabWidget | None = None

    def show(self, error: ValidationError) -> bool:
        shown = super().show(error)
        widget = self.widgets.get(error.field) or self._widget_for(error.field)
        if shown and widget is not None and self.tabs is not None:
            for index in range(self.tabs.count()):
                tab = self.tabs.widget(index)
                if tab is not None and tab.isAncestorOf(widget):
                    self.tabs.setCurrentIndex(index)
        return shown


class ReferralEditor(QDialog):
    """One referral: a new one for a patient, or an existing one with its workflow.

    The workflow buttons are exactly the transitions the service allows from the current
    state (``ReferralView.allowed_actions``) and run through the shared
    :class:`ReferralActions` controller. A role that may handle logistics but not read the
    clinical content (front desk on a psychiatric referral) sees the logistics only.

    Its parts: :attr:`status` (title, chips, workflow buttons), :attr:`request`,
    :attr:`authorization` and :attr:`history` (the tabs), :attr:`letter_tools` (letter and
    calendar) and :attr:`save_bar`. The small prompts are attributes of :attr:`prompts`, and
    ``confirm_discard`` and ``ask_unsaved`` of the window, so tests and scripts can answer
    them.

    Signals:
        saved(int): the referral id after any change was stored.

    Raises:
        NotFound, PermissionDenied: from the service when the referral or patient cannot be read.
    """

    saved = Signal(int)

    def __init__(
        self,
        *,
        context: AppContext,
        referral_id: int | None = None,
        patient_id: int | None = None,
        discipline: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        close_shortcut(self)  # Ctrl+W, as in a chart
        if referral_id is None and patient_id is None:
            raise ValueError("a referral editor needs a referral or a patient")
        self.context = context
        self.view: ReferralView | None = None
        self.patient_id = patient_id
        # Closing with unsaved edits: Save / Discard / Cancel (ui/unsaved.py); True = close.
        self.ask_unsaved: unsaved.Ask = unsaved.asker(self)
        self.confirm_discard: Callable[[], bool] = lambda: unsaved.settle([self], self.ask_unsaved)
        self._loaded_request: ReferralInput | None = None
        self._loaded_authorization: AuthorizationInput | None = None
        self._announcing = False
        self.referral_actions = ReferralActions(context=context, parent=self)
        self.referral_actions.reload = self.reload
        self.prompts = EditorPrompts(context=context, parent=self, actions=self.referral_actions)

        self.setObjectName("referralEditor")
        self.setWindowTitle("Referral")
        self.setSizeGripEnabled(True)
        self.errors = TabbedFieldErrors()
        self._build()
        self.errors.tabs = self.tabs
        if referral_id is not None:
            self._show(referrals.get_referral(context.db, context.actor, referral_id))
        else:
            assert patient_id is not None
            self._show_new(patient_id, discipline)
        context.events.referral_changed.connect(self._changed_elsewhere)
        self._restore()

    # ------------------------------------------------------------------- layout
    def _build(self) -> None:
        context = self.context
        self.letter_tools = LetterTools(context=context, parent=self, save_first=self._saved)
        self.status = StatusPanel(tools=self.letter_tools.buttons())
        self.request = RequestForm(
            context=context, errors=self.errors, can_edit=self._can_edit_request
        )
        self.authorization = AuthorizationForm(
            errors=self.errors, can_edit=self._can_edit_authorization
        )
        self.history = HistoryPanel(
            context=context,
            add_note=self.add_note,
            mark_entered_in_error=lambda: self.run_action(ENTERED_IN_ERROR),
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("referralTabs")
        self.tabs.setAccessibleName("Referral sections")
        self.tabs.addTab(self.request, "Request")
        self.tabs.addTab(self.authorization, "Authorisation")
        self.tabs.addTab(self.history, "History")

        self.save_bar = SaveBar(save=self.save, close=self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_bar)

    # ----------------------------------------------------------------- filling
    def _show_new(self, patient_id: int, discipline: str) -> None:
        patient = patients.get_patient(self.context.db, self.context.actor, patient_id)
        self.setWindowTitle(f"New referral — {patient.family_name}, {patient.given_name}")
        self.status.show_new(patient)
        self.request.show_new(discipline)
        self.authorization.show_authorization(
            AuthorizationInput(payer=patient.insurance_payer, member_id=patient.insurance_member_id)
        )
        self.history.show_view(None)
        self._loaded_request = None
        self._loaded_authorization = self.authorization.authorization_input()
        self._apply_permissions()
        self.tabs.setTabEnabled(HISTORY_TAB, False)
        self.save_bar.footer.setText("")

    def _show(self, view: ReferralView) -> None:
        """Fill every part of the editor from the service's view."""
        self.view = view
        self.patient_id = view.patient_id
        self.setWindowTitle(f"Referral — {view.patient_name} — {view.discipline.label}")
        self.status.show_view(view, self.referral_actions.buttons_for(view, self.run_action))
        self.request.show_view(view)
        self.authorization.show_authorization(view.authorization)
        self.authorization.show_warnings(view)
        self.history.show_view(view)
        self.tabs.setTabEnabled(HISTORY_TAB, True)
        self.tabs.setTabText(HISTORY_TAB, f"History ({len(view.events)})")
        self.save_bar.footer.setText(
            f"Last changed by {view.updated_by or 'unknown'} at {local_time(view.updated_at)}"
        )
        self._loaded_request = self._request_input() if self._can_edit_request() else None
        self._loaded_authorization = self.authorization.authorization_input()
        self._apply_permissions()
        self.errors.clear()

    # ----------------------------------------------------------- permissions
    def _can_edit_request(self) -> bool:
        view = self.view
        if view is None:
            category = self.request.chosen_category()
            return allowed(self.context.actor.role, Action.EDIT_CLINICAL, category)
        return not view.restricted and view.may(EDIT)

    def _can_edit_authorization(self) -> bool:
        view = self.view
        if view is None:
            return self._can_edit_request()
        return view.may(AUTHORISE)

    def _apply_permissions(self) -> None:
        request = self._can_edit_request()
        authorization = self._can_edit_authorization()
        drafting = self.view is None or self.view.state == S.DRAFT
        self.request.set_editable(request, drafting=drafting)
        self.request.refresh_priority_reason()
        self.authorization.set_editable(authorization)
        self.letter_tools.show_view(self.view)
        self.save_bar.save_button.setVisible(request or authorization)

    # ------------------------------------------------------------------ input
    def _request_input(self) -> ReferralInput:
        assert self.patient_id is not None
        referring = self.view.referring_member_id if self.view else None
        return self.request.request_input(self.patient_id, referring)

    def _request_changed(self) -> bool:
        return self._can_edit_request() and self._request_input() != self._loaded_request

    def _authorization_changed(self) -> bool:
        changed = self.authorization.authorization_input() != self._loaded_authorization
        return self._can_edit_authorization() and changed

    def is_dirty(self) -> bool:
        """Whether the form holds edits that are not saved yet."""
        if self.view is None:
            return self.request.has_text()
        return self._request_changed() or self._authorization_changed()

    # ------------------------------------------------------------------ actions
    def _guarded(
        self, action: Callable[[], ReferralView], failure_title: str
    ) -> ReferralView | None:
        """Run a service call; show its refusal (beside the field, as a conflict to reload,
        or in a message offering Retry when it was temporary) and return None instead of
        raising."""
        return service_result(
            self, self.errors, action, failure_title, reload=self.reload, retry=True
        )

    def save(self) -> bool:
        """Store the request and the authorisation; True when everything was saved."""
        self.errors.clear()
        db, actor = self.context.db, self.context.actor

        def store() -> ReferralView:
            authorization = self.authorization.authorization_input()
            if self.view is None:
                return referrals.create_referral(db, actor, self._request_input(), authorization)
            view = self.view
            if self._request_changed():
                view = referrals.update_referral(
                    db, actor, view.id, self._request_input(), expected_version=view.version
                )
                # Keep later steps on the fresh version even if the next one fails.
                self.view = view
            if self._authorization_changed():
                view = referrals.update_authorization(
                    db, actor, view.id, authorization, expected_version=view.version
                )
            return view

        view = self._guarded(store, "Referral not saved")
        if view is None:
            return False
        self._show(view)
        self._announce(view)
        return True

    def _saved(self) -> bool:
        """True when nothing is pending, or saving what is pending worked."""
        return not self.is_dirty() or self.save()

    def move_to(self, target: ReferralState) -> bool:
        """Take the referral to ``target`` (the matching action; see :meth:`run_action`)."""
        view = self.view
        if view is None:
            return False
        if target == S.REPORT_RECEIVED:
            return self.run_action(FILE_REPORT)
        event = referrals.event_for(view.state, view.held_from, target)
        return self.run_action(event.value)

    def run_action(self, key: str) -> bool:
        """Run one workflow action through the shared controller (saving edits first).

        Returns:
            True when the referral changed; False when the person cancelled or it failed.
        """
        view = self.view
        if view is None or not view.may(key) or not self._saved():
            return False
        view = self.view
        assert view is not None
        self._announcing = True
        try:
            moved = self.referral_actions.run(view, key)
        finally:
            self._announcing = False
        if moved is None:
            return False
        self._show(moved)
        self.saved.emit(moved.id)
        return True

    def add_note(self) -> None:
        """Record a note in the history (a call chasing the report, say)."""
        view = self.view
        if view is None:
            return
        note = self.prompts.ask_reason("Add note", "Note for the referral's history:")
        if not note:
            return
        try:
            updated = referrals.add_note(self.context.db, self.context.actor, view.id, note)
        except CareCoordError as error:
            show_problem(self, error, "Note not added")
            return
        self._show(updated)
        self._announce(updated)

    def reload(self) -> None:
        """Read the referral again (after someone else changed it)."""
        if self.view is None:
            return
        try:
            view = referrals.get_referral(self.context.db, self.context.actor, self.view.id)
        except CareCoordError as error:
            show_problem(self, error)
            return
        self._show(view)

    def _announce(self, view: ReferralView) -> None:
        self._announcing = True
        try:
            self.saved.emit(view.id)
            self.context.events.referral_changed.emit(view.id)
            self.context.events.patient_changed.emit(view.patient_id)
        finally:
            self._announcing = False

    def _changed_elsewhere(self, referral_id: int) -> None:
        """Another screen (the worklist, a report drop) moved this referral: show it, unless
        the person has unsaved edits here (saving will then offer the reload)."""
        if self._announcing or self.view is None or referral_id != self.view.id:
            return
        if not self.is_dirty():
            self.reload()

    # ------------------------------------------------------------ window state
    def _restore(self) -> None:
        restore_geometry(self, "referralEditor/geometry", 1000, 660)
        tab = store().value("referralEditor/tab", 0)
        index = int(tab) if isinstance(tab, int | str) and str(tab).isdigit() else 0
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    def _remember(self) -> None:
        remember_geometry(self, "referralEditor/geometry")
        store().setValue("referralEditor/tab", self.tabs.currentIndex())

    def has_unsaved_work(self) -> bool:
        return self.is_dirty()

    def save_unsaved_work(self) -> bool:
        return self.save()

    def reject(self) -> None:
        if self.is_dirty() and not self.property(unsaved.SETTLED) and not self.confirm_discard():
            return
        self._remember()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember()
        super().closeEvent(event)
