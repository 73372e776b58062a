"""CSV files open in Excel with accented names intact: UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from carecoord.services.common import write_csv


def test_csv_starts_with_the_bom_and_reads_back_accented_names(tmp_path: Path) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["patient", "mrn"], ["Ñúñez, Zoë", "RPF-0042"]])
    target = tmp_path / "list.csv"
    write_csv(target, out.getvalue())
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpatient,mrn\r\n")
    assert "Ñúñez".encode() in raw
    with target.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["patient", "mrn"], ["Ñúñez, Zoë", "RPF-0042"]]
