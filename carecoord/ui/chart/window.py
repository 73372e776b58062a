"""One patient's chart in its own window: the header with alerts and the chart's tabs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecoord.errors import CareCoordError, NotFound, PermissionDenied
from carecoord.exchange.fhir_export import to_json
from carecoord.services import referrals
from carecoord.services.chart import Chart, load_chart
from carecoord.services.fhir import export_patient
from carecoord.services.permissions import Action, allowed
from carecoord.services.unit_of_work import new_read_scope
from carecoord.ui import style, unsaved
from carecoord.ui.chart.care_team_tab import CareTeamTab
from carecoord.ui.chart.header import ChartHeader
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.context import AppContext
from carecoord.ui.errors import show_problem
from carecoord.ui.kit.window_layout import set_body
from carecoord.ui.preferences import last_folder, remember_folder, store
from carecoord.ui.screen_fit import remember_geometry, restore_geometry, scroll_when_cramped
from carecoord.ui.worker import in_read_scope


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: str
    # Imports the tab's module when the tab is first shown (keeps the window quick) and
    # names its class in code, so a missing or renamed tab is an ImportError and a mypy
    # error, never a tab that silently disappears.
    factory: Callable[[], type[QWidget]]
    clinical: bool  # replaced by a notice when the role may not read clinical data


def _summary() -> type[QWidget]:
    return SummaryTab


def _care_team() -> type[QWidget]:
    return CareTeamTab


def _referrals() -> type[QWidget]:
    from carecoord.ui.chart.referrals_tab import ReferralsTab

    return ReferralsTab


def _documents() -> type[QWidget]:
    from carecoord.ui.chart.documents_tab import DocumentsTab

    return DocumentsTab


def _assessments() -> type[QWidget]:
    from carecoord.ui.chart.assessments_tab import AssessmentsTab

    return AssessmentsTab


def _plan() -> type[QWidget]:
    from carecoord.ui.chart.plan_tab import PlanTab

    return PlanTab


def _results() -> type[QWidget]:
    from carecoord.ui.chart.results_tab import ResultsTab

    return ResultsTab


def _headache() -> type[QWidget]:
    from carecoord.ui.chart.headache_tab import HeadacheTab

    return HeadacheTab


def _pain_drawing() -> type[QWidget]:
    from carecoord.ui.chart.pain_drawing_tab import PainDrawingTab

    return PainDrawingTab


def _notes() -> type[QWidget]:
    from carecoord.ui.chart.notes_tab import NotesTab

    return NotesTab


TABS = (
    TabSpec("summary", "Summary", _summary, True),
    TabSpec("care_team", "Care team", _care_team, False),
    TabSpec("referrals", "Referrals", _referrals, False),
    TabSpec("documents", "Documents", _documents, False),
    TabSpec("assessments", "Assessments", _assessments, True),
    TabSpec("plan", "Treatment plan", _plan, True),
    TabSpec("results", "Results", _results, True),
    TabSpec("headache", "Headache profile", _headache, True),
    TabSpec("pain_drawing", "Pain drawing", _pain_drawing, True),
    TabSpec("notes", "Psychotherapy notes", _notes, True),
)
SETTINGS_GEOMETRY = "chart/geometry"
SETTINGS_TAB = "chart/lastTab"
FHIR_FOLDER = "chart/fhirFolder"


def tab_class(spec: TabSpec) -> type[QWidget]:
    """The tab's class, its module imported on first use."""
    return spec.factory()


def restricted_notice(spec: TabSpec, context: AppContext) -> QWidget:
    """Shown instead of a clinical tab: the tab stays so everyone sees the same chart layout."""
    page = QWidget()
    page.setObjectName(f"{spec.key}Restricted")
    role = context.actor.role.label.lower()
    article = "an" if role[:1] in "aeiou" else "a"
    title = QLabel(f"{spec.title} is not available for your role")
    title.setObjectName("restrictedNotice")
    title.setAlignment(Qt.AlignmentFlag.AlignCenter)
    title.setStyleSheet("font-size: 16px; font-weight: 600;")
    body = style.hint(
        f"It holds clinical information that {article} {role} account may not read. "
        "Demographics, the care team, referrals and documents are available; ask a "
        "clinician for anything clinical."
    )
    body.setAlignment(Qt.AlignmentFlag.AlignCenter)
    body.setFixedWidth(560)
    body.setMinimumHeight(body.heightForWidth(560))
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(title)
    layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return page


class LazyPage(QWidget):
    """Holds a tab's place in the tab bar; the tab itself is built when first shown."""

    def __init__(self, spec: TabSpec) -> None:
        super().__init__()
        self.spec = spec
        self.setObjectName(f"{spec.key}Page")
        self.content: QWidget | None = None
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)

    def hold(self, widget: QWidget) -> None:
        self.content = widget
        # A tab taller or wider than a small screen scrolls; the window stays on screen.
        holder = scroll_when_cramped(widget)
        self.box.addWidget(holder)
        if self.isVisible():  # show it now, so tabs that load on show do so at once
            holder.show()
            widget.show()


