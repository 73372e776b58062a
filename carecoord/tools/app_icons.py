"""Writes the bundle's application icons from ``resources/icons/carecoord.svg``.

Windows wants an .ico and macOS an .icns for the executable (carecoord.spec picks the one
of the platform it builds on); the SVG stays the one drawing, so the icons are rendered
from it, never drawn by hand. Qt's SVG renderer paints each size (small sizes are painted
at that size, not scaled down from a large bitmap, so they stay sharp) and Pillow writes
the containers. Run ``python -m carecoord.tools.app_icons`` after changing the SVG and
commit the results.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
SOURCE = "carecoord.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
PNG_SIZE = 256


def render(svg: Path, size: int) -> Image.Image:
    """The SVG painted on a transparent ``size`` × ``size`` square, as a Pillow RGBA image."""
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _ = QGuiApplication.instance() or QGuiApplication(["app_icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_RGBA8888)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    # Non-premultiplied RGBA, 4 bytes a pixel: rows need no padding, Pillow reads it as is.
    return Image.frombytes("RGBA", (size, size), bytes(image.constBits()))


def write_icons(folder: Path = ICONS) -> list[Path]:
    """carecoord.png (256 px), carecoord.ico (16–256 px) and carecoord.icns (16–1024 px)."""
    svg = folder / SOURCE
    sizes = sorted({*ICO_SIZES, *ICNS_SIZES, PNG_SIZE})
    images = {size: render(svg, size) for size in sizes}
    png, ico, icns = (folder / f"carecoord.{ext}" for ext in ("png", "ico", "icns"))
    images[PNG_SIZE].save(png, optimize=True)
    # Pillow writes one bitmap per size, each taken from the image closest in size;
    # every size is given, so each is its own rendering.
    largest = images[max(ICO_SIZES)]
    largest.save(
        ico,
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    images[max(ICNS_SIZES)].save(
        icns, append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)]
    )
    return [png, ico, icns]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ICONS, help="default resources/icons")
    args = parser.parse_args(argv)
    for path in write_icons(args.folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
