"""System libraries the Qt desktop needs, checked before the GUI starts.

When a library of Qt's X11 ("xcb") platform plugin is missing, Qt aborts with "xcb-cursor0
or libxcb-cursor0 is needed", whichever library is really absent. This module looks each
library up the way the dynamic loader would (``ldconfig -p`` through
``ctypes.util.find_library``) and names the Debian/Ubuntu packages to install. No Qt import:
it must run before Qt loads anything. README "System packages" lists the Fedora names.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping

# Library name as find_library takes it -> (soname the plugin links, Debian package).
# From ``ldd`` of PySide6's libqxcb.so and libQt6XcbQpa.so.6, less what the Python wheel or
# any desktop system already has (libc, libstdc++, glib, zlib).
QT_XCB_LIBRARIES: Mapping[str, tuple[str, str]] = {
    "xcb-cursor": ("libxcb-cursor.so.0", "libxcb-cursor0"),
    "xcb-icccm": ("libxcb-icccm.so.4", "libxcb-icccm4"),
    "xcb-keysyms": ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    "xcb-image": ("libxcb-image.so.0", "libxcb-image0"),
    "xcb-render-util": ("libxcb-render-util.so.0", "libxcb-render-util0"),
    "xcb-randr": ("libxcb-randr.so.0", "libxcb-randr0"),
    "xcb-shape": ("libxcb-shape.so.0", "libxcb-shape0"),
    "xcb-xkb": ("libxcb-xkb.so.1", "libxcb-xkb1"),
    "xcb-xfixes": ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    "xcb-sync": ("libxcb-sync.so.1", "libxcb-sync1"),
    "xcb-shm": ("libxcb-shm.so.0", "libxcb-shm0"),
    "xcb-render": ("libxcb-render.so.0", "libxcb-render0"),
    "xcb-util": ("libxcb-util.so.1", "libxcb-util1"),
    "xcb": ("libxcb.so.1", "libxcb1"),
    "xkbcommon-x11": ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    "xkbcommon": ("libxkbcommon.so.0", "libxkbcommon0"),
    "X11-xcb": ("libX11-xcb.so.1", "libx11-xcb1"),
    "EGL": ("libEGL.so.1", "libegl1"),
    "GL": ("libGL.so.1", "libgl1"),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig1"),
    "dbus-1": ("libdbus-1.so.3", "libdbus-1-3"),
}

PACKAGE_BY_SONAME: Mapping[str, str] = {
    soname: package for soname, package in QT_XCB_LIBRARIES.values()
}


def packages_for(missing_sonames: Iterable[str]) -> list[str]:
    """The Debian/Ubuntu packages that provide ``missing_sonames``, sorted, each once.

    A soname not in the table is named as it is (better than silence).
    """
    return sorted({PACKAGE_BY_SONAME.get(soname, soname) for soname in missing_sonames})


def install_command(packages: Iterable[str]) -> str:
    """The one line to paste into a terminal."""
    return "sudo apt-get install " + " ".join(packages)


def missing_sonames(find: Callable[[str], str | None] = ctypes.util.find_library) -> list[str]:
    """The Qt xcb libraries the loader cannot find on this machine."""
    return [soname for name, (soname, _) in QT_XCB_LIBRARIES.items() if not find(name)]


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether Qt will load its xcb plugin: Linux, with QT_QPA_PLATFORM unset or xcb."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip()
    return chosen in ("", "xcb")


def qt_prerequisites_message(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    find: Callable[[str], str | None] = ctypes.util.find_library,
) -> str | None:
    """What to install before the GUI can start, or None when nothing is missing."""
    if not uses_xcb(environ, platform):
        return None
    missing = missing_sonames(find)
    if not missing:
        return None
    return (
        "the desktop app cannot start: Qt's X11 platform needs "
        f"{', '.join(missing)}, which this computer lacks. Install them with\n"
        f"    {install_command(packages_for(missing))}\n"
        "(Fedora and other systems: see README, 'System packages'; or set "
        "QT_QPA_PLATFORM=wayland on a Wayland desktop)"
    )
