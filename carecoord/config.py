"""Where the database lives and the settings IT sets for a computer or a person.

Each value comes from, in order: the command line (--database), the environment
(CARECOORD_DATABASE_URL; libpq's PGSSLMODE), the user's settings file, the machine's
settings file, else a default (a SQLite file in the user's data folder).
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from carecoord.errors import ConfigurationError

APP_NAME = "CareCoord"
APP_AUTHOR = "CareCoord"
ENV_DATABASE_URL = "CARECOORD_DATABASE_URL"
ENV_MACHINE_CONFIG = "CARECOORD_MACHINE_CONFIG"  # another machine file (tests, packaging)
ENV_SSLMODE = "PGSSLMODE"  # libpq's own; honoured when the URL names no sslmode
CONFIG_FILE_NAME = "carecoord.toml"
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
PASSWORD_ADVICE = (
    "a settings file is no place for a password: remove it from the URL and keep it in "
    "libpq's password file (~/.pgpass, %APPDATA%\\postgresql\\pgpass.conf on Windows, or the "
    "file PGPASSFILE names) or in the operating system's keyring"
)

# File systems on which SQLite's locking is unreliable: a shared SQLite file there corrupts.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb3",
        "afs",
        "ncpfs",
        "9p",
        "fuse.sshfs",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
        "glusterfs",
        "fuse.glusterfs",
        "ceph",
        "lustre",
    }
)

NETWORK_SHARE_ADVICE = (
    "SQLite must not be used on a network share: two workstations writing the same file "
    "over the network can corrupt it. Keep the SQLite file on this computer's own disk, or, "
    "for several workstations, run one PostgreSQL server and give every workstation "
    "--database postgresql+psycopg://USER@HOST/DBNAME (or set CARECOORD_DATABASE_URL)."
)


@dataclass(frozen=True)
class DatabaseLocation:
    """The resolved database URL and where it came from (shown in the status bar)."""

    url: str
    source: str  # "command line", "environment", "user file PATH", "machine file PATH", "default"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def display(self) -> str:
        """The URL without a password, for people and logs."""
        return redact_url(self.url)


def user_data_dir() -> Path:
    """The per-user folder for the default database, backups and settings."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def user_log_dir() -> Path:
    """The per-user folder for the rotating log file."""
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def default_database_path() -> Path:
    return user_data_dir() / "carecoord.sqlite3"


def demo_database_path() -> Path:
    """The separate database the "Explore with demo data" choice fills."""
    return user_data_dir() / "carecoord-demo.sqlite3"


def resolve_database(
    option: str | None = None, environ: Mapping[str, str] | None = None
) -> DatabaseLocation:
    """Pick the database URL by precedence: command line, environment, user file, machine
    file, default file; a PostgreSQL URL gets the sslmode of the highest source naming one.

    Raises:
        ConfigurationError: the URL is unusable (unsupported dialect, SQLite on a share), or
            a settings file is unreadable, malformed or holds a password.
    """
    config = load_configuration(option, environ)
    url = config.url.value
    if config.sslmode.value is not None and url.startswith("postgresql"):
        url = with_query_value(url, "sslmode", config.sslmode.value)
    location = DatabaseLocation(url, config.url.source)
    check_location(location.url)
    return location


# ------------------------------------------------------------------------ settings files
@dataclass(frozen=True)
class Sourced:
    """One effective setting and where it came from, as ``carecoord config show`` says it."""

    value: Any
    source: str


@dataclass(frozen=True)
class SettingsFile:
    """A settings file that was read: its kind ("user file", "machine file"), path, values."""

    kind: str
    path: Path
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"{self.kind} {self.path}"


