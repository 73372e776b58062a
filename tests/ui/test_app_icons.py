"""The bundle's icons (resources/icons/carecoord.png, .ico, .icns) are the SVG's rendering.

Why: carecoord.spec gives Windows the .ico and macOS the .icns; they are generated from
the one drawing by ``python -m carecoord.tools.app_icons``, and a changed SVG committed
without regenerating them must fail here, not show an old icon on a clinic's desktop.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

from PIL import IcnsImagePlugin, IcoImagePlugin, Image, ImageChops
from PySide6.QtWidgets import QApplication

from carecoord.tools.app_icons import ICNS_SIZES, ICO_SIZES, ICONS, write_icons

REFRESH = "run `python -m carecoord.tools.app_icons` and commit resources/icons"
# Qt's rasteriser rounds anti-aliased edges by the processor's vector instructions: the same
# SVG can come out one level apart on a few edge pixels from one machine to the next. A
# changed drawing moves whole shapes or colours, far beyond this.
ROUNDING = 2


def largest_difference(a: Image.Image, b: Image.Image) -> int:
    """The largest difference of any channel of any pixel of two same-size images."""
    extrema = ImageChops.difference(a.convert("RGBA"), b.convert("RGBA")).getextrema()
    return max(int(high) for _low, high in cast(tuple[tuple[int, int], ...], extrema))


def test_committed_icons_are_rendered_from_the_svg(qapp: QApplication, tmp_path: Path) -> None:
    (tmp_path / "carecoord.svg").write_bytes((ICONS / "carecoord.svg").read_bytes())
    write_icons(tmp_path)
    for name in ("carecoord.png", "carecoord.ico", "carecoord.icns"):
        with Image.open(ICONS / name) as committed, Image.open(tmp_path / name) as fresh:
            assert committed.size == fresh.size, f"{name}: {REFRESH}"
            assert largest_difference(committed, fresh) <= ROUNDING, (
                f"{name} differs from the SVG's rendering: {REFRESH}"
            )


def test_a_changed_drawing_is_caught(qapp: QApplication, tmp_path: Path) -> None:
    """The tolerance is for rounding only: a recoloured shape fails the comparison."""
    svg = (ICONS / "carecoord.svg").read_text(encoding="utf-8")
    colours = sorted(set(re.findall(r"#[0-9a-fA-F]{6}", svg)))
    assert colours, "the drawing names its colours"
    (tmp_path / "carecoord.svg").write_text(svg.replace(colours[0], "#ff00ff"), encoding="utf-8")
    write_icons(tmp_path)
    with (
        Image.open(ICONS / "carecoord.png") as committed,
        Image.open(tmp_path / "carecoord.png") as changed,
    ):
        assert largest_difference(committed, changed) > ROUNDING


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
