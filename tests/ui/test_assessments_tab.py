"""The Assessments tab: record instruments through their forms, see alerts, trend and change."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QRadioButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from carecoord.clinical import instruments
from carecoord.clinical.vocabulary import AssessmentKind
from carecoord.models import Assessment
from carecoord.services import assessments, patients
from carecoord.ui.chart.assessment_forms import SELF_HARM_TEXT, AssessmentDialog
from carecoord.ui.chart.assessments_tab import AssessmentsTab, change_text
from carecoord.ui.chart.trend_chart import EMPTY_TEXT, TrendChart
from carecoord.ui.context import AppContext
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


def make_tab(qtbot: QtBot, context: AppContext, patient_id: int) -> AssessmentsTab:
    tab = AssessmentsTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    return tab


def open_form(qtbot: QtBot, tab: AssessmentsTab, kind: AssessmentKind) -> AssessmentDialog:
    qtbot.mouseClick(tab.record_buttons[kind], Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible() and dialog.kind is kind
    return dialog


def answer(qtbot: QtBot, dialog: AssessmentDialog, number: int, value: int) -> None:
    name = f"{dialog.kind.value}_item_{number}_{value}"
    radio = dialog.findChild(QRadioButton, name)
    assert radio is not None, name
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)
    assert radio.isChecked(), name


def save(qtbot: QtBot, tab: AssessmentsTab, dialog: AssessmentDialog) -> None:
    button = dialog.findChild(QPushButton, "saveAssessment")
    assert button is not None
    with qtbot.waitSignal(tab.changed, timeout=2000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def set_date(dialog: AssessmentDialog, day: date) -> None:
    dialog.taken_on.setDate(QDate(day.year, day.month, day.day))


def test_phq9_with_item_9_shows_the_self_harm_alert(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    assert not tab.alert.isVisible()
    dialog = open_form(qtbot, tab, AssessmentKind.PHQ9)
    wording = dialog.findChildren(QLabel)
    assert any(instruments.ITEM_WORDING[AssessmentKind.PHQ9][8] in w.text() for w in wording)
    for number, value in enumerate((2, 2, 1, 1, 0, 1, 1, 0, 1), start=1):
        answer(qtbot, dialog, number, value)
    assert dialog.total_label.text() == "Total 9 / 27 · mild"
    assert dialog.alert.isVisible()
    changed_patients: list[int] = []
    context.events.patient_changed.connect(changed_patients.append)
    save(qtbot, tab, dialog)

    assert changed_patients == [patient.id]
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 4).data() == SELF_HARM_TEXT
    assert tab.model.index(0, 2).data() == "9 / 27"
    assert tab.model.index(0, 3).data() == "mild"
    assert tab.alert.isVisible() and SELF_HARM_TEXT in tab.alert.text()
    # issue #9 finding 8: same day, and the crisis line on screen
    assert "same-day safety assessment" in tab.alert.text()
    assert "988 Suicide & Crisis Lifeline" in tab.alert.text()
    stored = assessments.list_assessments(context.db, context.actor, patient.id)
    assert [(s.kind, s.total, s.alert) for s in stored] == [(AssessmentKind.PHQ9, 9.0, True)]
    assert stored[0].answers["items"] == [2, 2, 1, 1, 0, 1, 1, 0, 1]


def test_peg_twice_draws_two_points_and_the_change(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    assert tab.chart.is_empty()
    assert tab.chart.accessibleDescription() == EMPTY_TEXT
    for days_ago, values in ((60, (7, 7, 7)), (5, (4, 4, 5))):
        dialog = open_form(qtbot, tab, AssessmentKind.PEG)
        set_date(dialog, date.today() - timedelta(days=days_ago))
        for number, value in enumerate(values, start=1):
            answer(qtbot, dialog, number, value)
        save(qtbot, tab, dialog)

    points = tab.chart.points("PEG")
    assert [(p.taken_on, round(p.value, 2)) for p in points] == [
        (date.today() - timedelta(days=60), 7.0),
        (date.today() - timedelta(days=5), 4.33),
    ]
    assert tab.chart.points("NRS") == []
    assert tab.peg_change.text() == "PEG 7.0 → 4.3 (−38 %, clinically meaningful)"
    # Krebs 2009 has no severity bands: the list shows the change from baseline instead
    model = tab.table.model()
    assert [model.index(r, 3).data() for r in range(model.rowCount())] == [
        "−38 % from baseline 7.0: meaningful improvement (≥ 30 %)",
        "baseline (PEG has no severity bands)",
    ]
    assert tab.nrs_change.text() == "NRS: no scores yet"
    # Tooltips name the series, value and date of the point under the mouse.
    where = tab.chart.position_of(points[1])
    assert tab.chart.point_at(where) == points[1]
    assert tab.chart.point_at(QPointF(where.x() + 40, where.y() + 40)) is None
    assert tab.chart.tooltip_for(points[1]) == (
        f"PEG 4.3 / 10 on {(date.today() - timedelta(days=5)).isoformat()}"
    )


def test_change_text_follows_the_published_thresholds() -> None:
    assert change_text(AssessmentKind.PEG, 7.0, 4.3) == (
        "PEG 7.0 → 4.3 (−39 %, clinically meaningful)",
        "ok",
    )
    # NRS: two points is meaningful even below 30 % (Farrar 2001).
    assert change_text(AssessmentKind.NRS, 9, 7)[0] == "NRS 9 → 7 (−22 %, clinically meaningful)"
    assert change_text(AssessmentKind.NRS, 5, 7) == (
        "NRS 5 → 7 (+40 %, clinically meaningful worsening)",
        "danger",
    )
    assert change_text(AssessmentKind.PEG, 6.0, 5.0)[0] == (
        "PEG 6.0 → 5.0 (−17 %, not a meaningful change)"
    )


def test_an_unanswered_item_blocks_saving(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    dialog = open_form(qtbot, tab, AssessmentKind.GAD7)
    for number in (1, 2, 4, 5, 6, 7):
        answer(qtbot, dialog, number, 1)
    assert dialog.total_label.text().startswith("Answered 6 of 7")
    with qtbot.assertNotEmitted(tab.changed):
        assert dialog.save() is False
    error = dialog.findChild(QLabel, "gad7_item_3_error")
    assert error is not None and error.isVisible()
    assert error.text() == "Please choose an answer."
    assert "question 3 is unanswered" in dialog.message.text()
    assert dialog.isVisible()
    assert assessments.list_assessments(context.db, context.actor, patient.id) == []
    # Answering it clears the line and shows the total.
    answer(qtbot, dialog, 3, 3)
    assert not error.isVisible()
    assert dialog.total_label.text() == "Total 9 / 21 · mild"


def test_a_service_validation_error_appears_beside_the_date(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor, born=date(1980, 5, 12))
    tab = make_tab(qtbot, context, patient.id)
    dialog = open_form(qtbot, tab, AssessmentKind.NRS)
    answer(qtbot, dialog, 1, 6)
    assert dialog.total_label.text() == "Total 6 / 10 · moderate"
    set_date(dialog, date(1979, 1, 1))
    assert dialog.save() is False
    error = dialog.findChild(QLabel, "taken_onError")
    assert error is not None and error.isVisible()
    assert "date of birth" in error.text()


def test_a_service_refusal_shows_under_its_question_or_under_the_form(
    qtbot: QtBot, context: AppContext
) -> None:
    """The service's rule about one answer goes under that question; one about the whole
    form (no such field) goes in the line under the form, never a box."""
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    dialog = open_form(qtbot, tab, AssessmentKind.GAD7)
    for number in range(1, 8):
        answer(qtbot, dialog, number, 1)
    dialog.answers = lambda: {"items": [1, 1, 9, 1, 1, 1, 1]}  # type: ignore[method-assign]
    assert dialog.save() is False
    error = dialog.findChild(QLabel, "gad7_item_3_error")
    assert error is not None and error.isVisible() and error.text() == "Must be 0-3 (got 9)"
    assert not dialog.message.isVisible()
    dialog.answers = lambda: {"items": [1] * 6}  # type: ignore[method-assign]
    assert dialog.save() is False
    assert not error.isVisible()
    assert dialog.message.isVisible() and "need 7 answers" in dialog.message.text()
    assert assessments.list_assessments(context.db, context.actor, patient.id) == []


def test_ort_total_matches_the_published_points(qtbot: QtBot, context: AppContext) -> None:
    patient = patients.create_patient(
        context.db,
        context.actor,
        patients.PatientInput("Kowalski", "Łukasz", date(1990, 3, 1), "male"),
    )
    tab = make_tab(qtbot, context, patient.id)
    dialog = open_form(qtbot, tab, AssessmentKind.ORT)
    sex = dialog.findChild(QLabel, "ortSex")
    assert sex is not None and sex.text().startswith("Male")
    age_box = dialog.findChild(QCheckBox, "ort_item_7")
    assert age_box is not None and age_box.isChecked()  # 36: pre-filled from the birth date
    # Male column (Webster 2005): family alcohol 3, personal prescription drugs 5,
    # age 16-45 1, preadolescent sexual abuse 0, depression 1 = 10, high risk.
    for number in (1, 6, 8, 10):
        box = dialog.findChild(QCheckBox, f"ort_item_{number}")
        assert box is not None
        # Click on the box itself (a long label makes the widget's centre empty space).
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked()
    assert dialog.total_label.text() == "Total 10 / 26 · high"
    advice = dialog.advice_label.text()
    # a prompt to consider evaluation with the CDC 2022 caveat, never a conclusion
    assert "consider evaluation for opioid-misuse risk" in advice
    assert "not a diagnosis" in advice
    assert "predict opioid misuse and overdose poorly" in advice
    assert "aberrant" not in advice
    save(qtbot, tab, dialog)
    stored = assessments.list_assessments(context.db, context.actor, patient.id)
    assert [(s.total, s.band) for s in stored] == [(10.0, "high")]
    assert stored[0].answers["sex"] == "male"


def test_front_desk_sees_general_scores_and_no_record_buttons(
    qtbot: QtBot, context: AppContext, desk_context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    assessments.record_assessment(context.db, context.actor, patient.id, "nrs", {"value": 6})
    assessments.record_assessment(context.db, context.actor, patient.id, "phq9", {"items": [1] * 9})
    tab = make_tab(qtbot, desk_context, patient.id)
    assert tab.record_buttons == {}
    assert tab.findChild(QPushButton, "recordNrs") is None
    assert [tab.model.index(r, 1).data() for r in range(tab.model.rowCount())] == ["NRS pain"]
    assert not tab.alert.isVisible()


def test_table_model_is_a_valid_qt_model(
    qtbot: QtBot, qtmodeltester: object, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    for value in (8, 6, 4):
        assessments.record_assessment(
            context.db, context.actor, patient.id, "nrs", {"value": value}
        )
    tab = make_tab(qtbot, context, patient.id)
    assert tab.model.rowCount() == 3
    qtmodeltester.check(tab.model)  # type: ignore[attr-defined]  # pytest-qt fixture


def _distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 200)
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(image.height())}
    )


def test_screenshot_assessments_tab_on_demo_patient(qtbot: QtBot, demo_context: AppContext) -> None:
    with demo_context.db.session() as session:
        busiest = session.execute(
            select(Assessment.patient_id, func.count())
            .where(Assessment.kind.in_([AssessmentKind.PEG, AssessmentKind.NRS]))
            .group_by(Assessment.patient_id)
            .order_by(func.count().desc(), Assessment.patient_id)
            .limit(1)
        ).one()
    patient_id, count = busiest
    assert count >= 4
    tab = make_tab(qtbot, demo_context, patient_id)
    tab.resize(1100, 760)
    qtbot.wait(10)
    assert len(tab.chart.points()) == count
    assert "→" in tab.peg_change.text() and "→" in tab.nrs_change.text()
    path = save_screenshot(tab, "chart_assessments_tab")
    assert _distinct_colours(QImage(str(path))) > 50


def test_screenshot_phq9_dialog(qtbot: QtBot, demo_context: AppContext) -> None:
    tab = make_tab(qtbot, demo_context, 1)
    dialog = open_form(qtbot, tab, AssessmentKind.PHQ9)
    dialog.resize(780, 760)
    for number, value in enumerate((1, 2, 1, 2, 0, 1, 0, 0, 1), start=1):
        answer(qtbot, dialog, number, value)
    path = save_screenshot(dialog, "chart_phq9_dialog")
    assert _distinct_colours(QImage(str(path))) > 20
    dialog.reject()


def test_screenshot_trend_chart_in_a_dark_palette(qtbot: QtBot) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    palette = chart.palette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#1b1c1e"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):
        palette.setColor(role, QColor(colour))
    chart.setPalette(palette)
    chart.resize(720, 300)
    start = date(2026, 1, 10)
    chart.set_scores(
        [(start + timedelta(days=30 * i), v) for i, v in enumerate((7.3, 6.7, 5.0, 4.3))],
        [(start + timedelta(days=30 * i + 2), v) for i, v in enumerate((8, 7, 6, 6, 4))],
    )
    path = save_screenshot(chart, "chart_trend_dark")
    image = QImage(str(path))
    assert QColor(image.pixel(2, image.height() - 2)).lightness() < 60
    assert _distinct_colours(image) > 30
    chart.set_scores([], [])
    empty = save_screenshot(chart, "chart_trend_empty")
    assert chart.is_empty() and QImage(str(empty)).width() == 720
