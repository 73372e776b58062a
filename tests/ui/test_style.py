"""Colours by meaning, readable on light and dark screens (WCAG AA: 4.5:1 for text).

The ratios are computed with WCAG 2's relative-luminance formula, first for every pair
the style module defines, then on real windows with a dark palette applied (as Windows 11
hands Qt when the OS is dark): labels, table rows and headers as they are painted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from carecoord.services import patients
from carecoord.ui import style
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from tests.ui.conftest import save_screenshot
from tests.ui.dark import dark_palette

AA = 4.5


def luminance(colour: QColor | str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    c = QColor(colour)

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF())


def contrast(a: QColor | str, b: QColor | str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # famously just fails
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("scheme", [style.LIGHT, style.DARK], ids=lambda s: s.name)
def test_every_meaning_reads_on_its_background(scheme: style.Scheme) -> None:
    pairs = scheme.pairs()
    for meaning in style.MEANINGS:  # each meaning as text, as a chip and as a tinted row
        assert f"{meaning} on base" in pairs and f"{meaning} chip" in pairs
    for where in ("DEMO badge", "table header", "navigation", "navigation, selected"):
        assert where in pairs
    too_faint = {
        where: round(contrast(text, background), 2)
        for where, (text, background) in pairs.items()
        if contrast(text, background) < AA
    }
    assert not too_faint, f"{scheme.name}: {too_faint}"


def test_the_palette_chooses_the_scheme() -> None:
    assert style.scheme(dark_palette()) is style.DARK
    light = QPalette(QColor("#f0f0f0"))
    assert style.scheme(light) is style.LIGHT
    assert style.app_style(style.DARK) != style.app_style(style.LIGHT)
    assert style.DARK.header[1] in style.app_style(style.DARK)


def test_start_up_picks_the_style_sheet_from_the_palette(qapp: QApplication) -> None:
    before = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        style.apply_app_style(qapp)
        assert style.DARK.navigation[1] in qapp.styleSheet()
        qapp.setPalette(before)
        style.apply_app_style(qapp)
        assert style.LIGHT.navigation[1] in qapp.styleSheet()
    finally:
        qapp.setPalette(before)
        qapp.setStyleSheet(style.APP_STYLE)


# ------------------------------------------------------------- painted windows
@pytest.fixture(params=["light", "dark"])
def palette_name(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application in a light or a dark palette, with the matching style sheet."""
    before = qapp.palette()
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    qapp.setStyleSheet(style.app_style())
    assert style.scheme().name == request.param
    yield request.param
    qapp.setPalette(before)
    qapp.setStyleSheet(style.APP_STYLE)


def background_of(widget: QWidget) -> QColor:
    """The colour painted behind ``widget``: the nearest ancestor that fills its own."""
    current: QWidget | None = widget
    while current is not None:
        parent = current.parentWidget()
        if (
            current.autoFillBackground()
            or current.testAttribute(Qt.WidgetAttribute.WA_StyledBackground)
            or current.isWindow()
        ) and current.backgroundRole() != QPalette.ColorRole.NoRole:
            colour = current.palette().color(current.backgroundRole())
            if colour.alpha() > 0:  # "background: transparent" shows what is behind
                return colour
        current = parent
    return QApplication.palette().color(QPalette.ColorRole.Window)


def faint_labels(window: QWidget) -> list[str]:
    out = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.isEnabled() or not label.text().strip():
            continue
        text = label.palette().color(label.foregroundRole())
        ratio = contrast(text, background_of(label))
        if ratio < AA:
            out.append(f"{label.objectName() or label.text()[:30]!r}: {ratio:.2f}")
    return out


def brush_colour(value: object, default: QColor) -> QColor:
    if isinstance(value, QBrush) and value.style() != Qt.BrushStyle.NoBrush:
        return value.color()
    if isinstance(value, QColor):
        return value
    return default


def columns(model: QAbstractItemModel) -> int:
    """Column count (list models hide the overload that takes no parent)."""
    try:
        return model.columnCount(QModelIndex())
    except TypeError:
        return 1


