"""The chart-tab base: every tab reads through it, shows a refused read, tells the chart."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from carecoord.errors import CareCoordError, ConflictError, ValidationError
from carecoord.services.chart import Chart
from carecoord.ui import forms
from carecoord.ui.chart.assessments_tab import AssessmentsTab
from carecoord.ui.chart.care_team_tab import CareTeamTab
from carecoord.ui.chart.documents_tab import DocumentsTab
from carecoord.ui.chart.headache_tab import HeadacheTab
from carecoord.ui.chart.notes_tab import NotesTab
from carecoord.ui.chart.pain_drawing_tab import PainDrawingTab
from carecoord.ui.chart.referrals_tab import ReferralsTab
from carecoord.ui.chart.results_tab import ResultsTab
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.context import AppContext
from carecoord.ui.forms import FieldErrors
from carecoord.ui.kit.chart_tab import ChartFedTab, ChartTab, EditorTab
from tests.services.helpers import new_patient

TABS = (
    SummaryTab,
    CareTeamTab,
    ReferralsTab,
    DocumentsTab,
    NotesTab,
    AssessmentsTab,
    ResultsTab,
    HeadacheTab,
    PainDrawingTab,
)


@pytest.mark.parametrize("tab_class", TABS, ids=lambda c: c.__name__)
def test_every_tab_is_a_chart_tab(
    qtbot: QtBot, context: AppContext, tab_class: type[ChartTab]
) -> None:
    patient = new_patient(context.db, context.actor)
    tab = tab_class(context=context, patient_id=patient.id)
    qtbot.addWidget(tab)
    tab.refresh()
    assert isinstance(tab, ChartTab)
    assert tab.patient_id == patient.id and tab.objectName().endswith("Tab")


def test_refused_read_is_shown_and_a_change_tells_the_chart(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = new_patient(context.db, context.actor).id
    tab = ResultsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    shown: list[tuple[object, ...]] = []
    tab.show_problem = lambda *args: shown.append(args)

    def refuse() -> int:
        raise CareCoordError("no such chart")

    assert tab.read(refuse) is None
    assert shown and shown[-1][0] is tab and str(shown[-1][1]) == "no such chart"
    assert shown[-1][2] == "Results"  # the tab's own title
    assert tab.read(lambda: 7) == 7
    tab.self_refresh = False
    changed: list[int] = []
    context.events.patient_changed.connect(changed.append)
    with qtbot.waitSignal(tab.changed, timeout=1000):
        tab.saved()
    assert changed == [patient_id]


def test_a_refused_save_is_explained_and_a_conflict_offers_a_reload(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = ResultsTab(context=context, patient_id=new_patient(context.db, context.actor).id)
    qtbot.addWidget(tab)
    shown: list[object] = []
    offered: list[object] = []
    monkeypatch.setattr(forms, "show_problem", lambda _parent, error, *_: shown.append(error))
    monkeypatch.setattr(
        forms, "offer_reload", lambda _parent, error, reload: offered.append((error, reload))
    )

    def refuse(error: CareCoordError) -> Callable[[], int]:
        def work() -> int:
            raise error

        return work

    invalid = ValidationError("dose", "must be positive")
    assert tab.store(refuse(invalid), FieldErrors()) is None  # no such field here: a box
    assert shown == [invalid]
    conflict = ConflictError("result", 1, "Dr Lee", None)
    assert tab.store(refuse(conflict), FieldErrors()) is None
    assert offered == [(conflict, tab.reload)]
    assert tab.store(lambda: 3, FieldErrors()) == 3
    # A change without a form (apply): the same offer on a conflict, other refusals boxed.
    assert tab.apply(lambda: 3)
    assert not tab.apply(refuse(conflict)) and offered[-1] == (conflict, tab.reload)
    refused = CareCoordError("refused")
    assert not tab.apply(refuse(refused), "Results") and shown[-1] is refused


def test_setup_runs_last_with_the_patient_and_names_set(qtbot: QtBot, context: AppContext) -> None:
    seen: list[tuple[int, str]] = []

    class Probe(ChartTab):
        OBJECT_NAME = "probeTab"

        def setup(self) -> None:
            seen.append((self.patient_id, self.objectName()))

    tab = Probe(context=context, patient_id=42)
    qtbot.addWidget(tab)
    assert seen == [(42, "probeTab")]


def test_editor_tab_counts_edits_but_not_its_own_filling(qtbot: QtBot, context: AppContext) -> None:
    class Form(EditorTab):
        def setup(self) -> None:
            self.can_edit = True
            self.save_button = QPushButton()
            self.discard_button = QPushButton()
            self.reads = 0
            self.stored = True

        def reload(self) -> None:
            self.reads += 1

        def save(self) -> bool:
            return self.stored

    tab = Form(context=context, patient_id=1)
    qtbot.addWidget(tab)
    with tab.filling_fields():
        tab.edited()
    assert not tab.dirty and not tab.filling
    tab.refresh()
    assert tab.reads == 1
    tab.edited("typed")
    assert tab.dirty and tab.save_button.isEnabled() and tab.has_unsaved_work()
    tab.refresh()  # unsaved edits are kept
    assert tab.reads == 1
    assert tab.save_unsaved_work()
    tab.set_dirty(False)
    assert not tab.discard_button.isEnabled() and not tab.has_unsaved_work()


def test_chart_fed_tab_reads_the_chart_when_standing_alone(
    qtbot: QtBot, context: AppContext
) -> None:
    patient_id = new_patient(context.db, context.actor).id

    class Fed(ChartFedTab):
        def show_chart(self, chart: Chart) -> None:
            self.chart = chart

    tab = Fed(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.refresh()
    assert tab.chart is not None
