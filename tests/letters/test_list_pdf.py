"""The printed list read back from its PDF: landscape, header, fitted columns, page X of Y."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader

from carecoord.letters.list_pdf import (
    SMALLEST,
    ListContent,
    PrintedList,
    fit_columns,
    render_list,
)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
COLUMNS = ("Patient", "MRN", "Date of birth", "Reason for referral", "Sent", "Due", "State")


def _rows(count: int) -> tuple[tuple[str, ...], ...]:
    start = date(2026, 10, 5)
    return tuple(
        (
            f"Zoë Fictional-Patientname {n}",
            f"MRN{n:06d}",
            (date(1950, 1, 1) + timedelta(days=97 * n)).isoformat(),
            "Chronic low back pain with radicular features; please assess for "
            "interdisciplinary rehabilitation " * (1 + n % 3),
            (start + timedelta(days=n)).isoformat(),
            (start + timedelta(days=n + 28)).isoformat(),
            "Awaiting acceptance",
        )
        for n in range(count)
    )


def _printed(rows: tuple[tuple[str, ...], ...], paper: str = "letter") -> PrintedList:
    return PrintedList(
        content=ListContent(
            view="Referrals — To send",
            filters=("Discipline: Physical therapy", "Priority: Urgent"),
            columns=COLUMNS,
            rows=rows,
            keep_whole=frozenset({1, 2, 4, 5}),
        ),
        clinic_name="Riverside Pain Clinic (fictional)",
        clinic_address="12 Example Street\nSpringfield, OR 97000",
        printed="Printed 2026-12-05 11:30 by Dr Lee",
        paper_size=paper,
    )


def _pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def test_list_prints_landscape_with_header_filters_and_page_x_of_y() -> None:
    rows = _rows(120)
    pdf = render_list(_printed(rows))
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) > float(box.height)  # landscape
        assert (float(box.width), float(box.height)) == (792.0, 612.0)
    texts = _pages(pdf)
    total = len(texts)
    assert total > 2
    first = texts[0]
    assert "Riverside Pain Clinic (fictional)" in first
    assert "12 Example Street" in first and "Springfield, OR 97000" in first
    assert "Referrals — To send" in first
    assert "Filters: Discipline: Physical therapy; Priority: Urgent" in first
    assert "Printed 2026-12-05 11:30 by Dr Lee" in first
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        # The column headers repeat on every page.
        assert "Patient" in text and "Date of birth" in text and "Reason for referral" in text


def test_no_date_or_word_is_broken_across_lines() -> None:
    rows = _rows(60)
    text = "\n".join(_pages(render_list(_printed(rows))))
    words = set(text.split())
    for row in rows:
        for cell in row:
            for date_text in ISO_DATE.findall(cell):
                assert date_text in words, date_text
            for word in cell.split():
                assert word in words, word  # "Patien t" would fail here
    for title in COLUMNS:
        for word in title.split():
            assert word in words


def test_a4_paper_is_landscape_a4() -> None:
    reader = PdfReader(io.BytesIO(render_list(_printed(_rows(3), paper="a4"))))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595


def test_short_columns_fit_their_widest_cell_and_long_ones_share_the_rest() -> None:
    rows = _rows(10)
    fit = fit_columns(COLUMNS, rows, frozenset({1, 2, 4, 5}), 700.0)
    assert abs(sum(fit.widths) - 700.0) < 0.5
    # The long reason column gets the most room; every date column is wide enough for a date.
    assert max(fit.widths) == fit.widths[3]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from carecoord.letters.layout import FONT, register_fonts

    register_fonts()
    for column in (2, 4, 5):
        assert fit.widths[column] >= stringWidth("2026-10-05", FONT, fit.font_size) + 6


def test_too_many_columns_shrink_the_type_rather_than_break_words() -> None:
    columns = tuple(f"Column{n}" for n in range(16))
    rows = tuple(tuple(f"2026-10-{n % 28 + 1:02d}" for n in range(16)) for _ in range(5))
    fit = fit_columns(columns, rows, frozenset(range(16)), 700.0)
    assert fit.font_size < 8.5
    assert fit.font_size >= SMALLEST
    assert abs(sum(fit.widths) - 700.0) < 0.5 or fit.font_size == SMALLEST


def test_an_empty_view_still_prints_its_header() -> None:
    printed = _printed(())
    texts = _pages(render_list(printed))
    assert len(texts) == 1
    assert "No rows." in texts[0] and "Page 1 of 1" in texts[0]
