"""Features of a graded answer, for calibrating scores against human graders.

Each feature is a number a person can read: how close the answer is to its best reference
(whole answer, question demoted, and plain), how much of the rubric it covers, how many of the
reference's words it states (exactly or in other words) and how many of its own words are
relevant, how long it is next to the reference, and whether it stated a misconception, was
flagged as gaming or says the opposite of the reference; and what the pair head (see
grader/pair_head.py) makes of the answer and its closest reference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from grader.alignment import Words, WordVectors, align
from grader.answers import GAMING_FLAGS
from grader.embedding import Embedder
from grader.models import Question, Result
from grader.pair_head import head_for
from grader.text import polarity_flipped

CHUNK = 256  # answers whose texts are embedded together
QUESTION_WEIGHT = 0.5
"""How much a word the question already contains counts in alignment (others count 1).

Dropping question words entirely (0) is best on Mohler (r 0.663 against 0.644 at 1), keeping
them (1) is best on Beetle's unseen questions (macro-F1 0.748 against 0.722 at 0), where the
question's own words ("open", "closed", "bulb A") are often the point. Half weight loses little
on either side: benchmarks/ measure it.
"""

FEATURE_NAMES: tuple[str, ...] = (
    "similarity",
    "raw_cosine",
    "plain_cosine",
    "coverage",
    "recall",
    "precision",
    "soft_recall",
    "soft_precision",
    "length_ratio",
    "misconceptions",
    "flagged",
    "negation",
    "pair_correct",
    "pair_contradictory",
)
"""Every feature `extract` computes, in column order."""

FEATURE_TEXT = {
    "similarity": "similarity to the best reference, question demoted, mapped to 0-1",
    "raw_cosine": "cosine to the best reference, question demoted",
    "plain_cosine": "cosine to the best reference, as embedded",
    "coverage": "weighted share of rubric key points covered (0 without a rubric)",
    "recall": "share of the reference's content words the answer uses (same stem)",
    "precision": "share of the answer's content words found in the reference",
    "soft_recall": "reference words matched by meaning (contextual word vectors)",
    "soft_precision": "answer words matched by meaning in the reference",
    "length_ratio": "log of answer words over reference words",
    "misconceptions": "misconceptions stated",
    "flagged": "1 when a gaming flag was raised",
    "negation": "1 when the answer negates or reverses the closest reference",
    "pair_correct": "pair head: chance the answer says what its closest reference says",
    "pair_contradictory": "pair head: chance the answer contradicts its closest reference",
}


class FeatureExtractor:
    """Turns (question, result) pairs into rows of FEATURE_NAMES, batching the model's work."""

    def __init__(self, embedder: Embedder, question_weight: float = QUESTION_WEIGHT):
        self.embedder = embedder
        self.words = WordVectors(embedder)
        self.question_weight = question_weight
        # Fitted on one model's vectors: with another, its features stay 0 (and weigh nothing).
        self.head = head_for(embedder.label, embedder.dimension)

    def extract(self, items: Sequence[tuple[Question, Result]]) -> np.ndarray:
        """A matrix with one row per item and one column per name in FEATURE_NAMES."""
        rows: list[list[float]] = []
        # In chunks, each embedded in one batch: memory stays bounded in long files.
        for start in range(0, len(items), CHUNK):
            part = items[start : start + CHUNK]
            texts = list(
                dict.fromkeys(
                    t for q, r in part if q.type == "free_text" for t in (r.answer, *q.references)
                )
            )
            vectors = dict(zip(texts, self.embedder.encode(texts))) if texts else {}
            words = dict(zip(texts, self.words.get(texts)))
            rows.extend(self._row(q, r, vectors, words) for q, r in part)
        return np.array(rows, dtype=float).reshape(len(items), len(FEATURE_NAMES))

    def _row(
        self,
        question: Question,
        result: Result,
        vectors: dict[str, np.ndarray],
        words: dict[str, Words],
    ) -> list[float]:
        flagged = float(any(f in GAMING_FLAGS for f in result.flags))
        if question.type != "free_text":
            # Choice questions are graded exactly: every closeness feature is the verdict.
            right = float(result.passed)
            return [right] * 8 + [0.0, 0.0, 0.0, 0.0, right, 0.0]
        refs = question.references
        answer_vec = vectors[result.answer]
        cosines = [float(vectors[r] @ answer_vec) for r in refs]
        plain = max(cosines)
        pair = [0.0, 0.0]
        if self.head is not None:
            # As the head was fitted: the answer against its closest reference, as embedded.
            nearest = vectors[refs[int(np.argmax(cosines))]]
            pair = self.head.probabilities(answer_vec, nearest)[0, :2].tolist()
        answer_words, ref_words = words[result.answer], [words[r] for r in refs]
        aligned = [
            align(answer_words, w, question.question, self.question_weight) for w in ref_words
        ]
        # Several references: each measure takes its best one (any correct version counts).
        top = max(range(len(aligned)), key=lambda i: aligned[i].soft_recall)
        closest = refs[result.best_reference] if result.best_reference is not None else refs[0]
        negated = polarity_flipped(result.answer, closest) or polarity_flipped(
            result.answer, refs[top]
        )
        return [
            result.similarity,
            result.raw_cosine,
            plain,
            result.coverage,
            max(a.recall for a in aligned),
            max(a.precision for a in aligned),
            max(a.soft_recall for a in aligned),
            max(a.soft_precision for a in aligned),
            math.log((1 + aligned[top].answer_words) / (1 + aligned[top].reference_words)),
            float(len(result.misconceptions)),
            flagged,
            float(negated),
            *pair,
        ]
