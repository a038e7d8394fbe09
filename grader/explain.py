"""Turn results into what people read: a flat row for files, a rich panel for terminals."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.answers import FLAG_TEXT
from grader.models import Result
from grader.point_status import STATUS_LOOKS, qualified

RESULT_COLUMNS = [
    "score",
    "passed",
    "pass_mark",
    "similarity",
    "coverage",
    "covered_points",
    "missing_points",
    "misconceptions",
    "flags",
    "confidence",
    "needs_review",
    "review_reason",
    "model",
    "bank_version",
    "error",
]

JUDGE_COLUMNS = ["judge_score", "judge_feedback", "judge_error"]
"""Columns added when an LLM judge gives its opinion (grader/judge.py)."""


def result_row(result: Result) -> dict[str, object]:
    """The result columns of a graded CSV row (lists joined with '; ')."""
    return {
        "score": result.score,
        "passed": str(result.passed).lower(),
        "pass_mark": result.pass_mark,
        "similarity": result.similarity,
        "coverage": result.coverage,
        "covered_points": "; ".join(
            qualified(p.id, p.status, for_people=False) for p in result.covered_points
        ),
        "missing_points": "; ".join(
            qualified(p.id, p.status, for_people=False) for p in result.missing_points
        ),
        "misconceptions": "; ".join(m.id for m in result.misconceptions),
        "flags": "; ".join(result.flags),
        "confidence": result.confidence,
        "needs_review": str(result.needs_review).lower(),
        "review_reason": result.review_reason or "",
        "model": result.model,
        "bank_version": result.bank_version,
        "error": "",
    }


def judge_row(result: Result) -> dict[str, object]:
    """The judge's columns of a graded row: its score and feedback, or why it gave none."""
    opinion = result.judge
    return {
        "judge_score": opinion.score if opinion else None,
        "judge_feedback": opinion.feedback if opinion else "",
        "judge_error": (opinion.error or "") if opinion else "",
    }


def error_row(message: str) -> dict[str, object]:
    """The result columns of a row that could not be graded."""
    row: dict[str, object] = {column: "" for column in RESULT_COLUMNS}
    row["error"] = message
    return row


JUDGED_MARKS = {"stated": ("✔", "green"), "missing": ("✘", "red"), "contradicted": ("⇄", "red")}


def judge_text(result: Result) -> Text:
    """The judge's section of a terminal card: its score, what needs review, its feedback."""
    opinion = result.judge
    assert opinion is not None and opinion.score is not None
    verdict = "passes" if opinion.passed else "fails"
    head = f"LLM judge ({opinion.model}): {opinion.score:g} / 100, {verdict}"
    if opinion.embedding_score is not None:
        head += f"; this is the score (the embedding grade was {opinion.embedding_score:g})"
    text = Text(head, style="bold cyan")
    if opinion.disagreement:
        text.append(f"\n⚠ needs review: {opinion.disagreement}", style="bold yellow")
    for point in opinion.points:
        mark, colour = JUDGED_MARKS[point.status]
        quote = f"  “{point.quote}”" if point.quote else ""
        text.append(f"\n{mark} ", style=colour)
        text.append(f"{point.id}: {point.status}{quote}", style="cyan")
    for wrong in opinion.misconceptions:
        text.append(f"\n✘ states misconception {wrong}", style="magenta")
    text.append(f"\n{opinion.feedback}", style="italic")
    return text


def render_result(result: Result, question_text: str | None = None) -> Panel:
    """A terminal panel: score, verdict, each point with its sentence, misconceptions, flags."""
    verdict = Text("PASS", style="bold green") if result.passed else Text("FAIL", style="bold red")
    head = Text.assemble(
        (f"{result.score:g}", "bold"), f" / 100   pass mark {result.pass_mark:g}   ", verdict
    )
    parts: list = [head]
    if result.borderline:
        parts.append(Text(f"◆ {result.borderline}", style="bold yellow"))
    if result.points:
        parts.append(
            Text(
                f"similarity {result.similarity:.2f}   coverage {result.coverage:.0%}",
                style="dim",
            )
        )
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("", width=1)
        table.add_column("key point")
        table.add_column("evidence in the answer", overflow="fold")
        for point in result.points:
            look = STATUS_LOOKS[point.status]
            evidence = f"“{point.sentence}”" if point.sentence else "not found"
            if point.status == "contradicted":
                evidence += "  (says the opposite)"
            table.add_row(Text(look.mark, style=look.colour), point.statement, evidence)
        parts.append(table)
    for hit in result.misconceptions:
        # A grid, so that a long statement wraps under itself rather than under the mark.
        line = Table.grid(padding=(0, 1))
        line.add_row(
            "✘",
            f"misconception (-{hit.penalty:g}): {hit.statement}\n“{hit.sentence}”",
            style="magenta",
        )
        parts.append(line)
    for flag in result.flags:
        parts.append(Text(f"⚑ {flag}: {FLAG_TEXT.get(flag, flag)}", style="yellow"))
    # A misconception's note ("id: -20 for stating a misconception") says what its line above
    # already says.
    stated = tuple(f"{hit.id}: " for hit in result.misconceptions)
    for note in result.notes:
        if not note.startswith(stated):
            parts.append(Text(note, style="dim"))
    if result.judge is not None and result.judge.error is None:
        parts.append(judge_text(result))
    parts.append(Text(f"model {result.model} · bank {result.bank_version}", style="dim"))
    return Panel(Group(*parts), title=question_text or result.question_id, title_align="left")
