"""How likely a pass/fail verdict is right, and whether a person should look at it.

One owner for the review rule. A verdict's confidence comes from two kinds of signal:

- Fitted on graded data (a logistic regression shipped as JSON in grader/data/confidence.json,
  fitted by benchmarks/confidence.py on Beetle's train split only): how far the score is from
  the pass mark in units of the score's measured error, which side of the mark it is on (a
  pass is wrong more often than a fail), and, for a pass, how unlike every reference the answer
  is. The model gives the probability that the verdict agrees with a human grader.
- Edges the public data sets cannot measure (they have no rubrics), each of which means a small
  change would flip the verdict: an essential point, a misconception or a flag decided within
  EDGE of its threshold, or similarity and coverage pointing to opposite verdicts. Each caps the
  confidence at EDGE_CONFIDENCE, below every sensible review band.

An answer needs review when its confidence is below the review band (the model's own, chosen on
the training data so that about a fifth of its verdicts are flagged, or one given by the
user); its reason is a short sentence naming the strongest signal.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np

from grader import verdict
from grader.linear_json import number, weights
from grader.models import Result

FORMAT = "grader-confidence"
VERSION = 1
MODEL_FILE = Path(__file__).parent / "data" / "confidence.json"

SIGNALS: tuple[str, ...] = ("margin", "passed", "unlike_references")
"""The fitted signals, in column order (see `signals`)."""

EDGE = 0.03
"""A cosine this close to the threshold that decided a point, misconception or flag is a coin
toss: cosines of one answer move by about this much between paraphrases of the same sentence."""
DISAGREEMENT = 0.5
"""Similarity and coverage (both 0-1) this far apart, on opposite sides of the verdict, mean
the two ways of reading the answer disagree."""
EDGE_CONFIDENCE = 0.5
"""The most confidence a verdict on an edge keeps: it could go either way."""
UNLIKE_COSINE = 0.5
"""A pass whose closest reference is further than this (question-demoted cosine) is named as
unlike every reference when it needs review."""


class ConfidenceError(Exception):
    """A confidence model file that cannot be used; the message says why."""


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic regression from standardised SIGNALS to P(verdict right)."""

    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    score_error: float
    """The score's measured error (RMS difference from human scores, 0-100) on the fit data."""
    review_band: float
    """Confidence below which a verdict needs review, unless the user gives another."""
    fitted_on: dict = field(default_factory=dict)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """P(verdict right) for rows of raw SIGNALS."""
        z = (np.asarray(rows, dtype=float) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, **asdict(self)}, indent=2)


def signals(
    score: float, pass_mark: float, passed: bool, raw_cosine: float, score_error: float
) -> list[float]:
    """The fitted signals of one verdict, in SIGNALS order."""
    return [
        abs(score - pass_mark) / score_error,
        float(passed),
        (1.0 - raw_cosine) if passed else 0.0,
    ]


def fit(
    rows: np.ndarray, right: np.ndarray, score_error: float, review_share: float = 0.2
) -> ConfidenceModel:
    """Fit on signal rows and whether each verdict agreed with the human grade.

    The review band is set so that `review_share` of these rows fall below it. The verdicts
    must come from a scorer that did not see the rows (out-of-fold), or confidence is inflated.
    """
    from sklearn.linear_model import LogisticRegression

    rows = np.asarray(rows, dtype=float)
    right = np.asarray(right, dtype=int)
    if len(set(right.tolist())) < 2:
        raise ConfidenceError("every verdict is right (or every one wrong): nothing to fit")
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    estimator = LogisticRegression(max_iter=1000).fit((rows - mean) / scale, right)
    model = ConfidenceModel(
        mean=[float(v) for v in mean],
        scale=[float(v) for v in scale],
        coef=[float(v) for v in estimator.coef_[0]],
        intercept=float(estimator.intercept_[0]),
        score_error=float(score_error),
        review_band=0.0,
    )
    band = float(np.quantile(model.predict(rows), review_share))
    return replace(model, review_band=round(band, 4))


