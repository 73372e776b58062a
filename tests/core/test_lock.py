"""requirements/lock.txt: it covers pyproject.toml, and this environment is what it says.

Why: `make` installs only from the lock (exact versions, file hashes), so a dependency
added to pyproject.toml without `make lock`, or a lock whose pin falls outside a specifier,
must fail here and not on a clinic's workstation; and the tests must run on exactly the
releases the lock names, or a green run proves nothing about the lock.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
PYPROJECT = ROOT / "pyproject.toml"
REFRESH = "run `make lock` (then `make` to install it)"


@dataclass(frozen=True)
class Pin:
    """One locked release: name, exact version, platform marker and the hashes pip checks."""

    name: str
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]

    def applies(self) -> bool:
        """Whether pip installs it here (the lock is universal: some pins are Windows-only)."""
        return self.marker is None or self.marker.evaluate()


def read_lock(path: Path = LOCK) -> dict[str, Pin]:
    """The lock's pins by canonical name, parsed as pip reads a requirements file."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    pins: dict[str, Pin] = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        spec, *options = line.split(" --hash=")
        requirement = Requirement(spec)
        (clause,) = requirement.specifier
        assert clause.operator == "==", f"{line!r}: the lock pins with =="
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{name} is locked twice"
        hashes = tuple(option.strip() for option in options)
        pins[name] = Pin(name, Version(clause.version), requirement.marker, hashes)
    return pins


def pyproject_requirements() -> dict[str, list[Requirement]]:
    """pyproject's requirements by group: "dependencies" and each optional extra."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    return {group: [Requirement(text) for text in texts] for group, texts in groups.items()}


def test_the_lock_is_read_with_markers_and_hashes(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# made by make lock\n"
        "colorama==0.4.6 ; sys_platform == 'never' \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "    # via click\n"
        "Fhir.Resources==6.4.0 \\\n"
        "    --hash=sha256:cc\n"
    )
    pins = read_lock(lock)
    assert sorted(pins) == ["colorama", "fhir-resources"]
    assert pins["colorama"].version == Version("0.4.6")
    assert pins["colorama"].hashes == ("sha256:aa", "sha256:bb")
    assert not pins["colorama"].applies()
    assert pins["fhir-resources"].applies()


def test_every_locked_release_has_hashes() -> None:
    unhashed = sorted(name for name, pin in read_lock().items() if not pin.hashes)
    assert unhashed == []


def test_every_pyproject_requirement_is_locked_within_its_specifier() -> None:
    pins = read_lock()
    problems = []
    for group, requirements in pyproject_requirements().items():
        for requirement in requirements:
            pin = pins.get(canonicalize_name(requirement.name))
            if pin is None:
                problems.append(f"{group}: {requirement} is not in the lock")
            elif not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{group}: {requirement} but the lock has {pin.version}")
    assert problems == [], f"{LOCK.name} is out of date, {REFRESH}:\n" + "\n".join(problems)


def requirements_of_extra(package: str, extra: str) -> list[Requirement]:
    """What ``package[extra]`` adds to ``package``, from the installed package's metadata."""
    found = []
    for text in metadata.requires(package) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        only_with_extra = marker is not None and not marker.evaluate({"extra": ""})
        if only_with_extra and marker is not None and marker.evaluate({"extra": extra}):
            found.append(requirement)
    return found


def test_extras_of_locked_packages_are_locked_too() -> None:
    """psycopg[binary] needs psycopg-binary: the extra's own requirements are in the lock."""
    pins = read_lock()
    needed = {
        f"{requirement.name}[{extra}] needs {need.name}": canonicalize_name(need.name)
        for requirements in pyproject_requirements().values()
        for requirement in requirements
        for extra in requirement.extras
        for need in requirements_of_extra(requirement.name, extra)
    }
    assert "psycopg[binary] needs psycopg-binary" in needed
    assert sorted(what for what, name in needed.items() if name not in pins) == []


def test_pyside6_is_held_to_the_tested_minor() -> None:
    pins = read_lock()
    qt = ("pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6")
    assert {name: pins[name].version.release[:2] for name in qt} == {
        "pyside6": (6, 11),
        "pyside6-essentials": (6, 11),
        "pyside6-addons": (6, 11),
        "shiboken6": (6, 11),
    }


def test_this_environment_is_exactly_the_lock() -> None:
    """Installed == locked for every pin that applies here (extra packages are allowed)."""
    different = []
    for name, pin in sorted(read_lock().items()):
        if not pin.applies():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            different.append(f"{name}: locked {pin.version}, not installed")
            continue
        if Version(installed) != pin.version:
            different.append(f"{name}: locked {pin.version}, installed {installed}")
    if different:
        pytest.fail(
            "this environment is not the lock's; `make` installs it "
            f"(pip install --require-hashes -r {LOCK.relative_to(ROOT)}):\n  "
            + "\n  ".join(different)
        )
