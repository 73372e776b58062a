"""`carecoord letter` and `carecoord letters`: PDFs on disk, clear errors, no partial files."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carecoord import cli
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.models import Referral, ReferralEvent
from carecoord.services import letters
from tests.letters.samples import pdf_text

SIGN_IN = ["--user", "drlee", "--password-stdin"]
"""The demo clinic's physician signs in; the password comes on standard input."""


@pytest.fixture(autouse=True)
def _password_on_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo\n" * 20))


@pytest.fixture
def clinic(tmp_path: Path, sqlite_template: Path) -> Path:
    """A small demo clinic in a SQLite file."""
    path = tmp_path / "clinic.sqlite3"
    shutil.copyfile(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=4, seed=2)
    db.dispose()
    return path


def _first_referral(path: Path, state: str | None = None) -> int:
    db = Database(f"sqlite:///{path}")
    with db.session() as session:
        query = select(Referral.id).order_by(Referral.id)
        if state:
            query = query.where(Referral.state == state)
        referral_id = session.scalars(query).first()
    db.dispose()
    assert referral_id is not None
    return referral_id


def _history(path: Path) -> list[tuple[str, str | None]]:
    db = Database(f"sqlite:///{path}")
    with db.session() as session:
        rows = session.scalars(select(ReferralEvent).where(ReferralEvent.kind == "letter")).all()
        found = [(e.username, e.reason) for e in rows]
    db.dispose()
    return found


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def test_letter_writes_a_pdf_and_records_it(clinic: Path, tmp_path: Path) -> None:
    referral_id = _first_referral(clinic)
    output = tmp_path / "out" / "letter.pdf"
    output.parent.mkdir()
    code = cli.main(
        ["--database", str(clinic), *SIGN_IN, "letter", str(referral_id), "--output", str(output)]
    )
    assert code == 0
    text = pdf_text(output.read_bytes())
    assert "Page 1 of" in text and "Reason for referral and question" in text
    assert _history(clinic) == [("drlee", f"letter saved to {output} (command line)")]
    assert _leftovers(output.parent) == []


def test_unknown_referral_exits_1_with_a_message(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "missing.pdf"
    code = cli.main(
        ["--database", str(clinic), *SIGN_IN, "letter", "999999", "--output", str(output)]
    )
    assert code == 1
    assert "Referral 999999 was not found" in capsys.readouterr().err
    assert not output.exists() and _leftovers(tmp_path) == []


def test_unwritable_path_fails_cleanly_before_anything_is_recorded(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    referral_id = _first_referral(clinic)
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    output = not_a_folder / "letter.pdf"
    code = cli.main(
        ["--database", str(clinic), *SIGN_IN, "letter", str(referral_id), "--output", str(output)]
    )
    assert code != 0
    assert f"cannot write {output}" in capsys.readouterr().err
    assert not output.exists()
    assert _history(clinic) == []


def test_failure_while_writing_leaves_no_file(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral_id = _first_referral(clinic)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(letters, "generate_letter", broken)
    output = tmp_path / "letter.pdf"
    code = cli.main(
        ["--database", str(clinic), *SIGN_IN, "letter", str(referral_id), "--output", str(output)]
    )
    assert code != 0
    assert not output.exists() and _leftovers(tmp_path) == []


def test_letters_writes_one_file_per_referral_and_a_combined_pdf(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(f"sqlite:///{clinic}")
    with db.session() as session:
        drafts = list(session.scalars(select(Referral.id).where(Referral.state == "draft")))
    db.dispose()
    assert drafts
    folder, combined = tmp_path / "letters", tmp_path / "all.pdf"
    code = cli.main(
        [
            "--database",
            str(clinic),
            *SIGN_IN,
            "letters",
            "--state",
            "draft",
            "--output-dir",
            str(folder),
            "--combined",
            str(combined),
        ]
    )
    assert code == 0
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == sorted(letters.letter_file_name(i) for i in drafts)
    pages = sum(len(PdfReader(f).pages) for f in files)
    assert len(PdfReader(combined).pages) == pages
    assert f"Wrote {len(drafts)} letter(s)" in capsys.readouterr().out
    assert len(_history(clinic)) == len(drafts)


def test_letters_needs_somewhere_to_write(clinic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--database", str(clinic), *SIGN_IN, "letters", "--state", "draft"])
    assert code == 1
    assert "--output-dir" in capsys.readouterr().err


def test_command_line_and_app_print_the_same_letter_for_the_same_choices(
    clinic: Path, tmp_path: Path
) -> None:
    """`carecoord letter ID --output F` prints what the app's preview shows with the
    checklist left as offered (the discipline's defaults), for every referral of the clinic."""
    from carecoord.clinical.vocabulary import UserRole
    from carecoord.models import User
    from carecoord.services.users import actor_of

    db = Database(f"sqlite:///{clinic}")
    with db.session() as session:
        referral_ids = list(session.scalars(select(Referral.id).order_by(Referral.id)))[:6]
        account = session.scalars(select(User).where(User.role == UserRole.PHYSICIAN)).first()
        assert account is not None
        doctor = actor_of(account)
    app_texts = []
    for referral_id in referral_ids:
        choices = letters.default_options(db, doctor, referral_id)  # what the checklist offers
        app_texts.append(
            pdf_text(letters.generate_letter(db, doctor, referral_id, choices.defaults))
        )
    db.dispose()
    for referral_id, app_text in zip(referral_ids, app_texts, strict=True):
        output = tmp_path / f"cli-{referral_id}.pdf"
        code = cli.main(
            [
                "--database",
                str(clinic),
                *SIGN_IN,
                "letter",
                str(referral_id),
                "--output",
                str(output),
            ]
        )
        assert code == 0
        assert pdf_text(output.read_bytes()) == app_text
