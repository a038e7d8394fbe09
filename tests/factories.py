"""What several test modules build: small banks on disk, fixed results, a counting model
runner and a scorer that needs no model. Test modules import from here, never from each other.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from grader.bank import Bank
from grader.models import MisconceptionHit, PointResult, Result


def write(folder: Path, relative: str, text: str) -> Path:
    """Write `text` to `folder/relative`, making the folders on the way."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- a one-question bank

GOOD_QUESTION = """\
id: tiny
level: fresher
topic: basics
question: What is a tensor?
references:
  - A tensor is a multi-dimensional array of numbers.
"""
GOOD_RUBRIC = """\
question_id: tiny
key_points:
  - id: array
    statement: A tensor is a multi-dimensional array.
    synonyms: [multidimensional array, n-dimensional array]
"""


def make_bank(root: Path, question: str = GOOD_QUESTION, rubric: str = GOOD_RUBRIC) -> Path:
    """A bank folder holding one question and its rubric."""
    write(root, "reference_answers/tiny.yaml", question)
    write(root, "rubrics/tiny.yaml", rubric)
    return root


# ---------------------------------------------------------------- fixed results

MODEL = "all-MiniLM-L6-v2@gt-0.1.0"
BANK = "snapshotbank"
ANSWER = (
    "The learning rate is the step size of gradient descent. A higher learning rate always "
    "trains faster. If it is too low training is slow and can get stuck."
)
SENTENCES = [
    "The learning rate is the step size of gradient descent.",
    "A higher learning rate always trains faster.",
    "If it is too low training is slow and can get stuck.",
]


def point(pid, statement, status, credit, sentence=None):
    index = SENTENCES.index(sentence) if sentence else None
    return PointResult(pid, statement, 1.0, status, credit, 0.6, False, sentence, index)


def learning_rate_result(score: float, better: bool) -> Result:
    """A fixed result showing every kind of finding: each point status, a mistake, a flag."""
    return Result(
        question_id="learning-rate",
        answer=ANSWER,
        score=score,
        passed=score >= 60,
        pass_mark=60,
        similarity=0.71,
        raw_cosine=0.74,
        coverage=0.55,
        best_reference=0,
        sentences=SENTENCES,
        points=[
            point("step-size", "The learning rate scales each update.", "covered", 1, SENTENCES[0]),
            point("hyperparameter", "It is a hyperparameter chosen before training.", "missing", 0),
            point(
                "too-high-diverges",
                "Too high overshoots the minimum and diverges.",
                "contradicted",
                0,
                SENTENCES[1],
            ),
            point(
                "too-low-slow",
                "Too low converges slowly or gets stuck.",
                "covered" if better else "partial",
                1 if better else 0.5,
                SENTENCES[2],
            ),
            point("tuning", "A good rate is found by tuning or a schedule.", "missing", 0),
        ],
        misconceptions=[
            MisconceptionHit(
                "bigger-always-better",
                "A higher learning rate always trains faster and better.",
                20,
                SENTENCES[1],
                1,
            )
        ],
        flags=[] if better else ["too_short"],
        model=MODEL,
        bank_version=BANK,
    )


def choice_result(answer: str, right: bool) -> Result:
    return Result(
        question_id="mcq-softmax-output",
        answer=answer,
        score=100.0 if right else 0.0,
        passed=right,
        pass_mark=100.0,
        similarity=float(right),
        raw_cosine=float(right),
        coverage=float(right),
        best_reference=None,
        sentences=[answer],
        notes=[f"chose {answer}; the correct option is b"],
        model=MODEL,
        bank_version=BANK,
    )


def fixed_result(question_id: str, answer: str, score: float) -> Result:
    return Result(
        question_id=question_id,
        answer=answer,
        score=score,
        passed=score >= 60,
        pass_mark=60,
        similarity=0.5,
        raw_cosine=0.5,
        coverage=0.5,
        best_reference=0,
        sentences=[answer],
        flags=["too_short"] if score < 30 else [],
        model="test-model",
        bank_version="test",
    )


# ---------------------------------------------------------------- stand-ins for the model


class CountingRunner:
    """Wraps the real model runner and records every text it is asked to embed."""

    def __init__(self, runner):
        self.runner = runner
        self.seen: list[str] = []

    def pooled_batches(self, batches):
        for batch in batches:
            self.seen.extend(batch)
        return self.runner.pooled_batches(batches)

    def __getattr__(self, name):
        return getattr(self.runner, name)


class FakeScorer:
    """Stands in for the Scorer where no model is needed: the apps' screens over a stored
    history. It grades every answer 50 (a fixed result) and embeds nothing."""

    def __init__(self, bank: Bank, label: str = MODEL):
        self.bank = bank
        self.embedder = SimpleNamespace(label=label)

    def score(self, question_id: str, answer: str) -> Result:
        return fixed_result(question_id, answer, 50.0)

    def embed_ahead(self, question_id: str, answer: str) -> None:
        pass
