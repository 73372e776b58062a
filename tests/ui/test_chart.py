"""The chart window: header alerts, Summary (diagnoses, medications, allergies), Care team."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from carecoord.clinical.vocabulary import CareTeamRole, UserRole
from carecoord.db import Database
from carecoord.services import chart as chart_service
from carecoord.services import patients, record, team
from carecoord.services.record import MedicationInput
from carecoord.ui.chart import window as window_module
from carecoord.ui.chart.care_team_tab import AssignMemberDialog, CareTeamTab
from carecoord.ui.chart.icd_picker import IcdPicker, code_set_loader
from carecoord.ui.chart.medication_dialogs import MedicationDialog, StopMedicationDialog
from carecoord.ui.chart.summary_tab import SummaryTab
from carecoord.ui.chart.window import TABS, ChartWindow, TabSpec, tab_class
from carecoord.ui.context import AppContext
from tests.conftest import make_actor
from tests.services.helpers import new_member, new_patient, new_referral
from tests.ui.conftest import save_screenshot


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path) -> None:
    """Remembered layouts go to a temporary place, never the developer's own settings."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture
def patient_id(context: AppContext) -> int:
    return new_patient(context.db, context.actor).id


def open_window(qtbot: QtBot, context: AppContext, patient_id: int) -> ChartWindow:
    window = ChartWindow(context=context, patient_id=patient_id)
    qtbot.addWidget(window)
    window.show()
    return window


def tab_titles(window: ChartWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def distinct_colours(path: Path) -> int:
    image = QImage(str(path))
    assert not image.isNull()
    return len(
        {image.pixel(x, y) for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)}
    )


def wait_for_code_set(qtbot: QtBot, picker: IcdPicker) -> None:
    qtbot.waitUntil(lambda: picker.loader.is_ready and picker.results.count() > 0, timeout=30000)


def busiest_demo_patient(context: AppContext) -> int:
    """The demo patient with the most to show: alerts (MME first), suggestions, opioids."""
    found = patients.search_patients(context.db, context.actor, "", limit=60)
    best, most = found[0].id, -1
    for p in found:
        chart = chart_service.load_chart(context.db, context.actor, p.id)
        score = (
            len(chart.alerts)
            + 2 * len(chart.suggestions)
            + 3 * any(a.code.startswith("mme") for a in chart.alerts)
            + len(chart.medications)
        )
        if score > most:
            best, most = p.id, score
    return best


# ---------------------------------------------------------------------- the window
def test_demo_chart_shows_header_alerts_and_tabs(qtbot: QtBot, demo_context: AppContext) -> None:
    pid = busiest_demo_patient(demo_context)
    window = open_window(qtbot, demo_context, pid)
    window.resize(1200, 840)
    chart = window.chart
    assert chart.alerts, "the busiest demo patient has alerts"
    texts = window.header.alert_texts()
    for alert in chart.alerts:
        assert alert.text in texts
    assert window.header.findChild(QLabel, f"alert_{chart.alerts[0].code}") is not None
    p = chart.patient
    assert window.windowTitle() == (
        f"{p.family_name}, {p.given_name} — MRN {p.mrn} — CareCoord (DEMO)"
    )
    assert f"MRN {p.mrn}" in window.header.facts.text()
    titles = tab_titles(window)
    order = [spec.title for spec in TABS]
    assert titles[:2] == ["Summary", "Care team"]
    assert titles == [t for t in order if t in titles]  # the agreed order, missing ones skipped
    assert window.tabs.objectName() == "chartTabs"

    window.show_tab("summary")
    path = save_screenshot(window, "chart_summary")
    assert distinct_colours(path) > 40
    window.show_tab("care_team")
    path = save_screenshot(window, "chart_care_team")
    assert distinct_colours(path) > 40


def test_every_tab_spec_resolves_to_a_widget_class() -> None:
    """Each tab is named in code (an import inside its factory): a missing module fails
    here and in mypy instead of the tab silently disappearing from the chart."""
    assert len({spec.key for spec in TABS}) == len(TABS)
    for spec in TABS:
        cls = tab_class(spec)
        assert isinstance(cls, type) and issubclass(cls, QWidget), spec.key
        assert cls.__module__.startswith("carecoord.ui.chart."), spec.key


