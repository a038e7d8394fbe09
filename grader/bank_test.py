"""Test a bank against answers people marked: where the grader agrees, where it does not, why.

A marked file holds answers with a person's verdict: `answer`, `question_id` or `question`
(the text, matched as `grader grade` matches it), and `passed` (true/false, yes/no, pass/fail,
1/0) or `score` (0-100, or out of `max_score`; it passes at the question's pass mark). An
optional `points` column lists the key points the marker credited (ids separated by `;` or
`,`). Every answer is graded, and for each question the report gives the agreement, the
**missed passes** (people passed it, the grader failed it) and **missed fails** (the reverse),
each with what decided the grader's verdict and by which sentence, and the key points and
misconceptions that no answer ever matched (a dead synonym list, a statement nobody writes).

Pure apart from the scorer: `read_marked` parses bytes, `test_bank` grades and compares, and
the renderers turn the report into Markdown, HTML or JSON.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from grader.answers import FLAG_TEXT
from grader.bank import Bank
from grader.batch import Row, match_rows
from grader.matching import quote
from grader.models import KeyPoint, PointResult, Result
from grader.tables import read_table
from grader.templating import environment
from grader.verdict import gaming_flags

if TYPE_CHECKING:
    from grader.scoring import Scorer

MARKED_COLUMNS = ("answer", "question_id|question", "passed|score")
FORMATS = ("md", "html", "json")
PASS_WORDS = {"true", "yes", "y", "1", "pass", "passed"}
FAIL_WORDS = {"false", "no", "n", "0", "fail", "failed"}
QUOTE_WIDTH = 240
"""Characters of an answer a report quotes before cutting it at a word."""
SENTENCE_WIDTH = 160


class Mark(BaseModel):
    """One marked answer: where it is, its question and text, and the person's verdict."""

    line: int
    question_id: str
    answer: str
    passed: bool
    score: float | None = None
    """The person's score on 0-100, when the file gave one."""
    points: list[str] | None = None
    """The key points the person credited, when the file has a `points` column."""


class MarkedFile(BaseModel):
    """A marked file read: its good rows, and a `file: line N: ...` message per bad one."""

    name: str
    marks: list[Mark]
    problems: list[str]


class Decider(BaseModel):
    """Something that decided the grader's verdict: a point, a misconception, a flag, the score."""

    kind: Literal["point", "misconception", "flag", "score", "choice"]
    id: str
    status: str
    """For a point its status (covered, partial, missing, contradicted); else what happened."""
    sentence: str | None = None
    essential: bool = False


class Case(BaseModel):
    """An answer on which the grader and the person disagree, and why the grader decided so."""

    line: int
    answer: str
    marked_score: float | None
    score: float
    deciders: list[Decider]


class PointMarks(BaseModel):
    """A key point against the `points` the marker credited: where the two disagree."""

    id: str
    marked: int
    """Answers the marker credited with the point."""
    agreed: int
    """Of those, the answers the grader credited too."""
    missed: list[int]
    """Lines the marker credited and the grader did not."""
    extra: list[int]
    """Lines the grader credited and the marker did not."""


class QuestionReport(BaseModel):
    """One question's part of the report."""

    question_id: str
    question: str
    answers: int
    agreed: int
    missed_passes: list[Case]
    missed_fails: list[Case]
    unmatched_points: list[str]
    """Key points that no answer stated, even partly: ids."""
    unstated_misconceptions: list[str]
    """Misconceptions that no answer was charged with: ids."""
    point_marks: list[PointMarks] | None = None
    score_gap: float | None = None
    """Mean absolute difference of the grader's and the marker's scores, when scores were given."""

    @property
    def agreement(self) -> float:
        """The share of answers on which the grader's verdict is the person's (0-1)."""
        return self.agreed / self.answers if self.answers else 1.0


class BankTestReport(BaseModel):
    """The whole report: per question, then overall; `problems` are the rows left out."""

    name: str
    bank_version: str
    model: str
    questions: list[QuestionReport]
    problems: list[str]
    min_agreement: float | None = None
    """The agreement (0-1) the run must reach, when one is set."""

    @property
    def answers(self) -> int:
        return sum(q.answers for q in self.questions)

    @property
    def agreed(self) -> int:
        return sum(q.agreed for q in self.questions)

    @property
    def agreement(self) -> float:
        """The share of all answers on which the grader agrees with the person (0-1)."""
        return self.agreed / self.answers if self.answers else 1.0

    @property
    def below_minimum(self) -> bool:
        """Whether the agreement misses the minimum set for the run."""
        return self.min_agreement is not None and self.agreement < self.min_agreement

    @property
    def missed_passes(self) -> int:
        return sum(len(q.missed_passes) for q in self.questions)

    @property
    def missed_fails(self) -> int:
        return sum(len(q.missed_fails) for q in self.questions)


