"""grader calibrate, the calibration file, and --calibration on grade and score."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from grader.calibration import Calibration, CalibrationError, apply, fit, from_dict, load
from grader.cli.commands import app
from grader.features import FEATURE_NAMES, FeatureExtractor

from .graded_sample import ANSWERS, QUESTIONS, graded_csv

GOOD = (
    "The learning rate is the step size of gradient descent: each update moves the weights by "
    "the gradient times the rate. Too high and the loss oscillates or diverges; too low and "
    "training is very slow or gets stuck."
)


@pytest.fixture(scope="module")
def calibration_file(tmp_path_factory, scorer):
    """A calibration fitted by the command on the sample file (shared by the tests below)."""
    folder = tmp_path_factory.mktemp("calibration")
    source = folder / "graded.csv"
    source.write_text(graded_csv(), encoding="utf-8")
    target = folder / "calibration.json"
    result = CliRunner().invoke(
        app, ["calibrate", str(source), "-o", str(target), "--folds", "4"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "grouped 4-fold CV" in result.stdout and "coefficient" in result.stdout
    return target


def synthetic(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(FEATURE_NAMES)))
    y = np.clip(0.8 * X[:, FEATURE_NAMES.index("soft_recall")] + 0.1 * rng.random(n), 0, 1)
    return X, y


def test_json_round_trip_predicts_the_same(tmp_path):
    X, y = synthetic()
    model = fit(X, y, model="m")
    assert model.kind == "ridge"
    model.save(tmp_path / "c.json")
    again = load(tmp_path / "c.json")
    assert again == model
    assert np.allclose(again.predict(X), model.predict(X))
    assert again.weights()[0][0] == "soft_recall"  # the feature the target was made of


def test_binary_scores_fit_a_logistic_model():
    X, y = synthetic()
    model = fit(X, (y > 0.4).astype(float))
    assert model.kind == "logistic"
    p = model.predict(X)
    assert ((p > 0) & (p < 1)).all()


def test_constant_feature_gets_no_weight():
    X, y = synthetic()
    X[:, FEATURE_NAMES.index("coverage")] = 0.0  # no rubric in a graded file
    model = fit(X, y)
    assert model.coef[model.features.index("coverage")] == 0.0


def _valid() -> dict:
    X, y = synthetic()
    return json.loads(fit(X, y).to_json())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "not a calibration file"),
        ({"version": 9}, "unsupported version"),
        ({"kind": "forest"}, "kind must be"),
        ({"features": ["similarity", "shoe_size"]}, "unknown feature(s) shoe_size"),
        ({"coef": [1.0]}, f"coef must be a list of {len(FEATURE_NAMES)} numbers"),
        ({"intercept": "NaN"}, "intercept must hold finite numbers"),
        ({"scale": [0.0] * len(FEATURE_NAMES)}, "scale values must be positive"),
        ({"pickle": "..."}, "unknown key(s): pickle"),
    ],
)
def test_load_validates(change, message):
    with pytest.raises(CalibrationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_dict({**_valid(), **change})


def test_load_reports_unreadable_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalibrationError, match="not a JSON file"):
        load(bad)
    with pytest.raises(CalibrationError, match="cannot read"):
        load(tmp_path / "missing.json")


def test_gaming_flags_still_cap_a_calibrated_score(scorer):
    result = scorer.score("learning-rate", GOOD)
    flagged = replace(result, flags=["keyword_list"])
    assert apply(flagged, 0.95).score == result.pass_mark / 2
    assert not apply(flagged, 0.95).passed
    assert apply(result, 0.95).score == 95.0 and apply(result, 0.95).passed


def test_features_are_finite_and_named(scorer, embedder):
    question = scorer.bank.get("learning-rate")
    results = [scorer.score("learning-rate", GOOD), scorer.score("learning-rate", "No idea.")]
    X = FeatureExtractor(embedder).extract([(question, r) for r in results])
    assert X.shape == (2, len(FEATURE_NAMES)) and np.isfinite(X).all()
    recall = FEATURE_NAMES.index("soft_recall")
    assert X[0, recall] > X[1, recall]


def test_calibrate_writes_a_loadable_file(calibration_file):
    calibration = load(calibration_file)
    assert isinstance(calibration, Calibration) and calibration.kind == "ridge"
    assert calibration.fitted_on["rows"] == 40 and calibration.model.startswith("all-MiniLM")
    assert "grouped 4-fold CV" in calibration.fitted_on["tested"]


@pytest.mark.model
def test_grade_with_calibration_replaces_score_and_keeps_raw(cli, tmp_path, calibration_file):
    source = tmp_path / "answers.csv"
    source.write_text(
        f'question_id,answer\nlearning-rate,"{GOOD}"\nlearning-rate,It is a number.\n'
        "mcq-softmax-output,b\n",
        encoding="utf-8",
    )
    plain = cli("grade", str(source))
    calibrated = cli("grade", str(source), "--calibration", str(calibration_file))
    assert plain.exit_code == calibrated.exit_code == 0
    before = list(csv.DictReader(io.StringIO(plain.stdout)))
    after = list(csv.DictReader(io.StringIO(calibrated.stdout)))
    assert "raw_score" not in before[0]
    assert [r["raw_score"] for r in after] == [r["score"] for r in before]
    assert after[0]["score"] != before[0]["score"]
    for row in after[:2]:
        assert row["passed"] == str(float(row["score"]) >= float(row["pass_mark"])).lower()
    assert after[2]["score"] == "100.0"  # multiple choice stays exact


@pytest.mark.model
def test_score_with_calibration(cli, calibration_file):
    result = cli("score", "learning-rate", GOOD, "--json", "--calibration", str(calibration_file))
    data = json.loads(result.stdout)
    assert "raw_score" in data and data["score"] != data["raw_score"]
    assert any("calibrated" in note for note in data["notes"])


@pytest.mark.model
def test_broken_calibration_is_refused(cli, tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"format": "grader-calibration", "version": 1}', encoding="utf-8")
    result = cli("score", "learning-rate", GOOD, "--calibration", str(path))
    assert result.exit_code == 2 and "kind must be" in result.output


@pytest.mark.model
def test_calibration_of_another_model_is_refused(cli, tmp_path, calibration_file):
    data = json.loads(calibration_file.read_text(encoding="utf-8"))
    data["model"] = "some-other-model"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("score", "learning-rate", GOOD, "--calibration", str(path))
    assert result.exit_code == 2 and "fitted with model some-other-model" in result.output


@pytest.mark.model
def test_calibrate_against_the_bank_uses_its_rubrics(cli, tmp_path):
    """Past grades of the bank's own questions: coverage from the rubric enters the fit."""
    lines = ["question_id,question,answer,score,max_score"]
    for qid in ("learning-rate", "dropout"):
        question = QUESTIONS[qid][0]
        lines += [f'{qid},"{question}","{answer}",{score},5' for answer, score in ANSWERS[qid]]
    lines.append('relu,"Why is ReLU popular?","It is cheap.",3,5')  # not a bank question id
    source = tmp_path / "past.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "c.json"
    result = cli("calibrate", str(source), "-o", str(target), "--use-bank", "--folds", "2")
    assert result.exit_code == 1  # the relu row is named and left out; the rest is fitted
    assert "line 22: no question in the bank matches question_id or text 'relu'" in result.output
    calibration = load(target)
    assert calibration.fitted_on["rows"] == 20
    assert calibration.coef[calibration.features.index("coverage")] != 0.0