@dataclass(frozen=True)
class Configuration:
    """Every effective setting with its source, and the settings files looked at."""

    url: Sourced  # str, normalised (plain paths become sqlite:/// URLs)
    sslmode: Sourced  # str or None (libpq's default, "prefer")
    backup_folders: Sourced  # tuple[Path, ...]; empty: beside the SQLite file
    country: Sourced  # str or None: public holidays of the clinic's settings, until saved
    subdivision: Sourced  # str or None
    files: tuple[tuple[str, Path, bool], ...]  # (kind, path, present)


def machine_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The machine-wide settings file: $CARECOORD_MACHINE_CONFIG, else the platform's
    place for settings every user of the computer shares (written by IT, read-only)."""
    env = os.environ if environ is None else environ
    if env.get(ENV_MACHINE_CONFIG):
        return Path(env[ENV_MACHINE_CONFIG]).expanduser()
    if sys.platform == "win32":  # pragma: no cover - Windows workstations
        base = env.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / APP_NAME / CONFIG_FILE_NAME
    if sys.platform == "darwin":  # pragma: no cover - macOS workstations
        return Path("/Library/Application Support") / APP_NAME / CONFIG_FILE_NAME
    return Path("/etc/carecoord") / CONFIG_FILE_NAME


def user_config_file() -> Path:
    """The per-user settings file, in the user's configuration folder."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, APP_AUTHOR, ensure_exists=False) / CONFIG_FILE_NAME


# key -> (rule, checker); the checker returns the clean value or None when it breaks the rule.
def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _sslmode(value: object) -> str | None:
    return value if isinstance(value, str) and value in SSLMODES else None


def _folders(value: object) -> tuple[Path, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, str) and item.strip() for item in value):
        return None
    folders = tuple(Path(item.strip()).expanduser() for item in value)
    return folders if all(folder.is_absolute() for folder in folders) else None


def _region(value: object) -> str | None:
    text = _text(value)
    return text.upper() if text is not None and text.isalnum() and len(text) <= 8 else None


KEYS: dict[str, tuple[str, Any]] = {
    "database.url": (
        "must be a database URL or SQLite file path (text), without a password",
        _text,
    ),
    "database.sslmode": (f"must be one of {', '.join(SSLMODES)}", _sslmode),
    "backup.folders": (
        "must be a list of absolute folder paths (text), backups in the first",
        _folders,
    ),
    "clinic.country": ("must be a country code such as US, CA or GB (text)", _region),
    "clinic.subdivision": ("must be a state or province code such as NY or ON (text)", _region),
}


def read_settings_file(kind: str, path: Path) -> SettingsFile | None:
    """Read and check one settings file; None when there is none.

    Raises:
        ConfigurationError: unreadable, not TOML, an unknown key, a value breaking its rule,
            or a database URL holding a password. The message names the file and the key.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigurationError(
            f"cannot read the {kind} {path}: {error.strerror or error}"
        ) from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{path} is not valid TOML: {error}") from None
    values: dict[str, Any] = {}
    for table, entries in document.items():
        if not isinstance(entries, dict):
            raise ConfigurationError(
                f"{path}: '{table}' must be a table such as [{table}]; "
                f"the keys are {', '.join(KEYS)}"
            )
        for name, value in entries.items():
            key = f"{table}.{name}"
            if key not in KEYS:
                raise ConfigurationError(
                    f"{path}: unknown key '{key}'; the keys are {', '.join(KEYS)}"
                )
            rule, check = KEYS[key]
            clean = check(value)
            if clean is None:
                raise ConfigurationError(f"{path}: {key} {rule} (found {value!r})")
            values[key] = clean
    if "database.url" in values:
        url = values["database.url"]
        if has_password(url):
            raise ConfigurationError(f"{path}: database.url holds a password; {PASSWORD_ADVICE}")
        plain_path = "://" not in url and not url.startswith(("//", "\\\\"))
        if plain_path and not Path(url).expanduser().is_absolute():
            raise ConfigurationError(
                f"{path}: database.url must be an absolute SQLite file path or a URL "
                f"(found {url!r}, relative to whichever folder CareCoord starts in)"
            )
        values["database.url"] = normalise_url(url)
    _check_region(path, values)
    return SettingsFile(kind, path, values)


def _check_region(path: Path, values: Mapping[str, Any]) -> None:
    """A country or subdivision the public-holiday calendar does not know is refused here,
    naming the file, not later when a referral's due date is counted."""
    country, subdivision = values.get("clinic.country"), values.get("clinic.subdivision")
    if country is None and subdivision is None:
        return
    from holidays import list_supported_countries

    known = list_supported_countries()
    if country is not None and country not in known:
        raise ConfigurationError(
            f"{path}: clinic.country '{country}' is not a country whose public holidays "
            "CareCoord knows (an ISO 3166 code such as US, CA or GB)"
        )
    if subdivision is not None and country is not None and subdivision not in known[country]:
        raise ConfigurationError(
            f"{path}: clinic.subdivision '{subdivision}' is not a subdivision of {country} "
            f"(one of {', '.join(known[country])})"
        )


