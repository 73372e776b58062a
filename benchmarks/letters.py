"""Letter benchmark: one referral letter (load + render) and a 1,000-letter batch.

Each figure stands beside a plain ReportLab document of the SAME text in the SAME font
(the letter's words read back from its PDF, one DejaVu Sans paragraph per line through
platypus) built in the same run: what the letter's layout costs beyond setting its text.

    python -m benchmarks.letters                    # a 300-patient demo clinic in a temp folder
    python -m benchmarks.letters --database FILE    # a copy of FILE (never written to)
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import select

from benchmarks.harness import RESULTS_DIR, Figure, print_table, summary, time_call, write_json
from carecoord.clinical.vocabulary import UserRole
from carecoord.db import Database
from carecoord.letters.data import LetterData
from carecoord.letters.referral_letter import FONT, register_fonts, render_letter
from carecoord.models import Referral
from carecoord.services.actor import system_actor
from carecoord.services.letters import generate_letter, letter_data

RUNS = 50
BATCH = 1000


def same_text(pdf: bytes) -> list[str]:
    """The letter's lines of text, read back from its PDF (outside any timing)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [line for page in reader.pages for line in page.extract_text().splitlines() if line]


def plain_document(lines: list[str]) -> bytes:
    """The baseline: the letter's text, in its font, as plain paragraphs."""
    style = ParagraphStyle("plain", fontName=FONT, fontSize=9.5, leading=12.5)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER)
    document.build([Paragraph(escape(line), style) for line in lines])
    return buffer.getvalue()


def prepare(database: Path | None, patients: int, seed: int, folder: Path) -> Path:
    """A private database file: a copy of ``database`` or a fresh demo clinic."""
    path = folder / "letters.sqlite3"
    if database is not None:
        shutil.copyfile(database, path)
        return path
    from carecoord.demo import fill_demo

    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=patients, seed=seed)
    db.dispose()
    return path


def figure(
    name: str,
    timings: list[float],
    baseline_name: str,
    baseline: list[float],
    target: str,
    check: Callable[[float], bool],
) -> Figure:
    median, p95 = summary(timings)
    base_median, base_p95 = summary(baseline)
    return Figure(
        name,
        len(timings),
        median,
        p95,
        baseline_name,
        base_median,
        base_p95,
        target,
        check(median),
    )


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.letters", description=__doc__)
    parser.add_argument("--database", type=Path, default=None, help="copied, never written")
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="carecoord-letters-") as folder:
        print("Preparing the database …")
        path = prepare(args.database, args.patients, args.seed, Path(folder))
        db = Database(f"sqlite:///{path}")
        actor = system_actor(UserRole.PHYSICIAN, username="benchmark")
        with db.session() as session:
            ids = list(session.scalars(select(Referral.id).order_by(Referral.id)))
        if not ids:
            raise SystemExit("the database holds no referrals")
        register_fonts()
        texts: dict[int, list[str]] = {}

        def text_of(rid: int) -> list[str]:
            if rid not in texts:
                texts[rid] = same_text(render_letter(letter_data(db, actor, rid)))
            return texts[rid]

        for referral_id in ids[:5]:  # warm caches on both sides alike
            render_letter(letter_data(db, actor, referral_id))
            plain_document(text_of(referral_id))

        single_ms: list[float] = []
        single_bare_ms: list[float] = []
        generate_ms: list[float] = []
        for run in range(args.runs):
            referral_id = ids[run % len(ids)]
            single_ms.append(
                time_call(lambda rid: render_letter(letter_data(db, actor, rid)), referral_id)
            )
            lines = text_of(referral_id)
            single_bare_ms.append(time_call(plain_document, lines))
            generate_ms.append(time_call(lambda rid: generate_letter(db, actor, rid), referral_id))

        batch_ids = [ids[i % len(ids)] for i in range(args.batch)]
        loaded: list[LetterData] = []

        def load_and_render() -> None:
            for rid in batch_ids:
                data = letter_data(db, actor, rid)
                render_letter(data)
                loaded.append(data)

        with_data_ms = timed(load_and_render)
        render_ms = timed(lambda: [render_letter(data) for data in loaded])
        batch_texts = [text_of(rid) for rid in batch_ids]
        bare_batch_ms = timed(lambda: [plain_document(lines) for lines in batch_texts])
        sample_pages = statistics.mean(
            len(PdfReader(io.BytesIO(render_letter(d))).pages) for d in loaded[:50]
        )
        db.dispose()

    n = args.batch
    figures = [
        figure(
            "letter: load data + render",
            single_ms,
            "same text, same font, plain",
            single_bare_ms,
            "median <= 40 ms",
            lambda m: m <= 40,
        ),
        figure(
            "letter: generate (+ audit, history)",
            generate_ms,
            "same text, same font, plain",
            single_bare_ms,
            "median <= 40 ms",
            lambda m: m <= 40,
        ),
        figure(
            f"batch of {n:,}: load + render",
            [with_data_ms],
            f"{n:,} plain same-text docs",
            [bare_batch_ms],
            "<= 60 s",
            lambda m: m <= 60_000,
        ),
        figure(
            f"batch of {n:,}: render only",
            [render_ms],
            f"{n:,} plain same-text docs",
            [bare_batch_ms],
            "<= 40 s",
            lambda m: m <= 40_000,
        ),
    ]
    print(f"\n{len(ids):,} referrals; letters average {sample_pages:.1f} pages")
    print_table("Letter benchmark (SQLite, milliseconds)", figures)
    print("\nRatios of the medians (letter / same text set plainly):")
    for f in figures:
        print(f"  {f.name:<38} {f.ratio_median:6.1f}x")
    out = RESULTS_DIR / "letters.json"
    write_json(
        out,
        {
            "referrals": len(ids),
            "runs": args.runs,
            "batch": n,
            "database": str(args.database) if args.database else f"demo, {args.patients} patients",
            "average_pages": sample_pages,
        },
        figures,
    )
    print(f"\nJSON written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
