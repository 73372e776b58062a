"""The timeline's date → pixel mapping (pure: no Qt), zoom levels and axis tick marks.

The implementation is :mod:`carecoord.letters.timescale`, because the plan PDF draws the
same axis and the letters package may not import the UI (import-linter contract); the
widget and its tests import it from here.
"""

from __future__ import annotations

from carecoord.letters.timescale import (
    PIXELS_PER_DAY,
    ZOOM_ORDER,
    Period,
    Tick,
    TimeScale,
    Zoom,
    next_zoom,
)

__all__ = ["PIXELS_PER_DAY", "ZOOM_ORDER", "Period", "Tick", "TimeScale", "Zoom", "next_zoom"]
