"""Interview summaries and their exports (Markdown, HTML, CSV, JSON).

Pure: everything here takes records already read from the store (results included) and the
bank's questions, and returns data or text. The summary screen of the interviewer mode and
`grader report` share it, so what the interviewer sees and what they export cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import jinja2

from grader.answers import FLAG_TEXT, picked_option
from grader.models import Question, Result
from grader.point_status import qualified
from grader.store import InterviewAnswer, InterviewSession
from grader.templating import environment
from grader.text import shorten

FORMATS = ("md", "html", "csv", "json")
MIN_OVERRIDES = 3
"""Below this many overrides, agreement statistics say nothing useful."""
ADVANCE_SHARE = 2 / 3
"""The share of questions a candidate must pass (final score at the pass mark or above) for
the report to recommend advancing them."""
QUESTION_CHARS = 60
"""How much of a question's text the score tables show."""


def num(value: float | None) -> str:
    """A score to one decimal place without trailing zeros; a dash when there is none."""
    if value is None:
        return "–"
    return f"{round(value, 1):g}"


@dataclass(frozen=True)
class AnswerRow:
    """One question of a session: the answer, its explanation and the interviewer's decision."""

    question_id: str
    topic: str
    level: str
    question: str
    answer: str
    auto_score: float | None
    final_score: float | None
    overridden: bool
    note: str
    pass_mark: float | None = None
    auto_passed: bool | None = None
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    scorer_notes: list[str] = field(default_factory=list)
    confidence: float | None = None
    needs_review: bool = False
    """The automatic verdict could go either way: it needs the interviewer's eye."""
    review_reason: str | None = None
    judge_score: float | None = None
    judge: list[str] = field(default_factory=list)
    """The LLM judge's opinion, line by line (grader/judge.py), when one was asked."""

    @property
    def decided(self) -> bool:
        """Whether the interviewer accepted or overrode the score."""
        return self.final_score is not None

    @property
    def passed(self) -> bool | None:
        """Whether the final score reaches the pass mark (None until decided)."""
        if self.final_score is None or self.pass_mark is None:
            return None
        return self.final_score >= self.pass_mark

    @property
    def verdict(self) -> str:
        """PASS, FAIL, or a dash until decided."""
        return {True: "PASS", False: "FAIL", None: "–"}[self.passed]

    @property
    def short_question(self) -> str:
        """The question's text on one line, cut at QUESTION_CHARS."""
        return shorten(self.question, QUESTION_CHARS)


@dataclass(frozen=True)
class Agreement:
    """How close the automatic scores were to the interviewer's, over the overridden answers."""

    overrides: int
    mean_abs_diff: float | None
    correlation: float | None

    def text(self) -> str:
        """One line for people: the statistics, or why there are none."""
        if self.overrides < MIN_OVERRIDES:
            return f"not enough overrides ({self.overrides}; {MIN_OVERRIDES} needed)"
        corr = "undefined" if self.correlation is None else f"{self.correlation:.2f}"
        return (
            f"{self.overrides} overrides: mean absolute difference "
            f"{num(self.mean_abs_diff)} points, Pearson correlation {corr}"
        )


def agreement(pairs: Iterable[tuple[float, float]]) -> Agreement:
    """Mean absolute difference and Pearson correlation of (automatic, final) score pairs.

    Only answers the interviewer overrode should be passed: accepted scores agree by
    definition and would flatter the scorer. With fewer than MIN_OVERRIDES pairs both
    statistics are None; the correlation is also None when either side does not vary.
    """
    pairs = list(pairs)
    if len(pairs) < MIN_OVERRIDES:
        return Agreement(len(pairs), None, None)
    auto = [a for a, _ in pairs]
    final = [f for _, f in pairs]
    mad = statistics.fmean(abs(a - f) for a, f in pairs)
    try:
        corr: float | None = statistics.correlation(auto, final)
    except statistics.StatisticsError:  # a constant side: correlation is undefined
        corr = None
    if corr is not None and math.isnan(corr):
        corr = None
    return Agreement(len(pairs), mad, corr)


