"""A dark palette like Windows 11's when the OS is set to dark (Qt follows it)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def dark_palette() -> QPalette:
    """Windows 11 dark, as Qt 6's windows11 style sets it up (near enough)."""
    palette = QPalette()
    role = QPalette.ColorRole
    for name, colour in (
        (role.Window, "#202020"),
        (role.WindowText, "#ffffff"),
        (role.Base, "#2b2b2b"),
        (role.AlternateBase, "#313131"),
        (role.Text, "#ffffff"),
        (role.Button, "#2d2d2d"),
        (role.ButtonText, "#ffffff"),
        (role.Highlight, "#0078d4"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#2b2b2b"),
        (role.ToolTipText, "#ffffff"),
        (role.PlaceholderText, "#a0a0a0"),
        (role.Link, "#8cc4ff"),
        (role.Mid, "#3a3a3a"),
        (role.Dark, "#1a1a1a"),
        (role.Light, "#454545"),
        (role.Midlight, "#3a3a3a"),
        (role.Shadow, "#000000"),
        (role.BrightText, "#ffffff"),
    ):
        palette.setColor(name, QColor(colour))
    group = QPalette.ColorGroup.Disabled
    for name in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group, name, QColor("#8a8a8a"))
    return palette
