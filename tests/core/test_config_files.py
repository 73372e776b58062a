"""The machine's and the user's settings files: precedence, refusals, `carecoord config show`.

Real files: the machine file in the test's folder (named by CARECOORD_MACHINE_CONFIG), the
user file in the run's sandboxed configuration folder (tests/conftest.py), removed after
each test.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from carecoord.config import (
    ENV_DATABASE_URL,
    ENV_MACHINE_CONFIG,
    load_configuration,
    machine_config_path,
    resolve_database,
    user_config_file,
)
from carecoord.errors import ConfigurationError
from tests.conftest import SANDBOX
from tests.core.test_cli import run

DEFAULT_URL = f"sqlite:///{SANDBOX / 'data' / 'CareCoord' / 'carecoord.sqlite3'}"
USER_FILE = SANDBOX / "config" / "CareCoord" / "carecoord.toml"
PG = "postgresql+psycopg://carecoord_ws@db.clinic.example/carecoord"


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """Where this test's machine file goes (absent until the test writes it)."""
    return tmp_path / "etc" / "carecoord.toml"


@pytest.fixture
def user() -> Iterator[Path]:
    """The sandboxed user file, removed afterwards so no other test sees it."""
    path = user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    yield path
    path.unlink(missing_ok=True)


def env_for(machine: Path, **more: str) -> dict[str, str]:
    return {ENV_MACHINE_CONFIG: str(machine), **more}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux places")
def test_the_files_are_where_it_says(machine: Path) -> None:
    assert user_config_file() == USER_FILE
    assert machine_config_path({}) == Path("/etc/carecoord/carecoord.toml")
    assert machine_config_path(env_for(machine)) == machine


def test_without_files_the_defaults_apply(machine: Path, user: Path) -> None:
    config = load_configuration(None, env_for(machine))
    assert (config.url.value, config.url.source) == (DEFAULT_URL, "default")
    assert (config.sslmode.value, config.sslmode.source) == (None, "default")
    assert config.backup_folders.value == ()
    assert (config.country.value, config.subdivision.value) == (None, None)
    assert config.files == (("machine file", machine, False), ("user file", user, False))


def test_command_line_beats_environment_beats_user_file_beats_machine_file(
    machine: Path, user: Path, tmp_path: Path
) -> None:
    write(machine, f'[database]\nurl = "{PG}"\n')
    env = env_for(machine)
    assert resolve_database(None, env).url == PG
    assert resolve_database(None, env).source == f"machine file {machine}"

    write(user, f'[database]\nurl = "{tmp_path / "mine.sqlite3"}"\n')
    assert resolve_database(None, env).url == f"sqlite:///{tmp_path / 'mine.sqlite3'}"
    assert resolve_database(None, env).source == f"user file {user}"

    env[ENV_DATABASE_URL] = "postgresql://ws@env.example/carecoord"
    chosen = resolve_database(None, env)
    assert (chosen.url, chosen.source) == (
        "postgresql+psycopg://ws@env.example/carecoord",
        "environment",
    )
    given = resolve_database(str(tmp_path / "given.sqlite3"), env)
    assert (given.url, given.source) == (f"sqlite:///{tmp_path / 'given.sqlite3'}", "command line")


def test_each_value_takes_its_own_highest_source(machine: Path, user: Path) -> None:
    write(
        machine,
        f'[database]\nurl = "{PG}"\nsslmode = "verify-full"\n'
        '[backup]\nfolders = ["/srv/carecoord/backups", "/mnt/it/checkpoints"]\n'
        '[clinic]\ncountry = "ca"\nsubdivision = "on"\n',
    )
    write(user, '[backup]\nfolders = "/home/desk/backups"\n')
    config = load_configuration(None, env_for(machine))
    assert (config.url.value, config.url.source) == (PG, f"machine file {machine}")
    assert config.backup_folders.value == (Path("/home/desk/backups"),)
    assert config.backup_folders.source == f"user file {user}"
    assert (config.country.value, config.subdivision.value) == ("CA", "ON")
    assert config.country.source == f"machine file {machine}"


