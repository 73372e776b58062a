"""Pain drawings: the body diagram's regions, the kinds of pain and the rules a mark obeys
(docs/clinical-reference.md §11).

The diagram is the vector outline in ``resources/body_map.json`` (front and back, named
anatomical regions as polygons). A mark is a point on one view with a kind of pain; its
region is always worked out here from the geometry, never taken from the caller, so a mark
outside the outline cannot be stored and the region list printed in letters is the drawing's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from carecoord.clinical.vocabulary import LabelledEnum
from carecoord.errors import ValidationError
from carecoord.paths import resource

MAX_MARKS: Final = 400
BODY_MAP_FILE: Final = "body_map.json"


class PainKind(LabelledEnum):
    """The kinds of pain of the Ransford pain drawing (Ransford 1976)."""

    ACHING = "aching"
    BURNING = "burning"
    NUMBNESS = "numbness"
    PINS_AND_NEEDLES = "pins_and_needles"
    STABBING = "stabbing"


class BodyView(LabelledEnum):
    FRONT = "front"
    BACK = "back"


@dataclass(frozen=True)
class KindStyle:
    """How a kind of pain is drawn: an Okabe–Ito colour and Ransford's symbol, so the kinds
    stay apart in black-and-white print and for colour-blind readers."""

    colour: str
    symbol: str  # "chevron" (^), "cross" (x), "bars" (=), "ring" (o), "slash" (/)
    glyph: str  # the symbol as text, for the legend


KIND_STYLES: Final[dict[PainKind, KindStyle]] = {
    PainKind.ACHING: KindStyle("#0072B2", "chevron", "^^^"),
    PainKind.BURNING: KindStyle("#D55E00", "cross", "xxx"),
    PainKind.NUMBNESS: KindStyle("#009E73", "bars", "==="),
    PainKind.PINS_AND_NEEDLES: KindStyle("#CC79A7", "ring", "ooo"),
    PainKind.STABBING: KindStyle("#000000", "slash", "///"),
}

Point = tuple[float, float]
Segment = tuple[Point, Point]
SYMBOL_SIZE: Final = 7.0  # diagram units


@dataclass(frozen=True)
class Stroke:
    """One stroke of a mark's symbol, relative to the mark (diagram units, y down):
    a line from (x1, y1) to (x2, y2), or a ring of radius ``x2`` around (x1, y1)."""

    ring: bool
    x1: float
    y1: float
    x2: float
    y2: float = 0.0


def symbol(kind: PainKind, size: float = SYMBOL_SIZE) -> tuple[Stroke, ...]:
    """The strokes of ``kind``'s symbol, so the widget and the PDF draw the same marks."""
    h = size / 2
    shape = KIND_STYLES[kind].symbol
    if shape == "chevron":
        return (Stroke(False, -h, h / 2, 0, -h / 2), Stroke(False, 0, -h / 2, h, h / 2))
    if shape == "cross":
        return (Stroke(False, -h, -h, h, h), Stroke(False, -h, h, h, -h))
    if shape == "bars":
        return (Stroke(False, -h, -h / 3, h, -h / 3), Stroke(False, -h, h / 3, h, h / 3))
    if shape == "ring":
        return (Stroke(True, 0, 0, h * 0.7),)
    return (Stroke(False, -h, h, 0, -h), Stroke(False, 0, h, h, -h))  # slash: //