def from_dict(data: object) -> ConfidenceModel:
    """Validate a parsed confidence file and build the model."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfidenceError(f'not a confidence model (expected "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise ConfidenceError(f"unsupported version {data.get('version')!r}; expected {VERSION}")
    lists = weights(data, len(SIGNALS), ConfidenceError)
    numbers = {
        k: number(data.get(k), k, ConfidenceError)
        for k in ("intercept", "score_error", "review_band")
    }
    if numbers["score_error"] <= 0:
        raise ConfidenceError("score_error must be positive")
    fitted_on = data.get("fitted_on", {})
    return ConfidenceModel(
        **lists, **numbers, fitted_on=fitted_on if isinstance(fitted_on, dict) else {}
    )


@cache
def default_model() -> ConfidenceModel:
    """The shipped model (grader/data/confidence.json), read once."""
    return from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- the rule


def edges(result: Result) -> list[str]:
    """Why a small change would flip this verdict, strongest first (empty when none would).

    Reads the margins the scorer recorded (`Result.margins`: how far each threshold-decided
    cosine was from its threshold). An edge counts only where the one decision flips the
    verdict: on a pass, any of them (a point not stated, a misconception asserted or a flag
    raised fails it); on a fail, the one that alone made it fail.
    """
    reasons = []
    blockers = _fail_reasons(result)
    for key, margin in sorted(result.margins.items(), key=lambda km: abs(km[1])):
        if abs(margin) >= EDGE:
            continue
        kind, _, name = key.partition(":")
        met = margin >= 0
        flips = (met == (kind == "point")) if result.passed else blockers == {key}
        if flips:
            side = "just" if met else "only just not"
            what = {"point": "essential point", "misconception": "misconception"}.get(kind, kind)
            reasons.append(f"{what} {name} {side} {_decided(kind)} (by {margin:+.2f})")
    if result.points:
        sim, cov = result.similarity, result.coverage
        # The rubric's reading is the surer one: doubt a verdict that follows similarity
        # against it.
        if abs(sim - cov) >= DISAGREEMENT and result.passed == (sim >= 0.5):
            reasons.append(f"similarity {sim:.2f} and coverage {cov:.0%} disagree")
    return reasons


def _fail_reasons(result: Result) -> set[str]:
    """What made the answer fail, as margin keys, where a rubric's essential points decide."""
    found = {f"flag:{f}" for f in verdict.gaming_flags(result.flags)}
    if any(p.essential for p in result.points):
        found |= {
            f"point:{p.id}"
            for p in result.points
            if p.essential and p.status in ("missing", "contradicted")
        }
        found |= {f"misconception:{m.id}" for m in result.misconceptions}
    return found


def _decided(kind: str) -> str:
    return {"point": "stated", "misconception": "asserted", "flag": "raised"}.get(kind, "met")


def assess(
    result: Result, review_band: float | None = None, model: ConfidenceModel | None = None
) -> Result:
    """The result with `confidence`, `needs_review` and `review_reason` set.

    `review_band`: the confidence below which a verdict needs review (the model's own when
    None); a higher band sends more answers to a person.
    """
    if result.best_reference is None:
        return result  # a multiple-choice answer is graded exactly: nothing to doubt
    model = model or default_model()
    band = model.review_band if review_band is None else review_band
    row = signals(
        result.score, result.pass_mark, result.passed, result.raw_cosine, model.score_error
    )
    confidence = float(model.predict(np.array([row]))[0])
    reasons = edges(result)
    if reasons:
        confidence = min(confidence, EDGE_CONFIDENCE)
    confidence = round(confidence, 3)
    needs = confidence < band
    reason = "; ".join((reasons or _fitted_reasons(result, model))[:2]) if needs else None
    return replace(result, confidence=confidence, needs_review=needs, review_reason=reason)


def _fitted_reasons(result: Result, model: ConfidenceModel) -> list[str]:
    distance = abs(result.score - result.pass_mark)
    reasons = [
        f"score {result.score:g} is {distance:.1f} from the pass mark {result.pass_mark:g} "
        f"(scores err by about {model.score_error:.0f})"
    ]
    if result.passed and result.raw_cosine < UNLIKE_COSINE:
        reasons.append(f"passes though unlike every reference (cosine {result.raw_cosine:.2f})")
    return reasons


# ---------------------------------------------------------------- measuring it


def selective_agreement(right: np.ndarray, confidence: np.ndarray, share: float = 0.2) -> dict:
    """Accuracy of all verdicts, and of those left when the least confident `share` is set aside.

    Ties at the cut are set aside together, so slightly more than `share` may go.
    """
    right = np.asarray(right, dtype=float)
    confidence = np.asarray(confidence, dtype=float)
    if not len(right):
        return {"n": 0}
    cut = float(np.quantile(confidence, share))
    kept = confidence > cut
    if not kept.any():
        kept = confidence >= cut
    return {
        "n": int(len(right)),
        "set_aside": round(float(1 - kept.mean()), 4),
        "accuracy_all": round(float(right.mean()), 4),
        "accuracy_rest": round(float(right[kept].mean()), 4),
        "accuracy_set_aside": round(float(right[~kept].mean()), 4) if (~kept).any() else None,
        "gain": round(float(right[kept].mean() - right.mean()), 4),
    }
