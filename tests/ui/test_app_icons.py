"""The bundle's icons (resources/icons/carecoord.png, .ico, .icns) are the SVG's rendering.

Why: carecoord.spec gives Windows the .ico and macOS the .icns; they are generated from
the one drawing by ``python -m carecoord.tools.app_icons``, and a changed SVG committed
without regenerating them must fail here, not show an old icon on a clinic's desktop.
"""

from __future__ import annotations

from pathlib import Path

from PIL import IcnsImagePlugin, IcoImagePlugin, Image
from PySide6.QtWidgets import QApplication

from carecoord.tools.app_icons import ICNS_SIZES, ICO_SIZES, ICONS, write_icons

REFRESH = "run `python -m carecoord.tools.app_icons` and commit resources/icons"


def test_committed_icons_are_rendered_from_the_svg(qapp: QApplication, tmp_path: Path) -> None:
    (tmp_path / "carecoord.svg").write_bytes((ICONS / "carecoord.svg").read_bytes())
    write_icons(tmp_path)
    for name in ("carecoord.png", "carecoord.ico", "carecoord.icns"):
        with Image.open(ICONS / name) as committed, Image.open(tmp_path / name) as fresh:
            assert committed.size == fresh.size, f"{name}: {REFRESH}"
            assert committed.convert("RGBA").tobytes() == fresh.convert("RGBA").tobytes(), (
                f"{name} differs from the SVG's rendering: {REFRESH}"
            )


def test_each_platform_gets_every_size_it_asks_for() -> None:
    with Image.open(ICONS / "carecoord.ico") as ico:
        assert isinstance(ico, IcoImagePlugin.IcoImageFile)
        assert sorted(ico.ico.sizes()) == [(s, s) for s in ICO_SIZES]
    with Image.open(ICONS / "carecoord.icns") as icns:
        assert isinstance(icns, IcnsImagePlugin.IcnsImageFile)
        assert max(icns.info["sizes"])[0] * max(icns.info["sizes"])[2] == max(ICNS_SIZES)
    with Image.open(ICONS / "carecoord.png") as png:
        assert png.size == (256, 256)
        assert png.mode == "RGBA"
