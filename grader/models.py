"""Domain models: what a bank file may hold, and what grading returns.

Bank files are validated with pydantic (so errors can name the field); results are plain
dataclasses because they are only ever built by the scorer.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Level = Literal["fresher", "experienced"]
QuestionType = Literal["free_text", "choice"]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo in a hand-edited file must not pass silently.

    The validators are built on first use, not at import: a start that finds the bank in
    its cache never validates, and building them all costs about 0.15 s.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return patterns


class KeyPoint(_Strict):
    """One idea a good answer states; earns its weight when covered."""

    id: str = Field(pattern=SLUG)
    statement: str = Field(min_length=3)
    weight: float = Field(default=1.0, gt=0, le=10)
    synonyms: list[str] = Field(
        default_factory=list,
        description="Phrases that state the point lexically; any one of them is enough.",
    )
    acronyms: dict[str, str] = Field(
        default_factory=dict, description="Acronym -> expansion, e.g. BN: batch normalisation."
    )
    patterns: list[str] = Field(default_factory=list, description="Regular expressions.")

    _validate_patterns = field_validator("patterns")(_check_patterns)


class Misconception(_Strict):
    """A wrong claim that costs points when an answer states it."""

    id: str = Field(pattern=SLUG)
    statement: str = Field(min_length=3)
    penalty: float = Field(default=15.0, ge=0, le=100)
    patterns: list[str] = Field(default_factory=list)

    _validate_patterns = field_validator("patterns")(_check_patterns)


class Rubric(_Strict):
    """How a free-text question is scored: key points, misconceptions and the mix."""

    question_id: str = Field(pattern=SLUG)
    pass_mark: float = Field(default=60.0, ge=0, le=100)
    similarity_weight: float = Field(default=0.35, ge=0, le=1)
    coverage_weight: float = Field(default=0.65, ge=0, le=1)
    min_words: int = Field(default=5, ge=1, le=200)
    key_points: list[KeyPoint] = Field(min_length=1)
    misconceptions: list[Misconception] = Field(default_factory=list)

    @model_validator(mode="after")
    def _weights_and_ids(self) -> Rubric:
        if abs(self.similarity_weight + self.coverage_weight - 1.0) > 1e-6:
            raise ValueError("similarity_weight and coverage_weight must add up to 1")
        ids = [p.id for p in self.key_points] + [m.id for m in self.misconceptions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate point ids: {', '.join(dupes)}")
        return self


class Question(_Strict):
    """A question of the bank, as written in reference_answers/."""

    id: str = Field(pattern=SLUG)
    level: Level
    topic: str = Field(min_length=2)
    type: QuestionType = "free_text"
    number: int | None = Field(default=None, ge=1, description="Position in the source guide.")
    question: str = Field(min_length=5)
    references: list[str] = Field(default_factory=list)
    options: dict[str, str] = Field(default_factory=dict)
    answer: str | None = None
    explanation: str | None = None
    rubric: Rubric | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        if self.type == "free_text":
            if not self.references:
                raise ValueError("a free_text question needs at least one reference answer")
            if any(len(r.split()) < 3 for r in self.references):
                raise ValueError("every reference answer needs at least three words")
        else:
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if self.answer not in self.options:
                raise ValueError(f"answer {self.answer!r} is not one of the options")
        return self


# ---------------------------------------------------------------- results

PointStatus = Literal["covered", "partial", "missing", "contradicted"]


@dataclass(frozen=True)
class PointResult:
    """How one key point fared: its status and the sentence that decided it."""

    id: str
    statement: str
    weight: float
    status: PointStatus
    credit: float
    similarity: float
    lexical: bool
    sentence: str | None = None
    sentence_index: int | None = None


@dataclass(frozen=True)
class MisconceptionHit:
    """A misconception the answer stated, and where."""

    id: str
    statement: str
    penalty: float
    sentence: str
    sentence_index: int


@dataclass(frozen=True)
class Result:
    """The grade of one answer with everything needed to explain it."""

    question_id: str
    answer: str
    score: float
    passed: bool
    pass_mark: float
    similarity: float
    raw_cosine: float
    coverage: float
    best_reference: int | None
    sentences: list[str]
    points: list[PointResult] = field(default_factory=list)
    misconceptions: list[MisconceptionHit] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model: str = ""
    bank_version: str = ""

    @property
    def covered_points(self) -> list[PointResult]:
        return [p for p in self.points if p.status in ("covered", "partial")]

    @property
    def missing_points(self) -> list[PointResult]:
        return [p for p in self.points if p.status in ("missing", "contradicted")]

    def to_dict(self) -> dict:
        """A JSON-ready view of the result."""
        return asdict(self)
