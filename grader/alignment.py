"""Word alignment between an answer and a reference, with contextual word vectors.

Sultan et al. (2016) grade short answers mostly from how many of the reference's content words
align to a word of the answer (and the reverse), after dropping the words the question already
contains. Here a word aligns exactly when the stems match, and softly by the cosine of the two
words' contextual vectors from the same sentence-transformer the scorer uses (like BERTScore):
"separated by a gap" and "there is a break between them" align although no stem is shared.
Question words are down-weighted rather than dropped (see features.QUESTION_WEIGHT).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from grader.embedding import Embedder
from grader.text import STOP_WORDS, content_stems, stem, words

RECENT_TEXTS = 4096
_HAS_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Words:
    """The content words of a text: their stems and unit contextual vectors (one row each)."""

    stems: list[str]
    vectors: np.ndarray


@dataclass(frozen=True)
class Alignment:
    """How well an answer and a reference align (every value 0-1)."""

    recall: float  # reference words found in the answer, exactly by stem
    precision: float  # answer words found in the reference, exactly by stem
    soft_recall: float  # mean over reference words of the best cosine to an answer word
    soft_precision: float  # the same from the answer's side
    answer_words: float  # content words of the answer, weighted
    reference_words: float  # content words of the reference, weighted


EMPTY = Alignment(0.0, 0.0, 0.0, 0.0, 0, 0)


class WordVectors:
    """Contextual vectors for every word of a text, computed once per text.

    The Embedder only returns pooled sentence vectors, so this asks the embedder's runner for
    the transformer's token states (the same loaded model: nothing is loaded twice).
    """

    def __init__(self, embedder: Embedder, batch_size: int = 64, keep: int = RECENT_TEXTS):
        self._runner = embedder.runner
        # Only the most recently used texts are kept (references come back, answers do not),
        # so memory stays bounded however long the file.
        self._memory: OrderedDict[str, Words] = OrderedDict()
        self.batch_size = batch_size
        self.keep = keep

    def get(self, texts: Sequence[str]) -> list[Words]:
        """The content words of each text (stop words and punctuation left out)."""
        found = {t: self._memory[t] for t in texts if t in self._memory}
        for t in found:
            self._memory.move_to_end(t)
        missing = sorted(set(t for t in texts if t not in found), key=len)
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start : start + self.batch_size]
            fresh = dict(zip(chunk, self._encode(chunk), strict=True))
            found.update(fresh)
            self._memory.update(fresh)
        while len(self._memory) > self.keep:
            self._memory.popitem(last=False)
        return [found[t] for t in texts]

    def _encode(self, texts: list[str]) -> list[Words]:
        encoded = self._runner.tokenize(texts)
        hidden = self._runner.token_states(encoded)
        found = []
        for i, text in enumerate(texts):
            pieces: dict[int, list[int]] = {}
            for j, word_id in enumerate(encoded.word_ids(i)):
                if word_id is not None:
                    pieces.setdefault(word_id, []).append(j)
            stems, vectors = [], []
            for word_id, rows in pieces.items():
                span = encoded.word_to_chars(i, word_id)
                tokens = words(text[span.start : span.end])
                if not tokens or not _HAS_WORD.search(tokens[0]) or tokens[0] in STOP_WORDS:
                    continue
                vector = hidden[i, rows].mean(axis=0)
                stems.append(stem(tokens[0]))
                vectors.append(vector / max(float(np.linalg.norm(vector)), 1e-6))
            matrix = np.stack(vectors) if vectors else np.zeros((0, hidden.shape[-1]))
            found.append(Words(stems, matrix.astype(np.float32)))
        return found


def _weights(text_words: Words, question_stems: set[str], question_weight: float) -> np.ndarray:
    """Each word's weight: question words count `question_weight`, others 1.

    If the text says nothing but question words, they all count fully rather than not at all.
    """
    weights = np.array(
        [question_weight if s in question_stems else 1.0 for s in text_words.stems], dtype=float
    )
    return weights if weights.sum() > 0 else np.ones(len(weights))


def align(
    answer: Words, reference: Words, question: str, question_weight: float = 0.0
) -> Alignment:
    """Align an answer's words with a reference's; question words count `question_weight`."""
    if not answer.stems or not reference.stems:
        return EMPTY
    question_stems = set(content_stems(question))
    wa = _weights(answer, question_stems, question_weight)
    wr = _weights(reference, question_stems, question_weight)
    exact = np.array([[sr == sa for sa in answer.stems] for sr in reference.stems], dtype=bool)
    # A shared stem is a perfect match whatever the two contexts make of it.
    soft = np.clip(np.where(exact, 1.0, reference.vectors @ answer.vectors.T), 0, 1)
    return Alignment(
        recall=float(np.average(exact.any(axis=1), weights=wr)),
        precision=float(np.average(exact.any(axis=0), weights=wa)),
        soft_recall=float(np.average(soft.max(axis=1), weights=wr)),
        soft_precision=float(np.average(soft.max(axis=0), weights=wa)),
        answer_words=float(wa.sum()),
        reference_words=float(wr.sum()),
    )