@dataclass(frozen=True)
class Summary:
    """One candidate's session: per-question rows, totals, topics and agreement."""

    session_id: int
    candidate: str
    set_name: str
    started: str
    rows: list[AnswerRow]
    answered: int
    total_auto: float
    total_final: float
    max_total: float
    topic_scores: dict[str, float]
    strongest: str | None
    weakest: str | None
    agreement: Agreement
    passed: int
    recommendation: str

    @property
    def to_review(self) -> list[AnswerRow]:
        """The answers whose automatic verdict could go either way."""
        return [r for r in self.rows if r.needs_review]

    def review_text(self) -> str:
        """One line for people: which answers need the interviewer's eye, and why."""
        if not self.to_review:
            return "none: every automatic verdict is confident"
        return "; ".join(f"{r.question_id} ({r.review_reason})" for r in self.to_review)

    @property
    def percent(self) -> float:
        """The final total as a share of the maximum, in percent."""
        return 100 * self.total_final / self.max_total if self.max_total else 0.0


def answer_row(
    question_id: str, question: Question | None, answer: InterviewAnswer | None
) -> AnswerRow:
    """The row of one question, with the explanation read from the stored result.

    `question` is None when the bank no longer has it: the stored answer is still reported.
    """
    base = {
        "question_id": question_id,
        "topic": question.topic if question else "(not in the bank)",
        "level": question.level if question else "",
        "question": question.question if question else question_id,
        "pass_mark": question.pass_mark if question else None,
    }
    if answer is None:
        return AnswerRow(
            **base, answer="", auto_score=None, final_score=None, overridden=False, note=""
        )
    result = answer.result
    extra: dict = {}
    if result is not None:
        extra = {
            "pass_mark": result.pass_mark,
            "auto_passed": result.passed,
            "covered": [qualified(p.statement, p.status) for p in result.covered_points],
            "missing": [qualified(p.statement, p.status) for p in result.missing_points],
            "misconceptions": [
                f"{m.statement} (−{m.penalty:g}): “{m.sentence}”" for m in result.misconceptions
            ],
            "flags": [f"{f}: {FLAG_TEXT.get(f, f)}" for f in result.flags],
            "scorer_notes": list(result.notes),
            "confidence": result.confidence,
            "needs_review": result.needs_review,
            "review_reason": result.review_reason,
            "judge_score": result.judge.score if result.judge else None,
            "judge": judge_lines(result),
        }
    return AnswerRow(
        **{**base, **extra},
        answer=answer_text(question, answer.answer),
        auto_score=answer.auto_score,
        final_score=answer.final_score,
        overridden=answer.overridden,
        note=answer.note,
    )


def answer_text(question: Question | None, answer: str) -> str:
    """An answer as a reader needs it: a multiple-choice pick with its option's text."""
    if question is None or question.type != "choice":
        return answer
    key = picked_option(answer, question.options)
    return f"{key}) {question.options[key]}" if key is not None else answer


def recommendation(rows: Sequence[AnswerRow]) -> str:
    """The overall call: advance when at least ADVANCE_SHARE of the questions pass.

    Pending until every question has a final score; a suggestion for the interviewer, who
    makes the decision.
    """
    decided = [r for r in rows if r.decided]
    if len(decided) < len(rows):
        return f"pending: {len(decided)} of {len(rows)} questions decided"
    passed = sum(bool(r.passed) for r in rows)
    verdict = "advance" if rows and passed >= ADVANCE_SHARE * len(rows) else "do not advance"
    return f"{verdict}: {passed} of {len(rows)} questions passed"


def judge_lines(result: Result) -> list[str]:
    """The LLM judge's opinion of a result for a report: verdict, review, points, feedback."""
    opinion = result.judge
    if opinion is None:
        return []
    if opinion.error or opinion.score is None:
        return [f"no opinion: {opinion.error}"]
    verdict = "passes" if opinion.passed else "fails"
    lines = [f"{opinion.model}: {num(opinion.score)} / 100, {verdict}"]
    if opinion.disagreement:
        lines.append(f"needs review: {opinion.disagreement}")
    lines += [
        f"{p.id}: {p.status}" + (f" (“{p.quote}”)" if p.quote else "") for p in opinion.points
    ]
    lines += [f"states misconception {m}" for m in opinion.misconceptions]
    lines.append(f"feedback: {opinion.feedback}")
    return lines


