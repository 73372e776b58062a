"""Where the database comes from, and the refusal to put SQLite on a network share."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecoord.config import (
    ENV_DATABASE_URL,
    filesystem_type,
    is_network_path,
    normalise_url,
    redact_url,
    resolve_database,
    sqlite_path,
)
from carecoord.db import Database
from carecoord.errors import ConfigurationError

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
server:/export/clinic /mnt/clinic nfs4 rw,relatime 0 0
//fileserver/share /media/share cifs rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.fixture
def mounts(tmp_path: Path) -> str:
    path = tmp_path / "mounts"
    path.write_text(MOUNTS)
    return str(path)


def test_option_beats_environment_beats_default(tmp_path: Path) -> None:
    env = {ENV_DATABASE_URL: "postgresql://clinic@db.example.org/carecoord"}
    chosen = resolve_database(str(tmp_path / "given.sqlite3"), env)
    assert chosen.source == "command line" and chosen.url.endswith("given.sqlite3")
    from_env = resolve_database(None, env)
    assert from_env.source == "environment"
    assert from_env.url == "postgresql+psycopg://clinic@db.example.org/carecoord"
    default = resolve_database(None, {})
    assert default.source == "default" and default.url.startswith("sqlite:///")
    assert default.url.endswith("carecoord.sqlite3")


def test_plain_paths_become_sqlite_urls(tmp_path: Path) -> None:
    url = normalise_url(str(tmp_path / "x.db"))
    assert url == f"sqlite:///{tmp_path / 'x.db'}"
    assert sqlite_path(url) == tmp_path / "x.db"
    assert sqlite_path("sqlite://") is None


def test_filesystem_type_uses_the_longest_mount_point(mounts: str) -> None:
    assert filesystem_type(Path("/mnt/clinic/carecoord.sqlite3"), mounts) == "nfs4"
    assert filesystem_type(Path("/media/share/db/x.sqlite3"), mounts) == "cifs"
    assert filesystem_type(Path("/home/desk/x.sqlite3"), mounts) == "ext4"
    assert filesystem_type(Path("/mnt/clinical/x"), mounts) == "ext4"


def test_network_shares_are_detected(mounts: str) -> None:
    assert is_network_path(Path("/mnt/clinic/carecoord.sqlite3"), mounts)
    assert is_network_path(Path("/media/share/carecoord.sqlite3"), mounts)
    assert is_network_path(Path("//fileserver/share/carecoord.sqlite3"), mounts)
    assert not is_network_path(Path("/tmp/carecoord.sqlite3"), mounts)


def test_sqlite_on_a_share_is_refused_with_advice() -> None:
    with pytest.raises(ConfigurationError) as error:
        Database(normalise_url("//fileserver/share/carecoord.sqlite3"))
    message = str(error.value)
    assert "network share" in message and "PostgreSQL" in message


def test_unsupported_dialects_are_refused() -> None:
    with pytest.raises(ConfigurationError):
        resolve_database("mysql://root@localhost/carecoord", {})


def test_passwords_never_shown() -> None:
    shown = redact_url("postgresql+psycopg://clinic:s3cret@db.example.org/carecoord")
    assert "s3cret" not in shown and shown.startswith("postgresql+psycopg://clinic:***@")
