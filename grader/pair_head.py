"""A pair head: does one text say what another says, contradict it, or neither?

A multinomial logistic regression over the sentence vectors the scorer already has, so it costs
no forward pass: for an answer (or sentence) vector u and a reference (or key point) vector v,
the features are u*v, |u-v|, u-v and their cosine. It is fitted on Beetle's `train` split
(SemEval-2013 Task 7: student answers labelled correct, contradictory or incorrect against
reference answers) by benchmarks/fit_pair_head.py and shipped as plain JSON weights in
grader/data/pair_head.json. The weights belong to the model whose vectors they were fitted on:
with another model the head is not used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from grader.linear_json import number, rows, weights

FORMAT = "grader-pair-head"
VERSION = 1
MODEL_FILE = Path(__file__).parent / "data" / "pair_head.json"
CLASSES: tuple[str, ...] = ("correct", "contradictory", "incorrect")


class PairHeadError(Exception):
    """A pair head file that cannot be used; the message says why."""


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rows of [u*v, |u-v|, u-v, cos] for paired rows of unit vectors u and v.

    The signed difference keeps which text is the answer: an answer that adds to a reference
    is not the same as one that leaves part of it out.
    """
    u, v = np.atleast_2d(u).astype(float), np.atleast_2d(v).astype(float)
    cosine = np.sum(u * v, axis=1, keepdims=True)
    return np.hstack([u * v, np.abs(u - v), u - v, cosine])


@dataclass(frozen=True)
class PairHead:
    """Standardised pair features to probabilities of CLASSES."""

    mean: list[float]
    scale: list[float]
    coef: list[list[float]]
    """One row of coefficients per class, in CLASSES order."""
    intercept: list[float]
    model: str
    """The label of the model whose vectors the head was fitted on."""
    fitted_on: dict = field(default_factory=dict)

    @property
    def dimension(self) -> int:
        """The length of the vectors the head takes."""
        return (len(self.mean) - 1) // 3

    def probabilities(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """One row per pair: P(correct), P(contradictory), P(incorrect)."""
        z = (pair_features(u, v) - self.mean) / self.scale
        logits = z @ np.asarray(self.coef).T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, **asdict(self)})


def fit(u: np.ndarray, v: np.ndarray, labels: np.ndarray, c: float, model: str) -> PairHead:
    """Fit on paired vectors and their labels (each one of CLASSES); `c` is the inverse of
    the L2 penalty (small: the features outnumber the questions by far). Classes weigh
    equally whatever their mix."""
    from sklearn.linear_model import LogisticRegression

    x = pair_features(u, v)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    estimator = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    estimator.fit((x - mean) / scale, np.asarray(labels))
    order = [list(estimator.classes_).index(k) for k in CLASSES]
    return PairHead(
        mean=[float(m) for m in mean],
        scale=[float(s) for s in scale],
        coef=[[float(w) for w in estimator.coef_[i]] for i in order],
        intercept=[float(estimator.intercept_[i]) for i in order],
        model=model,
    )


def from_dict(data: object) -> PairHead:
    """Validate a parsed pair head file and build the head."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PairHeadError(f'not a pair head (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise PairHeadError(f"unsupported version {data.get('version')!r}; expected {VERSION}")
    mean = data.get("mean")
    if not isinstance(mean, list) or len(mean) % 3 != 1:
        raise PairHeadError("mean must be a list of 3 * dimension + 1 numbers")
    length = len(mean)
    found = weights(data, length, PairHeadError, keys=("mean", "scale"))
    coef = rows(data, "coef", len(CLASSES), length, PairHeadError)
    intercept = data.get("intercept")
    if not isinstance(intercept, list) or len(intercept) != len(CLASSES):
        raise PairHeadError(f"intercept must be a list of {len(CLASSES)} numbers")
    fitted_on = data.get("fitted_on", {})
    return PairHead(
        mean=found["mean"],
        scale=found["scale"],
        coef=coef,
        intercept=[number(b, "intercept", PairHeadError) for b in intercept],
        model=str(data.get("model", "")),
        fitted_on=fitted_on if isinstance(fitted_on, dict) else {},
    )


@cache
def default_head() -> PairHead:
    """The shipped head (grader/data/pair_head.json), read once."""
    return from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


def head_for(model: str, dimension: int) -> PairHead | None:
    """The shipped head when it was fitted on `model`'s vectors, else None."""
    head = default_head()
    return head if head.model == model and head.dimension == dimension else None
