"""Match a question as a file words it to a bank question, or say why none is safe to pick.

People do not copy a question word for word: they write "What is dropout?" for "What do you
know about dropout?", or paste the guide's "an epochs". So a text is compared by its content
words (question fillers dropped, words stemmed, near-spellings accepted through rapidfuzz),
each weighted by how rare it is among the bank's questions: "tensor" decides, "deep" and
"learning" barely count. A question's `aliases` (other wordings listed in the bank) are
compared like its own text.

A match must be both close and clearly ahead of the runner-up; otherwise the row gets an
error naming the three closest questions, because grading an answer against the wrong
question gives a confident, wrong score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from grader.bank import Bank, normalise_question

ACCEPT = 0.72
"""The least score (0-1) a match needs."""
MARGIN = 0.12
"""How far ahead of the next question a match must be, or it is ambiguous."""
TYPO = 85
"""rapidfuzz ratio from which two words of 5 letters or more count as one misspelt."""

# Words that say how something is asked, not what is asked about.
FILLERS = frozenset(
    """a about all also an and any are as be between briefly by can context could define
    describe did
    difference differentiate do does explain exactly for from give how i in is it its kind know
    me mean meaning meant mention my of on or please problem problems say short some tell term
    that the their there these this those to understand use used what whats when where which who
    why will with would you your""".split()
)


@dataclass(frozen=True)
class Match:
    """A question for a text: its id, how it was found and the score (1.0 when exact)."""

    question_id: str
    how: str  # "text" (same words), "alias" (a listed wording) or "fuzzy"
    score: float


class NoMatch(Exception):
    """No question is close enough, or two are equally close; the message names the closest."""


def quote(text: str, width: int = 80) -> str:
    """`text` in quotes, whole or cut at a word boundary with an ellipsis, never mid-word."""
    text = " ".join(text.split())
    if len(text) > width:
        cut = text[:width].rsplit(" ", 1)[0] if " " in text[:width] else text[:width]
        text = cut.rstrip(" ,;:.") + "…"
    return f"“{text}”"


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# "in the context of deep learning" and the like only set the scene: every question is about
# deep learning, so a short form that leaves it out still names the question.
SCENE = re.compile(
    r"\b(?:in|for) (?:the context of )?(?:deep learning|neural networks?)(?: models?)?\b"
)


def content_words(text: str) -> list[str]:
    """The stems of the words that carry a question's meaning."""
    text = SCENE.sub(" ", text.lower().replace("'", ""))
    found = re.findall(r"[a-z0-9]+", text)
    return [_stemmer().stemWord(w) for w in found if w not in FILLERS]


class QuestionMatcher:
    """Finds the bank question a text names; build once per bank, then call `match`."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self._exact: dict[str, tuple[str, str]] = {}
        self._wordings: list[tuple[str, list[str]]] = []
        for question in bank.questions.values():
            for how, text in [("text", question.question)] + [
                ("alias", a) for a in question.aliases
            ]:
                self._exact.setdefault(normalise_question(text), (question.id, how))
                self._wordings.append((question.id, content_words(text)))
                # A question of two sentences ("What are autoencoders? Explain their layers.")
                # is often asked by its first alone.
                parts = [p for p in re.split(r"(?<=[.?!])\s+", text) if p.strip()]
                if len(parts) > 1:
                    self._wordings += [(question.id, content_words(p)) for p in parts]
        # A word's weight is its inverse document frequency over the bank's questions; a word
        # the bank never uses weighs the most, so "swallow" sinks an unrelated question.
        documents = Counter(w for _, words in self._wordings for w in set(words))
        total = len(self._wordings)
        self._weight = {w: math.log(1 + total / n) for w, n in documents.items()}
        self._unknown = math.log(1 + total)

    def match(self, text: str) -> Match:
        """The question `text` names; raises NoMatch with the three closest when unsure."""
        exact = self._exact.get(normalise_question(text))
        if exact:
            return Match(exact[0], exact[1], 1.0)
        # The same content words as exactly one question ("What are neural networks?" for
        # "What is a neural network?") is a match however close other questions come.
        same = {qid for qid, words in self._wordings if set(words) == set(content_words(text))}
        if len(same) == 1 and content_words(text):
            return Match(same.pop(), "fuzzy", 1.0)
        ranked = self.closest(text)
        best_id, best = ranked[0] if ranked else ("", 0.0)
        runner_up = next((s for qid, s in ranked if qid != best_id), 0.0)
        if best >= ACCEPT and best - runner_up >= MARGIN:
            return Match(best_id, "fuzzy", round(best, 2))
        named = "; ".join(
            f"{qid} {quote(self.bank.questions[qid].question, 60)} ({score:.2f})"
            for qid, score in ranked[:3]
            if score > 0
        )
        if not named:
            raise NoMatch(f"no bank question shares a word with the question {quote(text)}")
        if best < ACCEPT:
            why = "no bank question is close to"
        else:
            why = "more than one bank question is as close to"
        raise NoMatch(
            f"{why} the question {quote(text)}; the closest are: {named}. "
            "Give a question_id column, or add the wording to the question's aliases"
        )

    def closest(self, text: str) -> list[tuple[str, float]]:
        """Every question id with its best score over its wordings, best first."""
        query = content_words(text)
        best: dict[str, float] = {}
        for qid, words in self._wordings:
            score = self._score(query, words)
            if score > best.get(qid, -1.0):
                best[qid] = score
        return sorted(best.items(), key=lambda kv: -kv[1])

    def _score(self, query: list[str], wording: list[str]) -> float:
        """A weighted F-measure of shared words, leaning on the query's words (beta 0.5).

        Precision (the share of the query's weight found in the wording) counts most: a short
        question ("What is a tensor?") names fewer words than the bank's, but every word it
        names must be there.
        """
        if not query or not wording:
            return 0.0
        query_set, wording_set = set(query), set(wording)
        found = {w: self._found(w, wording_set) for w in query_set}
        total_query = sum(self._weight.get(w, self._unknown) for w in query_set)
        precision = sum(self._weight.get(w, self._unknown) * f for w, f in found.items())
        precision /= total_query
        covered = {w for w in wording_set if any(self._same(q, w) for q in query_set)}
        recall = sum(self._weight[w] for w in covered) / sum(self._weight[w] for w in wording_set)
        if precision + recall == 0:
            return 0.0
        return 1.25 * precision * recall / (0.25 * precision + recall)

    def _found(self, word: str, wording: set[str]) -> float:
        if word in wording:
            return 1.0
        return max((1.0 for w in wording if self._same(word, w)), default=0.0)

    @staticmethod
    def _same(a: str, b: str) -> bool:
        if a == b:
            return True
        return min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= TYPO
