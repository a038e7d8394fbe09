"""The scorer: semantic similarity to the references plus rubric coverage, with explanations.

How a free-text answer is scored (every number is a module constant below, documented in README):

1. The answer is split into sentences, each embedded alone; the answer's own vector pools the
   token vectors of all its sentences (one forward pass per sentence serves both).
2. Question demoting: every vector loses its component along the question's own embedding
   before cosines are taken, so that merely talking about the question's subject ("the learning
   rate ...") earns nothing; what is said about it does.
3. Similarity: the best demoted cosine to any reference answer, mapped linearly so that
   SIM_FLOOR (where unrelated answers sit) gives 0 and SIM_CEILING gives 1.
4. Coverage: each key point takes its best sentence. The point is covered when that sentence is
   close in meaning (>= POINT_COVERED), or states it lexically (a synonym, acronym or pattern)
   and is reasonably close (>= POINT_LEXICAL); partly covered at POINT_PARTIAL or on a lexical
   match alone. A sentence only counts for points within POINT_MARGIN of the point it is
   closest to, so one sentence about a single idea cannot tick every point. A sentence that
   negates the point or uses an antonym of it contradicts it.
5. score = 100 * (similarity_weight * similarity + coverage_weight * coverage)
           - the penalty of every misconception stated, clipped to 0..100.
6. Flags for gaming (copied question, keyword list, gibberish, off-topic, too short) cap the
   score below the pass mark, so a flagged answer never passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from grader import confidence, verdict, word_order
from grader.ahead import prepared_ahead
from grader.answers import FLAG_TEXT, check_answer, picked_option
from grader.bank import Bank
from grader.claims import (
    Pair,
    Side,
    asserted_words,
    asserts,
    contradicts,
    negate,
    roles_agree,
    roles_swapped,
)
from grader.embedding import Embedder
from grader.lexicon import Lexicon
from grader.models import MisconceptionHit, PointResult, Question, Result
from grader.patterns import Pattern
from grader.text import (
    content_stems,
    split_sentences,
    stem,
    words,
)
from grader.word_order import FUNCTION_WORDS, function_word_ratio

SIM_FLOOR = 0.10
SIM_CEILING = 0.70
POINT_COVERED = 0.55
POINT_LEXICAL = 0.20
POINT_PARTIAL = 0.42
POINT_MARGIN = 0.15
ONE_SENTENCE_MARGIN = 0.25
"""POINT_MARGIN for an answer of one sentence, which has to carry all its points at once
("gradients become tiny or huge as backprop keeps multiplying them")."""
JOINED_CREDIT = 0.5
"""The most an essential point read from two sentences together earns: it is stated, but
less clearly than by one sentence."""
JOINED_GAIN = 0.05
"""How much closer in meaning to a point two sentences together must be than either alone
(unless they name it): a pair barely closer than its better sentence (0.43 against 0.41)
says nothing new, while one that states a point spread over both gains more."""
MISCONCEPTION_MATCH = 0.65
SWAP_MARGIN = 1
"""How many more words a sentence must say of the other side of a compared pair than of the
misconception's own for that misconception not to be charged by meaning ("SGD is the noisier
one" against "batch descent is noisier"): fewer than claims.ROLE_MARGIN, which decides when a
key point is contradicted, since a fine is held back on the weaker sign."""
OFF_TOPIC_COSINE = 0.20
OFF_TOPIC_MARGIN = 0.05
OFF_TOPIC_CLEAR = 0.25
"""Closer to another question's reference by this much is off topic whatever the answer
covers: sound answers in the suites stay within 0.15 of another question."""
GIBBERISH_SHARE = 0.5
KEYWORD_LIST_STOP_RATIO = 0.15
KEYWORD_DENSITY = 0.9  # sound answers in the suite stay below 0.82
SHUFFLED_WORD_SHARE = 0.95  # sound answers in the suite reuse at most 88 % of a reference's words
SHUFFLED_PAIR_SHARE = 0.2  # ...but a scrambled copy keeps few of its word pairs (at most 13 %)
LONGEST_PROSE_SENTENCE = 50  # words; the longest sentence in the answer suite has 43
COPIED_QUESTION_SHARE = 0.8
MIN_SENTENCE_WORDS = 3
FRAGMENT_WORDS = 5  # from this length on, a sentence without function words is a keyword run
FRAGMENT_STOP_RATIO = 0.12
LIST_ITEM_WORDS = 4
"""The longest mean item (in words) of a list ("CNNs for images, RNNs for sequences, ...")."""
LIST_STOP_RATIO = 0.2
"""The most function words a list has, as a share of its words (prose has about 40 %)."""
CHUNK_ANSWERS = 128
"""Answers embedded together: small enough that the first chunk, whose embedding nothing hides,
is short, and large enough to fill the model's batches."""
SCRAMBLED_SENTENCE = 0.5
"""A sentence whose word order scores below this (see grader.word_order) states nothing: 0.2 %
of held-out English sentences score lower, and 69 % of their shuffles."""
SCRAMBLED_ANSWER = 1.8
"""An answer whose sentences' word order averages below this (weighted by length) is flagged
`shuffled_words`. On the development suites (575 sound, second sound, terse and non-native
answers of 25 words or more) and the answer suite, the lowest real answer averages 2.16;
about 1 % of three shuffles of each reach 1.8 (2.0 % reach 1.5)."""
SCRAMBLED_MIN_WORDS = 12
SCRAMBLED_SHORT_ANSWER = 1.0
SHORT_ANSWER_WORDS = 25
"""Below this length an answer's mean word-order score varies more: a terse correct answer
("One full pass through every training example; with mini-batches, ...") can average 1.4, so
the bar is SCRAMBLED_SHORT_ANSWER. On the development suites it flags 3 of the 100 real
answers under 25 words that can be scored (6 at 1.5) and 82 % of their shuffles (91 % at
1.5)."""
SCRAMBLED_SENTENCE_WORDS = 13
"""Shorter sentences are not gated one by one: their word-order score varies too much (a
real six-word sentence can score 0.4, and a non-native twelve-word one, "Epoch is when whole
training dataset pass one time through neural network.", -0.3); the whole answer's score
still counts. From 10 to 13: two more sound answers of 555 pass in the own suite and sets
A-C, one more of 2,035 shuffles (five seeds)."""
PROSE_ORDER = 2.0
"""A text whose word order scores this high reads as sentences, however few its function
words (lists of rubric keywords score about 0 to 1)."""


