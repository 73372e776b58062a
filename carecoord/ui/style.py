"""Shared look: what each colour means, for a light and a dark screen; chips; the style sheet.

Widgets never name a colour. They ask for a meaning (``fg("danger")``, ``bg("warning")``,
``qcolor("muted")``) and get the shade that reads on the current background: Windows 11
switches Qt to a dark palette when the OS is dark, and light-only shades (dark red text,
pale pink rows) then become unreadable. Every pair here meets WCAG AA (4.5:1 for text);
``tests/ui/test_style.py`` computes the ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

Meaning = Literal["danger", "warning", "info", "ok", "muted"]
MEANINGS: tuple[Meaning, ...] = ("danger", "warning", "info", "ok", "muted")

# Letterhead and PDF pages are paper: white whatever the screen's palette.
PAPER = "#ffffff"
PAPER_TEXT = "#202124"

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies (for
# lines and symbols in charts, not for text).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True)
class Scheme:
    """Every colour the app paints itself, for one kind of background.

    ``window``/``base``/``text`` are the backgrounds and text the scheme was checked against
    (the usual Windows 11 palette); the others are pairs of text on their own background.
    """

    name: str
    dark: bool
    window: str
    base: str
    text: str
    foreground: dict[str, str]  # meaning -> text on window or base
    chip_background: dict[str, str]  # meaning -> chip (and tinted row) background
    chip_foreground: dict[str, str]  # meaning -> text on that chip
    header: tuple[str, str]  # table header text, background
    header_border: str
    grid: str
    alternate_base: str
    selection: tuple[str, str]  # selected text, background
    navigation: tuple[str, str]  # section list text, background
    navigation_selected: tuple[str, str]
    primary: tuple[str, str]  # primary button text, background
    primary_border: str
    primary_disabled: tuple[str, str]
    demo: tuple[str, str]  # the DEMO badge
    banner: tuple[str, str]  # strong alarm banner (break-glass)
    panel: tuple[str, str]  # chart header, dashboard tiles: text, background
    panel_border: str
    lock: tuple[str, str]  # the lock screen's text, background
    link: str
    drop_outline: str
    drop_active: str
    page_surround: str  # around the pages of a PDF preview
    body: tuple[str, str, str]  # body diagram: fill, region lines, outline
    region_marked: str  # a body region with marks (drawn see-through over the fill)
    chart_lines: tuple[str, ...] = field(default=OKABE_ITO)

    def pairs(self) -> dict[str, tuple[str, str]]:
        """Every (text, background) pair the app paints, by a name saying where."""
        out: dict[str, tuple[str, str]] = {}
        for meaning, colour in self.foreground.items():
            out[f"{meaning} on window"] = (colour, self.window)
            out[f"{meaning} on base"] = (colour, self.base)
            out[f"{meaning} on alternate rows"] = (colour, self.alternate_base)
        for meaning, background in self.chip_background.items():
            out[f"{meaning} chip"] = (self.chip_foreground[meaning], background)
            out[f"{meaning} tinted row"] = (self.foreground[meaning], background)
            out[f"text on {meaning} panel"] = (self.text, background)
        out.update(
            {
                "text on window": (self.text, self.window),
                "text on base": (self.text, self.base),
                "text on alternate rows": (self.text, self.alternate_base),
                "table header": self.header,
                "selection": self.selection,
                "navigation": self.navigation,
                "navigation, selected": self.navigation_selected,
                "primary button": self.primary,
                "primary button, disabled": self.primary_disabled,
                "DEMO badge": self.demo,
                "alarm banner": self.banner,
                "panel": self.panel,
                "lock screen": self.lock,
                "link on window": (self.link, self.window),
                "link on base": (self.link, self.base),
            }
        )
        return out


LIGHT = Scheme(
    name="light",
    dark=False,
    window="#f0f0f0",
    base="#ffffff",
    text="#000000",
    foreground={
        "danger": "#b3261e",
        "warning": "#8a5300",
        "info": "#0b5cad",
        "ok": "#1b6e3a",
        "muted": "#5b5f64",
    },
    chip_background={
        "danger": "#fde7e6",
        "warning": "#fff3d6",
        "info": "#e3efff",
        "ok": "#e2f4e8",
        "muted": "#eeeeee",
    },
    chip_foreground={
        "danger": "#a1221b",
        "warning": "#7a4900",
        "info": "#0b5cad",
        "ok": "#1b6e3a",
        "muted": "#4f5358",
    },
    header=("#202124", "#e6ebf1"),
    header_border="#c9d0d9",
    grid="#e0e0e0",
    alternate_base="#f7f9fc",
    selection=("#000000", "#cfe3ff"),
    navigation=("#202124", "#e6ebf1"),
    navigation_selected=("#ffffff", "#1f5f8b"),
    primary=("#ffffff", "#1f5f8b"),
    primary_border="#174a6c",
    primary_disabled=("#ffffff", "#5f7282"),
    demo=("#ffffff", "#8a5300"),
    banner=("#ffffff", "#b3261e"),
    panel=("#202124", "#f3f6fa"),
    panel_border="#d9dee5",
    lock=("#d6dde4", "#22313f"),
    link="#0b5cad",
    drop_outline="#8a939e",
    drop_active="#0b5cad",
    page_surround="#8a8f96",
    body=("#f3f6f9", "#c9d2dc", "#39424e"),
    region_marked="#ffd666",
    chart_lines=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"),
)

DARK = Scheme(
    name="dark",
    dark=True,
    window="#202020",
    base="#2b2b2b",
    text="#f0f0f0",
    foreground={
        "danger": "#ff8f85",
        "warning": "#f2b84b",
        "info": "#8cc4ff",
        "ok": "#7dd6a0",
        "muted": "#aeb4ba",
    },
    chip_background={
        "danger": "#4d1f1c",
        "warning": "#45320c",
        "info": "#15324f",
        "ok": "#173a26",
        "muted": "#3a3d41",
    },
    chip_foreground={
        "danger": "#ffb4ab",
        "warning": "#ffd27a",
        "info": "#b3d7ff",
        "ok": "#9ee8b9",
        "muted": "#d2d6da",
    },
    header=("#e8eaed", "#33383f"),
    header_border="#4a5058",
    grid="#3c4043",
    alternate_base="#313438",
    selection=("#ffffff", "#2a5a86"),
    navigation=("#e8eaed", "#2a2e34"),
    navigation_selected=("#ffffff", "#2a6496"),
    primary=("#ffffff", "#2a6496"),
    primary_border="#4b86b8",
    primary_disabled=("#c4c9ce", "#3d4650"),
    demo=("#1f1600", "#f2b84b"),
    banner=("#ffffff", "#a12a22"),
    panel=("#e8eaed", "#262a30"),
    panel_border="#41474f",
    lock=("#d6dde4", "#161f28"),
    link="#8cc4ff",
    drop_outline="#7d868f",
    drop_active="#8cc4ff",
    page_surround="#3a3d41",
    body=("#3a4048", "#5b6570", "#c9d2dc"),
    region_marked="#ffd666",
    chart_lines=("#3D9BE0", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"),
)


def palette_is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is light on dark: the window colour's lightness decides.

    The palette is what Qt actually paints with, so it is trusted over
    ``QStyleHints.colorScheme()`` (a style may ignore the OS's setting); the scheme hint
    only decides when there is no application yet.
    """
    if palette is None:
        app = QGuiApplication.instance()
        if app is None:
            return False
        palette = QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def scheme(palette: QPalette | None = None) -> Scheme:
    """The colours for ``palette`` (default: the application's, as it is now)."""
    return DARK if palette_is_dark(palette) else LIGHT


