"""What scoring an instrument gives (one result class per instrument) and the Opioid Risk
Tool's answers and points (Webster 2005), shared by the scoring and its callers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import ClassVar, Final, Generic, TypeVar

from carecoord.clinical.vocabulary import AdministrativeSex, AssessmentKind
from carecoord.errors import ValidationError

TotalT = TypeVar("TotalT", int, float)


@dataclass(frozen=True, slots=True)
class ScoredResult(Generic[TotalT]):
    """What every instrument's result starts with: its score and the band that words it."""

    kind: ClassVar[AssessmentKind]
    total: TotalT
    band: str


@dataclass(frozen=True, slots=True)
class ItemsResult(ScoredResult[int]):
    """A questionnaire scored as the sum of its items' points, which are kept in order."""

    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NrsResult(ScoredResult[int]):
    """Pain numeric rating scale, 0-10."""

    kind: ClassVar[AssessmentKind] = AssessmentKind.NRS


@dataclass(frozen=True, slots=True)
class PegResult(ScoredResult[float]):
    """PEG: mean of Pain, Enjoyment and General-activity interference, 0-10."""

    kind: ClassVar[AssessmentKind] = AssessmentKind.PEG
    pain: int
    enjoyment: int
    activity: int


@dataclass(frozen=True, slots=True)
class Phq9Result(ItemsResult):
    """PHQ-9 depression score, 0-27, with the PHQ-2 and item-9 safety flag."""

    kind: ClassVar[AssessmentKind] = AssessmentKind.PHQ9
    self_harm_flag: bool
    suggest_psychiatry: bool
    phq2_total: int
    phq2_positive: bool


@dataclass(frozen=True, slots=True)
class Gad7Result(ItemsResult):
    """GAD-7 anxiety score, 0-21."""

    kind: ClassVar[AssessmentKind] = AssessmentKind.GAD7
    further_evaluation: bool


@dataclass(frozen=True, slots=True)
class OrtAnswers:
    """The ten Opioid Risk Tool boxes (Webster 2005); an unmarked box is False."""

    family_alcohol: bool = False
    family_illegal_drugs: bool = False
    family_prescription_drugs: bool = False
    personal_alcohol: bool = False
    personal_illegal_drugs: bool = False
    personal_prescription_drugs: bool = False
    age_16_to_45: bool = False
    preadolescent_sexual_abuse: bool = False
    psychological_disease: bool = False
    depression: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), bool):
                raise ValidationError(f"ort {f.name}", "must be true or false")

    @classmethod
    def from_mapping(cls, answers: Mapping[str, object]) -> OrtAnswers:
        """Build answers from a dict of field name -> bool.

        Missing keys count as unmarked boxes (False), as on the paper form.

        Args:
            answers: Keys from :data:`ORT_FIELDS`.

        Returns:
            The answers.

        Raises:
            ValidationError: An unknown key or a value that is not a bool.
        """
        unknown = sorted(set(answers) - set(ORT_FIELDS))
        if unknown:
            raise ValidationError(f"ort {unknown[0]}", "is not an ORT item")
        for key, value in answers.items():
            if not isinstance(value, bool):
                raise ValidationError(f"ort {key}", f"must be true or false (got {value!r})")
        return cls(**{key: bool(value) for key, value in answers.items()})


ORT_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in fields(OrtAnswers))

ORT_POINTS: Final[dict[str, tuple[int, int]]] = {
    "family_alcohol": (1, 3),
    "family_illegal_drugs": (2, 3),
    "family_prescription_drugs": (4, 4),
    "personal_alcohol": (3, 3),
    "personal_illegal_drugs": (4, 4),
    "personal_prescription_drugs": (5, 5),
    "age_16_to_45": (1, 1),
    "preadolescent_sexual_abuse": (3, 0),
    "psychological_disease": (2, 2),
    "depression": (1, 1),
}
"""ORT points per marked box as (female, male), Webster 2005."""


@dataclass(frozen=True, slots=True)
class OrtResult(ScoredResult[int]):
    """Opioid Risk Tool score, 0-26."""

    kind: ClassVar[AssessmentKind] = AssessmentKind.ORT
    sex: AdministrativeSex
    scored_as: AdministrativeSex
    answers: OrtAnswers
    suggest_rehabilitation: bool


AssessmentResult = NrsResult | PegResult | Phq9Result | Gad7Result | OrtResult