def test_sslmode_is_added_to_a_postgresql_url_by_precedence(machine: Path, user: Path) -> None:
    write(machine, '[database]\nsslmode = "verify-full"\n')
    env = env_for(machine, **{ENV_DATABASE_URL: "postgresql://ws@db.example/cc"})
    assert resolve_database(None, env).url == (
        "postgresql+psycopg://ws@db.example/cc?sslmode=verify-full"
    )
    # The URL's own sslmode counts at its source's rank: the environment beats the files...
    env[ENV_DATABASE_URL] = "postgresql://ws@db.example/cc?sslmode=require"
    assert resolve_database(None, env).url == (
        "postgresql+psycopg://ws@db.example/cc?sslmode=require"
    )
    config = load_configuration(None, env)
    assert (config.sslmode.value, config.sslmode.source) == (
        "require",
        "database URL (environment)",
    )
    # ... and a user file's sslmode beats the machine file's URL.
    del env[ENV_DATABASE_URL]
    write(machine, '[database]\nurl = "postgresql://ws@db.example/cc?sslmode=prefer"\n')
    write(user, '[database]\nsslmode = "verify-ca"\n')
    assert resolve_database(None, env).url == (
        "postgresql+psycopg://ws@db.example/cc?sslmode=verify-ca"
    )
    # libpq's PGSSLMODE is the environment: it beats both files.
    env["PGSSLMODE"] = "verify-full"
    assert resolve_database(None, env).url == (
        "postgresql+psycopg://ws@db.example/cc?sslmode=verify-full"
    )
    assert load_configuration(None, env).sslmode.source == "environment (PGSSLMODE)"


def test_sslmode_leaves_sqlite_alone(machine: Path, tmp_path: Path) -> None:
    write(machine, 'database.sslmode = "verify-full"\n')
    location = resolve_database(str(tmp_path / "x.sqlite3"), env_for(machine))
    assert location.url == f"sqlite:///{tmp_path / 'x.sqlite3'}"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://carecoord_ws:s3cret@db.clinic.example/carecoord",
        "postgresql+psycopg://carecoord_ws@db.clinic.example/carecoord?password=s3cret",
        "postgresql://carecoord_ws:@db.clinic.example/carecoord",
    ],
)
def test_a_password_in_a_settings_file_is_refused(machine: Path, url: str) -> None:
    write(machine, f'[database]\nurl = "{url}"\n')
    with pytest.raises(ConfigurationError) as error:
        load_configuration(None, env_for(machine))
    assert str(error.value) == (
        f"{machine}: database.url holds a password; a settings file is no place for a "
        "password: remove it from the URL and keep it in libpq's password file (~/.pgpass, "
        "%APPDATA%\\postgresql\\pgpass.conf on Windows, or the file PGPASSFILE names) or in "
        "the operating system's keyring"
    )


