"""Scoring behaviour with the real model and the built-in bank."""

from __future__ import annotations

import random

import pytest

from grader.scoring import check_answer

LR_GOOD = (
    "The learning rate controls how large a step the optimiser takes along the negative "
    "gradient when it updates the weights. Set it too high and the updates overshoot, so the "
    "loss bounces around or even diverges. Set it too low and training crawls and may get "
    "stuck. You usually tune it with a sweep or use a schedule that decays it."
)
LR_PARTIAL = "The learning rate is a hyperparameter you pick before training starts."
LR_WRONG = (
    "The learning rate is a weight that the network learns by backpropagation. A higher learning "
    "rate is always better because the model trains faster."
)


def test_sound_beats_partial_beats_wrong(scorer):
    good, partial, wrong = (
        r.score
        for r in scorer.score_many([("learning-rate", a) for a in (LR_GOOD, LR_PARTIAL, LR_WRONG)])
    )
    assert good >= 75 > partial > wrong
    assert wrong < 20


def test_suite_orders_answers_for_most_questions(scorer, suite):
    """Across the whole bank: every sound answer beats that question's wrong answer, mostly."""
    items = [(qid, a["text"]) for qid, answers in suite.items() for a in answers]
    results = scorer.score_many(items)
    by_question: dict[str, dict[str, list[float]]] = {}
    for (qid, _), answer, result in zip(items, [a for v in suite.values() for a in v], results):
        by_question.setdefault(qid, {}).setdefault(answer["kind"], []).append(result.score)
    assert len(by_question) >= 37
    ordered = [k for k in by_question.values() if min(k["good"]) > max(k["wrong"])]
    assert len(ordered) / len(by_question) >= 0.85
    good = [s for k in by_question.values() for s in k["good"]]
    assert sum(s >= 60 for s in good) / len(good) >= 0.8
    wrong = [s for k in by_question.values() for s in k["wrong"]]
    assert sum(s < 60 for s in wrong) / len(wrong) >= 0.8
    partial = [s for k in by_question.values() for s in k["partial"]]
    assert sum(partial) / len(partial) < sum(good) / len(good)


def test_explanation_names_the_points_and_sentences(scorer):
    result = scorer.score("learning-rate", LR_GOOD)
    covered = {p.id: p for p in result.covered_points}
    assert {"step-size", "too-high-diverges", "too-low-slow"} <= set(covered)
    assert "too high" in covered["too-high-diverges"].sentence
    assert "too low" in covered["too-low-slow"].sentence
    assert (
        result.sentences[covered["too-low-slow"].sentence_index] == covered["too-low-slow"].sentence
    )
    assert not result.misconceptions and not result.flags


def test_misconception_is_found_and_costs_points(scorer):
    result = scorer.score("learning-rate", LR_WRONG)
    assert {m.id for m in result.misconceptions} >= {"bigger-always-better"}
    hit = next(m for m in result.misconceptions if m.id == "bigger-always-better")
    assert "always better" in hit.sentence
    assert not result.passed


def test_negated_point_is_contradicted_not_covered(scorer):
    answer = (
        "The learning rate multiplies the gradient in each update. A learning rate that is too "
        "high does not overshoot and never makes the loss diverge."
    )
    point = {p.id: p for p in scorer.score("learning-rate", answer).points}["too-high-diverges"]
    assert point.status == "contradicted" and point.credit == 0


def gaming_answers(question, other, rng: random.Random) -> dict[str, str]:
    reference_words = question.references[0].split()
    rng.shuffle(reference_words)
    keywords = [s for p in question.rubric.key_points for s in p.synonyms]
    return {
        "keyword_list": ", ".join(keywords),
        "keywords_no_commas": " ".join(keywords),
        "copied_question": question.question,
        "other_question": other.references[0],
        "filler": "That is a great question and it really depends on many factors. In practice "
        "there are lots of things to consider and every situation is different.",
        "gibberish": "asdkj qwepoi zxcmvn lkjasd poiqwe mnbzxc ertyu",
        "too_short": "not sure",
    }


def test_gaming_answers_never_pass(scorer, bank):
    rng = random.Random(7)
    free = bank.free_text()
    items, kinds = [], []
    for i, question in enumerate(free):
        other = free[(i + len(free) // 2) % len(free)]
        for kind, text in gaming_answers(question, other, rng).items():
            items.append((question.id, text))
            kinds.append(kind)
    results = scorer.score_many(items)
    passed = [(k, r.question_id, r.score) for k, r in zip(kinds, results) if r.passed]
    assert not passed
    flagged = {
        k: sum(bool(r.flags) for kk, r in zip(kinds, results) if kk == k) for k in set(kinds)
    }
    assert flagged["keyword_list"] == len(free)
    assert flagged["copied_question"] == len(free)
    assert flagged["gibberish"] == len(free)
    assert flagged["too_short"] == len(free)


def test_unrelated_answer_lands_near_zero(scorer):
    result = scorer.score(
        "learning-rate",
        "Paris is the capital of France and is famous for its museums, cafes and the Eiffel Tower.",
    )
    assert result.score < 10
    assert "off_topic" in result.flags


def test_same_answer_same_score_in_any_batch(scorer):
    alone = scorer.score("learning-rate", LR_GOOD)
    batched = scorer.score_many([("learning-rate", LR_PARTIAL), ("learning-rate", LR_GOOD)])[1]
    assert alone.score == batched.score and alone.points == batched.points


def test_result_records_model_and_bank_version(scorer, bank):
    result = scorer.score("learning-rate", LR_GOOD)
    assert result.model.startswith("all-MiniLM-L6-v2")
    assert result.bank_version == bank.version


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("b", True),
        ("(B)", True),
        ("Option b", True),
        ("softmax", True),
        ("a", False),
        ("ReLU", False),
        ("I have no idea", False),
    ],
)
def test_choice_questions_are_graded_exactly(scorer, answer, right):
    result = scorer.score("mcq-softmax-output", answer)
    assert result.passed is right
    assert result.score == (100.0 if right else 0.0)


@pytest.mark.parametrize("answer", ["", "   ", "x" * 100_000])
def test_ungradeable_answers_are_refused(scorer, answer):
    assert check_answer(answer)
    with pytest.raises(ValueError):
        scorer.score("learning-rate", answer)
