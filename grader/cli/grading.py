"""Grading commands: score one answer, grade a CSV file of answers."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from grader.answers import check_answer
from grader.backends import Backend
from grader.batch import InputError, decode, read_answers
from grader.cli.common import (
    BackendOption,
    BankOption,
    ModelOption,
    OutputFormat,
    app,
    err,
    fail,
    open_bank,
    open_scorer,
    out,
    progress_bar,
)
from grader.cli.evaluation import CalibrationOption, calibrate, load_calibration
from grader.explain import RESULT_COLUMNS, error_row, render_result, result_row


@app.command()
def score(
    question_id: Annotated[str, typer.Argument(help="Question id (see 'grader questions list').")],
    answer: Annotated[
        str | None, typer.Argument(help="The answer; read from stdin if left out.")
    ] = None,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    calibration: CalibrationOption = None,
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
    calibrated = load_calibration(calibration)
    scorer = open_scorer(loaded, model, backend)
    result = scorer.score(question_id, answer)
    extra = {}
    if calibrated:
        result, extra["raw_score"] = calibrate(scorer, calibrated, [result])[0]
    if as_json:
        out.print_json(json.dumps({**result.to_dict(), **extra}))
    else:
        out.print(render_result(result, loaded.questions[question_id].question))


@app.command()
def grade(
    input: Annotated[str, typer.Argument(help="CSV file of answers, or - for stdin.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Output file, or - for stdout.")
    ] = "-",
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.csv,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    calibration: CalibrationOption = None,
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

    calibrated = load_calibration(calibration)
    todo = [r for r in parsed.rows if not r.error]
    scorer = open_scorer(loaded, model, backend) if todo else None
    results = {}
    if scorer:
        with progress_bar(len(todo)) as (advance):
            graded = scorer.score_many(
                [(r.question_id, r.fields["answer"]) for r in todo], progress=advance
            )
        results = {id(r): g for r, g in zip(todo, graded)}

    result_columns = list(RESULT_COLUMNS)
    raw_scores = {}
    if calibrated:
        # The calibrated score replaces `score`; the scorer's own is kept beside it.
        result_columns.insert(result_columns.index("score") + 1, "raw_score")
        if results:
            keys = list(results)
            pairs = calibrate(scorer, calibrated, [results[k] for k in keys])
            for key, (result, raw) in zip(keys, pairs):
                results[key], raw_scores[key] = result, raw
    columns = parsed.columns + [c for c in result_columns if c not in parsed.columns]
    records = []
    for row in parsed.rows:
        extra = error_row(row.error) if row.error else result_row(results[id(row)])
        if calibrated:
            extra["raw_score"] = raw_scores.get(id(row), "")
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