def summarise(
    session: InterviewSession,
    answers: Mapping[str, InterviewAnswer],
    questions: Mapping[str, Question],
) -> Summary:
    """Build a session's summary from its stored answers and the bank's questions."""
    rows = [answer_row(qid, questions.get(qid), answers.get(qid)) for qid in session.question_ids]
    decided = [r for r in rows if r.decided]
    by_topic: dict[str, list[float]] = defaultdict(list)
    for row in decided:
        by_topic[row.topic].append(row.final_score or 0.0)
    topic_scores = {t: statistics.fmean(s) for t, s in sorted(by_topic.items())}
    ranked = sorted(topic_scores, key=lambda t: (-topic_scores[t], t))
    pairs = [(r.auto_score or 0.0, r.final_score or 0.0) for r in decided if r.overridden]
    return Summary(
        session_id=session.id,
        candidate=session.candidate,
        set_name=session.set_name,
        started=session.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        rows=rows,
        answered=len(decided),
        total_auto=sum(r.auto_score or 0.0 for r in decided),
        total_final=sum(r.final_score or 0.0 for r in decided),
        max_total=100.0 * len(rows),
        topic_scores=topic_scores,
        strongest=ranked[0] if ranked else None,
        # With one topic there is no "weakest" distinct from the strongest.
        weakest=ranked[-1] if len(ranked) > 1 else None,
        agreement=agreement(pairs),
        passed=sum(bool(r.passed) for r in rows),
        recommendation=recommendation(rows),
    )


@dataclass(frozen=True)
class ComparisonRow:
    """One candidate in the comparison over a shared question set."""

    session_id: int
    candidate: str
    answered: int
    total_auto: float
    total_final: float
    finals: dict[str, float | None]


def compare(summaries: Sequence[Summary]) -> list[ComparisonRow]:
    """Candidates who took the same question set, best final total first."""
    rows = [
        ComparisonRow(
            s.session_id,
            s.candidate,
            s.answered,
            s.total_auto,
            s.total_final,
            {r.question_id: r.final_score for r in s.rows},
        )
        for s in summaries
    ]
    return sorted(rows, key=lambda r: (-r.total_final, r.candidate.lower(), r.session_id))


# ---------------------------------------------------------------- exports


def render(summary: Summary, comparison: Sequence[ComparisonRow], fmt: str) -> str:
    """The report in `fmt` (one of FORMATS) as text."""
    renderers = {"md": to_markdown, "html": to_html, "csv": to_csv, "json": to_json}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return renderers[fmt](summary, comparison)


def to_json(summary: Summary, comparison: Sequence[ComparisonRow]) -> str:
    """Everything, machine-readable."""
    data = asdict(summary)
    data["percent"] = round(summary.percent, 1)
    data["agreement"]["text"] = summary.agreement.text()
    data["needs_review"] = [r.question_id for r in summary.to_review]
    data["comparison"] = [asdict(row) for row in comparison]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = [
    "session_id",
    "candidate",
    "set_name",
    "question_id",
    "topic",
    "level",
    "question",
    "answer",
    "auto_score",
    "final_score",
    "passed",
    "overridden",
    "note",
    "covered_points",
    "missing_points",
    "misconceptions",
    "flags",
    "confidence",
    "needs_review",
    "review_reason",
    "judge_score",
    "judge",
]


