"""Table dates follow the reader's locale (four-digit year) unless the clinic chose ISO, and
the printed list keeps each of them whole in either form."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from carecoord.letters.list_pdf import render_list
from carecoord.ui.context import AppContext
from carecoord.ui.date_field import set_iso_display
from carecoord.ui.list_printing import printed_list
from carecoord.ui.patients.page import PatientsPage
from tests.services.helpers import new_patient
from tests.ui.conftest import us_locale

US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


@pytest.fixture(autouse=True)
def _us_locale(tmp_path: Path) -> Iterator[None]:
    yield from us_locale(tmp_path)


def _born_cell(page: PatientsPage) -> str:
    model = page.model
    return str(model.data(model.index(0, 2, QModelIndex())))


def test_dates_of_birth_follow_the_locale_or_iso_by_setting(
    qtbot: QtBot, context: AppContext
) -> None:
    new_patient(context.db, context.actor, "Okafor", "Ada", date(1975, 4, 2))
    page = PatientsPage(context=context)
    qtbot.addWidget(page)
    assert _born_cell(page) == "4/2/1975"  # en_US short format, four-digit year
    set_iso_display(True)  # Settings › Dates in letters: 1973-03-04
    page.refresh()
    assert _born_cell(page) == "1975-04-02"


def test_locale_dates_print_whole(qtbot: QtBot, demo_context: AppContext) -> None:
    page = PatientsPage(context=demo_context)
    qtbot.addWidget(page)
    content = page.print_content()
    dates = {d for row in content.rows for d in US_DATE.findall(row[2])}
    assert len(dates) >= 40
    pdf = render_list(printed_list(demo_context, content))
    words = set("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert dates <= words
