"""The screens' language: English in the sources, other languages from compiled Qt ``.qm``
files in resources/translations/ (``make translations`` builds them from the ``.ts`` files
that ``pyside6-lupdate`` extracts; README "Language").

The language is the person's (Settings › Language, kept per user in QSettings) or, when
they have not chosen, the system's. Letters, plans and the audit trail are not translated:
they stay in the clinic's language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from carecoord.paths import resource
from carecoord.ui import preferences

LANGUAGE_KEY = "ui/language"  # QSettings: "" (system), "en" or "es"
LANGUAGES = (("en", "English"), ("es", "Español"))  # Settings › Language, besides "system"
TRANSLATED = ("es",)  # languages with a .qm file in resources/translations/


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    """Marks ``source`` for ``pyside6-lupdate`` (context ``context``) and returns it untouched;
    it is translated where it is shown (Qt's own returns ``object`` to type checkers)."""
    return source


def qm_file(language: str) -> str:
    """The compiled translation of ``language`` (which may not exist)."""
    return str(resource("translations", f"carecoord_{language}.qm"))


def chosen_language(store: QSettings | None = None) -> str:
    """The language to show: the user's choice, else the system locale's ("es_MX" → "es")."""
    settings = store or preferences.store()
    chosen = str(settings.value(LANGUAGE_KEY, "") or "")
    if chosen:
        return chosen
    return QLocale.system().name().split("_")[0]


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load and install ``language``'s translation; None (English stays) when there is none.

    The translator is parented to ``app`` so it lives as long as the application.
    """
    if language not in TRANSLATED:
        return None
    translator = QTranslator(app)
    if not translator.load(qm_file(language)):
        return None
    # Qt's own strings too: standard buttons ("Cancel"), file and print dialogs.
    qt_own = QTranslator(app)
    if qt_own.load(
        f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(qt_own)
        translator.setProperty("qtbase", qt_own)  # removed together (tests switch back)
    app.installTranslator(translator)
    return translator


def remove_translator(app: QCoreApplication, translator: QTranslator) -> None:
    """Undo :func:`install_translator` (back to English)."""
    qt_own = translator.property("qtbase")
    if isinstance(qt_own, QTranslator):
        app.removeTranslator(qt_own)
    app.removeTranslator(translator)


def translate(context: str, source: str) -> str:
    """``source`` in the reader's language, for code outside a QObject (module functions,
    table cells); ``pyside6-lupdate`` finds ``translate("Context", "literal")`` calls."""
    return QCoreApplication.translate(context, source)