def to_csv(summary: Summary, comparison: Sequence[ComparisonRow]) -> str:
    """One row per question (the comparison belongs in the other formats)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in summary.rows:
        writer.writerow(
            {
                "session_id": summary.session_id,
                "candidate": summary.candidate,
                "set_name": summary.set_name,
                "question_id": row.question_id,
                "topic": row.topic,
                "level": row.level,
                "question": row.question,
                "answer": row.answer,
                "auto_score": "" if row.auto_score is None else num(row.auto_score),
                "final_score": "" if row.final_score is None else num(row.final_score),
                "passed": "" if row.passed is None else int(row.passed),
                "overridden": int(row.overridden),
                "note": row.note,
                "covered_points": "; ".join(row.covered),
                "missing_points": "; ".join(row.missing),
                "misconceptions": "; ".join(row.misconceptions),
                "flags": "; ".join(row.flags),
                "confidence": "" if row.confidence is None else row.confidence,
                "needs_review": int(row.needs_review),
                "review_reason": row.review_reason or "",
                "judge_score": "" if row.judge_score is None else num(row.judge_score),
                "judge": "; ".join(row.judge),
            }
        )
    return buffer.getvalue()


def _md_cell(text: str) -> str:
    # A pipe or a line break would end the table cell.
    return " ".join(text.split()).replace("|", "\\|")


def _md_quote(text: str) -> str:
    return "\n".join("> " + line for line in (text or "(no answer)").splitlines())


def to_markdown(summary: Summary, comparison: Sequence[ComparisonRow]) -> str:
    """A readable report for a wiki, a ticket or an e-mail."""
    s = summary
    out = [
        f"# Interview report: {s.candidate}",
        "",
        f"- Session: {s.session_id} · set: {s.set_name or '(chosen by hand)'}"
        f" · started {s.started}",
        f"- **Recommendation: {s.recommendation}**",
        f"- Answered: {s.answered} of {len(s.rows)} · passed: {s.passed}",
        f"- Total: {num(s.total_final)} / {num(s.max_total)} ({s.percent:.0f}%)"
        f" · automatic total {num(s.total_auto)}",
        f"- Strongest topic: {topic_label(s, s.strongest)}"
        f" · weakest topic: {topic_label(s, s.weakest)}",
        f"- Agreement with the automatic scores: {s.agreement.text()}",
        f"- Needs your eye: {_md_cell(s.review_text())}",
        "",
        "## Scores",
        "",
        "| # | Question | Topic | Automatic | Final | Result | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, row in enumerate(s.rows, start=1):
        final = num(row.final_score) + (" (overridden)" if row.overridden else "")
        auto = num(row.auto_score) + (" ◆ review" if row.needs_review else "")
        out.append(
            f"| {i} | {_md_cell(row.short_question)} | {_md_cell(row.topic)} "
            f"| {auto} | {final} | {row.verdict} | {_md_cell(row.note)} |"
        )
    if len(comparison) > 1:
        out += ["", "## Candidates on the same question set", ""]
        out += ["| Candidate | Session | Answered | Automatic total | Final total |"]
        out += ["|---|---|---|---|---|"]
        for c in comparison:
            out.append(
                f"| {_md_cell(c.candidate)} | {c.session_id} | {c.answered} "
                f"| {num(c.total_auto)} | {num(c.total_final)} |"
            )
    out += ["", "## Answers"]
    for i, row in enumerate(s.rows, start=1):
        out += ["", f"### {i}. {row.question_id} ({row.topic})", "", f"**{row.question}**", ""]
        out += [_md_quote(row.answer), ""]
        out.append(
            f"Automatic score: {num(row.auto_score)} · final score: {num(row.final_score)}"
            + (" (overridden by the interviewer)" if row.overridden else "")
        )
        if row.needs_review:
            out += ["", f"**Needs your eye**: {row.review_reason}"]
        for title, items in _explanation(row):
            out += ["", f"{title}:", *[f"- {item}" for item in items]]
        if row.note:
            out += ["", f"Interviewer's note: {row.note}"]
    return "\n".join(out) + "\n"


def topic_label(summary: Summary, topic: str | None) -> str:
    """A topic with the candidate's average final score on it; a dash for none."""
    return f"{topic} ({num(summary.topic_scores[topic])})" if topic else "–"


def _explanation(row: AnswerRow) -> list[tuple[str, list[str]]]:
    """The non-empty parts of an answer's explanation, titled."""
    parts = [
        ("Covered", row.covered),
        ("Missing", row.missing),
        ("Misconceptions", row.misconceptions),
        ("Flags", row.flags),
        ("Scorer notes", row.scorer_notes),
        ("LLM judge", row.judge),
    ]
    return [(title, items) for title, items in parts if items]


def _environment() -> jinja2.Environment:
    env = environment()
    env.filters["num"] = num
    return env


def to_html(summary: Summary, comparison: Sequence[ComparisonRow]) -> str:
    """One self-contained HTML page (inline CSS, no external assets) that prints cleanly."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        s=summary,
        comparison=comparison if len(comparison) > 1 else [],
        explanation=_explanation,
        topic=lambda t: topic_label(summary, t),
    )
