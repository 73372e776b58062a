"""PEG shown by its change from baseline, never a severity word (docs/clinical-reference.md §4).

Krebs et al. 2009 (J Gen Intern Med 24:733-8): PEG = mean of three 0-10 items; a 30 %
reduction from baseline is a meaningful improvement; no severity bands are published.
"""

from __future__ import annotations

import pytest

from carecoord.clinical.peg import BASELINE_TEXT, change_from_baseline, derived_band
from carecoord.errors import ValidationError


def test_the_first_peg_is_the_baseline() -> None:
    assert change_from_baseline(None, 6.7) == "baseline (PEG has no severity bands)"
    assert BASELINE_TEXT == "baseline (PEG has no severity bands)"


@pytest.mark.parametrize(
    ("baseline", "current", "text"),
    [
        # 7.0 -> 4.3: 38.6 % lower, past the 30 % of Krebs 2009
        (7.0, 4.3, "−39 % from baseline 7.0: meaningful improvement (≥ 30 %)"),
        # exactly 30 %: 10.0 -> 7.0
        (10.0, 7.0, "−30 % from baseline 10.0: meaningful improvement (≥ 30 %)"),
        # 7.0 -> 6.0: 14 %, not yet
        (7.0, 6.0, "−14 % from baseline 7.0: not yet a meaningful improvement (≥ 30 %)"),
        (5.0, 5.0, "±0 % from baseline 5.0: not yet a meaningful improvement (≥ 30 %)"),
        # 4.0 -> 6.0: 50 % higher
        (4.0, 6.0, "+50 % from baseline 4.0: meaningful worsening"),
        (0.0, 0.0, "no change from baseline 0.0"),
        (0.0, 2.0, "+2.0 points from baseline 0.0"),
    ],
)
def test_change_from_baseline(baseline: float, current: float, text: str) -> None:
    assert change_from_baseline(baseline, current) == text


def test_a_band_is_labelled_as_derived() -> None:
    assert derived_band("moderate") == "moderate (derived from NRS cut points)"


def test_scores_outside_0_to_10_are_refused() -> None:
    with pytest.raises(ValidationError):
        change_from_baseline(11, 5)
