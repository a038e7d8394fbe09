"""Commands that measure the scorer against human grades and calibrate it on them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from grader.backends import Backend
from grader.batch import InputError, decode
from grader.cli.common import (
    BackendOption,
    BankOption,
    JudgeModelOption,
    JudgeOption,
    ModelOption,
    app,
    err,
    fail,
    judge_settings,
    open_bank,
    open_scorer,
    out,
    progress_bar,
)

# The grading engine and scikit-learn load only when one of these commands runs, not whenever
# the `grader` command starts.
if TYPE_CHECKING:
    from grader.calibration import Calibration
    from grader.evaluation import GradedFile
    from grader.judge import JudgeSettings
    from grader.models import Result
    from grader.scoring import Scorer

DEFAULT_FOLDS = 5

METRICS = ("n", "pearson", "spearman", "rmse", "qwk", "accuracy", "macro_f1")
HEADERS = {
    "n": "n",
    "pearson": "r",
    "spearman": "rho",
    "rmse": "RMSE",
    "qwk": "QWK",
    "accuracy": "acc",
    "macro_f1": "F1",
}
GRADERS = ("scorer", "calibrated", "judge")

FileArgument = Annotated[
    Path,
    typer.Argument(
        help="Graded CSV: question, reference_answer, answer, score, max_score "
        "(optional question_id, split, all_reference_answers)."
    ),
]
UseBankOption = Annotated[
    bool,
    typer.Option(
        "--use-bank",
        help="Grade against the bank's questions, references and rubrics (rows matched by "
        "question_id or question text; reference_answer not needed) instead of the file's.",
    ),
]
FoldsOption = Annotated[
    int,
    typer.Option("--folds", min=2, help="Folds of the cross-validation grouped by question."),
]


def _read(path: Path, with_references: bool = True) -> GradedFile:
    from grader.evaluation import read_graded

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    try:
        return read_graded(decode(data, str(path)), str(path), with_references)
    except InputError as exc:
        raise fail(str(exc)) from None


def _grade(
    path: Path,
    model: str | None,
    backend: Backend,
    use_bank: bool = False,
    bank_dir: Path | None = None,
):
    """Read, build the bank, grade and extract features; report the rows that were refused."""
    from grader.evaluation import attach_bank, build_bank, grade
    from grader.features import FeatureExtractor

    graded = _read(path, with_references=not use_bank)
    bank = attach_bank(graded, open_bank(bank_dir)) if use_bank else build_bank(graded)
    for problem in graded.problems:
        err.print(problem, highlight=False, markup=False)
    if not graded.rows:
        raise fail(f"{path}: no usable rows")
    scorer = open_scorer(bank, model, backend)
    extractor = FeatureExtractor(scorer.embedder)
    with progress_bar(len(graded.rows)) as advance:
        results, X = grade(graded.rows, scorer, extractor, progress=advance)
    return graded, scorer, results, X


def _cell(values: dict, metric: str) -> str:
    value = values.get(metric)
    if value is None:
        return ""
    return str(value) if metric == "n" else f"{value:.3f}"


def _tables(report: dict) -> list[Table]:
    """One table per test set: the scorer's own score, then the calibrated one."""
    shown = [
        m
        for m in METRICS
        if any(s.get(w, {}).get(m) is not None for s in report["sets"] for w in GRADERS)
    ]
    tables = []
    for test_set in report["sets"]:
        table = Table(
            title=f"{test_set['name']} (file: {report['rows']} answers, "
            f"{report['questions']} questions)",
            title_justify="left",
        )
        table.add_column("grader", no_wrap=True)
        for metric in shown:
            table.add_column(HEADERS[metric], justify="right", no_wrap=True)
        for which in GRADERS:
            if which in test_set:
                table.add_row(which, *[_cell(test_set[which], m) for m in shown])
        tables.append(table)
        if test_set.get("selective"):
            tables.append(_selective_table(test_set["name"], test_set["selective"]))
    return tables


def _selective_table(name: str, report: dict) -> Table:
    """Selective agreement of the calibrated verdicts: all of them against the confident ones."""
    table = Table(
        title=f"{name}: calibrated pass/fail verdicts, the least confident "
        f"{report['set_aside']:.0%} set aside",
        title_justify="left",
    )
    for column in ("n", "all", "rest", "set aside", "gain", "review band", "flagged", "unflagged"):
        table.add_column(column, justify="right", no_wrap=True)
    unflagged = report["accuracy_unflagged"]
    set_aside = report["accuracy_set_aside"]
    table.add_row(
        str(report["n"]),
        f"{report['accuracy_all']:.3f}",
        f"{report['accuracy_rest']:.3f}",
        "" if set_aside is None else f"{set_aside:.3f}",
        f"{100 * report['gain']:+.1f} pts",
        f"{report['review_band']:.3f}",
        f"{report['flagged_at_band']:.0%}",
        "" if unflagged is None else f"{unflagged:.3f}",
    )
    return table


def _finish(graded: GradedFile) -> None:
    if graded.problems:
        err.print(f"{len(graded.problems)} row(s) could not be used", highlight=False)
        raise typer.Exit(1)


