"""The Pain drawing tab, driven with the mouse: draw, save, reopen, compare two dates."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from carecoord.clinical.pain_map import BodyView, PainKind, PainMark
from carecoord.services import pain_drawings
from carecoord.services.common import today
from carecoord.services.pain_drawings import PainDrawingInput
from carecoord.ui.chart.pain_drawing_tab import PainDrawingTab
from carecoord.ui.chart.window import ChartWindow
from carecoord.ui.context import AppContext
from tests.services.helpers import new_patient
from tests.ui.conftest import save_screenshot


def make_tab(qtbot: QtBot, context: AppContext, patient_id: int) -> PainDrawingTab:
    tab = PainDrawingTab(context=context, patient_id=patient_id)
    qtbot.addWidget(tab)
    tab.resize(1280, 820)
    tab.show()
    qtbot.waitExposed(tab)
    tab.show_problem = lambda *args, **kwargs: (_ for _ in ()).throw(AssertionError(args))
    return tab


def at(tab: PainDrawingTab, view: BodyView, x: float, y: float) -> QPoint:
    return tab.diagram.to_widget(view, x, y).toPoint()


def pick(qtbot: QtBot, tab: PainDrawingTab, kind: PainKind) -> None:
    qtbot.mouseClick(tab.kind_buttons[kind], Qt.MouseButton.LeftButton)
    assert tab.diagram.kind is kind


def as_tuples(marks: list[PainMark] | tuple[PainMark, ...]) -> list[tuple[str, str, str]]:
    """What a mark means, independent of the pixel it was clicked at (rounding)."""
    return [(m.view.value, m.region, m.kind.value) for m in marks]


def draw_low_back_pain(qtbot: QtBot, tab: PainDrawingTab) -> None:
    """Right lower back aching (click), numbness down the back of the right thigh (drag),
    pins and needles in the right calf (click)."""
    pick(qtbot, tab, PainKind.ACHING)
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.BACK, 118, 190))
    pick(qtbot, tab, PainKind.NUMBNESS)
    qtbot.mousePress(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.BACK, 117, 250))
    for y in range(255, 300, 5):
        qtbot.mouseMove(tab.diagram, pos=at(tab, BodyView.BACK, 117, y))
    qtbot.mouseRelease(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.BACK, 117, 299))
    pick(qtbot, tab, PainKind.PINS_AND_NEEDLES)
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.BACK, 115, 370))


def test_draw_save_reopen_and_compare(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    earlier = today() - timedelta(days=42)
    pain_drawings.save_pain_drawing(
        context.db,
        context.actor,
        patient.id,
        PainDrawingInput(earlier, [{"view": "back", "x": 118, "y": 190, "kind": "aching"}]),
    )
    tab = make_tab(qtbot, context, patient.id)
    assert tab.dates.count() == 1 and tab.current is not None
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.current is None and tab.diagram.marks == []

    draw_low_back_pain(qtbot, tab)
    marks = list(tab.diagram.marks)
    assert marks[0].kind is PainKind.ACHING and marks[0].region == "right_lower_back"
    dragged = [m for m in marks if m.kind is PainKind.NUMBNESS]
    assert len(dragged) >= 4, "a drag lays several marks along the way"
    assert {m.region for m in dragged} == {"back_right_thigh"}
    assert marks[-1].region == "right_calf"
    assert tab.regions_label.text() == (
        "right lower back: aching; back of right thigh: numbness; right calf: pins and needles"
    )
    # the earlier drawing is shown beside it, with what changed in words
    assert tab.compare_combo.currentText() == earlier.isoformat()
    assert "new: back of right thigh, right calf" in tab.compare_label.text()

    # a click beside the body is refused next to the diagram, and adds nothing
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.FRONT, 10, 10))
    error = tab.findChild(QLabel, "marksError")
    assert error is not None and error.isVisible()
    assert error.text() == "Outside the body outline: mark only on the body."
    assert len(tab.diagram.marks) == len(marks)

    # a right click removes the mark under it
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.RightButton, pos=at(tab, BodyView.BACK, 115, 370))
    assert len(tab.diagram.marks) == len(marks) - 1
    pick(qtbot, tab, PainKind.PINS_AND_NEEDLES)
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.BACK, 115, 370))
    marks = list(tab.diagram.marks)

    tab.notes.setPlainText("Worse after sitting; coughing shoots down the leg")
    with qtbot.waitSignal(tab.changed, timeout=3000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert not tab.dirty and tab.dates.count() == 2
    assert tab.current is not None and tab.current.drawn_on == today()
    save_screenshot(tab, "pain_drawing_tab")

    stored = pain_drawings.list_pain_drawings(context.db, context.actor, patient.id)[0]
    assert as_tuples(stored.marks) == as_tuples(marks)
    assert [(m.x, m.y) for m in stored.marks] == [(m.x, m.y) for m in marks]

    # reopen: a fresh tab shows the same marks, newest drawing first
    again = make_tab(qtbot, context, patient.id)
    assert again.current is not None and again.current.id == stored.id
    assert again.diagram.marks == list(stored.marks)
    assert again.notes.toPlainText() == "Worse after sitting; coughing shoots down the leg"
    assert again.dates.item(0).text().startswith(today().isoformat())
    # and the earlier date opens when picked, compared with the newer one
    again.dates.setCurrentRow(1)
    assert again.current is not None and again.current.drawn_on == earlier
    assert as_tuples(again.diagram.marks) == [("back", "right_lower_back", "aching")]
    again.compare_combo.setCurrentIndex(again.compare_combo.findText(today().isoformat()))
    assert again.compare_diagram.isVisible()
    assert "new: back of right thigh, right calf" in again.compare_label.text()


def test_the_screenshot_shows_the_outline_and_coloured_marks(
    qtbot: QtBot, context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    draw_low_back_pain(qtbot, tab)
    image = tab.diagram.grab().toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }
    assert "#39424e" in colours  # the outline
    centre = tab.diagram.to_widget(BodyView.BACK, 115, 370).toPoint()
    ring = {
        image.pixelColor(centre.x() + dx, centre.y() + dy).name()
        for dx in range(-8, 9)
        for dy in range(-8, 9)
    }
    assert any(_close(c, "#cc79a7") for c in ring), "pins and needles print in their colour"
    path = save_screenshot(tab.diagram, "pain_drawing_diagram")
    assert not QImage(str(path)).isNull()


def _close(a: str, b: str) -> bool:
    return all(abs(int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) < 40 for i in (1, 3, 5))


def test_refused_date_is_shown_by_the_date(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    tab = make_tab(qtbot, context, patient.id)
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.FRONT, 100, 30))
    tab.drawn_on.setDate(tab.drawn_on.date().addDays(3))
    with qtbot.assertNotEmitted(tab.changed):
        assert tab.save() is False
    error = tab.findChild(QLabel, "drawn_onError")
    assert error is not None and error.isVisible() and error.text() == "Cannot be in the future"


def test_front_desk_reads_but_cannot_draw(
    qtbot: QtBot, context: AppContext, desk_context: AppContext
) -> None:
    patient = new_patient(context.db, context.actor)
    pain_drawings.save_pain_drawing(
        context.db,
        context.actor,
        patient.id,
        PainDrawingInput(today(), [{"view": "front", "x": 100, "y": 30, "kind": "stabbing"}]),
    )
    tab = make_tab(qtbot, desk_context, patient.id)
    assert as_tuples(tab.diagram.marks) == [("front", "head", "stabbing")]
    qtbot.mouseClick(tab.diagram, Qt.MouseButton.LeftButton, pos=at(tab, BodyView.FRONT, 100, 120))
    assert len(tab.diagram.marks) == 1
    assert not tab.save_button.isVisible() and not tab.new_button.isVisible()


def test_chart_window_has_the_pain_drawing_tab(qtbot: QtBot, context: AppContext) -> None:
    patient = new_patient(context.db, context.actor)
    window = ChartWindow(context=context, patient_id=patient.id)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Pain drawing" in titles
    assert window.show_tab("pain_drawing")
    assert isinstance(window.tab("pain_drawing"), PainDrawingTab)