def test_a_tab_whose_module_is_missing_is_an_error_not_a_missing_tab() -> None:
    def gone() -> type[QWidget]:
        from carecoord.ui.chart.no_such_tab import NoSuchTab  # type: ignore[import-not-found,import-untyped,unused-ignore]

        return NoSuchTab  # type: ignore[no-any-return,unused-ignore]

    with pytest.raises(ModuleNotFoundError):
        tab_class(TabSpec("nothing", "Nothing", gone, False))


def test_window_remembers_last_tab_and_closes_with_shortcut(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    window = open_window(qtbot, context, patient_id)
    assert window.show_tab("care_team")
    window.close()
    again = open_window(qtbot, context, patient_id)
    assert tab_titles(again)[again.tabs.currentIndex()] == "Care team"
    close = again.findChild(QAction, "closeChart")
    assert close is not None
    assert close.shortcut() == QKeySequence(QKeySequence.StandardKey.Close)
    close.trigger()
    assert not again.isVisible()


# -------------------------------------------------------------------- summary tab
def test_add_diagnosis_through_the_picker(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    window = open_window(qtbot, context, patient_id)
    summary = window.summary
    assert summary is not None
    qtbot.mouseClick(summary.add_diagnosis_button, Qt.MouseButton.LeftButton)
    picker = summary.findChild(IcdPicker)
    assert picker is not None and picker.isVisible()
    wait_for_code_set(qtbot, picker)
    assert picker.results.item(0).text().startswith("G89.29 — ")  # common pain codes first
    qtbot.keyClicks(picker.search, "chronic pain syn")
    qtbot.waitUntil(lambda: picker.results.count() > 0 and "G89.4" in picker.results.item(0).text())
    picker.onset_edit.setDate(picker.onset_edit.date().currentDate().addYears(-2))
    qtbot.mouseClick(picker.ok_button, Qt.MouseButton.LeftButton)
    assert picker.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: summary.diagnoses.rowCount() == 1)
    assert summary.diagnoses.data(summary.diagnoses.index(0, 0)) == "G89.4"
    assert summary.diagnoses.data(summary.diagnoses.index(0, 1)) == "Chronic pain syndrome"

    # the same code again is refused beside the list, and the picker stays open
    qtbot.mouseClick(summary.add_diagnosis_button, Qt.MouseButton.LeftButton)
    second = [p for p in summary.findChildren(IcdPicker) if p.isVisible()][-1]
    wait_for_code_set(qtbot, second)
    assert second.select_code("G89.4")
    qtbot.mouseClick(second.ok_button, Qt.MouseButton.LeftButton)
    error = second.findChild(QLabel, "codeError")
    assert error is not None and error.isVisible() and "already" in error.text()
    second.reject()

    # resolve it
    summary.diagnosis_table.selectRow(0)
    assert summary.toggle_diagnosis_button.text() == "Resolve"
    qtbot.mouseClick(summary.toggle_diagnosis_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: summary.diagnoses.data(summary.diagnoses.index(0, 3)) == "resolved")


def test_icd_picker_screenshot(qtbot: QtBot) -> None:
    picker = IcdPicker()
    qtbot.addWidget(picker)
    picker.show()
    if not code_set_loader().is_ready:
        assert picker.status.text() == "Loading code set…"
    wait_for_code_set(qtbot, picker)
    qtbot.keyClicks(picker.search, "migraine")
    qtbot.waitUntil(lambda: "billable codes" in picker.status.text())
    path = save_screenshot(picker, "icd_picker")
    assert distinct_colours(path) > 20


def add_medication(
    qtbot: QtBot, summary: SummaryTab, drug: str, dose: str, frequency: str
) -> MedicationDialog:
    qtbot.mouseClick(summary.add_medication_button, Qt.MouseButton.LeftButton)
    dialog = [d for d in summary.findChildren(MedicationDialog) if d.isVisible()][-1]
    qtbot.keyClicks(dialog.drug, drug)
    qtbot.keyClicks(dialog.dose, dose)
    dialog.frequency.setCurrentIndex(dialog.frequency.findData(frequency))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return dialog


def test_medications_change_the_mme_total(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    window = open_window(qtbot, context, patient_id)
    summary = window.summary
    assert summary is not None
    assert "No current opioids" in summary.mme_total.text()

    first = add_medication(qtbot, summary, "oxycodone", "10", "bid")
    assert first.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "30 MME/day" in summary.mme_total.text())
    assert not summary.mme_advice.isVisible()
    assert summary.medications.data(summary.medications.index(0, 7)) == "30 MME/day"

    add_medication(qtbot, summary, "hydrocodone", "5", "qid")
    qtbot.waitUntil(lambda: "50 MME/day" in summary.mme_total.text())
    assert summary.mme_advice.isVisible() and "naloxone" in summary.mme_advice.text()
    assert any("≥ 50" in text for text in window.header.alert_texts())

    # buprenorphine is listed as not counted, never as zero: the total says "incomplete"
    add_medication(qtbot, summary, "buprenorphine", "8", "qd")
    qtbot.waitUntil(lambda: "50 MME/day — incomplete" in summary.mme_total.text())
    assert summary.medications.data(summary.medications.index(2, 7)) == ("not counted (no factor)")

    # stop the oxycodone as of yesterday: the total drops back to 20
    summary.medication_table.selectRow(0)
    qtbot.mouseClick(summary.stop_medication_button, Qt.MouseButton.LeftButton)
    stop = summary.findChild(StopMedicationDialog)
    assert stop is not None
    stop.on.setDate(stop.on.date().addDays(-1))
    qtbot.mouseClick(stop.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "20 MME/day — incomplete" in summary.mme_total.text())


def test_medication_validation_beside_the_field(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    summary = SummaryTab(context=context, patient_id=patient_id)
    qtbot.addWidget(summary)
    summary.refresh()
    summary.show()
    dialog = add_medication(qtbot, summary, "morphine", "", "bid")
    dose_error = dialog.findChild(QLabel, "doseError")
    assert dose_error is not None and dose_error.isVisible() and "required" in dose_error.text()
    assert dialog.isVisible() and summary.medications.rowCount() == 0
    qtbot.keyClicks(dialog.dose, "abc")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "number" in dose_error.text()
    save_screenshot(dialog, "medication_dialog")
    dialog.dose.clear()
    qtbot.keyClicks(dialog.dose, "15")
    assert dialog.max_doses.isHidden() or not dialog.max_doses.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "30 MME/day" in summary.mme_total.text())


def test_prn_medication_needs_max_doses(qtbot: QtBot, context: AppContext, patient_id: int) -> None:
    summary = SummaryTab(context=context, patient_id=patient_id)
    qtbot.addWidget(summary)
    summary.refresh()
    summary.show()
    dialog = summary.add_medication()
    assert isinstance(dialog, MedicationDialog)
    qtbot.keyClicks(dialog.drug, "morphine")
    qtbot.keyClicks(dialog.dose, "15")
    assert dialog.frequency.findData("prn") >= 0
    dialog.frequency.setCurrentIndex(dialog.frequency.findData("prn"))
    assert dialog.max_doses.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    max_error = dialog.findChild(QLabel, "max_doses_per_dayError")
    assert max_error is not None and max_error.isVisible()
    assert "maximum doses per day" in max_error.text()
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.max_doses, "4")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "60 MME/day" in summary.mme_total.text())
    assert summary.medications.data(summary.medications.index(0, 1)) == "15 mg (max 4/day)"