_ORDER = word_order.default_model


@dataclass(frozen=True)
class _Wordings:
    """The embedded statements of a rubric's key points (or misconceptions), each with its
    other phrasings."""

    vectors: np.ndarray
    owner: np.ndarray
    """Per wording, the index of its point."""
    count: int

    def sims(self, vectors: np.ndarray) -> np.ndarray:
        """Cosines of vectors (rows) to each point: to its statement, or the mean over all its
        wordings where that is higher.

        The mean, not the closest wording: a sentence that says the point in other words is
        near every wording of it, while one that only shares its topic is near one of them
        now and then (on the development sets, the closest wording passed eight more reversed
        answers and the mean two, for twelve and nine more sound ones)."""
        sims = vectors @ self.vectors.T
        found = np.full((len(vectors), self.count), -1.0)
        for j in range(self.count):
            own = sims[:, self.owner == j]
            found[:, j] = np.maximum(own[:, 0], own.mean(axis=1))
        return found


@dataclass
class _Prepared:
    """A question's embedded references, points and misconceptions, computed once."""

    question: np.ndarray
    references: np.ndarray
    points: _Wordings
    misconceptions: _Wordings
    denials: np.ndarray
    distinctive: list[set[str]]
    """Per misconception, its own words that neither the question nor a key point uses: a
    match by meaning alone needs one of them, since embeddings place "updated once per epoch"
    next to "updated after every example"."""
    question_terms: set[str]
    wrong_patterns: list[list[Pattern]]
    """Per misconception, its patterns compiled (re's own cache is too small for a bank's)."""
    lexicon: Lexicon | None
    reference_words: list[list[str]]
    contrasts: tuple[Pair, ...]
    swapped_points: list[bool]
    """Per misconception, whether it says of two compared things what a key point says of the
    other ("the last layers learn general features, the first ones task-specific")."""