def fg(meaning: str) -> str:
    """Text colour (hex) for ``meaning`` on an ordinary background."""
    return scheme().foreground[meaning]


def bg(meaning: str) -> str:
    """Tinted background (hex) for ``meaning``: chips, highlighted rows and panels."""
    return scheme().chip_background[meaning]


def chip_fg(meaning: str) -> str:
    """Text colour (hex) on :func:`bg` of the same meaning."""
    return scheme().chip_foreground[meaning]


def qcolor(meaning: str) -> QColor:
    """:func:`fg` as a QColor (for models' ForegroundRole and painters)."""
    return QColor(fg(meaning))


def app_style(colours: Scheme | None = None) -> str:
    """The application style sheet for ``colours`` (default: the current palette's)."""
    s = colours or scheme()
    return f"""
QTableView {{ gridline-color: {s.grid}; selection-background-color: {s.selection[1]};
             selection-color: {s.selection[0]}; alternate-background-color: {s.alternate_base}; }}
QHeaderView::section {{ background: {s.header[1]}; color: {s.header[0]}; padding: 4px 6px;
                       border: none; border-right: 1px solid {s.header_border};
                       font-weight: 600; }}
QLabel[role="pageTitle"] {{ font-size: 20px; font-weight: 600; }}
QLabel[role="hint"] {{ color: {s.foreground["muted"]}; }}
QLabel[role="error"] {{ color: {s.foreground["danger"]}; font-size: 11px; }}
QPushButton[role="primary"] {{ background: {s.primary[1]}; color: {s.primary[0]};
                              padding: 5px 14px; border-radius: 4px;
                              border: 1px solid {s.primary_border}; }}
QPushButton[role="primary"]:disabled {{ background: {s.primary_disabled[1]};
                                       color: {s.primary_disabled[0]};
                                       border-color: {s.primary_disabled[1]}; }}
QPushButton[role="danger"] {{ color: {s.foreground["danger"]}; }}
QPushButton[role="link"] {{ color: {s.link}; padding: 0 4px; }}
QListWidget#navigation {{ border: none; background: {s.navigation[1]};
                         color: {s.navigation[0]}; font-size: 14px; padding-top: 8px; }}
QListWidget#navigation::item {{ padding: 9px 14px; }}
QListWidget#navigation::item:selected {{ background: {s.navigation_selected[1]};
                                        color: {s.navigation_selected[0]}; }}
QLabel#demoBadge {{ color: {s.demo[0]}; background: {s.demo[1]}; padding: 1px 8px; }}
"""