def test_the_user_file_is_refused_too_even_when_the_command_line_wins(
    machine: Path, user: Path, tmp_path: Path
) -> None:
    write(user, '[database]\nurl = "postgresql://ws:pw@db/cc"\n')
    with pytest.raises(ConfigurationError, match=f"^{user}: database.url holds a password"):
        resolve_database(str(tmp_path / "x.sqlite3"), env_for(machine))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[database]\nurl = "a\n', "is not valid TOML: Illegal character '\\n' "
         "(at line 2, column 9)"),
        ("[database]\nuser = 'ws'\n", ": unknown key 'database.user'; the keys are "
         "database.url, database.sslmode, backup.folders, clinic.country, clinic.subdivision"),
        ("database = 'x'\n", ": 'database' must be a table such as [database]; the keys are "
         "database.url, database.sslmode, backup.folders, clinic.country, clinic.subdivision"),
        ("[database]\nsslmode = 'strict'\n", ": database.sslmode must be one of disable, "
         "allow, prefer, require, verify-ca, verify-full (found 'strict')"),
        ("[database]\nurl = 5\n", ": database.url must be a database URL or SQLite file path "
         "(text), without a password (found 5)"),
        ("[database]\nurl = 'clinic.sqlite3'\n", ": database.url must be an absolute SQLite "
         "file path or a URL (found 'clinic.sqlite3', relative to whichever folder CareCoord "
         "starts in)"),
        ("[backup]\nfolders = [1, 2]\n", ": backup.folders must be a list of absolute folder "
         "paths (text), backups in the first (found [1, 2])"),
        ("[backup]\nfolders = ['backups']\n", ": backup.folders must be a list of absolute "
         "folder paths (text), backups in the first (found ['backups'])"),
        ("[backup]\nfolders = []\n", ": backup.folders must be a list of absolute folder "
         "paths (text), backups in the first (found [])"),
        ("[clinic]\ncountry = 'Narnia!'\n", ": clinic.country must be a country code such as "
         "US, CA or GB (text) (found 'Narnia!')"),
        ("[clinic]\ncountry = 'XQ'\n", ": clinic.country 'XQ' is not a country whose public "
         "holidays CareCoord knows (an ISO 3166 code such as US, CA or GB)"),
        ("[clinic]\ncountry = 'CA'\nsubdivision = 'NY'\n", ": clinic.subdivision 'NY' is not "
         "a subdivision of CA (one of AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT)"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_message_naming_file_key_and_rule(
    machine: Path, text: str, problem: str
) -> None:
    write(machine, text)
    with pytest.raises(ConfigurationError) as error:
        load_configuration(None, env_for(machine))
    separator = " " if problem.startswith("is") else ""
    assert str(error.value) == f"{machine}{separator}{problem}"


def test_unreadable_and_non_utf8_files_are_named(machine: Path) -> None:
    machine.mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(ConfigurationError) as error:
        load_configuration(None, env_for(machine))
    assert str(error.value) == f"cannot read the machine file {machine}: Is a directory"
    machine.rmdir()
    machine.write_bytes(b'[database]\nurl = "/tmp/\xff.sqlite3"\n')
    with pytest.raises(ConfigurationError) as error:
        load_configuration(None, env_for(machine))
    assert str(error.value) == f"{machine} is not UTF-8 text"


def test_config_show_names_each_value_and_its_source(machine: Path, user: Path) -> None:
    write(
        machine,
        f'[database]\nurl = "{PG}"\nsslmode = "verify-full"\n'
        '[backup]\nfolders = ["/srv/carecoord/backups", "/mnt/it/checkpoints"]\n'
        '[clinic]\ncountry = "CA"\n',
    )
    write(user, '[database]\nsslmode = "verify-ca"\n')
    result = run("config", "show", env=env_for(machine))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "CareCoord settings (command line > environment > user file > machine file > default)",
        f"machine file: {machine} (read)",
        f"user file: {user} (read)",
        f"database.url = {PG}  (from machine file {machine})",
        f"database.sslmode = verify-ca  (from user file {user})",
        "backup.folders = /srv/carecoord/backups, /mnt/it/checkpoints  "
        f"(from machine file {machine})",
        f"clinic.country = CA  (from machine file {machine})",
        "clinic.subdivision = none  (from default)",
    ]


def test_config_show_with_the_command_line_and_no_files(machine: Path, tmp_path: Path) -> None:
    database = tmp_path / "desk.sqlite3"
    result = run("--database", str(database), "config", "show", env=env_for(machine))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:] == [
        f"machine file: {machine} (none there)",
        f"user file: {USER_FILE} (none there)",
        f"database.url = sqlite:///{database}  (from command line)",
        "database.sslmode = not used (SQLite)  (from default)",
        f"backup.folders = beside the SQLite file ({tmp_path / 'backups'})  (from default)",
        "clinic.country = US  (from default)",
        "clinic.subdivision = none  (from default)",
    ]


def test_config_show_hides_a_password_given_on_the_command_line(machine: Path) -> None:
    url = "postgresql://ws:s3cret@db.example/cc"
    result = run("config", "show", env=env_for(machine, **{ENV_DATABASE_URL: url}))
    assert result.returncode == 0
    assert "database.url = postgresql+psycopg://ws:***@db.example/cc  (from environment)" in (
        result.stdout.splitlines()
    )
    assert "s3cret" not in result.stdout


@pytest.mark.parametrize("command", [["config", "show"], ["info"], ["db", "current"]])
def test_a_bad_file_stops_the_command_line_with_exit_2_and_one_line(
    machine: Path, command: list[str]
) -> None:
    write(machine, "[database]\nsslmode = 3\n")
    result = run(*command, env=env_for(machine))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"carecoord: {machine}: database.sslmode must be one of disable, allow, prefer, "
        "require, verify-ca, verify-full (found 3)\n"
    )


def test_info_says_the_database_came_from_a_settings_file(machine: Path, tmp_path: Path) -> None:
    database = tmp_path / "clinic.sqlite3"
    write(machine, f'[database]\nurl = "{database}"\n')
    result = run("info", env=env_for(machine))
    assert result.returncode == 0, result.stderr
    assert f"Database: sqlite:///{database} (from machine file {machine})" in result.stdout
