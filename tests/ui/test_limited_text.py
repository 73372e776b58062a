"""The "n / max" text box: it cuts at the limit and its counter stays readable."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from carecoord.ui.forms import LimitedTextEdit


def _shown(qtbot: QtBot, text: str) -> LimitedTextEdit:
    box = LimitedTextEdit(text, max_length=500, lines=2)
    qtbot.addWidget(box)
    box.resize(360, box.sizeHint().height())
    box.show()
    qtbot.waitExposed(box)
    return box


def test_text_beyond_the_limit_is_cut_and_the_counter_says_so(qtbot: QtBot) -> None:
    box = _shown(qtbot, "x" * 600)
    assert box.toPlainText() == "x" * 500
    assert box.counter.text() == "500 / 500"
    assert "At most 500 characters" in box.counter.toolTip()


def test_the_counter_sits_left_of_a_scroll_bar(qtbot: QtBot) -> None:
    """Found at 1000×660 in the referral editor: "208 / 500" was drawn over the scroll bar."""
    box = _shown(qtbot, "a line of the reason\n" * 8)
    bar = box.edit.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)
    bar_left = bar.mapTo(box.edit, QPoint(0, 0)).x()
    assert box.counter.geometry().right() < bar_left

    box.setPlainText("short")  # no scroll bar: back in the corner
    qtbot.waitUntil(lambda: not bar.isVisible())
    corner = box.edit.width() - box.edit.frameWidth() - 4
    assert box.counter.geometry().right() == corner - 1
