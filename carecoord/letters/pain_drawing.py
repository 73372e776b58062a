"""A pain drawing on paper: the body diagram's vector outline with the marks, the legend and
the list of regions (pure: plain data in, ReportLab flowables out).

The outline and the symbols come from :mod:`carecoord.clinical.pain_map`, the same data the
chart's widget paints, so the printed drawing is the one on the screen.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer

from carecoord.clinical.pain_map import KIND_STYLES, BodyMap, BodyView, PainKind, body_map, symbol
from carecoord.dates import long_date
from carecoord.letters.data import PainDrawingPrint
from carecoord.letters.layout import FONT, FONT_BOLD, INK, SMALL, _heading, _p, _table, text

TITLE = "Pain drawing"
WHERE = "Where it hurts"
LEGEND_TITLE = "Kind of pain"
BODY_FILL = colors.HexColor("#F3F6F9")
REGION_LINE = colors.HexColor("#C9D2DC")
OUTLINE = colors.HexColor("#39424E")
DIAGRAM_HEIGHT = 250.0  # points for a 440-unit view
GAP = 22.0
LEGEND_WIDTH = 150.0
MARK_ZOOM = 1.5  # symbols print larger than the diagram's scale, to read at arm's length


def _view(diagram: BodyMap, view: BodyView, data: PainDrawingPrint, scale: float) -> Group:
    """One view, drawn at the origin with y up (the diagram's y points down)."""
    height = diagram.height * scale

    def pt(x: float, y: float) -> tuple[float, float]:
        return x * scale, height - y * scale

    group = Group()
    for region in diagram.of(view):
        coords = [c for x, y in region.points for c in pt(x, y)]
        group.add(Polygon(coords, fillColor=BODY_FILL, strokeColor=REGION_LINE, strokeWidth=0.3))
    for (x1, y1), (x2, y2) in diagram.outline(view):
        group.add(Line(*pt(x1, y1), *pt(x2, y2), strokeColor=OUTLINE, strokeWidth=0.9))
    for mark in data.marks:
        if mark.view is view:
            group.add(_symbol(mark.kind, *pt(mark.x, mark.y), scale * MARK_ZOOM))
    label = String(diagram.width * scale / 2, height + 6, view.label, textAnchor="middle")
    label.fontName, label.fontSize = FONT_BOLD, 8.5
    group.add(label)
    # Which side is which: the front shows the patient's right on the reader's left.
    left, right = ("R", "L") if view is BodyView.FRONT else ("L", "R")
    for x, side in ((12, left), (diagram.width - 12, right)):  # beside the hands
        mark = String(*pt(x, 250), side, textAnchor="middle", fillColor=colors.grey)
        mark.fontName, mark.fontSize = FONT, 7
        group.add(mark)
    return group


def _symbol(kind: PainKind, cx: float, cy: float, scale: float) -> Group:
    """Ransford's symbol for ``kind`` in its colour, centred on (cx, cy) in points."""
    ink = colors.HexColor(KIND_STYLES[kind].colour)
    group = Group()
    for s in symbol(kind):
        if s.ring:
            group.add(
                Circle(
                    cx + s.x1 * scale,
                    cy - s.y1 * scale,
                    s.x2 * scale,
                    strokeColor=ink,
                    strokeWidth=1.3,
                    fillColor=None,
                )
            )
        else:
            group.add(
                Line(
                    cx + s.x1 * scale,
                    cy - s.y1 * scale,
                    cx + s.x2 * scale,
                    cy - s.y2 * scale,
                    strokeColor=ink,
                    strokeWidth=1.3,
                )
            )
    return group


def _legend(x: float, top: float) -> Group:
    group = Group()
    title = String(x, top - 10, LEGEND_TITLE, fillColor=INK)
    title.fontName, title.fontSize = FONT_BOLD, 8.5
    group.add(title)
    for i, kind in enumerate(PainKind):
        y = top - 28 - i * 17
        group.add(_symbol(kind, x + 7, y + 3, 1.3))
        name = String(x + 20, y, f"{kind.label} ({KIND_STYLES[kind].glyph})", fillColor=INK)
        name.fontName, name.fontSize = FONT, 8.5
        group.add(name)
    return group


def drawing(data: PainDrawingPrint, width: float, height: float = DIAGRAM_HEIGHT) -> Drawing:
    """Front and back views side by side with the legend on the right."""
    diagram = body_map()
    scale = height / diagram.height
    view_width = diagram.width * scale
    total = max(width, 2 * view_width + GAP + LEGEND_WIDTH)
    out = Drawing(total, height + 14)
    for i, view in enumerate(BodyView):
        group = _view(diagram, view, data, scale)
        group.translate(i * (view_width + GAP), 0)
        out.add(group)
    out.add(_legend(2 * view_width + 2 * GAP, height + 4))
    return out


def flowables(
    data: PainDrawingPrint, width: float, title: str = TITLE, when: str | None = None
) -> list[Flowable]:
    """Heading, the drawing, the regions with their kinds of pain, and the notes.

    Args:
        when: The drawing's date as the document prints dates (default: a long date).
    """
    heading = f"{title} of {when or long_date(data.drawn_on)}"
    rows = [[text(r.label), text(r.kinds_text)] for r in data.regions]
    block: list[Flowable] = [*_heading(heading), drawing(data, width), Spacer(1, 4)]
    out: list[Flowable] = [KeepTogether(block)]
    if rows:
        out.append(_p(f"<b>{WHERE}</b>", SMALL))
        out.append(_table(("Region", "Kind of pain"), rows, (0.45, 0.55), width * 0.8))
    if data.notes:
        out.append(_p("<b>Notes:</b> " + text(data.notes), SMALL))
    return out


__all__ = ["TITLE", "drawing", "flowables"]