@dataclass(frozen=True)
class Region:
    """One named anatomical region of one view (e.g. "right lower back" on the back)."""

    key: str
    label: str
    view: BodyView
    points: tuple[Point, ...]

    def contains(self, x: float, y: float) -> bool:
        """Even-odd ray casting: whether (x, y) lies inside the polygon."""
        inside = False
        points = self.points
        j = len(points) - 1
        for i, (xi, yi) in enumerate(points):
            xj, yj = points[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        return inside


@dataclass(frozen=True)
class BodyMap:
    """The whole diagram: each view is ``width`` × ``height`` units, y pointing down."""

    width: float
    height: float
    regions: tuple[Region, ...]

    def of(self, view: BodyView) -> tuple[Region, ...]:
        return tuple(r for r in self.regions if r.view is view)

    def region_at(self, view: BodyView, x: float, y: float) -> Region | None:
        """The region under a point of ``view``, or None outside the outline."""
        return next((r for r in self.of(view) if r.contains(x, y)), None)

    def region(self, key: str) -> Region:
        return next(r for r in self.regions if r.key == key)

    def outline(self, view: BodyView) -> tuple[Segment, ...]:
        """The body's outline: every region edge that no neighbouring region shares."""
        seen: dict[frozenset[Point], Segment] = {}
        count: dict[frozenset[Point], int] = {}
        for region in self.of(view):
            pts = region.points
            for a, b in zip(pts, pts[1:] + pts[:1], strict=True):
                edge = frozenset((a, b))
                seen.setdefault(edge, (a, b))
                count[edge] = count.get(edge, 0) + 1
        return tuple(seg for edge, seg in seen.items() if count[edge] == 1)


def parse_body_map(raw: Mapping[str, object]) -> BodyMap:
    """Build a :class:`BodyMap` from the JSON's structure (raises ValueError if malformed)."""
    views = raw["views"]
    if not isinstance(views, Mapping):
        raise ValueError("body map: 'views' must be an object")
    regions: list[Region] = []
    for name, view in views.items():
        for item in view["regions"]:
            points = tuple((float(x), float(y)) for x, y in item["points"])
            if len(points) < 3:
                raise ValueError(f"body map: region {item['key']} has fewer than 3 points")
            regions.append(Region(str(item["key"]), str(item["label"]), BodyView(name), points))
    keys = [r.key for r in regions]
    if len(set(keys)) != len(keys):
        raise ValueError("body map: region keys must be unique")
    width, height = raw["width"], raw["height"]
    if not isinstance(width, int | float) or not isinstance(height, int | float):
        raise ValueError("body map: width and height must be numbers")
    return BodyMap(float(width), float(height), tuple(regions))


@cache
def body_map() -> BodyMap:
    """The shipped diagram (read once)."""
    with resource(BODY_MAP_FILE).open(encoding="utf-8") as handle:
        return parse_body_map(json.load(handle))


@dataclass(frozen=True)
class PainMark:
    """One mark: where on which view, what kind of pain, and the region it falls in."""

    view: BodyView
    x: float
    y: float
    kind: PainKind
    region: str  # a Region key, found from the geometry

    def as_json(self) -> dict[str, object]:
        return {
            "view": self.view.value,
            "x": self.x,
            "y": self.y,
            "kind": self.kind.value,
            "region": self.region,
        }


KIND_CHOICES: Final = ", ".join(k.label.lower() for k in PainKind)


def _number(value: object, field: str, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, f"must be a number (got {value!r})")
    if not 0 <= value <= high:
        raise ValidationError(field, f"must be between 0 and {high:g} (got {value:g})")
    return round(float(value), 1)


def _get(item: object, name: str) -> object:
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def validate_mark(item: object, index: int, diagram: BodyMap | None = None) -> PainMark:
    """One mark as entered (a mapping or a :class:`PainMark`), checked and given its region.

    Raises:
        ValidationError: naming ``marks[i].view``, ``marks[i].kind``, ``marks[i].x`` /
            ``.y``, or ``marks[i]`` for a point outside the body outline.
    """
    diagram = diagram or body_map()
    field = f"marks[{index}]"
    raw_view = _get(item, "view")
    try:
        view = BodyView(raw_view if isinstance(raw_view, str) else "")
    except ValueError:
        raise ValidationError(
            f"{field}.view", f"must be front or back (got {raw_view!r})"
        ) from None
    raw_kind = _get(item, "kind")
    try:
        kind = PainKind(raw_kind if isinstance(raw_kind, str) else "")
    except ValueError:
        raise ValidationError(
            f"{field}.kind",
            f"is not a kind of pain on the drawing (got {raw_kind!r}): choose {KIND_CHOICES}",
        ) from None
    x = _number(_get(item, "x"), f"{field}.x", diagram.width)
    y = _number(_get(item, "y"), f"{field}.y", diagram.height)
    region = diagram.region_at(view, x, y)
    if region is None:
        raise ValidationError(
            field,
            f"lies outside the body outline ({view.label.lower()} view at {x:g}, {y:g}): "
            "mark only on the body",
        )
    return PainMark(view, x, y, kind, region.key)


def validate_marks(marks: object, diagram: BodyMap | None = None) -> tuple[PainMark, ...]:
    """Every mark checked (see :func:`validate_mark`); at least one, at most MAX_MARKS."""
    if isinstance(marks, str | bytes | Mapping) or not isinstance(marks, Iterable):
        raise ValidationError("marks", "must be a list of marks")
    items = list(marks)
    if not items:
        raise ValidationError("marks", "mark at least one place where it hurts")
    if len(items) > MAX_MARKS:
        raise ValidationError("marks", f"at most {MAX_MARKS} marks per drawing (got {len(items)})")
    return tuple(validate_mark(item, i, diagram) for i, item in enumerate(items))


@dataclass(frozen=True)
class RegionPain:
    """A region with the kinds of pain marked in it, in legend order."""

    key: str
    label: str
    kinds: tuple[PainKind, ...]

    @property
    def kinds_text(self) -> str:
        return ", ".join(k.label.lower() for k in self.kinds)


def region_summary(
    marks: Sequence[PainMark], diagram: BodyMap | None = None
) -> tuple[RegionPain, ...]:
    """The regions marked, in diagram order (front then back, head to feet), each with its
    kinds of pain — the region list printed beside the drawing."""
    diagram = diagram or body_map()
    kinds: dict[str, set[PainKind]] = {}
    for mark in marks:
        kinds.setdefault(mark.region, set()).add(mark.kind)
    order = list(PainKind)
    return tuple(
        RegionPain(r.key, r.label, tuple(sorted(kinds[r.key], key=order.index)))
        for r in diagram.regions
        if r.key in kinds
    )


@dataclass(frozen=True)
class Comparison:
    """How a later drawing differs from an earlier one, by region."""

    new: tuple[str, ...]  # region labels marked now, not before
    gone: tuple[str, ...]  # marked before, not now
    changed: tuple[str, ...]  # marked in both, with other kinds of pain

    @property
    def text(self) -> str:
        parts = []
        if self.new:
            parts.append("new: " + ", ".join(self.new))
        if self.gone:
            parts.append("no longer marked: " + ", ".join(self.gone))
        if self.changed:
            parts.append("other kind of pain: " + ", ".join(self.changed))
        return "; ".join(parts) if parts else "the same regions and kinds of pain"


def compare(
    earlier: Sequence[PainMark], later: Sequence[PainMark], diagram: BodyMap | None = None
) -> Comparison:
    """Regions that appeared, cleared or changed kind between two drawings."""
    before = {r.key: r for r in region_summary(earlier, diagram)}
    after = {r.key: r for r in region_summary(later, diagram)}
    diagram = diagram or body_map()
    ordered = [r.key for r in diagram.regions]

    def labels(keys: Iterable[str]) -> tuple[str, ...]:
        wanted = set(keys)
        return tuple(diagram.region(k).label for k in ordered if k in wanted)

    return Comparison(
        labels(after.keys() - before.keys()),
        labels(before.keys() - after.keys()),
        labels(k for k in after.keys() & before.keys() if after[k].kinds != before[k].kinds),
    )


__all__ = [
    "KIND_STYLES",
    "MAX_MARKS",
    "BodyMap",
    "BodyView",
    "Comparison",
    "KindStyle",
    "PainKind",
    "PainMark",
    "Region",
    "RegionPain",
    "Stroke",
    "body_map",
    "compare",
    "parse_body_map",
    "region_summary",
    "symbol",
    "validate_mark",
    "validate_marks",
]
