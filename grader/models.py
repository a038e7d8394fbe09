"""Domain models: what a bank file may hold, and what grading returns.

All are frozen dataclasses. The bank's own (Question, Rubric, KeyPoint, Misconception) check
their values as they are made and raise FieldError, naming the field, when one breaks a rule.
Bank files are read through pydantic (see bank.py), which adds the checks of types, required
fields and unknown keys; the models themselves need no validation library, so a bank loaded
from the cache starts without one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from grader import verdict

Level = Literal["fresher", "experienced"]
QuestionType = Literal["free_text", "choice"]

# pydantic's settings for these dataclasses when it reads bank files: a typo in a key of a
# hand-edited file must not pass silently.
STRICT: dict[str, Any] = {"extra": "forbid"}

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class FieldError(ValueError):
    """A value that breaks a rule of the bank; `field` names it within the object."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check(ok: bool, field: str, message: str) -> None:
    if not ok:
        raise FieldError(field, message)


def _check_slug(value: str, field: str = "id") -> None:
    _check(
        _SLUG.fullmatch(value) is not None,
        field,
        f"{value!r} is not a slug: use lower-case letters and digits joined by hyphens",
    )


@dataclass(frozen=True)
class _Point:
    """What key points and misconceptions share: a slug id, a statement, optional patterns."""

    __pydantic_config__ = STRICT

    id: str
    statement: str
    patterns: list[str] = field(default_factory=list)
    """Regular expressions that state it, beside the statement's own meaning."""
    phrasings: list[str] = field(default_factory=list)
    """Other wordings of the whole statement (in plain words, through an example), whose
    meaning counts beside the statement's."""

    def __post_init__(self) -> None:
        _check_slug(self.id)
        _check(len(self.statement) >= 3, "statement", "needs at least 3 characters")
        for pattern in self.patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                message = f"invalid regular expression {pattern!r}: {exc}"
                raise FieldError("patterns", message) from exc


@dataclass(frozen=True)
class KeyPoint(_Point):
    """One idea a good answer states; earns its weight (over 0, at most 10) when covered."""

    weight: float = 1.0
    essential: bool = False
    """An answer passes only when it states every essential point (and no misconception)."""
    synonyms: list[str] = field(default_factory=list)
    """Phrases that state the point lexically; any one of them is enough."""
    acronyms: dict[str, str] = field(default_factory=dict)
    """Acronym -> expansion, e.g. BN: batch normalisation."""

    def __post_init__(self) -> None:
        super().__post_init__()
        _check(0 < self.weight <= 10, "weight", "must be greater than 0 and at most 10")


@dataclass(frozen=True)
class Misconception(_Point):
    """A wrong claim that costs `penalty` points (0 to 100) when an answer states it."""

    penalty: float = 15.0

    def __post_init__(self) -> None:
        super().__post_init__()
        _check(0 <= self.penalty <= 100, "penalty", "must be from 0 to 100")


