"""Patient-data commands sign in as a person: no sign-in, no output; audited as that person.

The attack reproduced: before, ``carecoord letter`` printed psychiatric letters for anyone
who could reach the database, audited as "cli".
"""

from __future__ import annotations

import io
import os
import pty
import shutil
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from carecoord import cli
from carecoord.clinical.vocabulary import Discipline
from carecoord.db import Database
from carecoord.demo import fill_demo
from carecoord.models import AuditEvent, Referral


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signin") / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    fill_demo(db, patients=6, seed=4)
    db.dispose()
    return path


@pytest.fixture
def clinic(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "clinic.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


def _psychiatric_referral(path: Path) -> int:
    db = Database(f"sqlite:///{path}")
    with db.session() as session:
        found = session.scalars(
            select(Referral.id).where(Referral.discipline == Discipline.PSYCHIATRY)
        ).first()
    db.dispose()
    assert found is not None
    return found


def _audit(path: Path) -> list[tuple[str, str]]:
    db = Database(f"sqlite:///{path}")
    with db.session() as session:
        rows = [(e.username, e.action) for e in session.scalars(select(AuditEvent))]
    db.dispose()
    return rows[1:]  # after the demo loader's record


def _letter(path: Path, out: Path, *options: str, password: str = "demo\n") -> int:
    sys.stdin = io.StringIO(password)
    try:
        return cli.main(
            ["--database", str(path), *options, "letter", str(_psychiatric_referral(path)),
             "--output", str(out)]
        )  # fmt: skip
    finally:
        sys.stdin = sys.__stdin__


def test_without_a_user_nothing_is_written(
    clinic: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CARECOORD_USER", raising=False)
    out = tmp_path / "letter.pdf"
    assert _letter(clinic, out) == 1
    assert "sign in with --user NAME (or set CARECOORD_USER)" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    assert _audit(clinic) == []


def test_a_wrong_password_writes_nothing_but_the_failed_sign_in(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.pdf"
    code = _letter(clinic, out, "--user", "drlee", "--password-stdin", password="guess\n")
    assert code == 1
    assert "sign-in failed: unknown user name or wrong password" in capsys.readouterr().err
    assert not out.exists()
    assert _audit(clinic) == [("drlee", "sign_in_failed")]


def test_the_lockout_applies_on_the_command_line(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.pdf"
    for _ in range(5):
        _letter(clinic, out, "--user", "drlee", "--password-stdin", password="guess\n")
    capsys.readouterr()
    assert _letter(clinic, out, "--user", "drlee", "--password-stdin") == 1  # right password
    assert "this account is locked" in capsys.readouterr().err
    assert not out.exists()


def test_the_signed_in_person_is_audited_and_their_role_applies(
    clinic: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "letter.pdf"
    monkeypatch.setenv("CARECOORD_USER", "frontdesk")
    assert _letter(clinic, out, "--password-stdin") == 1  # front desk: no psychiatric letters
    assert "A front desk may not print psychiatric information" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.setenv("CARECOORD_USER", "drlee")
    assert _letter(clinic, out, "--password-stdin") == 0
    assert out.read_bytes().startswith(b"%PDF")
    trail = _audit(clinic)
    assert trail[0] == ("frontdesk", "sign_in")
    assert ("drlee", "sign_in") in trail and ("drlee", "print") in trail
    assert all(user != "cli" for user, _ in trail)


def test_the_password_prompt_on_a_terminal(clinic: Path, tmp_path: Path) -> None:
    """A person at a terminal: the password is asked for (not echoed) and the letter written."""
    out = tmp_path / "letter.pdf"
    argv = [
        sys.executable, "-m", "carecoord", "--database", str(clinic), "--user", "drlee",
        "letter", str(_psychiatric_referral(clinic)), "--output", str(out),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "CARECOORD_DATABASE_URL"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty
        os.execvpe(argv[0], argv, env)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Password for drlee: " not in seen and time.monotonic() < deadline:
        seen += os.read(fd, 1024)
    os.write(fd, b"demo\n")
    rest = b""
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        rest += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, rest
    assert b"demo" not in rest  # not echoed
    assert b"Wrote the letter" in rest and out.read_bytes().startswith(b"%PDF")


def _run(path: Path, *argv: str, password: str = "demo\n") -> int:
    sys.stdin = io.StringIO(password)
    try:
        return cli.main(["--database", str(path), *argv])
    finally:
        sys.stdin = sys.__stdin__


def test_backup_and_restore_need_an_administrator(
    clinic: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CARECOORD_USER", raising=False)
    copy = tmp_path / "copy.sqlite3"
    assert _run(clinic, "backup", str(copy)) == 1
    assert "sign in with --user NAME" in capsys.readouterr().err and not copy.exists()
    assert _run(clinic, "--user", "drlee", "--password-stdin", "backup", str(copy)) == 1
    assert "is for an administrator" in capsys.readouterr().err and not copy.exists()
    assert _run(clinic, "--user", "admin", "--password-stdin", "backup", str(copy)) == 0
    assert "Audit checkpoint written" in capsys.readouterr().out
    assert _audit(clinic)[-2:] == [("admin", "sign_in"), ("admin", "backup")]
    assert _run(clinic, "restore", str(copy), "--yes") == 1
    assert "sign in with --user NAME" in capsys.readouterr().err
    assert _run(clinic, "--user", "admin", "--password-stdin", "restore", str(copy), "--yes") == 0
    assert _audit(clinic)[-1] == ("admin", "restore")  # the restored trail, then this


def test_letters_without_a_sign_in_does_not_even_make_the_folder(
    clinic: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CARECOORD_USER", raising=False)
    folder = tmp_path / "letters"
    assert _run(clinic, "letters", "--state", "draft", "--output-dir", str(folder)) == 1
    assert "sign in with --user NAME" in capsys.readouterr().err
    assert not folder.exists() and _audit(clinic) == []
    assert (
        _run(
            clinic,
            "--user",
            "admin",
            "--password-stdin",
            "plan",
            "1",
            "--output",
            str(tmp_path / "plan.pdf"),
        )
        == 1
    )  # an administrator prints no clinical data
    assert not (tmp_path / "plan.pdf").exists()
