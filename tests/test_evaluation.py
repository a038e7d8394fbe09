"""grader evaluate: reading graded files, metrics against hand-computed values, the protocol."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from grader.batch import InputError
from grader.evaluation import (
    Fold,
    Holdout,
    agreement,
    build_bank,
    out_of_fold,
    plan,
    read_graded,
)
from grader.features import FEATURE_NAMES

from .graded_sample import ANSWERS, graded_csv

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
HEADER = "question,reference_answer,answer,score,max_score\n"


# ---------------------------------------------------------------- metrics by hand


def test_binary_metrics_match_hand_computation():
    score = np.array([0, 1, 1, 0])
    predicted = np.array([0.2, 0.9, 0.4, 0.1])
    m = agreement(score, predicted, np.ones(4))
    # Labels at >= 0.5: [0, 1, 0, 0]. Accuracy 3/4. F1 of class 1: 2/3; of class 0: P 2/3, R 1.
    assert m["accuracy"] == 0.75
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2, abs=1e-4)
    assert m["rmse"] == pytest.approx(math.sqrt((0.04 + 0.01 + 0.36 + 0.01) / 4), abs=1e-4)
    # Two categories: quadratic kappa is Cohen's kappa, (0.75 - 0.5) / (1 - 0.5).
    assert m["qwk"] == pytest.approx(0.5, abs=1e-4)
    assert m["pearson"] == pytest.approx(np.corrcoef(score, predicted)[0, 1], abs=1e-4)
    assert m["spearman"] == pytest.approx(0.8944, abs=1e-4)  # ranks [1.5,3.5,3.5,1.5] vs [2,4,3,1]


def test_scale_metrics_use_the_file_scale_and_its_step():
    score = np.array([5.0, 4.5, 2.0, 0.0])
    predicted = np.array([4.6, 4.4, 2.6, 0.2])  # rounded to the 0.5 grid: 4.5, 4.5, 2.5, 0
    m = agreement(score, predicted, np.full(4, 5.0))
    assert m["rmse"] == pytest.approx(math.sqrt((0.16 + 0.01 + 0.36 + 0.04) / 4), abs=1e-4)
    assert "accuracy" not in m and "macro_f1" not in m
    # Categories 0..10 (step 0.5); gold [10, 9, 4, 0], predicted [9, 9, 5, 0]: observed squared
    # distances 2 over 4 pairs, expected 478 over 16 pairs.
    assert m["qwk"] == pytest.approx(1 - (2 / 4) / (478 / 16), abs=1e-4)
    # Predictions outside the scale are clipped to it before measuring.
    assert agreement(score, predicted + 10, np.full(4, 5.0))["rmse"] == pytest.approx(
        math.sqrt(np.mean((score - 5.0) ** 2)), abs=1e-4
    )


def test_constant_predictions_have_no_correlation():
    m = agreement(np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0]), np.full(3, 2.0))
    assert m["pearson"] is None and m["spearman"] is None and m["rmse"] is not None


# ---------------------------------------------------------------- protocol


def test_grouped_folds_never_test_on_a_fitted_question():
    groups = [f"q{i % 7}" for i in range(70)]
    (holdout,) = plan(groups, folds=5)
    seen = []
    for fold in holdout.folds:
        train = {groups[i] for i in fold.train}
        test = {groups[i] for i in fold.test}
        assert not train & test
        seen.extend(fold.test)
    assert sorted(seen) == list(range(70))  # every row tested exactly once


def test_split_column_fits_on_train_and_tests_each_other_split():
    splits = ["train"] * 6 + ["test-a"] * 2 + ["test-b"] * 2
    sets = plan([f"q{i}" for i in range(10)], splits, folds=5)
    assert [s.name for s in sets] == ["test-a", "test-b"]
    assert list(sets[0].folds[0].train) == list(range(6))
    assert list(sets[1].rows) == [8, 9]


def test_a_fold_with_one_class_predicts_it():
    X = np.random.default_rng(0).random((8, len(FEATURE_NAMES)))
    y = np.array([0, 0, 0, 0, 1, 0, 1, 0], dtype=float)
    holdout = Holdout(
        "t", [Fold(np.arange(4), np.arange(4, 8)), Fold(np.arange(4, 8), np.arange(4))]
    )
    predicted = out_of_fold(X, y, holdout)
    assert list(predicted[4:]) == [0, 0, 0, 0]  # trained on zeros only
    assert ((predicted[:4] > 0) & (predicted[:4] < 1)).all()  # a logistic fit on both classes


def test_one_question_leaves_nothing_to_fit():
    assert plan(["q"] * 5, folds=5) == []


# ---------------------------------------------------------------- reading files


def test_bad_rows_are_named_and_good_rows_kept():
    text = (
        HEADER + "What is dropout?,Dropout drops units at random.,It drops units.,4,5\n"
        "What is dropout?,Dropout drops units at random.,Something.,four,5\n"
        "What is dropout?,Dropout drops units at random.,,3,5\n"
        "What is dropout?,Dropout drops units at random.,Too good.,7,5\n"
        "What is dropout?,Dropout drops units at random.,It is noise.,1,5\n"
    )
    graded = read_graded(text, "f.csv")
    assert [r.line for r in graded.rows] == [2, 6]
    assert graded.problems == [
        "f.csv: line 3: score 'four' is not a number",
        "f.csv: line 4: the answer is empty",
        "f.csv: line 5: score 7 is outside 0..5",
    ]


def test_missing_columns_are_refused():
    with pytest.raises(InputError, match="missing column.*reference_answer"):
        read_graded("question,answer,score,max_score\nq?,a,1,1\n", "f.csv")


def test_bank_from_file_keeps_every_reference_and_odd_questions():
    text = (
        "question_id,question,reference_answer,answer,score,max_score,all_reference_answers\n"
        'Q.1,Why?,The gap separates them,a gap,1,1,"[BEST] The gap separates them ||| '
        '[KEYWORD] a gap ||| [MINIMAL] they are not connected"\n'
        "Q-1,What is a stack operation?,push,it is push,1,1,\n"
    )
    graded = read_graded(text, "f.csv")
    bank = build_bank(graded)
    assert not graded.problems
    first, second = bank.questions.values()
    assert first.id == "q-1" and second.id == "q-1-2"  # slugs stay unique
    assert first.references == [
        "The gap separates them",
        "It is a gap",  # a bank reference needs three words; "It is" adds only stop words
        "they are not connected",
    ]
    assert second.references == ["It is push"]
    assert [r.question_id for r in graded.rows] == ["q-1", "q-1-2"]


# ---------------------------------------------------------------- the command


@pytest.mark.model
def test_evaluate_prints_agreement(cli, tmp_path):
    path = tmp_path / "graded.csv"
    path.write_text(graded_csv(), encoding="utf-8")
    result = cli("evaluate", str(path), "--json", "--folds", "4")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"] == sum(map(len, ANSWERS.values())) and report["questions"] == 4
    (holdout,) = report["sets"]
    assert holdout["name"] == "grouped 4-fold CV"
    for which in ("scorer", "calibrated"):
        metrics = holdout[which]
        assert set(metrics) == {"n", "pearson", "spearman", "rmse", "qwk"}
        assert metrics["n"] == 40
    # The sample's scores follow closeness to the reference: both must agree clearly.
    assert holdout["scorer"]["spearman"] > 0.4
    assert holdout["calibrated"]["pearson"] > 0.4
    assert holdout["calibrated"]["rmse"] < 2.0


@pytest.mark.model
def test_evaluate_binary_file_reports_accuracy_and_f1(cli, tmp_path):
    path = tmp_path / "graded.csv"
    path.write_text(graded_csv(binary=True), encoding="utf-8")
    result = cli("evaluate", str(path), "--folds", "2")
    assert result.exit_code == 0
    assert "acc" in result.stdout and "F1" in result.stdout and "calibrated" in result.stdout


@pytest.mark.model
@pytest.mark.parametrize(
    ("content", "message", "code"),
    [
        (b"question,answer,score,max_score\nq?,a,1,1\n", "missing column(s) reference_answer", 2),
        (HEADER.encode() + b"What?,The ref is here,caf\xe9,1,1\n", "not UTF-8 text (line 2", 2),
        (b"", "the file is empty", 2),
        (HEADER.encode() + b"What is it?,A reference answer,An answer,x,5\n", "no usable rows", 2),
    ],
)
def test_evaluate_broken_files(cli, tmp_path, content, message, code):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = cli("evaluate", str(path))
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.model
def test_evaluate_names_bad_lines_and_grades_the_rest(cli, tmp_path):
    lines = graded_csv().splitlines()
    lines.insert(3, "dropout,What is dropout and why does it help?,Ref text here,An answer,high,5")
    path = tmp_path / "graded.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("evaluate", str(path), "--json", "--folds", "4")
    assert result.exit_code == 1
    assert "graded.csv: line 4: score 'high' is not a number" in result.output
    report = json.loads(result.stdout)
    assert report["rows"] == 40


@pytest.mark.model
def test_evaluate_on_a_slice_of_mohler(cli, tmp_path):
    source = DATASETS / "mohler2011.csv"
    if not source.is_file():
        pytest.skip("../shared/datasets/mohler2011.csv is not here")
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        keep = [r for r in reader if r["question_id"] in {"1.1", "1.2", "1.3"}]
    path = tmp_path / "mohler-slice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(keep[0]))
        writer.writeheader()
        writer.writerows(keep)
    result = cli("evaluate", str(path), "--json", "--folds", "3")
    assert result.exit_code == 0
    calibrated = json.loads(result.stdout)["sets"][0]["calibrated"]
    assert calibrated["n"] == len(keep) and calibrated["rmse"] < 1.5