def demote(vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Remove each row's component along `direction` (unit length) and renormalise."""
    rest = vectors - np.outer(vectors @ direction, direction)
    norms = np.linalg.norm(rest, axis=1, keepdims=True)
    return rest / np.maximum(norms, 1e-6)


class Scorer:
    """Grades answers against a bank with one embedder. Deterministic for a given model."""

    def __init__(self, bank: Bank, embedder: Embedder):
        self.bank = bank
        self.embedder = embedder
        self._prepared: dict[str, _Prepared] = {}
        self._known_words = embedder.vocabulary | self._bank_words()
        self._all_refs, self._ref_owner = self._reference_matrix()

    # ------------------------------------------------------------ preparation

    def _bank_words(self) -> set[str]:
        found: set[str] = set()
        for q in self.bank.questions.values():
            texts = [q.question, *q.references]
            if q.rubric:
                for p in q.rubric.key_points:
                    texts += [p.statement, *p.synonyms, *p.acronyms, *p.acronyms.values()]
            for t in texts:
                found.update(words(t))
        return found

    def _reference_matrix(self) -> tuple[np.ndarray, list[str]]:
        owners = [q.id for q in self.bank.free_text() for _ in q.references]
        texts = [r for q in self.bank.free_text() for r in q.references]
        return self.embedder.encode(texts, persist=True), owners

    def _prepare(self, questions: list[Question]) -> None:
        """Embed what the questions need (in one batch) and keep it for later answers."""
        todo = [q for q in questions if q.type == "free_text" and q.id not in self._prepared]
        texts = [t for q in todo for t in (q.question, *q.references)]
        texts += [w for q in todo for which in ("points", "wrong") for _, w in _wordings(q, which)]
        texts += [t for q in todo for t in _denials(q)]
        self.embedder.encode(texts, persist=True)
        for q in todo:
            rubric = q.rubric
            q_vec = self.embedder.encode([q.question])[0]
            topic = frozenset(content_stems(q.question))
            self._prepared[q.id] = _Prepared(
                question=q_vec,
                references=demote(self.embedder.encode(q.references), q_vec),
                points=self._wordings(q, "points", q_vec),
                misconceptions=self._wordings(q, "wrong", q_vec),
                denials=demote(self.embedder.encode(_denials(q)), q_vec),
                question_terms=set(topic),
                wrong_patterns=[
                    [Pattern.compile(p) for p in m.patterns]
                    for m in (rubric.misconceptions if rubric else [])
                ],
                distinctive=_distinctive_words(q),
                lexicon=Lexicon(rubric.key_points) if rubric else None,
                reference_words=[words(r) for r in q.references],
                contrasts=(contrasts := _contrasts(q)),
                swapped_points=[
                    any(
                        roles_swapped(m.statement, p.statement, contrasts, topic)
                        for p in rubric.key_points
                    )
                    for m in (rubric.misconceptions if rubric else [])
                ],
            )

    def _wordings(self, question: Question, which: str, q_vec: np.ndarray) -> _Wordings:
        found = _wordings(question, which)
        rubric = question.rubric
        return _Wordings(
            vectors=demote(self.embedder.encode([w for _, w in found]), q_vec),
            owner=np.array([j for j, _ in found], dtype=int),
            count=len(rubric.key_points if which == "points" else rubric.misconceptions)
            if rubric
            else 0,
        )

    # ------------------------------------------------------------ public API

    def score(self, question_id: str, answer: str) -> Result:
        """Grade one answer to one question."""
        return self.score_many([(question_id, answer)])[0]

    def score_many(
        self,
        items: Sequence[tuple[str, str]],
        progress: Callable[[int], None] | None = None,
    ) -> list[Result]:
        """Grade (question_id, answer) pairs, embedding every text in shared batches.

        `progress` is called with the number of answers finished, as they finish.
        Answers must pass `check_answer`; question ids must be in the bank.
        """
        for qid, answer in items:
            problem = check_answer(answer)
            if problem:
                raise ValueError(f"{qid}: {problem}")
        # Chunks bound memory in long batches while keeping the model's batches full.
        chunks = [
            items[start : start + CHUNK_ANSWERS] for start in range(0, len(items), CHUNK_ANSWERS)
        ]
        results: list[Result] = []
        for chunk, sentences in prepared_ahead(chunks, self._embed):
            results += self._grade(chunk, sentences, progress)
        return results

    def embed_ahead(self, question_id: str, answer: str) -> None:
        """Embed what grading `answer` needs, without grading it.

        The apps call this while the user pauses typing: when the answer is submitted, only
        the sentences typed since are left to embed, so the score comes back at once.
        """
        self.embed_many([(question_id, answer)])

    def embed_many(self, items: Sequence[tuple[str, str]]) -> None:
        """Embed what grading (question_id, answer) pairs needs, without grading them: a batch
        embeds its next rows in a thread while it grades these. Answers that `check_answer`
        refuses are left out."""
        self._embed([(qid, answer) for qid, answer in items if not check_answer(answer)])

    def _embed(self, items: Sequence[tuple[str, str]]) -> list[list[str]]:
        """Embed the questions' texts, then every answer's sentences; return the sentences."""
        questions = [self.bank.get(qid) for qid, _ in items]
        self._prepare(questions)
        sentences = [split_sentences(a) or [a.strip()] for _, a in items]
        self.embedder.embed_answers(
            [(a, ss) for (_, a), ss, q in zip(items, sentences, questions) if q.type == "free_text"]
        )
        return sentences

    def _grade(
        self,
        items: Sequence[tuple[str, str]],
        sentences: list[list[str]],
        progress: Callable[[int], None] | None,
    ) -> list[Result]:
        """Grade answers whose texts `_embed` has embedded, given their sentences."""
        results = []
        questions = [self.bank.get(qid) for qid, _ in items]
        for (_, answer), question, sents in zip(items, questions, sentences):
            if question.type == "choice":
                results.append(self._score_choice(question, answer))
            else:
                results.append(self._score_free_text(question, answer, sents))
            if progress:
                progress(1)
        return results

    # ------------------------------------------------------------ choice questions

    def _score_choice(self, question: Question, answer: str) -> Result:
        picked = picked_option(answer, question.options)
        right = picked == question.answer
        if picked is None:
            note = (
                f"could not tell which option was chosen; options are {', '.join(question.options)}"
            )
        else:
            note = f"chose {picked}; the correct option is {question.answer}"
        return Result(
            question_id=question.id,
            answer=answer,
            score=100.0 if right else 0.0,
            passed=right,
            pass_mark=verdict.CHOICE_PASS_MARK,
            similarity=float(right),
            raw_cosine=float(right),
            coverage=float(right),
            best_reference=None,
            sentences=[answer.strip()],
            notes=[note],
            model=self.embedder.label,
            bank_version=self.bank.version,
        )

    # ------------------------------------------------------------ free-text questions

    def _score_free_text(self, question: Question, answer: str, sentences: list[str]) -> Result:
        prepared = self._prepared[question.id]
        rubric = question.rubric
        whole_vec = self.embedder.answer_vector(answer, sentences)
        answer_vec = demote(whole_vec[None, :], prepared.question)[0]
        sentence_vecs = demote(self.embedder.encode(sentences), prepared.question)

        ref_cos = prepared.references @ answer_vec
        best_ref = int(np.argmax(ref_cos))
        raw_cosine = float(ref_cos[best_ref])
        similarity = float(np.clip((raw_cosine - SIM_FLOOR) / (SIM_CEILING - SIM_FLOOR), 0, 1))

        # Only sentences in English word order can state anything, right or wrong.
        order = [_ORDER().order_score(s) for s in sentences]
        # Where the question asks for a list, a list sentence has no word order to judge: it
        # counts as ordered, and does not drag the answer's order down.
        listed = [bool(rubric and rubric.asks_for_list) and _is_list(s) for s in sentences]
        # There, too, a sentence of three or more prose items in English word order ("CNNs
        # for images, RNNs for sequences, GANs for generating samples") names each item with
        # its own use: the sides it names are read item by item. A bare list of keywords is
        # read whole, as before: a dump of every term earns no reading in its favour.
        role_parts = [
            _items_or_whole(
                s,
                bool(rubric and rubric.asks_for_list)
                and not li
                and (z is None or z >= SCRAMBLED_SENTENCE),
            )
            for s, z, li in zip(sentences, order, listed)
        ]
        order = [
            max(z, SCRAMBLED_ANSWER) if li and z is not None else z for z, li in zip(order, listed)
        ]
        ordered = [
            z is None or z >= SCRAMBLED_SENTENCE or len(words(s)) < SCRAMBLED_SENTENCE_WORDS
            for s, z in zip(sentences, order)
        ]
        margins: dict[str, float] = {}
        misconceptions = self._misconceptions(
            question, sentences, sentence_vecs, prepared, ordered, margins
        )
        wrong_sentences = {m.sentence_index for m in misconceptions}
        points = self._points(
            question,
            sentences,
            sentence_vecs,
            prepared,
            wrong_sentences,
            ordered,
            listed,
            role_parts,
        )
        points = self._joined_points(
            question,
            sentences,
            sentence_vecs,
            prepared,
            points,
            wrong_sentences,
            ordered,
            listed,
            role_parts,
        )

        total_weight = sum(p.weight for p in points) or 1.0
        coverage = sum(p.weight * p.credit for p in points) / total_weight
        sim_w = rubric.similarity_weight if rubric else 1.0
        cov_w = rubric.coverage_weight if rubric else 0.0
        pass_mark = rubric.pass_mark if rubric else verdict.DEFAULT_PASS_MARK
        raw = 100 * (sim_w * similarity + cov_w * (coverage if points else 0.0))
        quality = max(0.0, min(100.0, raw - sum(m.penalty for m in misconceptions)))

        flags = self._flags(
            question, answer, sentences, whole_vec, coverage, order, listed, margins
        )
        margins.update(_essential_margins(points))
        notes = [f"{m.id}: -{m.penalty:g} for stating a misconception" for m in misconceptions]
        essential = [p for p in points if p.essential]
        score = quality
        if essential:
            # Essential points decide the pass, whatever the length (see grader.verdict).
            unstated = [p.id for p in essential if p.status not in ("covered", "partial")]
            core = verdict.states_the_core(
                (p.status for p in essential), (p.status for p in points)
            )
            score = verdict.essential_score(quality, pass_mark, core, bool(misconceptions))
            if unstated:
                notes.append(f"fails: an essential point is not stated ({', '.join(unstated)})")
            elif not core:
                notes.append("fails: no key point is stated outright, each only in part")
        gaming = verdict.gaming_flags(flags)
        if gaming:
            cap = verdict.gaming_cap(pass_mark)
            if score > cap:
                notes.append(f"score capped at {cap:g}: {FLAG_TEXT[gaming[0]]}")
                score = cap
        score = round(score, 1)
        result = Result(
            question_id=question.id,
            answer=answer,
            score=score,
            passed=verdict.passed(score, pass_mark, flags),
            pass_mark=pass_mark,
            similarity=round(similarity, 4),
            raw_cosine=round(raw_cosine, 4),
            coverage=round(coverage, 4),
            best_reference=best_ref,
            sentences=sentences,
            points=points,
            misconceptions=misconceptions,
            flags=flags,
            notes=notes,
            model=self.embedder.label,
            bank_version=self.bank.version,
            margins={k: round(v, 4) for k, v in margins.items()},
        )
        return confidence.assess(result)

    def _points(
        self,
        question: Question,
        sentences: list[str],
        sentence_vecs: np.ndarray,
        prepared: _Prepared,
        wrong_sentences: set[int],
        ordered: list[bool],
        listed: list[bool],
        role_parts: list[list[str]],
        pieces: list[list[str]] | None = None,
    ) -> list[PointResult]:
        """Each key point's status and credit. `role_parts`: per sentence, the parts each read
        on its own for swapped roles (the sentence itself, or an enumeration's items);
        `pieces`: per sentence, the sentences any of which voids its credit for a point by
        contradicting it (the sentence itself, unless it joins two)."""
        if question.rubric is None:
            return []
        key_points = question.rubric.key_points
        sims = prepared.points.sims(sentence_vecs)  # sentences x points
        lexical = prepared.lexicon.match(sentences)
        # A word list is not a statement, and a sentence that states a misconception earns nothing.
        usable = np.array(
            [
                (_is_statement(s) or listed[i]) and i not in wrong_sentences and ordered[i]
                for i, s in enumerate(sentences)
            ]
        )
        # A sentence speaks for the points near its own best one, or for those it names.
        margin = ONE_SENTENCE_MARGIN if len(sentences) == 1 else POINT_MARGIN
        focused = (sims >= sims.max(axis=1, keepdims=True) - margin) | lexical
        eligible = usable[:, None] & focused
        credit = np.where(
            eligible & ((sims >= POINT_COVERED) | (lexical & (sims >= POINT_LEXICAL))),
            1.0,
            np.where(eligible & ((sims >= POINT_PARTIAL) | lexical), 0.5, 0.0),
        )
        # Negation is checked only where a sentence would earn credit: it is the costly test.
        flipped = np.zeros_like(lexical)
        topic = frozenset(prepared.question_terms)
        # Against the statement alone: the rules read a claim's polarity in the statements'
        # plain style, and a phrasing's examples and asides would make them misfire.
        for i, j in zip(*np.nonzero(credit)):
            statement = key_points[j].statement
            flipped[i, j] = any(
                contradicts(piece, statement, topic, prepared.contrasts)
                for piece in (pieces[i] if pieces else [sentences[i]])
            )
            flipped[i, j] |= any(
                roles_swapped(part, statement, prepared.contrasts, topic, key_points[j].synonyms)
                for part in role_parts[i]
            )
        earned = np.where(flipped, 0.0, credit)

        results = []
        for j, point in enumerate(key_points):
            status = "missing"
            if earned[:, j].any():
                # The best-crediting sentence; among equals, the closest in meaning.
                i = int(np.lexsort((sims[:, j], earned[:, j]))[-1])
                status = "covered" if earned[i, j] == 1.0 else "partial"
            elif (credit[:, j] > 0).any():
                i = int(np.argmax(np.where(credit[:, j] > 0, sims[:, j], -2.0)))
                status = "contradicted"
            else:
                i = int(np.argmax(sims[:, j]))
            found = status != "missing"
            results.append(
                PointResult(
                    id=point.id,
                    statement=point.statement,
                    weight=point.weight,
                    status=status,
                    credit=float(earned[i, j]),
                    similarity=round(float(sims[i, j]), 4),
                    lexical=bool(lexical[i, j]),
                    sentence=sentences[i] if found else None,
                    sentence_index=i if found else None,
                    essential=point.essential,
                )
            )
        return results

    def _joined_points(
        self,
        question: Question,
        sentences: list[str],
        sentence_vecs: np.ndarray,
        prepared: _Prepared,
        points: list[PointResult],
        wrong_sentences: set[int],
        ordered: list[bool],
        listed: list[bool],
        role_parts: list[list[str]],
    ) -> list[PointResult]:
        """`points`, with each essential point that no sentence states alone read from two
        adjacent sentences together, for at most JOINED_CREDIT.

        An answer that leads with an example ("a news article filed under one section ...")
        spreads a point over two sentences, neither of which is close to it alone. Their
        vector is pooled from the sentences' own tokens, so nothing is run through the model
        again. Both must be statements (not keyword runs), neither may state a misconception
        or contradict the point, the pair must be close to the point (POINT_PARTIAL), and by
        meaning alone it must beat both its sentences by JOINED_GAIN.
        """
        missing = [j for j, p in enumerate(points) if p.essential and p.status == "missing"]
        if not missing or len(sentences) < 2:
            return points
        starts = range(len(sentences) - 1)
        joined = [f"{sentences[i]} {sentences[i + 1]}" for i in starts]
        vectors = demote(
            np.stack(
                [
                    self.embedder.answer_vector(text, sentences[i : i + 2])
                    for i, text in zip(starts, joined)
                ]
            ),
            prepared.question,
        )
        # Most answers have no pair close enough to a missing point: skip the costly reading.
        if prepared.points.sims(vectors)[:, missing].max() < POINT_PARTIAL:
            return points
        found = self._points(
            question,
            joined,
            vectors,
            prepared,
            # A keyword run joined to a sentence states nothing more than the sentence does.
            {
                i
                for i in starts
                if {i, i + 1} & wrong_sentences
                or not all(_is_statement(sentences[k]) or listed[k] for k in (i, i + 1))
            },
            [ordered[i] and ordered[i + 1] for i in starts],
            [False] * len(joined),
            [role_parts[i] + role_parts[i + 1] for i in starts],
            [sentences[i : i + 2] for i in starts],
        )
        points = list(points)
        alone = prepared.points.sims(sentence_vecs)
        for j in missing:
            pair, i = found[j], found[j].sentence_index
            if pair.status not in ("covered", "partial"):
                continue
            # Close in meaning, and closer than either sentence alone unless it names the
            # point: a synonym pieced together from two sentences is too weak a sign alone.
            gain = 0.0 if pair.lexical else JOINED_GAIN
            if pair.similarity >= max(POINT_PARTIAL, alone[i, j] + gain, alone[i + 1, j] + gain):
                credit = min(pair.credit, JOINED_CREDIT)
                points[j] = replace(pair, status="partial", credit=credit)
        return points

    def _misconceptions(
        self,
        question: Question,
        sentences: list[str],
        sentence_vecs: np.ndarray,
        prepared: _Prepared,
        ordered: list[bool],
        margins: dict[str, float],
    ) -> list[MisconceptionHit]:
        """The misconceptions the answer asserts; `margins` gets how narrowly each one decided
        by meaning was asserted, or (within confidence.EDGE) was not."""
        if question.rubric is None or not question.rubric.misconceptions:
            return []
        sims = prepared.misconceptions.sims(sentence_vecs)
        # ...and closer to it than to its plain denial ("min-max is sensitive to outliers" sits
        # near "min-max copes well with outliers", nearer still to "does not cope well").
        denied = sentence_vecs @ prepared.denials.T
        # A wrong claim must be closer to the misconception than to any right point.
        right = prepared.points.sims(sentence_vecs).max(axis=1)
        hits = []
        topic, pairs = prepared.question_terms, prepared.contrasts
        for j, wrong in enumerate(question.rubric.misconceptions):
            # By how much the closest sentence beats (or misses) the bar for meaning.
            bar = np.maximum(np.maximum(MISCONCEPTION_MATCH, right), denied[:, j])
            for i in np.argsort(-sims[:, j]):
                if not ordered[i]:
                    continue
                sentence = sentences[i]
                # Only where the sentence asserts it: not inside a denial, a contrast, a
                # reported belief or a clause about something else.
                by_pattern = any(
                    asserts(sentence, wrong.statement, m.span(), topic, pairs)
                    for p in prepared.wrong_patterns[j]
                    for m in p.finditer(sentence)
                )
                by_meaning = (
                    sims[i, j] >= bar[i]
                    and bool(
                        prepared.distinctive[j]
                        & asserted_words(sentence, wrong.statement, pairs, topic)
                    )
                    and not contradicts(sentence, wrong.statement, topic, pairs)
                    and asserts(sentence, wrong.statement, None, topic, pairs)
                    # The model hardly tells "first general, last specific" from its swap.
                    and not roles_swapped(
                        sentence, wrong.statement, pairs, topic, margin=SWAP_MARGIN
                    )
                )
                # A misconception that swaps what a key point says of two compared things
                # is stated by a sentence that says the same of each of them.
                by_roles = (
                    prepared.swapped_points[j]
                    and roles_agree(sentence, wrong.statement, pairs, topic)
                    and asserts(sentence, wrong.statement, None, topic, pairs)
                )
                if by_pattern or by_meaning or by_roles:
                    hits.append(
                        MisconceptionHit(wrong.id, wrong.statement, wrong.penalty, sentence, int(i))
                    )
                    if by_meaning and not by_pattern:
                        margins[f"misconception:{wrong.id}"] = float(sims[i, j] - bar[i])
                    break
            else:
                near = [
                    i
                    for i in range(len(sentences))
                    if ordered[i]
                    and -confidence.EDGE < sims[i, j] - bar[i] < 0
                    and prepared.distinctive[j] & set(content_stems(sentences[i]))
                    and asserts(sentences[i], wrong.statement, None, topic, pairs)
                ]
                if near:
                    i = max(near, key=lambda k: sims[k, j] - bar[k])
                    margins[f"misconception:{wrong.id}"] = float(sims[i, j] - bar[i])
        return hits

    def _flags(
        self,
        question: Question,
        answer: str,
        sentences: list[str],
        whole_vec: np.ndarray,
        coverage: float,
        order: list[float | None],
        listed: list[bool],
        margins: dict[str, float],
    ) -> list[str]:
        flags = []
        tokens = words(answer)
        mean_order = _mean_order(sentences, order)
        alpha = [t for t in tokens if t.isalpha()]
        if alpha and sum(t not in self._known_words for t in alpha) / len(alpha) >= GIBBERISH_SHARE:
            flags.append("gibberish")
        stems = content_stems(answer)
        prepared = self._prepared[question.id]
        if stems and _share(stems, prepared.question_terms) >= COPIED_QUESTION_SHARE:
            flags.append("copied_question")
        # Rubric words strung into one endless "sentence" are stuffing, not an explanation.
        stuffed = (
            len(stems) >= 8
            and prepared.lexicon is not None
            and _share(stems, set(prepared.lexicon.vocab)) >= KEYWORD_DENSITY
            and max(len(words(s)) for s in sentences) >= LONGEST_PROSE_SENTENCE
        )
        # A list answering a question that asks for one is not a keyword list; a run of
        # keywords without separators still is.
        listing = bool(question.rubric and question.rubric.asks_for_list) and all(
            li or _is_statement(s) for s, li in zip(sentences, listed)
        )
        if len(tokens) >= 6 and (
            stuffed or (not listing and _looks_like_keywords(answer, mean_order))
        ):
            flags.append("keyword_list")
        # A reference's words in another order are a scramble only when the answer's own
        # word order does not read as English: a terse answer of the reference's terms
        # ("Sigmoid, tanh, ReLU and variants ... in hidden layers") orders them its own way.
        # (Too few words for a mean: the best-ordered sentence speaks for the answer.)
        own_order = (
            mean_order
            if mean_order is not None
            else max((z for z in order if z is not None), default=None)
        )
        if _scrambled_order(sentences, order) or (
            len(tokens) >= 10
            and (own_order is None or own_order < PROSE_ORDER)
            and any(_scrambled(tokens, ref) for ref in prepared.reference_words)
        ):
            flags.append("shuffled_words")
        off_topic = self._off_topic_margin(question, whole_vec, coverage)
        margins["flag:off_topic"] = off_topic
        if off_topic > 0:
            flags.append("off_topic")
        min_words = question.rubric.min_words if question.rubric else 5
        if len(tokens) < min_words:
            flags.append("too_short")
        return flags

    def _off_topic_margin(
        self, question: Question, whole_vec: np.ndarray, coverage: float
    ) -> float:
        """Off topic when positive: far from every reference, or closer to another question's
        references, a little when the answer covers hardly any point, clearly whatever it
        covers. The value is how far the deciding cosine is past (or short of) its threshold.

        Plain (not demoted) cosines: here the subject is exactly what matters.
        """
        cos = self._all_refs @ whole_vec
        own = max(c for c, owner in zip(cos, self._ref_owner) if owner == question.id)
        others = [c for c, owner in zip(cos, self._ref_owner) if owner != question.id]
        gap = max(others) - own if others else -1.0
        margin = gap - OFF_TOPIC_CLEAR
        if coverage < 0.25:
            margin = max(margin, OFF_TOPIC_COSINE - own, gap - OFF_TOPIC_MARGIN)
        # Exactly at a threshold is not past it.
        return float(margin) if margin != 0 else -1e-9


def _essential_margins(points: list[PointResult]) -> dict[str, float]:
    """How far each essential point decided by meaning alone was from being stated or not.

    A point matched by its words (a synonym, an acronym) is stated whatever its cosine, and
    one left out although close (its sentence states a misconception, or speaks to another
    point) was not decided by its cosine either.
    """
    return {
        f"point:{p.id}": p.similarity - POINT_PARTIAL
        for p in points
        if p.essential
        and not p.lexical
        and p.status != "contradicted"
        and (p.status != "missing") == (p.similarity >= POINT_PARTIAL)
    }


def _contrasts(question: Question) -> tuple[Pair, ...]:
    """The pairs of things the question compares, as its rubric names them."""
    rubric = question.rubric
    return tuple((Side.parse(a), Side.parse(b)) for a, b in (rubric.contrasts if rubric else []))


def _distinctive_words(question: Question) -> list[set[str]]:
    """Each misconception's content stems less the question's and the key points', and less
    the verbs any claim may use ("used", "makes"), where it has other words."""
    rubric = question.rubric
    if rubric is None:
        return []
    shared = set(content_stems(question.question))
    shared |= {s for p in rubric.key_points for s in content_stems(p.statement)}
    found = [set(content_stems(m.statement)) - shared for m in rubric.misconceptions]
    # Function words ("after", "one") are no evidence of what a sentence claims.
    return [(own - _GENERIC_VERBS or own) - FUNCTION_WORDS for own in found]


_GENERIC_VERBS = frozenset(stem(w) for w in ("use", "make", "give", "take", "get", "have", "do"))


def _denials(question: Question) -> list[str]:
    """The plain denial of each of the rubric's misconceptions ("... does not ...")."""
    rubric = question.rubric
    return [negate(m.statement) for m in rubric.misconceptions] if rubric else []


def _wordings(question: Question, which: str) -> list[tuple[int, str]]:
    """Each key point's (or misconception's) statement and other phrasings, with its index."""
    rubric = question.rubric
    if rubric is None:
        return []
    points = rubric.key_points if which == "points" else rubric.misconceptions
    return [(j, w) for j, p in enumerate(points) for w in (p.statement, *p.phrasings)]


def _is_statement(sentence: str) -> bool:
    """Long enough to say something, and not a run of keywords ("SSD haar cascade benchmark")."""
    tokens = words(sentence)
    if len(tokens) < MIN_SENTENCE_WORDS:
        return False
    return len(tokens) < FRAGMENT_WORDS or function_word_ratio(sentence) >= FRAGMENT_STOP_RATIO


def _list_items(sentence: str) -> list[str]:
    """The parts of a sentence between commas, semicolons, slashes, "and" or "or"."""
    return [p for p in re.split(r"[,;/]|\band\b|\bor\b", sentence) if words(p)]


def _items_or_whole(sentence: str, may_enumerate: bool) -> list[str]:
    """The sentence's items when it may enumerate and has three or more, else the sentence."""
    items = _list_items(sentence) if may_enumerate else []
    return items if len(items) >= 3 else [sentence]


def _is_list(sentence: str) -> bool:
    """Three or more short items between commas, slashes, "and" or "or", with few function
    words (prose that holds a list, or prose shuffled, keeps the function words of prose)."""
    items = [words(p) for p in _list_items(sentence)]
    return (
        len(items) >= 3
        and sum(map(len, items)) / len(items) <= LIST_ITEM_WORDS
        and function_word_ratio(sentence) < LIST_STOP_RATIO
    )


def _scrambled(answer: list[str], reference: list[str]) -> bool:
    """The reference's words, but hardly any of its word pairs: the order was scrambled."""
    pairs = set(zip(reference, reference[1:]))
    known = set(reference)
    kept_words = sum(w in known for w in answer) / len(answer)
    kept_pairs = sum(p in pairs for p in zip(answer, answer[1:])) / (len(answer) - 1)
    return kept_words >= SHUFFLED_WORD_SHARE and kept_pairs < SHUFFLED_PAIR_SHARE


def _mean_order(sentences: list[str], order: list[float | None]) -> float | None:
    """The word-order score of the answer's sentences, weighted by their length (None when
    fewer than SCRAMBLED_MIN_WORDS words could be scored)."""
    scored = [(z, len(words(s))) for s, z in zip(sentences, order) if z is not None]
    total = sum(n for _, n in scored)
    return sum(z * n for z, n in scored) / total if total >= SCRAMBLED_MIN_WORDS else None


def _scrambled_order(sentences: list[str], order: list[float | None]) -> bool:
    """The answer's sentences, weighted by their length, are not in English word order."""
    mean = _mean_order(sentences, order)
    if mean is None:
        return False
    short = sum(len(words(s)) for s in sentences) < SHORT_ANSWER_WORDS
    return mean < (SCRAMBLED_SHORT_ANSWER if short else SCRAMBLED_ANSWER)


def _share(stems: list[str], terms: set[str]) -> float:
    return sum(s in terms for s in stems) / len(stems)


def _looks_like_keywords(answer: str, order: float | None) -> bool:
    """Prose is about 40 % function words; a keyword list has few, or is mostly short items.

    A terse sentence in clear English word order ("It powers image recognition, speech
    recognition, ...") may have as few function words as a list and is not one.
    """
    ratio = function_word_ratio(answer)
    if ratio < KEYWORD_LIST_STOP_RATIO / 2 or (
        ratio < KEYWORD_LIST_STOP_RATIO and (order is None or order < PROSE_ORDER)
    ):
        return True
    items = [words(part) for part in re.split(r"[,;\n|/]+", answer) if words(part)]
    return len(items) >= 6 and sum(map(len, items)) / len(items) <= 2.5