def has_password(url: str) -> bool:
    """Whether a database URL carries a password (``user:secret@`` or ``?password=``)."""
    if "://" not in url:
        return False
    parts = urlsplit(url)
    in_netloc = parts.password is not None  # an empty one too: 'user:@host'
    return in_netloc or any(key == "password" for key, _ in parse_qsl(parts.query))


def with_query_value(url: str, key: str, value: str) -> str:
    """``url`` with ``key=value`` in its query (replacing a value it names already)."""
    base, _, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if (key, value) in pairs:
        return url
    kept = [(name, old) for name, old in pairs if name != key]
    return f"{base}?{urlencode([*kept, (key, value)])}"


def _rank(source: str) -> int:
    """Precedence of a source: 0 command line … 3 machine file, 4 default."""
    order = ("command line", "environment", "user file", "machine file")
    return next((i for i, prefix in enumerate(order) if source.startswith(prefix)), len(order))


def query_value(url: str, key: str) -> str | None:
    """The value of ``key`` in a URL's query, if it names it."""
    pairs = parse_qsl(url.partition("?")[2], keep_blank_values=True)
    return next((value for name, value in pairs if name == key), None)


def read_settings_files(environ: Mapping[str, str] | None = None) -> list[SettingsFile]:
    """The user's and the machine's settings files that exist, highest precedence first.

    Raises:
        ConfigurationError: as :func:`read_settings_file`.
    """
    machine = read_settings_file("machine file", machine_config_path(environ))
    user = read_settings_file("user file", user_config_file())
    return [f for f in (user, machine) if f is not None]


def file_value(files: list[SettingsFile], key: str, default: Any) -> Sourced:
    """``key`` from the first file that sets it, else ``default``."""
    for settings in files:
        if key in settings.values:
            return Sourced(settings.values[key], settings.source)
    return Sourced(default, "default")


