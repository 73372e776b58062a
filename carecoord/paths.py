"""Locates the bundled resources and migrations, in a checkout or an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _package_dir(package: str, checkout_folder: str) -> Path:
    """Prefer the checkout folder (editable runs), else the installed package data."""
    local = _CHECKOUT / checkout_folder
    if local.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return local
    return Path(str(resources.files(package)))


def migrations_dir() -> Path:
    """The Alembic script directory."""
    return _package_dir("carecoord._migrations", "migrations")


def resources_dir() -> Path:
    """Icons, fonts, style sheets and the demo logo."""
    return _package_dir("carecoord._resources", "resources")


def resource(*parts: str) -> Path:
    """One file below the resources folder."""
    return resources_dir().joinpath(*parts)
