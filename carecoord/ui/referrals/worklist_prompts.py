"""The worklist's questions: where to save the CSV export, and whether to file a report.

Plain functions so the page keeps them as attributes that tests answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from carecoord.ui.preferences import ask_save_file
from carecoord.ui.translation import translate


def choose_export_path(parent: QWidget | None, suggested: str) -> str | None:
    """Ask where to save the CSV, starting in the folder used last time."""
    return ask_save_file(
        parent,
        "referrals/exportFolder",
        translate("ReferralsPage", "Export worklist"),
        suggested,
        translate("ReferralsPage", "CSV files (*.csv)"),
        suffix=".csv",
    )


def confirm_attach(parent: QWidget | None, description: str, file_name: str) -> bool:
    answer = QMessageBox.question(
        parent,
        translate("ReferralsPage", "File the report"),
        translate(
            "ReferralsPage",
            "File “{file}” as the specialist's report for {what}?\n\n"
            "This closes the referral's loop.",
        ).format(file=file_name, what=description),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes
