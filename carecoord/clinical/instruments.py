"""Outcome-instrument scoring (NRS, PEG, PHQ-9, GAD-7, ORT) so every screen bands scores alike."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast

from carecoord.clinical.instrument_results import (
    ORT_FIELDS,
    ORT_POINTS,
    AssessmentResult,
    Gad7Result,
    NrsResult,
    OrtAnswers,
    OrtResult,
    PegResult,
    Phq9Result,
)
from carecoord.clinical.instrument_wording import (
    FREQUENCY_RESPONSES,
    INSTRUCTIONS,
    ITEM_WORDING,
)
from carecoord.clinical.vocabulary import AdministrativeSex, AssessmentKind
from carecoord.errors import ValidationError

# Cut points are those of docs/clinical-reference.md §4: NRS after Serlin 1995 (PEG: Krebs
# 2009 defines none, so the NRS ones give only a band labelled as derived),
# PHQ-9 / PHQ-2 after Kroenke 2001 / 2003, GAD-7 after Spitzer 2006, ORT after
# Webster 2005; meaningful change after Farrar 2001 and IMMPACT (Dworkin 2008).
# Bad input raises :class:`~carecoord.errors.ValidationError` (a ValueError) whose
# field names the item, e.g. ``"phq9 item 3: must be 0-3 (got 4)"``.

BANDS: Final[dict[AssessmentKind, tuple[tuple[int, int, str], ...]]] = {
    AssessmentKind.NRS: ((0, 0, "none"), (1, 4, "mild"), (5, 6, "moderate"), (7, 10, "severe")),
    AssessmentKind.PEG: ((0, 0, "none"), (1, 4, "mild"), (5, 6, "moderate"), (7, 10, "severe")),
    AssessmentKind.PHQ9: (
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately severe"),
        (20, 27, "severe"),
    ),
    AssessmentKind.GAD7: (
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 21, "severe"),
    ),
    AssessmentKind.ORT: ((0, 3, "low"), (4, 7, "moderate"), (8, 26, "high")),
}
"""Per instrument, (lowest, highest, band) rows covering the whole score range."""

PEG_DERIVED_NOTE: Final = "derived from NRS cut points"
"""Krebs 2009 publishes no PEG bands; a stored PEG band says where it comes from."""
PHQ9_REFERRAL_THRESHOLD: Final = 10
PHQ2_POSITIVE_THRESHOLD: Final = 3
GAD7_EVALUATION_THRESHOLD: Final = 10
NRS_MEANINGFUL_POINTS: Final = 2
MEANINGFUL_PERCENT: Final = 30.0


def _band(kind: AssessmentKind, whole: int) -> str:
    for low, high, name in BANDS[kind]:
        if low <= whole <= high:
            return name
    raise AssertionError(f"{kind} score {whole} outside its bands")  # pragma: no cover


def _item(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"must be a whole number {low}-{high} (got {value!r})")
    if not low <= value <= high:
        raise ValidationError(field, f"must be {low}-{high} (got {value})")
    return value


def _items(values: object, kind: AssessmentKind, count: int, high: int) -> tuple[int, ...]:
    name = kind.value
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ValidationError(f"{name} items", f"must be a list of {count} answers")
    if len(values) != count:
        raise ValidationError(f"{name} items", f"need {count} answers (got {len(values)})")
    return tuple(_item(v, f"{name} item {i}", 0, high) for i, v in enumerate(values, start=1))


# --------------------------------------------------------------------------- scoring


def nrs(value: int) -> NrsResult:
    """Score a 0-10 pain numeric rating.

    Args:
        value: The rating.

    Returns:
        The result; band none (0), mild (1-4), moderate (5-6), severe (7-10).

    Raises:
        ValidationError: Not a whole number 0-10 (bools are refused).
    """
    total = _item(value, "nrs value", 0, 10)
    return NrsResult(total=total, band=_band(AssessmentKind.NRS, total))


def _peg_band(mean: float) -> str:
    # Krebs 2009 published no PEG bands: the word is the NRS band of the mean rounded
    # half-up to a whole point ("none" only when every item is 0), labelled as derived.
    word = "none" if mean == 0 else _band(AssessmentKind.PEG, max(1, math.floor(mean + 0.5)))
    return f"{word} ({PEG_DERIVED_NOTE})"


def peg(pain: int, enjoyment: int, activity: int) -> PegResult:
    """Score the three-item PEG (Krebs 2009).

    The score is the mean of the items. Krebs 2009 defines no severity bands, so the
    band is labelled as derived: the NRS cut points applied to the mean rounded
    half-up to the nearest whole point (4.33 "mild (derived from NRS cut points)",
    4.67 "moderate (…)"); a non-zero mean is at least mild. Screens show the change
    from baseline instead (carecoord.clinical.peg).

    Args:
        pain: Average pain in the past week, 0-10.
        enjoyment: Interference with enjoyment of life, 0-10.
        activity: Interference with general activity, 0-10.

    Returns:
        The result with the unrounded mean as ``total``.

    Raises:
        ValidationError: An item is not a whole number 0-10.
    """
    p = _item(pain, "peg pain", 0, 10)
    e = _item(enjoyment, "peg enjoyment", 0, 10)
    a = _item(activity, "peg activity", 0, 10)
    mean = (p + e + a) / 3
    return PegResult(total=mean, band=_peg_band(mean), pain=p, enjoyment=e, activity=a)


def phq9(items: Sequence[int]) -> Phq9Result:
    """Score the PHQ-9.

    Args:
        items: The nine answers, each 0-3, in questionnaire order.

    Returns:
        The result. ``self_harm_flag`` is item 9 > 0 (urgent regardless of total);
        ``suggest_psychiatry`` is total >= 10 or the flag; PHQ-2 is items 1-2,
        positive at >= 3.

    Raises:
        ValidationError: Not nine answers, or an answer outside 0-3.
    """
    answers = _items(items, AssessmentKind.PHQ9, 9, 3)
    total = sum(answers)
    phq2 = answers[0] + answers[1]
    self_harm = answers[8] > 0
    return Phq9Result(
        total=total,
        band=_band(AssessmentKind.PHQ9, total),
        items=answers,
        self_harm_flag=self_harm,
        suggest_psychiatry=total >= PHQ9_REFERRAL_THRESHOLD or self_harm,
        phq2_total=phq2,
        phq2_positive=phq2 >= PHQ2_POSITIVE_THRESHOLD,
    )


def gad7(items: Sequence[int]) -> Gad7Result:
    """Score the GAD-7.

    Args:
        items: The seven answers, each 0-3.

    Returns:
        The result; ``further_evaluation`` when the total is 10 or more.

    Raises:
        ValidationError: Not seven answers, or an answer outside 0-3.
    """
    answers = _items(items, AssessmentKind.GAD7, 7, 3)
    total = sum(answers)
    return Gad7Result(
        total=total,
        band=_band(AssessmentKind.GAD7, total),
        items=answers,
        further_evaluation=total >= GAD7_EVALUATION_THRESHOLD,
    )


def _sex(sex: AdministrativeSex | str) -> AdministrativeSex:
    try:
        return AdministrativeSex(sex.strip().lower() if isinstance(sex, str) else sex)
    except ValueError:
        choices = ", ".join(s.value for s in AdministrativeSex)
        raise ValidationError("ort sex", f"must be one of {choices} (got {sex!r})") from None


def _ort_total(answers: OrtAnswers, column: int) -> int:
    return sum(pts[column] for name, pts in ORT_POINTS.items() if getattr(answers, name))


def ort(sex: AdministrativeSex | str, answers: OrtAnswers) -> OrtResult:
    """Score the Opioid Risk Tool (Webster 2005).

    The tool has a female and a male column. For sex ``other`` or ``unknown`` both
    are scored and the higher total is kept (the cautious reading, since the score
    gates opioid decisions); ``scored_as`` tells which column was used (female on a
    tie).

    Args:
        sex: Administrative sex (enum or its value).
        answers: The marked boxes.

    Returns:
        The result; low 0-3, moderate 4-7, high >= 8, which suggests a chronic-pain
        rehabilitation / addiction evaluation.

    Raises:
        ValidationError: Unknown sex.
    """
    who = _sex(sex)
    if not isinstance(answers, OrtAnswers):
        raise ValidationError("ort answers", "must be OrtAnswers")
    female, male = _ort_total(answers, 0), _ort_total(answers, 1)
    if who is AdministrativeSex.FEMALE:
        total, scored_as = female, AdministrativeSex.FEMALE
    elif who is AdministrativeSex.MALE or male > female:
        total, scored_as = male, AdministrativeSex.MALE
    else:
        total, scored_as = female, AdministrativeSex.FEMALE
    band = _band(AssessmentKind.ORT, total)
    return OrtResult(
        total=total,
        band=band,
        sex=who,
        scored_as=scored_as,
        answers=answers,
        suggest_rehabilitation=band == "high",
    )


def _keys(kind: AssessmentKind, answers: Mapping[str, object], expected: set[str]) -> None:
    if not isinstance(answers, Mapping):
        raise ValidationError(f"{kind.value} answers", "must be a mapping")
    missing = sorted(expected - set(answers))
    if missing:
        raise ValidationError(f"{kind.value} {missing[0]}", "is missing")
    extra = sorted(set(answers) - expected)
    if extra:
        raise ValidationError(f"{kind.value} {extra[0]}", "is not an answer of this instrument")


def score(kind: AssessmentKind | str, answers: Mapping[str, object]) -> AssessmentResult:
    """Score stored answers of any instrument (the services' single entry point).

    Answer shapes: nrs ``{"value": int}``; peg ``{"pain", "enjoyment", "activity"}``;
    phq9 ``{"items": [9 ints]}``; gad7 ``{"items": [7 ints]}``; ort ``{"sex": str}``
    plus any of the :data:`ORT_FIELDS` booleans (missing = unmarked). Unknown keys
    are refused so typos cannot silently drop an answer.

    Args:
        kind: The instrument (enum or its value).
        answers: The stored answers.

    Returns:
        The instrument's result.

    Raises:
        ValidationError: Unknown kind, missing or unexpected keys, bad values.
    """
    try:
        which = AssessmentKind(kind)
    except ValueError:
        raise ValidationError("kind", f"unknown assessment kind {kind!r}") from None
    # The casts only satisfy the type checker: each instrument validates its values.
    if which is AssessmentKind.NRS:
        _keys(which, answers, {"value"})
        return nrs(cast(int, answers["value"]))
    if which is AssessmentKind.PEG:
        _keys(which, answers, {"pain", "enjoyment", "activity"})
        return peg(
            cast(int, answers["pain"]),
            cast(int, answers["enjoyment"]),
            cast(int, answers["activity"]),
        )
    if which is AssessmentKind.PHQ9:
        _keys(which, answers, {"items"})
        return phq9(cast(Sequence[int], answers["items"]))
    if which is AssessmentKind.GAD7:
        _keys(which, answers, {"items"})
        return gad7(cast(Sequence[int], answers["items"]))
    if not isinstance(answers, Mapping) or "sex" not in answers:
        raise ValidationError("ort sex", "is missing")
    boxes = {key: value for key, value in answers.items() if key != "sex"}
    return ort(cast(str, answers["sex"]), OrtAnswers.from_mapping(boxes))


# --------------------------------------------------------------------------- change


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """How a pain score moved from baseline.

    ``percent_improvement`` is the drop as a percentage of baseline (negative when
    worse; None when the baseline is 0). ``category`` is the IMMPACT class of the
    drop: none (< 10 %), minimal (10-29 %), moderate (30-49 %), substantial (>= 50 %).
    ``meaningful`` means a clinically meaningful improvement; ``worsened`` applies the
    same thresholds to a rise (from a baseline of 0 any rise counts as >= 30 %).
    """

    kind: AssessmentKind
    baseline: float
    current: float
    change: float
    percent_improvement: float | None
    category: str
    meaningful: bool
    worsened: bool


_EPSILON: Final = 1e-9


def _score_value(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, f"must be a number 0-10 (got {value!r})")
    if not 0 <= value <= 10:
        raise ValidationError(field, f"must be 0-10 (got {value})")
    return float(value)


def _immpact(percent: float | None) -> str:
    if percent is None:
        return "none"
    for threshold, name in ((50, "substantial"), (30, "moderate"), (10, "minimal")):
        if percent >= threshold - _EPSILON:
            return name
    return "none"


def _meaningful(kind: AssessmentKind, drop: float, percent: float | None) -> bool:
    by_percent = percent is not None and percent >= MEANINGFUL_PERCENT - _EPSILON
    if kind is AssessmentKind.NRS:
        return by_percent or drop >= NRS_MEANINGFUL_POINTS - _EPSILON
    return by_percent


def meaningful_change(kind: AssessmentKind | str, baseline: float, current: float) -> ChangeResult:
    """Judge whether a pain score changed in a clinically meaningful way.

    NRS: a drop of >= 2 points or >= 30 % (Farrar 2001). PEG: a drop of >= 30 %
    (Krebs 2009). Both are also given the IMMPACT category of the percentage drop.

    Args:
        kind: ``nrs`` or ``peg``; other instruments have no rule here.
        baseline: The earlier score, 0-10.
        current: The later score, 0-10.

    Returns:
        The change.

    Raises:
        ValidationError: Another instrument, or a score outside 0-10.
    """
    try:
        which = AssessmentKind(kind)
    except ValueError:
        which = None
    if which not in (AssessmentKind.NRS, AssessmentKind.PEG):
        raise ValidationError("kind", f"no meaningful-change rule for {kind!r} (nrs or peg only)")
    before = _score_value(baseline, "baseline")
    after = _score_value(current, "current")
    drop = before - after
    percent = None if before == 0 else drop / before * 100
    rise_percent = -drop / before * 100 if before else (math.inf if after > 0 else 0.0)
    return ChangeResult(
        kind=which,
        baseline=before,
        current=after,
        change=after - before,
        percent_improvement=percent,
        category=_immpact(percent),
        meaningful=_meaningful(which, drop, percent),
        worsened=_meaningful(which, -drop, rise_percent),
    )


PHQ9_MEANINGFUL_POINTS: Final = 5
"""A PHQ-9 change of 5 points or more is clinically meaningful (Löwe 2004)."""


@dataclass(frozen=True, slots=True)
class Phq9Change:
    """How a PHQ-9 total moved between two administrations (lower is better)."""

    baseline: int
    current: int
    change: int
    improved: bool
    worsened: bool


def phq9_change(baseline: int, current: int) -> Phq9Change:
    """Judge a PHQ-9 change: 5 points or more either way is meaningful (Löwe 2004).

    The depression counterpart of :func:`meaningful_change` for pain scores
    (docs/clinical-reference.md §4).

    Args:
        baseline: The earlier PHQ-9 total, 0-27.
        current: The later total, 0-27.

    Returns:
        The change; ``improved`` for a drop of >= 5, ``worsened`` for a rise of >= 5.

    Raises:
        ValidationError: A total that is not a whole number 0-27.
    """
    before = _item(baseline, "baseline", 0, 27)
    after = _item(current, "current", 0, 27)
    change = after - before
    return Phq9Change(
        baseline=before,
        current=after,
        change=change,
        improved=change <= -PHQ9_MEANINGFUL_POINTS,
        worsened=change >= PHQ9_MEANINGFUL_POINTS,
    )


__all__ = [
    "BANDS",
    "FREQUENCY_RESPONSES",
    "GAD7_EVALUATION_THRESHOLD",
    "INSTRUCTIONS",
    "ITEM_WORDING",
    "MEANINGFUL_PERCENT",
    "NRS_MEANINGFUL_POINTS",
    "ORT_FIELDS",
    "ORT_POINTS",
    "PEG_DERIVED_NOTE",
    "PHQ2_POSITIVE_THRESHOLD",
    "PHQ9_MEANINGFUL_POINTS",
    "PHQ9_REFERRAL_THRESHOLD",
    "AssessmentResult",
    "ChangeResult",
    "Gad7Result",
    "NrsResult",
    "OrtAnswers",
    "OrtResult",
    "PegResult",
    "Phq9Change",
    "Phq9Result",
    "gad7",
    "meaningful_change",
    "nrs",
    "ort",
    "peg",
    "phq9",
    "phq9_change",
    "score",
]
