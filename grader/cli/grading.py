"""Grading commands: score one answer, grade a file of answers."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from grader.answers import check_answer
from grader.backends import Backend
from grader.batch import (
    PARTITION_ROWS,
    GradingJob,
    LocalRunner,
    calibration_problem,
    in_order,
    keep_scorer,
    load_answers,
    partitions,
)
from grader.cli.clustering import ClusterGradesOption, add_override_columns, open_cluster_grades
from grader.cli.common import (
    AnswersArgument,
    BackendOption,
    BankOption,
    JudgeModelOption,
    JudgeModeOption,
    JudgeOption,
    ModelOption,
    OutputOption,
    app,
    err,
    fail,
    judge_settings,
    open_bank,
    open_scorer,
    out,
    progress_bar,
    read_input,
)
from grader.cli.evaluation import CalibrationOption, calibrate, load_calibration
from grader.clusters import apply_decisions
from grader.distributed import ClusterError, DaskRunner
from grader.explain import render_result
from grader.outputs import (
    OUTPUT_FORMATS,
    OutputPlan,
)
from grader.tables import FORMATS, InputError

if TYPE_CHECKING:
    from grader.judge import JudgeSettings
    from grader.models import Question, Result


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
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_mode: JudgeModeOption = None,
) -> None:
    """Score one answer and explain the score.

    Example: grader score learning-rate "It is the step size of gradient descent..."
    """
    settings = judge_settings(judge, judge_model, judge_mode)
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
    if settings is not None:
        result = _ask_judge(settings, loaded.questions[question_id], result)
    if as_json:
        out.print_json(json.dumps({**result.to_dict(), **extra}))
    else:
        # The panel wraps its own lines to the terminal (the console's soft wrap would cut them).
        out.print(render_result(result, loaded.questions[question_id].question), soft_wrap=False)


def _ask_judge(settings: JudgeSettings, question: Question, result: Result) -> Result:
    """`result` with the judge's opinion; a judge that failed is reported on stderr."""
    from grader.judge import judged, open_judge

    judge = open_judge(settings)
    assert judge is not None
    with err.status(f"asking the judge at {settings.endpoint}…"):
        result = judged(result, judge.opinion(question, result))
    judge.close()
    if result.judge is not None and result.judge.error:
        err.print(f"judge: {result.judge.error}", highlight=False, markup=False)
    return result


OutputFileFormat = StrEnum("OutputFileFormat", {f: f for f in OUTPUT_FORMATS})
InputFileFormat = StrEnum("InputFileFormat", {f: f for f in FORMATS})


