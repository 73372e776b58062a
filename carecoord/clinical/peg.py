"""How a PEG score is shown: the score and its change from baseline, never a severity word.

Krebs et al. (J Gen Intern Med 2009;24:733-8) validated the PEG's mean and its
responsiveness, with a 30 % drop from baseline as a meaningful improvement; they
published no severity bands. CareCoord therefore shows a PEG with its change from the
patient's first (baseline) PEG, and where a band is stored at all it is labelled as
derived from the NRS cut points (docs/clinical-reference.md §4 "PEG").
"""

from __future__ import annotations

from typing import Final

from carecoord.clinical.instruments import PEG_DERIVED_NOTE, meaningful_change
from carecoord.clinical.vocabulary import AssessmentKind

DERIVED_NOTE: Final = PEG_DERIVED_NOTE
BASELINE_TEXT: Final = "baseline (PEG has no severity bands)"


def derived_band(word: str) -> str:
    """A band word labelled as not the PEG's own: ``"moderate (derived from NRS cut points)"``."""
    return f"{word} ({DERIVED_NOTE})"


def change_from_baseline(baseline: float | None, current: float) -> str:
    """The PEG's change from baseline in words, for lists, letters and plans.

    Args:
        baseline: The patient's first PEG, or None when ``current`` is the first.
        current: The PEG being shown, 0-10.

    Returns:
        ``"baseline (PEG has no severity bands)"`` for the first score, else e.g.
        ``"−39 % from baseline 7.0: meaningful improvement (≥ 30 %)"``,
        ``"−14 % from baseline 7.0: not yet a meaningful improvement (≥ 30 %)"`` or
        ``"+50 % from baseline 4.0: meaningful worsening"``.

    Raises:
        ValidationError: A score outside 0-10.
    """
    if baseline is None:
        return BASELINE_TEXT
    change = meaningful_change(AssessmentKind.PEG, baseline, current)
    start = f"baseline {baseline:.1f}"
    if change.percent_improvement is None:  # a baseline of 0 has no percentage
        moved = "no change" if current == 0 else f"+{current:.1f} points"
        return f"{moved} from {start}"
    moved_percent = -change.percent_improvement
    sign = "−" if moved_percent < 0 else "+" if moved_percent > 0 else "±"
    head = f"{sign}{abs(moved_percent):.0f} % from {start}"
    if change.meaningful:
        return f"{head}: meaningful improvement (≥ 30 %)"
    if change.worsened:
        return f"{head}: meaningful worsening"
    return f"{head}: not yet a meaningful improvement (≥ 30 %)"
