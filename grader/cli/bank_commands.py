"""Commands over the bank itself: validate it, list its questions, test it on marked answers."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from grader.backends import Backend
from grader.bank import DEFAULT_BANK, check_bank
from grader.cli.common import (
    BackendOption,
    BankOption,
    ModelOption,
    OutputOption,
    TableFormat,
    app,
    bank_app,
    err,
    fail,
    open_bank,
    open_scorer,
    out,
    progress_bar,
    questions_app,
    write_text,
)


@app.command()
def validate(
    bank: BankOption = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also lint the rubrics' keyword side: a synonym that reduces to one common "
            "stem or only restates the question, a duplicate synonym, an acronym that cannot "
            "match its own point or that two points declare, and a misconception pattern that "
            'a simple denial of the claim ("X does not Y", "X never Y") still matches.',
        ),
    ] = False,
) -> None:
    """Check every bank file against the schema (with --strict, lint the rubrics too); list
    problems as file:line: field: message."""
    loaded, problems = check_bank(bank or DEFAULT_BANK)
    if strict and loaded is not None:
        from grader.lint import lint_bank

        problems = lint_bank(loaded)
    if problems:
        for problem in problems:
            out.print(str(problem), highlight=False, markup=False)
        raise fail(f"{len(problems)} problem(s) found", code=1)
    free = len(loaded.free_text())
    out.print(
        f"OK: {len(loaded.questions)} questions ({free} free-text, "
        f"{len(loaded.questions) - free} multiple-choice), bank version {loaded.version}"
    )


COLUMNS = ("id", "level", "topic", "type", "question")


@questions_app.command("list")
def questions_list(
    bank: BankOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """List the questions: id, level, topic, type and text."""
    rows = [
        dict(zip(COLUMNS, (q.id, q.level, q.topic, q.type, q.question), strict=True))
        for q in open_bank(bank).questions.values()
    ]
    if format is TableFormat.json:
        out.print_json(json.dumps(rows))
    elif format is TableFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    elif not out.is_terminal:
        # Piped: one line per question, so that grep finds whole questions.
        widths = {column: max(len(row[column]) for row in rows) for column in COLUMNS[:-1]}
        for row in rows:
            cells = [row[column].ljust(width) for column, width in widths.items()]
            question = " ".join(row["question"].split())  # a choice question's lines too
            out.file.write("  ".join([*cells, question]) + "\n")
    else:
        out.print(question_table(rows, out.width))


QUESTION_MIN_WIDTH = 40
"""Below this, the question column would wrap every few words: details move under it."""


def question_table(rows: list[dict[str, str]], width: int) -> Table:
    """The questions as a table `width` columns wide that never cuts an id, level, topic or
    type: the question text wraps, and on a narrow terminal level, topic and type go on dim
    lines under it."""
    details = COLUMNS[1:-1]
    fixed = [max(len(column), *(len(row[column]) for row in rows)) for column in COLUMNS[:-1]]
    # A column takes its text, a space of padding each side and a rule; the table, one more.
    wide = 1 + sum(w + 3 for w in fixed) + QUESTION_MIN_WIDTH + 3 <= width
    table = Table(show_lines=not wide)
    table.add_column("id", no_wrap=True)
    if wide:
        for column in details:
            table.add_column(column, no_wrap=True)
    table.add_column("question" if wide else "question (level · topic · type)", ratio=1)
    room = width - 1 - (fixed[0] + 3) - 3
    for row in rows:
        if wide:
            table.add_row(*row.values())
        else:
            under = Text("\n".join(packed([row[c] for c in details], room)), style="dim")
            table.add_row(row["id"], Text.assemble(row["question"], "\n", under))
    return table


def packed(items: list[str], room: int) -> list[str]:
    """`items` joined with " · " into lines of at most `room` characters, breaking only
    between items."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= room:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return lines


ReportFormat = StrEnum("ReportFormat", {f: f for f in ("md", "html", "json")})
MARKED_FILE = "marked.csv"
"""The marked answers a bank ships, in its own folder: what `grader bank test` tests by default."""


@bank_app.command("test")
def bank_test(
    marked: Annotated[
        Path | None,
        typer.Argument(
            help="Marked answers: answer, question_id or question, passed or score (optional"
            " max_score, and points: the key points the marker credited). .csv, .tsv, .xlsx,"
            " .jsonl or .parquet.",
            show_default="marked.csv in the bank's folder",
        ),
    ] = None,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.md,
    output: OutputOption = "-",
    min_agreement: Annotated[
        float | None,
        typer.Option(
            "--min-agreement",
            min=0,
            max=100,
            help="Exit with code 1 when the grader agrees with the marks on fewer answers than"
            " this (a percentage).",
        ),
    ] = None,
    questions: Annotated[
        list[str] | None,
        typer.Option("--question", "-q", help="Test only this question (repeatable)."),
    ] = None,
) -> None:
    """Grade answers people marked and report, per question, the agreement, the missed passes
    and missed fails with what decided each, and the key points nothing matches.

    Exit code 1 when a row cannot be used (named by its line) or the agreement is below
    --min-agreement; every other row is still tested.

    Example: grader bank test marked.csv --min-agreement 90
    """
    from grader.bank_test import read_marked, render, test_bank
    from grader.tables import InputError

    loaded = open_bank(bank)
    unknown = [q for q in questions or [] if q not in loaded.questions]
    if unknown:
        raise fail(f"unknown question id(s) {', '.join(unknown)}; see 'grader questions list'")
    path = marked or Path(loaded.root) / MARKED_FILE
    try:
        found = read_marked(path.read_bytes(), str(path), loaded, questions=questions or ())
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    except InputError as exc:
        raise fail(str(exc)) from None
    for problem in found.problems:
        err.print(problem, highlight=False, markup=False)
    scorer = open_scorer(loaded, model, backend) if found.marks else None
    minimum = None if min_agreement is None else min_agreement / 100
    with progress_bar(len(found.marks)) as advance:
        report = test_bank(scorer, found, minimum, advance) if scorer else None
    if report is None:
        raise fail(f"{path}: no answers to test", code=1)
    text = render(report, str(format))
    write_text(output, text)
    summary = (
        f"agreement {100 * report.agreement:.1f}% ({report.agreed} of {report.answers});"
        f" {report.missed_passes} missed pass(es), {report.missed_fails} missed fail(s)"
    )
    err.print(summary, highlight=False)
    if report.below_minimum:
        raise fail(f"agreement is below the minimum of {min_agreement:g}%", code=1)
    if found.problems:
        raise typer.Exit(1)
