"""The import contracts in pyproject.toml cover what they say (issue 13): every command-line
module is among those kept from the models and SQLAlchemy, and the services keep a contract
against import circles."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["importlinter"]["contracts"])


def _named(start: str) -> dict[str, Any]:
    [contract] = [c for c in _contracts() if c["name"].startswith(start)]
    return contract


def test_every_command_line_module_reaches_data_only_through_services() -> None:
    contract = _named("Screens and commands reach data only through services")
    modules = {
        f"carecoord.{path.stem}"
        for path in (ROOT / "carecoord").glob("*.py")
        if path.stem == "cli" or path.stem.startswith("cli_") or path.stem.endswith("_cli")
    }
    assert modules >= {"carecoord.cli", "carecoord.cli_common", "carecoord.audit_cli"}
    assert modules <= set(contract["source_modules"])
    assert {"carecoord.models", "sqlalchemy"} <= set(contract["forbidden_modules"])


def test_the_services_have_a_contract_against_import_circles() -> None:
    contract = _named("The services have no import circles")
    assert contract["type"] == "acyclic_siblings"
    assert contract["ancestors"] == ["carecoord.services"]
    assert not contract.get("ignore_imports")