def test_allergies_add_and_remove(qtbot: QtBot, context: AppContext, patient_id: int) -> None:
    summary = SummaryTab(context=context, patient_id=patient_id)
    qtbot.addWidget(summary)
    summary.refresh()
    qtbot.mouseClick(summary.add_allergy_button, Qt.MouseButton.LeftButton)
    dialog = summary.findChild(QDialog, "allergyDialog")
    assert dialog is not None
    qtbot.keyClicks(dialog.substance, "penicillin")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: summary.allergies.rowCount() == 1)
    summary.allergy_table.selectRow(0)
    summary.confirm = lambda _parent, _title, _question: True
    qtbot.mouseClick(summary.remove_allergy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: summary.allergies.rowCount() == 0)


def test_summary_models_pass_qtmodeltester(
    qtmodeltester: Any, context: AppContext, patient_id: int
) -> None:
    record.add_medication(
        context.db, context.actor, patient_id, MedicationInput("oxycodone", 10, "mg", "bid")
    )
    summary = SummaryTab(context=context, patient_id=patient_id)
    summary.refresh()
    qtmodeltester.check(summary.medications)
    qtmodeltester.check(summary.diagnoses)
    summary.deleteLater()


# ---------------------------------------------------------------------- care team
@pytest.fixture
def core_members(context: AppContext) -> dict[CareTeamRole, team.MemberView]:
    return {
        CareTeamRole.COORDINATING_PHYSICIAN: new_member(
            context.db, context.actor, "pain_medicine", "Lee", "Hana"
        ),
        CareTeamRole.REHABILITATION_SPECIALIST: new_member(
            context.db, context.actor, "physical_rehabilitation", "Moreau", "Luc"
        ),
        CareTeamRole.PSYCHIATRIST: new_member(context.db, context.actor, "psychiatry"),
    }


