"""How the PEG and NRS score lines look wherever they are drawn.

The chart's trend chart and the plan timeline's trend strip draw the same two series;
the shared look lives here, below both, so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from carecoord.ui.style import OKABE_ITO


@dataclass(frozen=True)
class Series:
    """A named line with its Okabe–Ito colours (light, dark) and its point shape."""

    name: str
    light: str
    dark: str
    shape: str  # "circle" or "square": colour is never the only cue
    decimals: int


PEG_SERIES = Series("PEG", OKABE_ITO[0], OKABE_ITO[4], "circle", 1)
NRS_SERIES = Series("NRS", OKABE_ITO[5], OKABE_ITO[1], "square", 0)
