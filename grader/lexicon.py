"""Lexical matching of a rubric's synonyms, acronyms and patterns, done with matrices.

A rubric is compiled once: every synonym phrase (and every expansion of a point's acronyms)
becomes a row of stems over the rubric's vocabulary. A batch of sentences becomes a
sentence-by-vocabulary matrix, so which phrase each sentence states, and so which point, is
two matrix products rather than loops over pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz

from grader.models import KeyPoint
from grader.text import STOP_WORDS, expand_acronyms, lexical_stem, lexical_terms, words

FUZZY_MIN_LENGTH = 5
"""Stems shorter than this must match exactly: a one-letter slip there is often another word."""
FUZZY_RATIO = 85
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


def point_phrases(point: KeyPoint) -> list[str]:
    """The phrases that state a point: its synonyms and the expansions of its acronyms (an
    acronym in a sentence is written out before matching, so it states the point too)."""
    return [*point.synonyms, *point.acronyms.values()]


def phrase_stems(phrase: str) -> list[str]:
    """The stems a phrase needs: its content words, and a stop word only when written with a
    capital as a name ("He initialisation" needs "he"). A phrase of stop words keeps them all."""
    names = {w.lower() for w in _CAPITALISED.findall(phrase)} & STOP_WORDS
    stems = [lexical_stem(w) for w in words(phrase) if w not in STOP_WORDS or w in names]
    return stems or [lexical_stem(w) for w in words(phrase)]


class Lexicon:
    """The lexical side of a rubric's key points."""

    def __init__(self, key_points: Sequence[KeyPoint]):
        # Acronyms are written out for the whole rubric ("LR" means learning rate everywhere);
        # the expansions of a point's own acronyms are also phrases of that point.
        self.acronyms = {k: v for p in key_points for k, v in p.acronyms.items()}
        vocab: dict[str, int] = {}
        phrases: list[tuple[int, list[int]]] = []
        for j, point in enumerate(key_points):
            seen: set[tuple[int, ...]] = set()
            for phrase in point_phrases(point):
                columns = tuple(
                    sorted({vocab.setdefault(s, len(vocab)) for s in phrase_stems(phrase)})
                )
                if columns and columns not in seen:
                    seen.add(columns)
                    phrases.append((j, list(columns)))
        self.vocab = list(vocab)
        self._phrases = np.zeros((len(phrases), len(vocab)), dtype=np.float32)
        self._phrase_point = np.zeros((len(phrases), len(key_points)), dtype=np.float32)
        for row, (j, columns) in enumerate(phrases):
            self._phrases[row, columns] = 1.0
            self._phrase_point[row, j] = 1.0
        self._needed = self._phrases.sum(axis=1)
        self._patterns = [
            (j, re.compile(p, re.IGNORECASE))
            for j, point in enumerate(key_points)
            for p in point.patterns
        ]
        self._points = len(key_points)
        self._columns_of: dict[str, list[int]] = {}

    def _columns(self, term: str) -> list[int]:
        """The vocabulary stems a sentence term stands for: itself, or a close misspelling."""
        if term not in self._columns_of:
            self._columns_of[term] = [
                c
                for c, wanted in enumerate(self.vocab)
                if wanted == term
                or (
                    len(wanted) >= FUZZY_MIN_LENGTH
                    and len(term) >= FUZZY_MIN_LENGTH
                    and fuzz.ratio(wanted, term[: len(wanted) + 1]) >= FUZZY_RATIO
                )
            ]
        return self._columns_of[term]

    def match(self, sentences: Sequence[str]) -> np.ndarray:
        """A sentences-by-points boolean matrix: True where the sentence states the point."""
        present = np.zeros((len(sentences), len(self.vocab)), dtype=np.float32)
        for i, sentence in enumerate(sentences):
            for term in lexical_terms(expand_acronyms(sentence, self.acronyms)):
                present[i, self._columns(term)] = 1.0
        # A phrase is stated when every one of its stems is present, in any order.
        stated = (present @ self._phrases.T) >= self._needed
        found = (stated.astype(np.float32) @ self._phrase_point) > 0
        for j, pattern in self._patterns:
            found[:, j] |= [bool(pattern.search(s)) for s in sentences]
        return found.reshape(len(sentences), self._points)
