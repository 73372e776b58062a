"""The body diagram and the rules of a pain mark (pure: no database, no Qt)."""

from __future__ import annotations

import pytest

from carecoord.clinical.pain_map import (
    KIND_STYLES,
    BodyView,
    PainKind,
    body_map,
    compare,
    parse_body_map,
    region_summary,
    symbol,
    validate_marks,
)
from carecoord.errors import ValidationError


def test_the_shipped_map_has_both_views_and_anatomical_regions() -> None:
    diagram = body_map()
    assert (diagram.width, diagram.height) == (200.0, 440.0)
    front = {r.label for r in diagram.of(BodyView.FRONT)}
    back = {r.label for r in diagram.of(BodyView.BACK)}
    assert {"head", "neck", "abdomen", "right chest", "left knee", "right foot"} <= front
    assert {"right lower back", "left buttock", "right calf", "back of left thigh"} <= back
    assert len(front) == 23 and len(back) == 26


@pytest.mark.parametrize("view", list(BodyView))
def test_regions_never_overlap_and_the_outline_is_closed(view: BodyView) -> None:
    diagram = body_map()
    regions = diagram.of(view)
    for x in range(1, 200, 3):
        for y in range(1, 440, 3):
            assert sum(r.contains(x + 0.5, y + 0.5) for r in regions) <= 1, (x, y)
    # every outline vertex joins exactly two outline edges: a closed line, no loose ends
    ends: dict[tuple[float, float], int] = {}
    for a, b in diagram.outline(view):
        ends[a] = ends.get(a, 0) + 1
        ends[b] = ends.get(b, 0) + 1
    assert set(ends.values()) == {2}


@pytest.mark.parametrize(
    ("view", "x", "y", "region"),
    [
        ("front", 100, 30, "head"),
        ("front", 85, 120, "right_chest"),  # the patient's right is on the reader's left
        ("front", 115, 120, "left_chest"),
        ("front", 100, 190, "abdomen"),
        ("back", 85, 190, "left_lower_back"),  # from behind it is the other way round
        ("back", 115, 190, "right_lower_back"),
        ("back", 115, 370, "right_calf"),
        ("back", 85, 220, "left_buttock"),
        ("front", 10, 10, None),
        ("back", 100, 300, None),  # between the legs
    ],
)
def test_region_at(view: str, x: float, y: float, region: str | None) -> None:
    found = body_map().region_at(BodyView(view), x, y)
    assert (found.key if found else None) == region


def test_kinds_have_distinct_colours_and_symbols() -> None:
    assert len({s.colour for s in KIND_STYLES.values()}) == len(PainKind)
    assert len({s.symbol for s in KIND_STYLES.values()}) == len(PainKind)
    assert len({symbol(k) for k in PainKind}) == len(PainKind)
    assert [k.label for k in PainKind] == [
        "Aching",
        "Burning",
        "Numbness",
        "Pins and needles",
        "Stabbing",
    ]


def test_summary_and_comparison() -> None:
    before = validate_marks(
        [
            {"view": "front", "x": 100, "y": 30, "kind": "aching"},
            {"view": "back", "x": 115, "y": 190, "kind": "aching"},
        ]
    )
    after = validate_marks(
        [
            {"view": "back", "x": 115, "y": 190, "kind": "burning"},
            {"view": "back", "x": 115, "y": 190, "kind": "aching"},
            {"view": "back", "x": 115, "y": 370, "kind": "numbness"},
        ]
    )
    assert [(r.label, r.kinds_text) for r in region_summary(after)] == [
        ("right lower back", "aching, burning"),
        ("right calf", "numbness"),
    ]
    change = compare(before, after)
    assert change.text == (
        "new: right calf; no longer marked: head; other kind of pain: right lower back"
    )
    assert compare(after, after).text == "the same regions and kinds of pain"


@pytest.mark.parametrize(
    ("marks", "field"),
    [
        ("front", "marks"),
        ([{"view": "front", "x": 100, "y": 30, "kind": "aching"}] * 401, "marks"),
        ([{"view": "front", "x": True, "y": 30, "kind": "aching"}], "marks[0].x"),
        ([{"view": "front", "x": 100, "y": 30, "kind": None}], "marks[0].kind"),
        ([{"view": "front", "x": 100, "y": -1, "kind": "aching"}], "marks[0].y"),
    ],
)
def test_bad_marks(marks: object, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_marks(marks)
    assert refused.value.field == field


def test_a_malformed_map_is_refused() -> None:
    square = [[0, 0], [10, 0], [10, 10]]
    region = {"key": "a", "label": "a", "points": square}
    with pytest.raises(ValueError, match="unique"):
        parse_body_map(
            {"width": 200, "height": 440, "views": {"front": {"regions": [region, region]}}}
        )
    with pytest.raises(ValueError, match="fewer than 3"):
        parse_body_map(
            {
                "width": 200,
                "height": 440,
                "views": {"front": {"regions": [{"key": "a", "label": "a", "points": square[:2]}]}},
            }
        )