@app.command("evaluate")
def evaluate_command(
    file: FileArgument,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    folds: FoldsOption = DEFAULT_FOLDS,
    use_bank: UseBankOption = False,
    bank: BankOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
) -> None:
    """Measure agreement with human graders on a graded CSV file.

    Prints Pearson r, Spearman rho, RMSE (on the file's scale), quadratic weighted kappa and,
    for 0/1 scores, accuracy and macro-F1: for the scorer's own score, and for the score
    calibrated on features, fitted by cross-validation grouped by question (or on the train
    split) and tested only on questions or rows it did not see; with --judge, also for the LLM
    judge's score, over the rows it scored. Then selective agreement: how often the calibrated
    pass/fail verdicts agree with the human ones, all of them and the rest once the least
    confident 20% are set aside (the confidence model fitted like the calibration, never on the
    rows it is tested on).

    Example: grader evaluate ../shared/datasets/mohler2011.csv
    """
    from grader.evaluation import evaluate

    settings = judge_settings(judge, judge_model, None)
    graded, scorer, results, X = _grade(file, model, backend, use_bank, bank)
    judge_scores = _judge_scores(settings, scorer, results) if settings else None
    report = evaluate(graded.rows, results, X, folds=folds, judge_scores=judge_scores)
    if as_json:
        out.print_json(json.dumps(report))
    else:
        for table in _tables(report):
            out.print(table)
    _finish(graded)


def _judge_scores(
    settings: JudgeSettings, scorer: Scorer, results: list[Result]
) -> list[float | None]:
    """The judge's score of every graded answer (None where it gave none, said on stderr)."""
    from grader.judge import open_judge

    judge = open_judge(settings)
    assert judge is not None
    scores: list[float | None] = []
    failed = 0
    with progress_bar(len(results)) as advance:
        for result in results:
            opinion = judge.opinion(scorer.bank.get(result.question_id), result)
            if opinion is not None and opinion.error:
                failed += 1
                if failed <= 3:
                    err.print(f"judge: {opinion.error}", highlight=False, markup=False)
            scores.append(opinion.score if opinion else None)
            advance(1)
    judge.close()
    if failed:
        err.print(f"the judge gave no score for {failed} row(s)", highlight=False)
    return scores


@app.command("calibrate")
def calibrate_command(
    file: FileArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the calibration (JSON).")
    ],
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    folds: FoldsOption = DEFAULT_FOLDS,
    use_bank: UseBankOption = False,
    bank: BankOption = None,
) -> None:
    """Fit a calibration from the scorer's features to the human scores of a graded file.

    Reports its agreement on questions the fit did not see (grouped cross-validation, or the
    train split against the others), then fits on every row and saves the model as JSON. Use
    it with 'grader grade --calibration FILE' or 'grader score --calibration FILE'. With
    --use-bank, past grades of the bank's own questions are graded with their rubrics, so
    rubric coverage and misconceptions take part in the calibration.

    Example: grader calibrate past-grades.csv -o calibration.json
    """
    import numpy as np

    from grader.calibration import CalibrationError, fit
    from grader.evaluation import evaluate
    from grader.features import FEATURE_TEXT

    graded, scorer, results, X = _grade(file, model, backend, use_bank, bank)
    report = evaluate(graded.rows, results, X, folds=folds)
    y01 = np.array([r.normalised for r in graded.rows])
    try:
        calibration = fit(X, y01, model=scorer.embedder.label)
    except CalibrationError as exc:
        raise fail(str(exc)) from None
    summary = {
        "file": file.name,
        "rows": len(graded.rows),
        "questions": report["questions"],
        "tested": {s["name"]: s.get("calibrated", {}) for s in report["sets"]},
    }
    calibration = replace(calibration, fitted_on=summary)
    try:
        calibration.save(output)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None
    for table in _tables(report):
        out.print(table)
    weights = Table(title=f"{calibration.kind} calibration (standardised coefficients)")
    weights.add_column("feature")
    weights.add_column("coefficient", justify="right")
    weights.add_column("meaning")
    for name, coef in calibration.weights():
        weights.add_row(name, f"{coef:+.3f}", FEATURE_TEXT[name])
    out.print(weights)
    err.print(f"calibration written to {output}", highlight=False)
    _finish(graded)


# ---------------------------------------------------------------- --calibration for grading

CalibrationOption = Annotated[
    Path | None,
    typer.Option(
        "--calibration",
        help="Calibration JSON from 'grader calibrate': its score replaces the scorer's "
        "(kept as raw_score) and decides pass or fail.",
    ),
]


def load_calibration(path: Path | None) -> Calibration | None:
    """The calibration named by --calibration, validated (exit 2 with a message if broken)."""
    if path is None:
        return None
    from grader.calibration import CalibrationError, load

    try:
        return load(path)
    except CalibrationError as exc:
        raise fail(str(exc)) from None


def calibrate(
    scorer: Scorer, calibration: Calibration, results: list[Result]
) -> list[tuple[Result, float]]:
    """`calibration.calibrate_scored`, turning a calibration of another model into an exit."""
    from grader.calibration import CalibrationError, calibrate_scored

    try:
        return calibrate_scored(scorer, calibration, results)
    except CalibrationError as exc:
        raise fail(str(exc)) from None
