"""Commands over the bank itself: validate it, list its questions."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from grader.bank import DEFAULT_BANK, check_bank
from grader.cli.common import BankOption, TableFormat, app, fail, open_bank, out, questions_app


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
