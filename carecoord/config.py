"""Where the database lives: --database, else CARECOORD_DATABASE_URL, else a local SQLite file."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from carecoord.errors import ConfigurationError

APP_NAME = "CareCoord"
APP_AUTHOR = "CareCoord"
ENV_DATABASE_URL = "CARECOORD_DATABASE_URL"

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
    source: str  # "option", "environment" or "default"

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
    option: str | None = None, environ: dict[str, str] | None = None
) -> DatabaseLocation:
    """Pick the database URL by precedence: command-line option, environment, default file.

    Raises:
        ConfigurationError: the URL is unusable (unsupported dialect, SQLite on a share).
    """
    env = os.environ if environ is None else environ
    if option:
        location = DatabaseLocation(normalise_url(option), "option")
    elif env.get(ENV_DATABASE_URL):
        location = DatabaseLocation(normalise_url(env[ENV_DATABASE_URL]), "environment")
    else:
        location = DatabaseLocation(f"sqlite:///{default_database_path()}", "default")
    check_location(location.url)
    return location


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