def configured_backup_folders(environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """``backup.folders`` from the settings files: daily backups and audit checkpoints go to
    the first; ``audit verify`` also reads the others. Empty when no file sets it.

    Raises:
        ConfigurationError: as :func:`read_settings_file`.
    """
    folders: tuple[Path, ...] = file_value(read_settings_files(environ), "backup.folders", ()).value
    return folders


def configured_region(environ: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """The clinic's country and subdivision from the settings files (None where unset):
    the public-holiday region of a clinic whose settings never saved one.

    Raises:
        ConfigurationError: as :func:`read_settings_file`.
    """
    files = read_settings_files(environ)
    country = file_value(files, "clinic.country", None).value
    return country, file_value(files, "clinic.subdivision", None).value


def load_configuration(
    option: str | None = None, environ: Mapping[str, str] | None = None
) -> Configuration:
    """Every setting by precedence: command line > environment > user file > machine file >
    default. Both files are read and checked even when a higher source wins, so a broken
    file is found at once, not on the day the higher source goes away.

    Raises:
        ConfigurationError: a settings file is unreadable, malformed or holds a password.
    """
    env = os.environ if environ is None else environ
    machine_path, user_path = machine_config_path(env), user_config_file()
    machine = read_settings_file("machine file", machine_path)
    user = read_settings_file("user file", user_path)
    files = [f for f in (user, machine) if f is not None]  # highest precedence first

    def from_files(key: str, default: Any) -> Sourced:
        return file_value(files, key, default)

    if option:
        url = Sourced(normalise_url(option), "command line")
    elif env.get(ENV_DATABASE_URL):
        url = Sourced(normalise_url(env[ENV_DATABASE_URL]), "environment")
    else:
        url = from_files("database.url", None)
        if url.value is None:
            url = Sourced(f"sqlite:///{default_database_path()}", "default")
    # sslmode by the same precedence; the URL's own counts at the rank of the URL's source.
    candidates: list[tuple[int, Sourced]] = []
    in_url = query_value(url.value, "sslmode")
    if in_url is not None:
        candidates.append((_rank(url.source), Sourced(in_url, f"database URL ({url.source})")))
    if env.get(ENV_SSLMODE):
        candidates.append((1, Sourced(env[ENV_SSLMODE], f"environment ({ENV_SSLMODE})")))
    in_files = from_files("database.sslmode", None)
    if in_files.value is not None:
        candidates.append((_rank(in_files.source), in_files))
    sslmode = min(candidates, key=lambda c: c[0])[1] if candidates else Sourced(None, "default")
    return Configuration(
        url=url,
        sslmode=sslmode,
        backup_folders=from_files("backup.folders", ()),
        country=from_files("clinic.country", None),
        subdivision=from_files("clinic.subdivision", None),
        files=(
            ("machine file", machine_path, machine is not None),
            ("user file", user_path, user is not None),
        ),
    )


def normalise_url(url: str) -> str:
    """Accept plain file paths and bare ``postgresql://`` URLs; pin PostgreSQL to psycopg 3."""
    url = url.strip()
    if url.startswith(("//", "\\\\")):  # a UNC path: keep it visible so it can be refused
        return f"sqlite:///{url}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory or non-SQLite URLs."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    if rest in ("", "/", "/:memory:") or rest.startswith("/:memory:"):
        return None
    path = rest[1:] if rest.startswith("/") else rest
    return Path(path.split("?", 1)[0])


def check_location(url: str) -> None:
    """Refuse dialects we do not support and SQLite files on network shares."""
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise ConfigurationError(
            f"Unsupported database URL '{redact_url(url)}': use a SQLite file path or "
            "postgresql+psycopg://USER@HOST/DBNAME"
        )
    path = sqlite_path(url)
    if path is not None and is_network_path(path):
        raise ConfigurationError(f"{path} is on a network share. {NETWORK_SHARE_ADVICE}")


def is_network_path(path: Path, mounts_file: str = "/proc/self/mounts") -> bool:
    """True when ``path`` lies on a network file system (UNC path, mapped drive, NFS, SMB…)."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows workstations only
        return _windows_drive_is_remote(text)
    fstype = filesystem_type(path, mounts_file)
    return fstype is not None and fstype.lower() in NETWORK_FILESYSTEMS


def filesystem_type(path: Path, mounts_file: str = "/proc/self/mounts") -> str | None:
    """The type of the file system holding ``path`` (longest matching mount point)."""
    try:
        with open(mounts_file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    target = os.path.abspath(path)
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        prefix = mount_point.rstrip("/") + "/"
        if (target == mount_point or target.startswith(prefix) or mount_point == "/") and (
            best is None or len(mount_point) > best[0]
        ):
            best = (len(mount_point), fields[2])
    return best[1] if best else None


def _windows_drive_is_remote(text: str) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(text))[0]
    if not drive:
        return False
    drive_remote = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)  # type: ignore[attr-defined]


def redact_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    if ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}://{credentials}@{host}"
