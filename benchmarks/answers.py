"""A deterministic set of realistic answers over the whole bank, for speed benchmarks.

Built from the hand-written answer suite and the reference answers: each generated answer joins
a random subset of the sentences written for its question, each sentence with one or two words
dropped, so that answers and nearly all sentences are unique, as real answers are (a
benchmark full of repeats would only measure the embedding cache).
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from grader.bank import Bank
from grader.text import split_sentences

SUITE = Path(__file__).resolve().parent / "answer_suite"


def make_answers(bank: Bank, count: int, seed: int = 13) -> list[tuple[str, str]]:
    """`count` (question_id, answer) pairs cycling over every free-text question."""
    rng = random.Random(seed)
    pools: dict[str, list[str]] = {}
    for question in bank.free_text():
        texts = list(question.references)
        path = SUITE / f"{question.id}.yaml"
        if path.exists():
            texts += [a["text"] for a in yaml.safe_load(path.read_text())["answers"]]
        pools[question.id] = [s for t in texts for s in split_sentences(t)]
    ids = sorted(pools)
    answers = []
    for i in range(count):
        qid = ids[i % len(ids)]
        pool = pools[qid]
        picked = rng.sample(pool, k=min(len(pool), rng.randint(1, 6)))
        answers.append((qid, " ".join(_vary(s, rng) for s in picked)))
    return answers


def _vary(sentence: str, rng: random.Random) -> str:
    """The sentence with one or two of its words (never the first) left out."""
    tokens = sentence.split()
    for _ in range(rng.randint(1, 2)):
        if len(tokens) > 3:
            del tokens[rng.randrange(1, len(tokens))]
    return " ".join(tokens)