class ChartWindow(QMainWindow):
    """A patient's chart: header (identity and alert chips) above the tabs.

    The chart is read once per change (``services.chart.load_chart``) and handed to the
    header and to the Summary and Care team tabs; the other tabs load their own data. A
    tab is built the first time it is shown (or asked for with :meth:`tab`), so opening
    a chart costs one tab, not eight; built tabs are refreshed when shown after a change.
    """

    def __init__(
        self, *, context: AppContext, patient_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.patient_id = patient_id
        self.setObjectName("chartWindow")
        self.read_scope_key = new_read_scope("chart")  # reads audited once per opening
        with in_read_scope(self):
            self.chart: Chart = load_chart(context.db, context.actor, patient_id)
        self.tab_keys: list[str] = []
        self.stale: set[str] = set()
        self.reported_by: set[QWidget] = set()
        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(0)
        self.reload_timer.timeout.connect(self.reload)
        self.ask_unsaved: unsaved.Ask = unsaved.asker(self)  # Save / Discard / Cancel

        self.header = ChartHeader(context=context, parent=self)
        self.header.edit_requested.connect(self.edit_demographics)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("chartTabs")
        self.tabs.setAccessibleName("Chart sections")
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, LazyPage] = {}
        self._add_tabs()

        set_body(self, QVBoxLayout, self.header, self.tabs)

        close = QAction("Close chart", self)
        close.setObjectName("closeChart")
        # Every binding of the platform's Close: the first alone is Ctrl+F4, not Ctrl+W.
        close.setShortcuts(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        self.addAction(close)

        self.export_fhir_action = QAction("Export FHIR…", self)
        self.export_fhir_action.setObjectName("exportFhir")
        self.export_fhir_action.setToolTip(
            "Save this chart as a FHIR R4 bundle (JSON) for another system; "
            "only what your role may export is included"
        )
        self.export_fhir_action.triggered.connect(self.export_fhir)
        self.export_fhir_action.setVisible(allowed(context.actor.role, Action.EXPORT))
        export_button = QPushButton(self.export_fhir_action.text())
        export_button.setObjectName("exportFhirButton")
        export_button.setToolTip(self.export_fhir_action.toolTip())
        export_button.clicked.connect(self.export_fhir_action.trigger)
        self.header.buttons.insertWidget(self.header.buttons.count() - 1, export_button)
        export_button.setVisible(self.export_fhir_action.isVisible())  # once it has a parent
        self.addAction(self.export_fhir_action)

        self._show(self.chart)
        self._restore_layout()
        self._build_current()
        self.tabs.currentChanged.connect(self._tab_changed)
        context.events.patient_changed.connect(self._patient_changed)
        context.events.referral_changed.connect(self._referral_changed)

    # -------------------------------------------------------------------- tabs
    def _add_tabs(self) -> None:
        restricted = self.chart.clinical_restricted
        for spec in TABS:
            if spec.clinical and restricted:
                self._add(spec, restricted_notice(spec, self.context))
            else:
                page = LazyPage(spec)
                self.pages[spec.key] = page
                self._add(spec, page)

    def _build(self, page: LazyPage) -> QWidget:
        with in_read_scope(self):  # a tab's first read belongs to this opening
            return self._build_tab(page)

    def _build_tab(self, page: LazyPage) -> QWidget:
        """The tab inside ``page``, built now if it is not yet."""
        if page.content is not None:
            return page.content
        spec = page.spec
        widget: QWidget
        if spec.key in ("summary", "care_team"):
            fed = (SummaryTab if spec.key == "summary" else CareTeamTab)(
                context=self.context, patient_id=self.patient_id, parent=page
            )
            fed.self_refresh = False  # fed by this window's chart read
            fed.show_chart(self.chart)
            widget = fed
        else:
            cls = tab_class(spec)
            widget = cls(context=self.context, patient_id=self.patient_id, parent=page)  # type: ignore[call-arg]  # the tabs' agreed constructor
        changed = getattr(widget, "changed", None)
        if changed is not None:
            changed.connect(lambda *_args, w=widget: self._tab_reported(w))
        page.hold(widget)
        return widget

    def _build_current(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, LazyPage):
            self._build(page)

    def _built(self, key: str) -> QWidget | None:
        page = self.pages.get(key)
        return page.content if page is not None else None

    @property
    def summary(self) -> SummaryTab | None:
        """The Summary tab (built on first use); None when the role gets a notice instead."""
        page = self.pages.get("summary")
        built = self._build(page) if page is not None else None
        return built if isinstance(built, SummaryTab) else None

    @property
    def care_team(self) -> CareTeamTab | None:
        """The Care team tab (built on first use)."""
        page = self.pages.get("care_team")
        built = self._build(page) if page is not None else None
        return built if isinstance(built, CareTeamTab) else None

    def _add(self, spec: TabSpec, widget: QWidget) -> None:
        self.tabs.addTab(widget, spec.title)
        self.tab_keys.append(spec.key)

    def tab(self, key: str) -> QWidget | None:
        """The widget of tab ``key``, built if need be (None when that tab is not shown)."""
        if key not in self.tab_keys:
            return None
        page = self.tabs.widget(self.tab_keys.index(key))
        return self._build(page) if isinstance(page, LazyPage) else page

    def show_tab(self, key: str) -> bool:
        if key not in self.tab_keys:
            return False
        self.tabs.setCurrentIndex(self.tab_keys.index(key))
        self._build_current()
        return True

    # ------------------------------------------------------------------ reload
    def _tab_reported(self, widget: QWidget) -> None:
        self.reported_by.add(widget)
        self.schedule_reload()

    def _patient_changed(self, patient_id: int) -> None:
        if patient_id == self.patient_id:
            self.schedule_reload()

    def _referral_changed(self, referral_id: int) -> None:
        if any(r.id == referral_id for r in self.chart.referrals):
            self.schedule_reload()
            return
        try:  # a referral this chart has not seen yet: is it this patient's?
            view = referrals.get_referral(self.context.db, self.context.actor, referral_id)
        except (NotFound, PermissionDenied):
            return  # deleted meanwhile or not readable: nothing to show here either way
        if view.patient_id == self.patient_id:
            self.schedule_reload()

    def schedule_reload(self) -> None:
        """Coalesce the signals of one change (a tab's ``changed`` plus the app-wide event)."""
        self.reload_timer.start()

    def reload(self) -> None:
        """Read the chart again; refresh the visible tab now and the others when shown."""
        self.reload_timer.stop()
        try:
            with in_read_scope(self):
                chart = load_chart(self.context.db, self.context.actor, self.patient_id)
        except NotFound:
            self.close()
            return
        except CareCoordError as error:
            show_problem(self, error, "Chart")
            return
        self.chart = chart
        self._show(chart)
        reported, self.reported_by = self.reported_by, set()
        for key, page in self.pages.items():  # tabs not built yet will read fresh data
            widget = page.content
            if widget is None or key in ("summary", "care_team") or widget in reported:
                continue
            if callable(getattr(widget, "refresh", None)):
                self.stale.add(key)
        self._refresh_current()

    def _show(self, chart: Chart) -> None:
        patient = chart.patient
        demo = " (DEMO)" if self.context.demo else ""
        self.setWindowTitle(
            f"{patient.family_name}, {patient.given_name} — MRN {patient.mrn} — CareCoord{demo}"
        )
        self.header.show_chart(chart)
        for key in ("summary", "care_team"):
            fed = self._built(key)
            if isinstance(fed, SummaryTab | CareTeamTab):
                fed.show_chart(chart)

    def _refresh_current(self) -> None:
        index = self.tabs.currentIndex()
        if index < 0:
            return
        key = self.tab_keys[index]
        if key in self.stale:
            self.stale.discard(key)
            refresh = getattr(self._built(key), "refresh", None)
            if callable(refresh):
                with in_read_scope(self):
                    refresh()

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(self.tab_keys):
            store().setValue(SETTINGS_TAB, self.tab_keys[index])
        self._build_current()
        self._refresh_current()

    # ----------------------------------------------------------------- actions
    def edit_demographics(self) -> QWidget:
        from carecoord.ui.openers import PatientForm

        form = PatientForm(context=self.context, patient_id=self.patient_id, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()
        return form

    def choose_fhir_path(self) -> str | None:
        """Ask where to save the bundle (a Qt dialog, so it behaves alike everywhere and a
        test can answer it), starting in the folder used last time."""
        folder = last_folder(FHIR_FOLDER)
        name = f"patient-{self.chart.patient.mrn}-fhir.json"
        dialog = QFileDialog(self, "Export FHIR bundle", folder, "FHIR JSON (*.json)")
        dialog.setObjectName("fhirSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDefaultSuffix("json")
        dialog.selectFile(name)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        path = dialog.selectedFiles()[0]
        remember_folder(FHIR_FOLDER, path)
        return path

    def export_fhir(self) -> str | None:
        """Export the chart as FHIR R4 (what the role may export, audited) to a chosen file;
        returns the path written, None when cancelled or refused."""
        from carecoord.ui.pdf_preview import write_atomically  # loads QtPdf: only when used

        path = self.choose_fhir_path()
        if not path:
            return None
        try:
            bundle = export_patient(self.context.db, self.context.actor, self.patient_id)
            write_atomically(path, to_json(bundle))
        except CareCoordError as error:
            show_problem(self, error, "Export FHIR")
            return None
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"The file could not be written: {error}")
            return None
        return path

    # ------------------------------------------------------------- persistence
    def _restore_layout(self) -> None:
        restore_geometry(self, SETTINGS_GEOMETRY, 1180, 820, maximise=True)
        last = store().value(SETTINGS_TAB, "summary")
        if isinstance(last, str):
            self.show_tab(last)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Unsaved work in a tab or an open dialog of this chart is asked about first."""
        if not unsaved.settle([self], self.ask_unsaved):
            event.ignore()
            return
        remember_geometry(self, SETTINGS_GEOMETRY)
        super().closeEvent(event)
