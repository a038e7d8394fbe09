"""The pair head: the shipped weights load, broken files are refused, and with the real model it
tells a paraphrase of a reference from its denial."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader import pair_head
from grader.features import FEATURE_NAMES, FeatureExtractor
from grader.pair_head import CLASSES, PairHeadError, default_head, from_dict, head_for

REFERENCE = "Terminal 1 and the positive terminal are separated by the gap"


def shipped() -> dict:
    return json.loads(pair_head.MODEL_FILE.read_text(encoding="utf-8"))


def test_shipped_weights_load_and_say_what_they_were_fitted_on():
    head = default_head()
    assert head.model.startswith("all-MiniLM-L6-v2") and head.dimension == 384
    assert len(head.coef) == len(CLASSES) and all(len(c) == len(head.mean) for c in head.coef)
    assert "train" in head.fitted_on["data"] and head.fitted_on["C"] > 0
    assert head_for(head.model, 384) is head
    assert head_for("all-mpnet-base-v2", 768) is None and head_for(head.model, 768) is None


def test_probabilities_are_one_row_per_pair_summing_to_one():
    head = default_head()
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=(2, 5, head.dimension))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    found = head.probabilities(u, v)
    assert found.shape == (5, 3) and np.allclose(found.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "grader-calibration"}, "not a pair head"),
        ({"version": 2}, "unsupported version"),
        ({"mean": [0.0, 1.0]}, "mean must be a list of 3"),
        ({"scale": None}, "scale must be a list"),
        ({"coef": [[0.0]]}, "coef must be a list of 3 lists"),
        ({"intercept": [0.0, "x", 1.0]}, "intercept must hold finite numbers"),
        ({"intercept": 1.0}, "intercept must be a list of 3"),
    ],
)
def test_a_broken_file_is_refused_with_what_is_wrong(change, message):
    with pytest.raises(PairHeadError, match=message):
        from_dict({**shipped(), **change})


def test_a_row_of_the_wrong_length_is_refused():
    data = shipped()
    data["coef"][1] = data["coef"][1][:-1]
    with pytest.raises(PairHeadError, match="3 lists of 1153 numbers"):
        from_dict(data)


def test_the_head_separates_a_restatement_from_a_contradiction(embedder):
    """Beetle-like answers: the reference restated, its opposite in other words, and answers
    about something else. (A bare "not" moves MiniLM's vector too little for the head to see:
    the `negation` feature of grader.features owns that case.)"""
    head = head_for(embedder.label, embedder.dimension)
    assert head is not None
    answers = [
        "terminal 1 and the positive terminal are separated by a gap",
        "Terminal 1 and the positive terminal are connected.",
        "The bulb is brighter because it has more current.",
        "I don't know.",
    ]
    u = embedder.encode(answers)
    v = np.repeat(embedder.encode([REFERENCE]), len(answers), axis=0)
    p = head.probabilities(u, v)
    assert [CLASSES[k] for k in p.argmax(axis=1)] == [
        "correct",
        "contradictory",
        "incorrect",
        "incorrect",
    ]
    assert p[0, 0] > 0.7 and p[1, 1] > 0.5 and p[3, 2] > 0.9


def test_calibration_features_carry_the_heads_reading(scorer, embedder):
    """grader.features pairs the answer with its closest reference: a sound answer reads as
    correct far more than an answer about something else."""
    question = scorer.bank.get("learning-rate")
    answers = [
        "The learning rate is the step size of each weight update. Too high and the loss "
        "diverges; too low and training is slow.",
        "Dropout switches off random neurons during training so the network does not overfit.",
    ]
    pairs = [(question, scorer.score(question.id, a)) for a in answers]
    X = FeatureExtractor(embedder).extract(pairs)
    right, contra = FEATURE_NAMES.index("pair_correct"), FEATURE_NAMES.index("pair_contradictory")
    assert X[0, right] > 0.5 > X[1, right]
    assert 0 <= X[:, [right, contra]].sum(axis=1).max() <= 1
