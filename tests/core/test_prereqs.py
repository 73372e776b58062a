"""The system-library check that runs before the desktop app starts (README "System packages")."""

from __future__ import annotations

import ctypes.util

import pytest

from carecoord.cli import main
from carecoord.prereqs import (
    QT_XCB_LIBRARIES,
    install_command,
    missing_sonames,
    packages_for,
    qt_prerequisites_message,
    uses_xcb,
)


def test_missing_sonames_map_to_debian_packages() -> None:
    assert packages_for(["libxcb-keysyms.so.1", "libxcb-icccm.so.4"]) == [
        "libxcb-icccm4",
        "libxcb-keysyms1",
    ]
    assert packages_for(["libEGL.so.1", "libxkbcommon-x11.so.0", "libEGL.so.1"]) == [
        "libegl1",
        "libxkbcommon-x11-0",
    ]
    assert packages_for(["libxcb-cursor.so.0"]) == ["libxcb-cursor0"]
    assert packages_for(["libunknown.so.9"]) == ["libunknown.so.9"]
    assert packages_for([]) == []


def test_install_command_is_one_pasteable_line() -> None:
    line = install_command(packages_for(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]))
    assert line == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"


def test_only_xcb_on_linux_is_checked() -> None:
    assert uses_xcb({}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not uses_xcb({}, "win32")
    assert not uses_xcb({}, "darwin")
    assert qt_prerequisites_message({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None


def test_every_library_is_known_to_the_table() -> None:
    for name, (soname, package) in QT_XCB_LIBRARIES.items():
        assert soname.startswith(f"lib{name}.so."), name
        assert packages_for([soname]) == [package]


@pytest.mark.skipif(not uses_xcb({}, __import__("sys").platform), reason="Linux only")
def test_this_machine_is_looked_up_with_the_loader_cache() -> None:
    """Real lookups: what find_library finds is not reported missing, and vice versa."""
    missing = missing_sonames()
    for name, (soname, _) in QT_XCB_LIBRARIES.items():
        assert (soname in missing) == (ctypes.util.find_library(name) is None)
    message = qt_prerequisites_message({}, "linux")
    if missing:
        assert message is not None
        assert install_command(packages_for(missing)) in message
    else:
        assert message is None


@pytest.mark.skipif(not uses_xcb({}, __import__("sys").platform), reason="Linux only")
def test_the_gui_is_not_launched_without_its_libraries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not missing_sonames():
        pytest.skip("this machine has every Qt xcb library")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "sudo apt-get install " in err
    assert "Traceback" not in err
