"""Shared look: colours that survive colour-blindness, status chips, the app style sheet."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
DANGER = "#b3261e"
WARNING = "#8a5300"
INFO = "#0b5cad"
OK = "#1b6e3a"
MUTED = "#5f6368"
CHIP_BACKGROUND = {"danger": "#fde7e6", "warning": "#fff3d6", "info": "#e3efff", "ok": "#e2f4e8"}
CHIP_FOREGROUND = {"danger": DANGER, "warning": WARNING, "info": INFO, "ok": OK}
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

APP_STYLE = """
QMainWindow, QDialog { font-size: 13px; }
QTableView { gridline-color: #e0e0e0; selection-background-color: #cfe3ff;
             selection-color: #000000; alternate-background-color: #f7f9fc; }
QHeaderView::section { background: #eef2f7; padding: 4px 6px; border: none;
                       border-right: 1px solid #d9dee5; font-weight: 600; }
QLabel[role="pageTitle"] { font-size: 20px; font-weight: 600; }
QLabel[role="hint"] { color: #5f6368; }
QPushButton[role="primary"] { background: #1f5f8b; color: white; padding: 5px 14px;
                              border-radius: 4px; border: 1px solid #174a6c; }
QPushButton[role="primary"]:disabled { background: #9bb5c8; border-color: #9bb5c8; }
"""


def chip_style(level: str) -> str:
    """The style sheet of a chip of ``level`` (for a chip whose level changes)."""
    return (
        f"QLabel {{ background: {CHIP_BACKGROUND.get(level, '#eeeeee')}; "
        f"color: {CHIP_FOREGROUND.get(level, MUTED)}; border-radius: 9px; "
        "padding: 2px 9px; font-weight: 600; }"
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
