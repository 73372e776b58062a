"""Settings › Language: the screens' language for the person signed in on this computer.

Kept per user (QSettings), not per clinic: a Spanish-speaking front desk and an
English-speaking physician share one database. It takes effect at the next start; letters
keep the clinic's language whatever is chosen here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from carecoord.ui.preferences import store
from carecoord.ui.translation import LANGUAGE_KEY, LANGUAGES


class LanguageBox(QGroupBox):
    """A "Language" choice (system, English, Español) saved as soon as it changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Language"), parent)
        self.setObjectName("languageBox")
        self.choice = QComboBox()
        self.choice.setObjectName("languageChoice")
        self.choice.setAccessibleName(self.tr("Language of the screens"))
        self.choice.addItem(self.tr("System language"), "")
        for code, name in LANGUAGES:  # each language named in itself
            self.choice.addItem(name, code)
        current = str(store().value(LANGUAGE_KEY, "") or "")
        self.choice.setCurrentIndex(max(0, self.choice.findData(current)))
        self.choice.currentIndexChanged.connect(self._chosen)
        self.note = QLabel(
            self.tr(
                "Takes effect the next time CareCoord starts. "
                "Letters stay in the clinic’s language."
            )
        )
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Screens:"), self.choice)
        form.addRow(self.note)

    def _chosen(self) -> None:
        store().setValue(LANGUAGE_KEY, self.choice.currentData())
