"""Answers nobody tuned the grader for (benchmarks/adversarial_suite): the verdicts by kind.

The suite was written apart from the rubrics. The bounds below are what the scorer reaches
today (README, "Statements, not words"); where they fall short of the issue's targets the
README says so. Each fails if a change makes its kind worse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.adversarial import build_answers, fined, load_suite

NOTES = Path(__file__).resolve().parents[2] / "shared" / "notes" / "correct-denials.md"


@pytest.fixture(scope="module")
def graded(scorer):
    items = build_answers(load_suite())
    results = scorer.score_many([(i.question_id, i.text) for i in items])
    by_kind: dict[str, list] = {}
    for item, result in zip(items, results):
        by_kind.setdefault(item.kind, []).append((item, result))
    return by_kind


def share(pairs, test) -> float:
    return sum(test(item, result) for item, result in pairs) / len(pairs)


def test_word_salad_never_passes(graded):
    assert share(graded["shuffled"], lambda i, r: r.passed) == 0
    assert share(graded["shuffled"], lambda i, r: "shuffled_words" in r.flags) >= 0.9


def test_correct_denials_are_not_fined(graded):
    assert share(graded["denial"], fined) <= 0.03
    assert share(graded["sound+denial"], fined) <= 0.03


def test_sound_terse_and_non_native_answers_pass(graded):
    assert share(graded["sound"], lambda i, r: r.passed) >= 0.9
    assert share(graded["terse"], lambda i, r: r.passed) >= 0.85
    assert share(graded["nonnative"], lambda i, r: r.passed) >= 0.8


def test_reversed_answers_fail(graded):
    assert share(graded["reversed"], lambda i, r: r.passed) <= 0.1


@pytest.mark.skipif(not NOTES.exists(), reason="the shared reviewer notes are not beside the repo")
def test_the_reviewers_correct_sentences_are_not_fined(scorer):
    rows = [
        line.strip().strip("|").split("|", 1)
        for line in NOTES.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| question_id")
    ]
    results = scorer.score_many([(q.strip(), s.strip()) for q, s in rows])
    assert [(r.question_id, r.answer) for r in results if r.misconceptions] == []
