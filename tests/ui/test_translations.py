"""The Spanish translation: the .ts file matches the sources, every string of the main
window, sign-in, patients and worklist screens is translated, the compiled .qm is fresh, and
real widgets show Spanish under the translator."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QListWidget, QMenuBar
from pytestqt.qtbot import QtBot

from carecoord.ui import vocabulary
from carecoord.ui.context import AppContext
from carecoord.ui.main_window import MainWindow
from carecoord.ui.navigation import PAGES
from carecoord.ui.translation import (
    LANGUAGE_KEY,
    chosen_language,
    install_translator,
    qm_file,
    remove_translator,
)
from tests.ui.conftest import save_screenshot

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "carecoord_es.ts"
QM = ROOT / "resources" / "translations" / "carecoord_es.qm"
TOOLS = Path(sys.executable).parent
# The contexts (classes, or translate() contexts) of the four screens issue 14 names.
SCREENS = {
    "MainWindow",
    "SignInDialog",
    "PatientsPage",
    "PatientForm",
    "DischargeDialog",
    "PatientSearchModel",
    "ReferralsPage",
    "WorklistModel",
    "Vocabulary",
    "ListPrinting",
}
PLACEHOLDER = re.compile(r"\{\w*\}")


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) → its <translation> element, obsolete entries left out."""
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            found[(name, message.findtext("source") or "")] = translation
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "carecoord" / "ui").rglob("*.py"))


def test_the_ts_file_holds_exactly_the_strings_of_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_es.ts"
    subprocess.run(
        [
            str(TOOLS / "pyside6-lupdate"),
            "-silent",
            "-locations",
            "none",
            *sources(),
            "-ts",
            str(fresh),
        ],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    in_code = set(messages(fresh))
    committed = set(messages(TS))
    assert in_code - committed == set(), "run `make translations`: strings missing from the .ts"
    assert committed - in_code == set(), "run `make translations`: the .ts has stale strings"
    assert {c for c, _ in in_code} >= SCREENS


def test_every_string_of_the_four_screens_is_translated_with_its_placeholders() -> None:
    found = messages(TS)
    screens = {key: t for key, t in found.items() if key[0] in SCREENS}
    assert len(screens) > 250
    # Every string is finished, the four screens' and the few others already wrapped.
    unfinished = [key for key, t in found.items() if t.get("type") or not (t.text or "").strip()]
    assert unfinished == []
    for (context, source), translation in found.items():
        assert sorted(PLACEHOLDER.findall(source)) == sorted(
            PLACEHOLDER.findall(translation.text or "")
        ), (context, source)


def test_the_compiled_qm_is_fresh(tmp_path: Path) -> None:
    compiled = tmp_path / "carecoord_es.qm"
    subprocess.run(
        [str(TOOLS / "pyside6-lrelease"), "-silent", str(TS), "-qm", str(compiled)],
        check=True,
        timeout=60,
    )
    assert QM.read_bytes() == compiled.read_bytes(), "run `make translations`"
    assert Path(qm_file("es")) == QM


def test_vocabulary_and_page_titles_are_all_marked_for_translation() -> None:
    labels = set(vocabulary.LABELS)
    for enum in vocabulary.ENUMS:
        for member in enum:
            assert member.label in labels, member  # type: ignore[attr-defined]
    assert {spec.title for spec in PAGES} == set(vocabulary.PAGE_TITLES)


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    translator = install_translator(qapp, "es")
    assert translator is not None
    yield
    remove_translator(qapp, translator)


def test_main_window_and_screens_speak_spanish(
    qtbot: QtBot, demo_context: AppContext, spanish: None
) -> None:
    window = MainWindow(context=demo_context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    navigation = window.findChild(QListWidget, "navigation")
    assert navigation is not None
    shown = [navigation.item(i).text() for i in range(navigation.count())]
    assert shown[:3] == ["Panel", "Pacientes", "Derivaciones"]
    assert "Derivaciones recibidas" in shown and "Equipo" in shown
    assert any(s.startswith("Informes por revisar") for s in shown)
    menus = [a.text() for a in window.findChild(QMenuBar).actions()]  # type: ignore[union-attr]
    # The session guard's Account menu goes before Help (found by name, not by its text).
    assert menus == ["&Archivo", "&Ir a", "&Cuenta", "Ay&uda"]
    assert (
        window.user_label.text()
        == f"Sesión iniciada como {demo_context.actor.display_name} (médico)"
    )
    patients = window.show_page("patients")
    model = patients.model  # type: ignore[attr-defined]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "F. nacimiento"
    assert patients.show_discharged.text() == "Mostrar altas"  # type: ignore[attr-defined]
    save_screenshot(window, "spanish_patients")
    referrals = window.show_page("referrals")
    referrals.wait_for_threads()
    qtbot.wait(50)
    views = referrals.views  # type: ignore[attr-defined]
    assert views.item(0).text().startswith("Con retraso")
    assert referrals.clear_button.text() == "Quitar filtros"  # type: ignore[attr-defined]
    save_screenshot(window, "spanish_referrals")
    window.show_page("dashboard")
    qtbot.wait(50)
    save_screenshot(window, "spanish_main_window")
    window.close()


def test_sign_in_speaks_spanish(qtbot: QtBot, spanish: None) -> None:
    from carecoord.ui.sign_in import SignInDialog

    dialog = SignInDialog(authenticate=lambda _u, _p: None, clinic_name="Clínica del Dolor Ribera")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ok_button.text() == "Iniciar sesión"
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)  # type: ignore[union-attr]
    assert cancel.text() == "Cancelar"  # Qt's own strings, from qtbase_es
    assert dialog.windowTitle() == "Iniciar sesión — CareCoord"
    dialog.username.setText("nadie")
    dialog.password.setText("x")
    dialog.try_sign_in()
    assert (
        dialog.error.text() == "El usuario y la contraseña no corresponden a ninguna cuenta activa."
    )
    save_screenshot(dialog, "spanish_sign_in")


def test_without_a_translator_the_screens_stay_english(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(context=context)
    qtbot.addWidget(window)
    navigation = window.findChild(QListWidget, "navigation")
    assert navigation is not None and navigation.item(0).text() == "Dashboard"


def test_language_choice_and_system_locale(qapp: QApplication, tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "lang.ini"), QSettings.Format.IniFormat)
    store.setValue(LANGUAGE_KEY, "es")
    assert chosen_language(store) == "es"
    store.setValue(LANGUAGE_KEY, "")
    from PySide6.QtCore import QLocale

    assert chosen_language(store) == QLocale.system().name().split("_")[0]
    assert install_translator(qapp, "fr") is None  # no French: English stays
    assert install_translator(qapp, "en") is None