# ---------------------------------------------------------------- reading


def read_marked(
    data: bytes,
    name: str,
    bank: Bank,
    format: str | None = None,
    questions: Sequence[str] = (),
) -> MarkedFile:
    """Read a marked file of any format `grader grade` reads; only `questions` when given.

    Raises InputError only when the file as a whole cannot be read (not a table, a column
    missing); a bad row is a problem naming its line, and every other row is kept.
    """
    table = read_table(data, name, MARKED_COLUMNS, format)
    found = match_rows(table, bank)
    marks, problems = [], []
    for row in found.rows:
        if row.question_id and questions and row.question_id not in questions:
            continue
        try:
            if row.error:
                raise ValueError(row.error)
            marks.append(_mark(row, bank))
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return MarkedFile(name=name, marks=marks, problems=problems)


def _mark(row: Row, bank: Bank) -> Mark:
    """The mark of a matched row; ValueError naming the row and the field when it has none."""
    question = bank.questions[row.question_id]
    passed = _verdict(row.fields.get("passed"), row.where)
    score = _score(row, row.where)
    if passed is None and score is None:
        raise ValueError(f"{row.where}: no verdict: give passed (true/false) or a score")
    if passed is None:
        passed = score >= question.pass_mark
    points = None
    if "points" in row.fields:
        points = [p for p in re.split(r"[;,]", str(row.fields["points"] or "")) if p.strip()]
        points = [p.strip() for p in points]
        known = [p.id for p in question.rubric.key_points] if question.rubric else []
        unknown = [p for p in points if p not in known]
        if unknown:
            raise ValueError(
                f"{row.where}: points: {', '.join(map(repr, unknown))} is not a key point of"
                f" {question.id} (its points: {', '.join(known) or 'none'})"
            )
    return Mark(
        line=row.line,
        question_id=question.id,
        answer=str(row.fields["answer"]),
        passed=passed,
        score=score,
        points=points,
    )


def _verdict(value: object, where: str) -> bool | None:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if not text:
        return None
    if text in PASS_WORDS:
        return True
    if text in FAIL_WORDS:
        return False
    raise ValueError(
        f"{where}: passed: {value!r} is not a verdict; write true or false (yes/no, pass/fail, 1/0)"
    )


def _score(row: Row, where: str) -> float | None:
    """The row's score on 0-100 (scaled from `max_score` when the file has one)."""
    value = _number(row.fields.get("score"), "score", where)
    if value is None:
        return None
    top = _number(row.fields.get("max_score"), "max_score", where)
    top = 100.0 if top is None else top
    if top <= 0:
        raise ValueError(f"{where}: max_score: {row.fields['max_score']!r} is not above 0")
    if not 0 <= value <= top:
        raise ValueError(f"{where}: score: {row.fields['score']!r} is not between 0 and {top:g}")
    return 100 * value / top


def _number(value: object, column: str, where: str) -> float | None:
    """A finite number from a cell, None for an empty one; ValueError naming the cell if not."""
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{where}: {column}: {value!r} is not a number")
    return number


# ---------------------------------------------------------------- testing