@app.command()
def grade(
    input: AnswersArgument,
    output: OutputOption = "-",
    format: Annotated[
        OutputFileFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format.",
            show_default="by the output's extension, else the input's",
        ),
    ] = None,
    input_format: Annotated[
        InputFileFormat | None,
        typer.Option(
            "--input-format",
            help="Input format.",
            show_default="by the input's extension; csv for stdin",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help="CSV delimiter: , ; tab or |.",
            show_default="sniffed from the header",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of the input, e.g. cp1252 or latin-1.",
            show_default="UTF-8, or what its BOM says",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a partial output file: rows already in it are not graded again.",
        ),
    ] = False,
    escape_formulas: Annotated[
        bool,
        typer.Option(
            "--escape-formulas/--no-escape-formulas",
            help="Prefix ' to input text starting with = + - @ in CSV and XLSX output, so a"
            " spreadsheet does not run it as a formula.",
        ),
    ] = True,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Grade on an existing Dask cluster, e.g. tcp://scheduler:8786.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Grade on a local Dask cluster of N worker processes.",
        ),
    ] = None,
    partition_size: Annotated[
        int,
        typer.Option("--partition-size", min=1, help="Rows graded, and written, together."),
    ] = PARTITION_ROWS,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    calibration: CalibrationOption = None,
    cluster_grades: ClusterGradesOption = None,
    review_band: Annotated[
        float | None,
        typer.Option(
            "--review-band",
            min=0.0,
            max=1.0,
            help="Flag needs_review below this confidence: higher flags more answers.",
            show_default="the confidence model's, about a fifth of verdicts",
        ),
    ] = None,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_mode: JudgeModeOption = None,
) -> None:
    """Grade every answer of a file.

    Columns: answer, and question_id or question (the text: close wordings match, see the
    README); optional answer_id, candidate; every other column is kept. The output adds
    question_id and matched_by, score, passed, similarity, coverage, covered_points,
    missing_points, misconceptions, flags, confidence, needs_review (the verdict could go
    either way, or an LLM judge disagrees; --review-band widens or narrows it), review_reason
    and error. With --judge, also judge_score, judge_feedback and judge_error. Rows that
    cannot be graded get an error and the exit code is 1; every other row is still graded
    and written.

    Example: grader grade examples/answers.csv -o scored.csv
    """
    if dask and workers:
        raise fail("give --dask ADDRESS or --workers N, not both")
    loaded = open_bank(bank)
    name, data = read_input(input)
    try:
        answers = load_answers(
            data, name, loaded, input_format or ("csv" if input == "-" else None), delimiter,
            encoding,
        )  # fmt: skip
    except InputError as exc:
        raise fail(str(exc)) from None

    settings = judge_settings(judge, judge_model, judge_mode)
    job = GradingJob(
        loaded, model, backend, load_calibration(calibration), review_band, judge=settings
    )
    problem = calibration_problem(job)
    if problem:
        raise fail(problem)
    calibrated = job.calibration is not None
    plan = OutputPlan.of(
        answers, output, format and str(format), escape_formulas, calibrated, settings is not None
    )
    decisions = open_cluster_grades(cluster_grades, answers)
    if decisions:
        add_override_columns(plan)
    with ExitStack() as stack:
        # The cluster or the model first: a run that cannot grade leaves no output file behind.
        runner = _start(stack, job, answers.rows, dask, workers)
        try:
            rows, done = plan.remaining(answers.rows) if resume else (answers.rows, None)
            if done is not None:
                err.print(
                    f"{output}: {done.rows} row(s) already graded, skipped; grading the other"
                    f" {len(rows)}",
                    highlight=False,
                )
            writer = plan.open(append=bool(done and done.rows))
        except InputError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror}") from None
        tally = Tally(failed_before=done.failed if done else 0)
        try:
            with progress_bar(len(rows)) as advance:
                for _, records in in_order(runner.run(job, partitions(rows, partition_size))):
                    if decisions:
                        records = apply_decisions(records, decisions)
                    writer.write(records)
                    tally.add(records, name)
                    advance(len(records))
        except KeyboardInterrupt:
            writer.close()
            err.print(
                f"interrupted: {tally.rows} row(s) written to {output};"
                " run the same command with --resume to go on",
                highlight=False,
            )
            raise typer.Exit(130) from None
        except ClusterError as exc:
            writer.close()
            kept = f"; the {tally.rows} row(s) written stay in {output} (--resume goes on)"
            raise fail(f"{exc}{kept if output != '-' else ''}") from None
        writer.close()
    err.print(tally.summary(skipped=done.rows if done else 0), highlight=False)
    if tally.failed or tally.failed_before or (decisions and decisions.problems):
        raise typer.Exit(1)


def _start(
    stack: ExitStack, job: GradingJob, rows: list, dask: str | None, workers: int | None
) -> LocalRunner | DaskRunner:
    """A Dask cluster to grade on, or this process with its model loaded."""
    if dask or workers:
        try:
            return stack.enter_context(DaskRunner(dask, workers))
        except ClusterError as exc:
            raise fail(str(exc)) from None
    if any(not r.error for r in rows):
        keep_scorer(job, open_scorer(job.bank, job.model, job.backend))
    return LocalRunner()


@dataclass
class Tally:
    """Counts of what this run wrote, and each failed row's message as it goes by."""

    rows: int = 0
    failed: int = 0
    passed: int = 0
    review: int = 0
    failed_before: int = 0
    """Failed rows that a resumed output file already held."""
    overridden: int = 0
    """Rows that took the grade decided for their cluster."""
    judge_failed: int = 0

    def add(self, records: list[dict], name: str) -> None:
        for record in records:
            self.rows += 1
            if record.get("error"):
                self.failed += 1
                err.print(f"{name}: {record['error']}", highlight=False, markup=False)
            else:
                self.passed += bool(record.get("passed"))
                self.review += bool(record.get("needs_review"))
            if record.get("override_score") is not None:
                self.overridden += 1
            if record.get("judge_error"):
                self.judge_failed += 1
                err.print(f"{name}: judge: {record['judge_error']}", highlight=False, markup=False)

    def summary(self, skipped: int) -> str:
        text = (
            f"graded {self.rows - self.failed} of {self.rows} rows ({self.passed} passed, "
            f"{self.review} to review)"
        )
        if self.failed:
            text += f"; {self.failed} row(s) failed"
        if self.overridden:
            text += f"; {self.overridden} row(s) took their cluster's grade"
        if self.judge_failed:
            text += f"; the judge gave no opinion on {self.judge_failed} row(s) (see judge_error)"
        if skipped:
            text += f"; {skipped} row(s) were already in the output"
            if self.failed_before:
                text += f", {self.failed_before} of them failed"
        return text