def faint_rows(window: QWidget) -> list[str]:
    out = []
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if not view.isVisible() or model is None:
            continue
        palette = view.palette()
        for row in range(min(model.rowCount(), 40)):
            base = palette.color(
                QPalette.ColorRole.AlternateBase
                if view.alternatingRowColors() and row % 2
                else QPalette.ColorRole.Base
            )
            for column in range(columns(model)):
                index = model.index(row, column)
                text = str(index.data() or "")
                if not text.strip() or not (index.flags() & Qt.ItemFlag.ItemIsEnabled):
                    continue
                fg = brush_colour(
                    index.data(Qt.ItemDataRole.ForegroundRole),
                    palette.color(QPalette.ColorRole.Text),
                )
                bg = brush_colour(index.data(Qt.ItemDataRole.BackgroundRole), base)
                if contrast(fg, bg) < AA:
                    out.append(
                        f"{view.objectName()} row {row} {text[:20]!r}: {contrast(fg, bg):.2f}"
                    )
    return out


def faint_headers(window: QWidget) -> list[str]:
    """Headers as painted: the section's background sampled from a grab."""
    out = []
    colours = style.scheme()
    for header in window.findChildren(QHeaderView):
        if not header.isVisible() or header.orientation() != Qt.Orientation.Horizontal:
            continue
        if header.count() == 0 or header.width() < 10:
            continue
        image = header.grab().toImage()
        painted = image.pixelColor(3, image.height() // 2)
        if contrast(colours.header[0], painted) < AA:
            out.append(f"{(header.parentWidget() or header).objectName()}: {painted.name()}")
    return out


def check(window: QWidget, where: str) -> int:
    QApplication.processEvents()
    problems = faint_labels(window) + faint_rows(window) + faint_headers(window)
    assert not problems, f"{where}: {problems}"
    return len(window.findChildren(QLabel)) + len(window.findChildren(QTableView))


def test_windows_read_in_light_and_dark(
    qtbot: QtBot, demo_context: AppContext, palette_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also leaves screenshots at 1366×768 in test-artifacts/ (fit_light_*, fit_dark_*)."""
    from PySide6.QtCore import QSettings

    from carecoord.ui.chart.window import SETTINGS_GEOMETRY, ChartWindow
    from tests.ui.test_screen_fit import LAPTOP, pretend_screen

    for key in ("main/geometry", SETTINGS_GEOMETRY):  # as on a first start
        QSettings("CareCoord", "CareCoord").remove(key)
    pretend_screen(monkeypatch, LAPTOP)
    window = MainWindow(context=demo_context)
    qtbot.addWidget(window)
    window.showNormal()
    checked = 0
    for spec in window.specs:
        page = window.show_page(spec.key)
        wait = getattr(page, "wait_for_threads", None)
        if callable(wait):
            wait()
        qtbot.wait(50)
        checked += check(window, f"{palette_name} {spec.title}")
        if spec.key == "dashboard":
            save_screenshot(window, f"fit_{palette_name}_main_window")
    # The overdue view: tinted rows with coloured text.
    referrals = window.show_page("referrals")
    views = referrals.views  # type: ignore[attr-defined]
    views.setCurrentRow(0)
    referrals.wait_for_threads()
    qtbot.wait(50)
    table = referrals.table  # type: ignore[attr-defined]
    assert table.model().rowCount() > 0
    checked += check(window, f"{palette_name} overdue")
    save_screenshot(window, f"fit_{palette_name}_worklist_overdue")
    patient_id = patients.search_patients(demo_context.db, demo_context.actor, "")[0].id
    chart = ChartWindow(context=demo_context, patient_id=patient_id)
    qtbot.addWidget(chart)
    chart.showNormal()
    for index in range(chart.tabs.count()):
        chart.tabs.setCurrentIndex(index)
        qtbot.wait(30)
        checked += check(chart, f"{palette_name} chart {chart.tabs.tabText(index)}")
        if index == 0:
            save_screenshot(chart, f"fit_{palette_name}_chart_summary")
    assert checked > 100
    chart.close()
    window.close()
    from tests.ui.test_screen_fit import admin_context

    admin = MainWindow(context=admin_context(demo_context))
    qtbot.addWidget(admin)
    admin.showNormal()
    admin.show_page("audit")
    qtbot.wait(100)
    check(admin, f"{palette_name} audit trail")
    admin.close()


def test_dialogs_read_in_light_and_dark(
    qtbot: QtBot, demo_context: AppContext, palette_name: str
) -> None:
    from tests.ui.test_screen_fit import dialogs, wait_until_ready

    checked = 0
    for name, build in dialogs(demo_context):
        dialog = build()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(30)
        checked += check(dialog, f"{palette_name} {name}")
        loader = getattr(dialog, "loader", None)
        if loader is not None:
            wait_until_ready(qtbot, loader)
        wait = getattr(dialog, "wait", None)
        if callable(wait):
            wait()
        dialog.close()
    assert checked > 50