def test_assign_core_roles_clears_the_gaps(
    qtbot: QtBot,
    context: AppContext,
    patient_id: int,
    core_members: dict[CareTeamRole, team.MemberView],
) -> None:
    window = open_window(qtbot, context, patient_id)
    tab = window.care_team
    assert tab is not None
    window.show_tab("care_team")

    def gap_chips() -> list[str]:
        return [
            c.objectName() for c in window.header.chips if c.objectName().startswith("alert_gap")
        ]

    assert len(gap_chips()) == 3
    for role, member in core_members.items():
        gap = tab.findChild(QLabel, f"gap_{role.value}")
        assert gap is not None and gap.isVisible()
        button = tab.findChild(QPushButton, f"assign_{role.value}")
        assert button is not None
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        dialog = [d for d in tab.findChildren(AssignMemberDialog) if d.isVisible()][-1]
        assert dialog.chosen_role() == role
        assert dialog.member.count() == 1  # only the matching discipline is offered
        assert dialog.select_member(member.id)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == QDialog.DialogCode.Accepted

        def filled(r: CareTeamRole = role) -> bool:
            return (
                tab.findChild(QLabel, f"filled_{r.value}") is not None
                and tab.findChild(QLabel, f"gap_{r.value}") is None
            )

        qtbot.waitUntil(filled)
    assert window.chart.care_team.gaps == ()
    assert gap_chips() == []
    assert "Hana Lee" in window.header.coordinator.text()
    assert tab.current.rowCount() == 3


def test_second_coordinator_asks_to_replace(
    qtbot: QtBot,
    context: AppContext,
    patient_id: int,
    core_members: dict[CareTeamRole, team.MemberView],
) -> None:
    coordinator = core_members[CareTeamRole.COORDINATING_PHYSICIAN]
    team.assign_member(
        context.db, context.actor, patient_id, coordinator.id, CareTeamRole.COORDINATING_PHYSICIAN
    )
    other = new_member(context.db, context.actor, "pain_medicine", "Park", "Jin")
    tab = CareTeamTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.refresh()
    dialog = tab.assign(CareTeamRole.COORDINATING_PHYSICIAN)
    assert dialog is not None
    asked: list[tuple[str, str]] = []
    answers = [False, True]

    def confirm(current: str, new: str) -> bool:
        asked.append((current, new))
        return answers.pop(0)

    dialog.confirm_replace = confirm
    assert dialog.select_member(other.id)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert asked and "Hana Lee" in asked[0][0] and dialog.isVisible()  # "No": nothing saved
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: tab.past.rowCount() == 1)
    current = team.get_care_team(context.db, context.actor, patient_id).coordinator()
    assert current is not None and current.id == other.id

    # end a membership from the table
    tab.current_table.selectRow(0)
    end = tab.end_membership()
    assert end is not None
    qtbot.mouseClick(end.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.past.rowCount() == 2 and tab.current.rowCount() == 0)