# The light style sheet, for code that set it before the palette was known.
APP_STYLE = app_style(LIGHT)
# No font rule: "QMainWindow, QDialog { font-size: 13px; }" changed no text (a style
# sheet's font does not propagate to child widgets; they kept the platform font), yet
# every new window resolved it through the sheet (a few per cent of opening a chart).


def apply_app_style(app: QGuiApplication) -> None:
    """Set the style sheet for the app's palette now and whenever the OS switches scheme.

    The switch is handled once the event loop is back (the new palette may arrive after
    the scheme signal). Colours a screen set for itself change when it is next opened.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    if not isinstance(app, QApplication):
        return
    app.setStyleSheet(app_style())
    changed = getattr(app.styleHints(), "colorSchemeChanged", None)
    if changed is not None:  # Qt ≥ 6.5
        changed.connect(lambda *_: QTimer.singleShot(0, lambda: app.setStyleSheet(app_style())))


def chip_style(level: str) -> str:
    """The style sheet of a chip of ``level`` (for a chip whose level changes)."""
    s = scheme()
    return (
        f"QLabel {{ background: {s.chip_background.get(level, s.chip_background['muted'])}; "
        f"color: {s.chip_foreground.get(level, s.chip_foreground['muted'])}; "
        "border-radius: 9px; padding: 2px 9px; font-weight: 600; }"
    )


def chip(text: str, level: str = "info") -> QLabel:
    """A small rounded status label ("MME 120/day", "No psychiatrist", "Overdue")."""
    label = QLabel(text)
    label.setObjectName(f"chip_{level}")
    label.setAccessibleName(text)
    label.setStyleSheet(chip_style(level))
    return label


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "pageTitle")
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


WidgetT = TypeVar("WidgetT", bound=QWidget)


def named(widget: WidgetT, name: str, spoken: str = "") -> WidgetT:
    """``widget`` with the object name tests and the style sheet find it by and, when
    given, the name a screen reader says (``spoken``)."""
    widget.setObjectName(name)
    if spoken:
        widget.setAccessibleName(spoken)
    return widget
