"""`grader cluster`: group the answers to each question, so a person marks each idea once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grader.backends import Backend
from grader.batch import MATCH_COLUMNS, AnswerFile, load_answers
from grader.cli.common import (
    AnswersArgument,
    BackendOption,
    BankOption,
    ModelOption,
    OutputOption,
    app,
    err,
    fail,
    open_bank,
    open_scorer,
    progress_bar,
    read_input,
    write_text,
)
from grader.clusters import (
    CLUSTER_COLUMNS,
    DISTANCE,
    OVERRIDE_COLUMNS,
    Decisions,
    cluster_answers,
    cluster_records,
    read_decisions,
    render_html,
    unknown_clusters,
)
from grader.outputs import OUTPUT_FORMATS, OutputPlan, output_format
from grader.tables import InputError

ClusterFormat = StrEnum("ClusterFormat", {f: f for f in (*OUTPUT_FORMATS, "html")})


@app.command()
def cluster(
    input: AnswersArgument,
    output: OutputOption = "-",
    format: Annotated[
        ClusterFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format: a file format for the answers with their clusters, or html"
            " for an overview to read.",
            show_default="by the output's extension, else the input's",
        ),
    ] = None,
    distance: Annotated[
        float,
        typer.Option(
            "--distance",
            min=0.01,
            max=1.0,
            help="How far apart (average cosine distance) answers of one cluster may be:"
            " smaller gives more, tighter clusters.",
        ),
    ] = DISTANCE,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
) -> None:
    """Grade the answers to each question and group them into clusters of near-identical and
    similar answers, largest first, each with a representative answer.

    The output holds every answer, cluster by cluster, with the grade columns of 'grader grade'
    and cluster, cluster_size and representative; --format html gives an overview with each
    cluster's score spread and the key points its members share. Grades decided per cluster
    then apply to every member: grader grade clusters.csv --cluster-grades decided.csv.

    Example: grader cluster answers.csv -o clusters.csv
    """
    loaded = open_bank(bank)
    name, data = read_input(input)
    try:
        answers = load_answers(data, name, loaded, "csv" if input == "-" else None)
    except InputError as exc:
        raise fail(str(exc)) from None
    for row in answers.failed:
        err.print(f"{name}: {row.error}", highlight=False, markup=False)
    todo = [row for row in answers.rows if not row.error]
    results = []
    if todo:
        scorer = open_scorer(loaded, model, backend)
        with progress_bar(len(todo)) as advance:
            items = [(row.question_id, str(row.fields["answer"])) for row in todo]
            results = scorer.score_many(items, progress=advance)
        clusters = cluster_answers(scorer, results, distance)
    else:
        clusters = []
    kind = str(format) if format else output_format(output, None, answers.format)
    if kind == "html" or (format is None and output.lower().endswith((".html", ".htm"))):
        write_text(output, render_html(name, clusters, results))
    else:
        _write_table(answers, output, kind, cluster_records(answers.rows, results, clusters))
    grouped = sum(c.size > 1 for c in clusters)
    err.print(
        f"{len(results)} answer(s) to {len({c.question_id for c in clusters})} question(s) in"
        f" {len(clusters)} cluster(s), {grouped} of them with more than one answer"
        + (f"; {len(answers.failed)} row(s) failed" if answers.failed else ""),
        highlight=False,
    )
    if answers.failed:
        raise typer.Exit(1)


def _write_table(answers, output: str, kind: str, records: list[dict[str, object]]) -> None:
    plan = OutputPlan.of(answers, output, kind, True, False)
    # The cluster columns beside the match, before the grade: what a person sorts by.
    at = plan.columns.index(MATCH_COLUMNS[-1]) + 1
    plan.columns[at:at] = [c for c in CLUSTER_COLUMNS if c not in plan.columns]
    try:
        writer = plan.open()
        writer.write(records)
        writer.close()
    except InputError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None


ClusterGradesOption = Annotated[
    Path | None,
    typer.Option(
        "--cluster-grades",
        metavar="DECISIONS",
        help="Grades decided per cluster (columns cluster, score, optional note) for an input"
        " written by 'grader cluster': each applies to the cluster's members, in the columns"
        " override_score, override_passed and override_note beside the automatic score.",
    ),
]


def open_cluster_grades(path: Path | None, answers: AnswerFile) -> Decisions | None:
    """The decisions of `--cluster-grades` for `answers`, their problems printed; None if none.

    An input without a cluster column, or a decisions file that is not a table, exits with 2.
    """
    if path is None:
        return None
    if "cluster" not in answers.columns:
        raise fail(
            f"{answers.name}: no cluster column; grade the file 'grader cluster' wrote (it keeps"
            " every column of the answers)"
        )
    try:
        decisions = read_decisions(path.read_bytes(), str(path))
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    except InputError as exc:
        raise fail(str(exc)) from None
    present = {str(row.fields.get("cluster") or "").strip() for row in answers.rows}
    decisions.problems += unknown_clusters(decisions, present)
    for problem in decisions.problems:
        err.print(problem, highlight=False, markup=False)
    return decisions


def add_override_columns(plan: OutputPlan) -> None:
    """The override columns, right after the automatic verdict they stand beside."""
    at = plan.columns.index("passed") + 1
    plan.columns[at:at] = OVERRIDE_COLUMNS