def test_assign_dialog_explains_an_empty_discipline(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    tab = CareTeamTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.refresh()
    dialog = tab.assign(CareTeamRole.PSYCHIATRIST)
    assert dialog is not None
    assert dialog.member.count() == 0 and not dialog.ok_button.isEnabled()
    assert "Psychiatry" in dialog.empty_hint.text()
    dialog.reject()


def test_suggestion_create_referral_emits_request(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    record.add_diagnosis(context.db, context.actor, patient_id, "G43.909")
    window = open_window(qtbot, context, patient_id)
    tab = window.care_team
    assert tab is not None
    suggestions = window.chart.suggestions
    assert suggestions and suggestions[0].discipline is not None
    button = tab.findChild(QPushButton, "createReferral_0")
    assert button is not None
    with qtbot.waitSignal(context.navigator.new_referral_requested) as requested:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert requested.args == [patient_id, "neurology_headache"]
    window.show_tab("care_team")
    window.resize(1100, 760)
    path = save_screenshot(window, "chart_care_team_suggestions")
    assert distinct_colours(path) > 30


# ----------------------------------------------------------------- restricted roles
def test_front_desk_sees_summary_read_only(qtbot: QtBot, desk_context: AppContext) -> None:
    pid = new_patient(desk_context.db, desk_context.actor).id
    window = open_window(qtbot, desk_context, pid)
    summary = window.summary
    assert summary is not None
    assert summary.add_medication_button.isHidden()
    assert summary.add_diagnosis_button.isHidden()
    assert summary.findChild(QLabel, "readOnlyNotice") is not None
    assert window.care_team is not None and not window.care_team.assign_button.isHidden()


@pytest.fixture
def admin_context(ui_db: Database, password_hash: str, context: AppContext) -> Iterator[AppContext]:
    actor = make_actor(ui_db, password_hash, "admin", UserRole.ADMINISTRATOR, "Admin")
    yield AppContext(db=ui_db, actor=actor, settings=context.settings)


def test_restricted_role_gets_a_notice_not_clinical_data(
    qtbot: QtBot, admin_context: AppContext, context: AppContext
) -> None:
    pid = new_patient(context.db, context.actor).id
    record.add_medication(
        context.db, context.actor, pid, MedicationInput("oxycodone", 40, "mg", "bid")
    )
    window = open_window(qtbot, admin_context, pid)
    assert window.chart.clinical_restricted
    assert window.summary is None
    notice = window.tab("summary")
    assert isinstance(notice, QWidget)
    label = notice.findChild(QLabel, "restrictedNotice")
    assert label is not None and "not available for your role" in label.text()
    assert label.isVisibleTo(window)
    assert window.care_team is not None  # logistics stay available
    assert not any("MME" in t for t in window.header.alert_texts())
    window.show_tab("summary")
    save_screenshot(window, "chart_restricted")


def test_external_change_reloads_the_chart(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    window = open_window(qtbot, context, patient_id)
    record.add_medication(
        context.db, context.actor, patient_id, MedicationInput("morphine", 60, "mg", "bid")
    )
    context.events.patient_changed.emit(patient_id + 1000)  # someone else's patient: ignored
    qtbot.wait(20)
    assert window.chart.mme.total == 0
    context.events.patient_changed.emit(patient_id)
    qtbot.waitUntil(lambda: window.chart.mme.total == 120)
    assert any("≥ 90" in t for t in window.header.alert_texts())
    assert date.today()  # the chart is read as of today


def test_referral_events_reload_and_other_tabs_refresh_when_shown(
    qtbot: QtBot, context: AppContext, patient_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    psychiatrist = new_member(context.db, context.actor, "psychiatry")
    window = open_window(qtbot, context, patient_id)
    window.show_tab("summary")
    assert window.tab("referrals") is not None  # built now (tabs are built when first needed)
    assert window.chart.referrals == ()
    referral = new_referral(context.db, context.actor, patient_id, psychiatrist)
    context.events.referral_changed.emit(referral.id)
    qtbot.waitUntil(lambda: len(window.chart.referrals) == 1)
    assert "referrals" in window.stale  # refreshed when shown, not while hidden
    tab = window.tab("referrals")
    assert tab is not None
    refreshed: list[bool] = []
    original = tab.refresh  # type: ignore[attr-defined]  # ReferralsTab.refresh

    def spy() -> None:
        refreshed.append(True)
        original()

    monkeypatch.setattr(tab, "refresh", spy)
    window.show_tab("referrals")
    assert refreshed == [True] and "referrals" not in window.stale


def test_tabs_are_built_when_first_shown(
    qtbot: QtBot, context: AppContext, patient_id: int
) -> None:
    QSettings("CareCoord", "CareCoord").setValue(window_module.SETTINGS_TAB, "summary")
    window = open_window(qtbot, context, patient_id)
    built = [key for key, page in window.pages.items() if page.content is not None]
    assert built == ["summary"]
    assert window.pages["plan"].content is None
    assert window.show_tab("plan")
    plan = window.pages["plan"].content
    assert plan is not None and type(plan).__name__ == "PlanTab"
    assert plan.isVisible()
    assert window.tab("plan") is plan  # built once, then kept
    assert [key for key, page in window.pages.items() if page.content is not None] == [
        "summary",
        "plan",
    ]
    window.tabs.setCurrentIndex(window.tab_keys.index("notes"))  # a click on the tab bar
    assert type(window.pages["notes"].content).__name__ == "NotesTab"