@dataclass(frozen=True)
class Rubric:
    """How a free-text question is scored: key points, misconceptions and the mix."""

    __pydantic_config__ = STRICT

    question_id: str
    key_points: list[KeyPoint]
    pass_mark: float = verdict.DEFAULT_PASS_MARK
    similarity_weight: float = 0.35
    coverage_weight: float = 0.65
    min_words: int = 5
    misconceptions: list[Misconception] = field(default_factory=list)
    asks_for_list: bool = False
    """The question asks for a list (types, applications, advantages): a list of the right
    items answers it, so list sentences are neither keyword lists nor scrambled prose."""
    contrasts: list[list[str]] = field(default_factory=list)
    """Pairs of things the question compares, each side "phrase|alternative|...": a sentence
    that says of one side what a point or misconception says of the other is about something
    else (a swapped claim earns nothing; a denial by contrast is not fined)."""

    def __post_init__(self) -> None:
        _check_slug(self.question_id, "question_id")
        _check(bool(self.key_points), "key_points", "needs at least one key point")
        _check(0 <= self.pass_mark <= 100, "pass_mark", "must be from 0 to 100")
        for name in ("similarity_weight", "coverage_weight"):
            _check(0 <= getattr(self, name) <= 1, name, "must be from 0 to 1")
        _check(
            abs(self.similarity_weight + self.coverage_weight - 1.0) <= 1e-6,
            "coverage_weight",
            "similarity_weight and coverage_weight must add up to 1",
        )
        _check(1 <= self.min_words <= 200, "min_words", "must be from 1 to 200")
        for pair in self.contrasts:
            _check(
                len(pair) == 2 and all(side.strip() for side in pair),
                "contrasts",
                f"each contrast is a pair of two non-empty sides, not {pair!r}",
            )
        ids = [p.id for p in self.key_points] + [m.id for m in self.misconceptions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        _check(not dupes, "key_points", f"duplicate point ids: {', '.join(dupes)}")


@dataclass(frozen=True)
class Question:
    """A question of the bank, as written in reference_answers/; `number` is its position in
    the source guide. The rubric is attached by the bank loader, from rubrics/."""

    __pydantic_config__ = STRICT

    id: str
    level: Level
    topic: str
    question: str
    type: QuestionType = "free_text"
    number: int | None = None
    references: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    answer: str | None = None
    explanation: str | None = None
    aliases: list[str] = field(default_factory=list)
    """Other wordings of the question, matched like its own text when a file names it."""
    rubric: Rubric | None = None

    @property
    def pass_mark(self) -> float:
        """The score an answer needs to pass (a multiple-choice answer needs 100)."""
        if self.type == "choice":
            return verdict.CHOICE_PASS_MARK
        return self.rubric.pass_mark if self.rubric else verdict.DEFAULT_PASS_MARK

    def __post_init__(self) -> None:
        _check_slug(self.id)
        _check(len(self.topic) >= 2, "topic", "needs at least 2 characters")
        _check(len(self.question) >= 5, "question", "needs at least 5 characters")
        _check(self.number is None or self.number >= 1, "number", "must be 1 or more")
        if self.type == "free_text":
            _check(
                bool(self.references),
                "references",
                "a free_text question needs at least one reference answer",
            )
            _check(
                all(len(r.split()) >= 3 for r in self.references),
                "references",
                "every reference answer needs at least three words",
            )
        else:
            _check(
                len(self.options) >= 2, "options", "a choice question needs at least two options"
            )
            _check(
                self.answer in self.options,
                "answer",
                f"answer {self.answer!r} is not one of the options",
            )


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
    essential: bool = False


@dataclass(frozen=True)
class MisconceptionHit:
    """A misconception the answer stated, and where."""

    id: str
    statement: str
    penalty: float
    sentence: str
    sentence_index: int


JudgedStatus = Literal["stated", "missing", "contradicted"]


@dataclass(frozen=True)
class JudgedPoint:
    """What the LLM judge said of one key point, with the sentence it quoted."""

    id: str
    status: JudgedStatus
    quote: str = ""


@dataclass(frozen=True)
class JudgeOpinion:
    """The optional LLM judge's view of an answer (see grader/judge.py).

    `error` is set, and the rest empty, when the judge could not be asked or its reply was
    unusable; the embedding grade stands either way. In `score` mode the judge's score became
    the result's score and `embedding_score` keeps the one it replaced.
    """

    model: str
    mode: str = "second-opinion"
    score: float | None = None
    passed: bool | None = None
    feedback: str = ""
    points: list[JudgedPoint] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    error: str | None = None
    embedding_score: float | None = None
    disagreement: str | None = None
    """Why the judge's pass or fail differs from the embedding grade's, when it does."""


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
    judge: JudgeOpinion | None = None
    """An LLM judge's second opinion, when one was asked (see grader.judge)."""
    margins: dict[str, float] = field(default_factory=dict)
    """How far each cosine that decided an essential point, a misconception or a flag was from
    its threshold ("point:<id>", "misconception:<id>", "flag:<name>"; positive when it was met)."""
    confidence: float = 1.0
    """How likely the pass/fail verdict is right, 0-1 (see grader.confidence)."""
    needs_review: bool = False
    """True when the verdict could go either way: a person should look at it."""
    review_reason: str | None = None
    """Why it needs review, in a short sentence."""

    @property
    def borderline(self) -> str | None:
        """What front ends show for a verdict that needs review: 'borderline (...): reason'."""
        if not self.needs_review:
            return None
        return f"borderline (confidence {self.confidence:.0%}): {self.review_reason}"

    @property
    def covered_points(self) -> list[PointResult]:
        return [p for p in self.points if p.status in ("covered", "partial")]

    @property
    def missing_points(self) -> list[PointResult]:
        return [p for p in self.points if p.status in ("missing", "contradicted")]

    def rescored(self, score: float, source: str, **changes: Any) -> Result:
        """This result with a score from elsewhere (a calibration, an LLM judge) in place of
        the scorer's: held to the gaming cap, the pass redone, and a note naming `source` and
        the scorer's own score. `changes` are other fields to replace.
        """
        notes = list(self.notes)
        gaming = verdict.gaming_flags(self.flags)
        cap = verdict.gaming_cap(self.pass_mark)
        if gaming and score > cap:
            score = cap
            notes.append(f"{source} capped at {score:g}: flagged {gaming[0]}")
        score = round(score, 1)
        notes.append(f"{source}; the scorer's own score was {self.score:g}")
        return replace(
            self,
            score=score,
            passed=verdict.passed(score, self.pass_mark, self.flags),
            notes=notes,
            **changes,
        )

    def to_dict(self) -> dict:
        """A JSON-ready view of the result."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        """Rebuild a result from `to_dict()` (nested points and misconceptions included)."""
        fields = dict(data)
        fields["points"] = [PointResult(**p) for p in data.get("points", [])]
        fields["misconceptions"] = [MisconceptionHit(**m) for m in data.get("misconceptions", [])]
        if data.get("judge"):
            judge = dict(data["judge"])
            judge["points"] = [JudgedPoint(**p) for p in judge.get("points", [])]
            fields["judge"] = JudgeOpinion(**judge)
        return cls(**fields)