def test_bank(
    scorer: Scorer,
    marked: MarkedFile,
    min_agreement: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> BankTestReport:
    """Grade every marked answer and compare the grader's verdicts with the person's."""
    results = scorer.score_many(
        [(m.question_id, m.answer) for m in marked.marks], progress=progress
    )
    by_question: dict[str, list[tuple[Mark, Result]]] = {}
    for mark, result in zip(marked.marks, results):
        by_question.setdefault(mark.question_id, []).append((mark, result))
    bank = scorer.bank
    order = [qid for qid in bank.questions if qid in by_question]  # the bank's order
    return BankTestReport(
        name=marked.name,
        bank_version=bank.version,
        model=scorer.embedder.label,
        questions=[_question_report(bank, qid, by_question[qid]) for qid in order],
        problems=marked.problems,
        min_agreement=min_agreement,
    )


# pytest would collect a function named test_* imported into a test module.
test_bank.__test__ = False  # type: ignore[attr-defined]


def _question_report(bank: Bank, qid: str, graded: list[tuple[Mark, Result]]) -> QuestionReport:
    question = bank.questions[qid]
    rubric = question.rubric
    stated = {p.id for _, r in graded for p in r.covered_points}
    charged = {m.id for _, r in graded for m in r.misconceptions}
    scored = [(m.score, r.score) for m, r in graded if m.score is not None]
    return QuestionReport(
        question_id=qid,
        question=question.question,
        answers=len(graded),
        agreed=sum(m.passed == r.passed for m, r in graded),
        missed_passes=[_case(m, r) for m, r in graded if m.passed and not r.passed],
        missed_fails=[_case(m, r) for m, r in graded if r.passed and not m.passed],
        unmatched_points=[p.id for p in rubric.key_points if p.id not in stated] if rubric else [],
        unstated_misconceptions=(
            [m.id for m in rubric.misconceptions if m.id not in charged] if rubric else []
        ),
        point_marks=_point_marks(rubric.key_points, graded) if rubric else None,
        score_gap=sum(abs(a - b) for a, b in scored) / len(scored) if scored else None,
    )


def _case(mark: Mark, result: Result) -> Case:
    return Case(
        line=mark.line,
        answer=mark.answer,
        marked_score=mark.score,
        score=result.score,
        deciders=deciders(result),
    )


def deciders(result: Result) -> list[Decider]:
    """What decided `result`'s verdict, most decisive first.

    A fail names the gaming flags that capped it, the misconceptions it states and the
    essential points it lacks or contradicts (without essential points: the missing points, by
    weight, that left the score under the pass mark). A pass names the points that earned it:
    the essential ones, else the covered points by what they contributed.
    """
    if not result.points:  # a multiple-choice question, or a question without a rubric
        note = result.notes[0] if result.notes else f"score {result.score:g}"
        return [Decider(kind="choice", id="answer", status=note)]
    essential = [p for p in result.points if p.essential]
    if result.passed:
        earned = essential or sorted(result.covered_points, key=lambda p: -p.weight * p.credit)[:3]
        return [_point(p) for p in earned]
    found = [
        Decider(kind="flag", id=f, status=FLAG_TEXT.get(f, f)) for f in gaming_flags(result.flags)
    ]
    found += [
        Decider(kind="misconception", id=m.id, status="stated", sentence=m.sentence)
        for m in result.misconceptions
    ]
    lacking = [p for p in essential if p.status in ("missing", "contradicted")]
    if not essential:
        lacking = sorted(result.missing_points, key=lambda p: -p.weight)[:3]
    found += [_point(p) for p in lacking]
    if not found:
        status = f"{result.score:g} is under the pass mark {result.pass_mark:g}"
        found.append(Decider(kind="score", id="score", status=status))
    return found


def _point(point: PointResult) -> Decider:
    return Decider(
        kind="point",
        id=point.id,
        status=point.status,
        sentence=point.sentence,
        essential=point.essential,
    )


def _point_marks(
    key_points: list[KeyPoint], graded: list[tuple[Mark, Result]]
) -> list[PointMarks] | None:
    """Each key point's agreement with the marker's `points`, over the rows that have them."""
    rows = [(m, r) for m, r in graded if m.points is not None]
    if not rows:
        return None
    found = []
    for point in key_points:
        human = [m.line for m, _ in rows if point.id in m.points]
        machine = [m.line for m, r in rows if point.id in {p.id for p in r.covered_points}]
        found.append(
            PointMarks(
                id=point.id,
                marked=len(human),
                agreed=len(set(human) & set(machine)),
                missed=[line for line in human if line not in machine],
                extra=[line for line in machine if line not in human],
            )
        )
    return found


# ---------------------------------------------------------------- rendering


def render(report: BankTestReport, fmt: str) -> str:
    """The report as Markdown (`md`), a self-contained HTML page (`html`) or JSON (`json`)."""
    if fmt == "json":
        data = report.model_dump()
        data.update(answers=report.answers, agreed=report.agreed, agreement=report.agreement)
        for question, model in zip(data["questions"], report.questions):
            question["agreement"] = model.agreement
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    env = environment(autoescape=fmt == "html")
    env.filters.update(percent=percent, quote=quote_answer, cell=md_cell, decider=decider_text)
    # trim_blocks eats the newline after the template's last tag
    return env.get_template(f"bank_test.{fmt}.j2").render(r=report).rstrip("\n") + "\n"


def percent(share: float) -> str:
    """A share (0-1) as a percentage to one decimal place."""
    return f"{100 * share:.1f}%"


def quote_answer(text: str) -> str:
    """An answer in quotes on one line, whole or cut at a word."""
    return quote(text, QUOTE_WIDTH)


def md_cell(text: str) -> str:
    """Text that stays inside one Markdown table cell or list item."""
    return " ".join(text.split()).replace("|", "\\|")


def decider_text(decider: Decider) -> str:
    """One line for people: what decided, and by which sentence."""
    if decider.kind == "point":
        essential = " (essential)" if decider.essential else ""
        text = f"key point {decider.id}{essential}: {decider.status}"
    elif decider.kind == "misconception":
        text = f"misconception {decider.id}: stated"
    elif decider.kind == "flag":
        text = f"flag {decider.id}: {decider.status}"
    else:
        text = decider.status
    if decider.sentence:
        text += f", by {quote(decider.sentence, SENTENCE_WIDTH)}"
    return text
