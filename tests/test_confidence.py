"""Confidence and review: the rule (grader.confidence), the scorer's margins, and the commands
that show it (grade, score, evaluate)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest

from grader import confidence
from grader.models import PointResult, Result

from .factories import choice_result, learning_rate_result
from .graded_sample import graded_csv


def essential(pid: str, status: str, similarity: float) -> PointResult:
    credit = {"covered": 1.0, "partial": 0.5}.get(status, 0.0)
    return PointResult(
        pid, f"{pid} statement", 1.0, status, credit, similarity, False, essential=True
    )


def plain(score: float, **changes) -> Result:
    """A free-text result with no edge: only its score and side decide its confidence."""
    base = learning_rate_result(score, better=True)
    base = replace(base, passed=score >= 60, misconceptions=[], flags=[], margins={})
    return replace(base, **changes)


# ---------------------------------------------------------------- the rule


def test_confidence_grows_with_the_distance_from_the_pass_mark():
    near, far = confidence.assess(plain(62)), confidence.assess(plain(95))
    low_fail, near_fail = confidence.assess(plain(5)), confidence.assess(plain(57))
    assert near.confidence < far.confidence and near_fail.confidence < low_fail.confidence
    assert 0 < near.confidence < 1 and 0 < far.confidence < 1
    # A pass is wrong more often than a fail the same distance away.
    assert confidence.assess(plain(70)).confidence < confidence.assess(plain(50)).confidence


def test_needs_review_follows_the_band_and_names_the_reason():
    near = confidence.assess(plain(61), review_band=0.9)
    assert near.needs_review
    assert near.review_reason.startswith("score 61 is 1.0 from the pass mark 60")
    assert near.borderline.startswith("borderline (confidence ")
    assert not confidence.assess(plain(61), review_band=0.0).needs_review
    far = confidence.assess(plain(99), review_band=0.3)
    assert not far.needs_review and far.review_reason is None and far.borderline is None


def test_a_pass_unlike_every_reference_says_so():
    odd = confidence.assess(plain(70, raw_cosine=0.2), review_band=1.0)
    assert "unlike every reference (cosine 0.20)" in odd.review_reason
    assert odd.confidence < confidence.assess(plain(70, raw_cosine=0.9)).confidence


def test_the_default_band_flags_about_a_fifth_of_its_training_verdicts():
    model = confidence.default_model()
    assert 0.4 < model.review_band < 0.8
    assert model.fitted_on["data"].startswith("semeval2013_beetle.csv, split train")


def test_an_essential_point_on_the_edge_of_a_pass_caps_confidence():
    points = [essential("core", "partial", 0.43), essential("other", "covered", 0.8)]
    result = plain(90, points=points, margins={"point:core": 0.01, "point:other": 0.38})
    judged = confidence.assess(result)
    assert judged.confidence <= confidence.EDGE_CONFIDENCE and judged.needs_review
    assert judged.review_reason == "essential point core just stated (by +0.01)"


def test_a_fail_is_on_an_edge_only_when_that_alone_made_it_fail():
    alone = [essential("core", "missing", 0.41), essential("other", "covered", 0.8)]
    margins = {"point:core": -0.01, "point:other": 0.38}
    judged = confidence.assess(plain(40, points=alone, margins=margins))
    assert judged.review_reason == "essential point core only just not stated (by -0.01)"
    # With a second essential point missing, stating the first would still fail.
    two = [essential("core", "missing", 0.41), essential("other", "missing", 0.1)]
    judged = confidence.assess(plain(5, points=two, margins=margins | {"point:other": -0.32}))
    assert not confidence.edges(judged)


def test_a_narrow_misconception_or_flag_is_an_edge():
    hit = learning_rate_result(30, better=True)
    points = [essential("core", "covered", 0.8)]
    wrong = replace(
        hit, points=points, flags=[], margins={"misconception:bigger-always-better": 0.02}
    )
    assert confidence.edges(wrong) == [
        "misconception bigger-always-better just asserted (by +0.02)"
    ]
    near_flag = plain(80, margins={"flag:off_topic": -0.01})
    assert confidence.edges(near_flag) == ["flag off_topic only just not raised (by -0.01)"]
    assert not confidence.edges(plain(80, margins={"flag:off_topic": -0.2}))


def test_similarity_against_coverage_is_doubted_only_when_the_verdict_follows_similarity():
    follows_similarity = plain(75, similarity=0.95, coverage=0.3)
    assert confidence.edges(follows_similarity) == ["similarity 0.95 and coverage 30% disagree"]
    follows_coverage = plain(30, similarity=0.95, coverage=0.1, passed=False)
    assert not confidence.edges(follows_coverage)


def test_choice_answers_are_exact():
    result = choice_result("b", right=True)
    assert confidence.assess(result, review_band=1.0) == result
    assert result.confidence == 1.0 and not result.needs_review


def test_results_saved_before_confidence_existed_still_load():
    data = learning_rate_result(70, better=True).to_dict()
    for key in ("margins", "confidence", "needs_review", "review_reason"):
        del data[key]
    old = Result.from_dict(data)
    assert old.confidence == 1.0 and not old.needs_review and old.review_reason is None


def test_fit_sets_the_band_at_the_share_to_review():
    rng = np.random.default_rng(0)
    margin = rng.uniform(0, 2, 400)
    rows = np.c_[margin, rng.integers(0, 2, 400), np.zeros(400)]
    right = rng.uniform(size=400) < 0.5 + margin / 4
    model = confidence.fit(rows, right, score_error=40.0, review_share=0.25)
    assert model.coef[0] > 0  # further from the mark, more often right
    assert np.mean(model.predict(rows) < model.review_band) == pytest.approx(0.25, abs=0.01)
    again = confidence.from_dict(json.loads(model.to_json()))
    assert again == model
    with pytest.raises(confidence.ConfidenceError, match="nothing to fit"):
        confidence.fit(rows, np.ones(400), score_error=40.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "not a confidence model"),
        ({"version": 9}, "unsupported version 9"),
        ({"coef": [1.0]}, "coef must be a list of 3 numbers"),
        ({"score_error": 0}, "score_error must be positive"),
        ({"scale": [1.0, 0.0, 1.0]}, "scale values must be positive"),
        ({"intercept": "x"}, "intercept must hold finite numbers"),
    ],
)
def test_broken_models_are_refused(change, message):
    data = json.loads(confidence.default_model().to_json()) | change
    with pytest.raises(confidence.ConfidenceError, match=message):
        confidence.from_dict(data)


def test_selective_agreement_sets_the_least_confident_aside():
    right = np.array([0, 0, 1, 1, 1, 1, 1, 1, 0, 1])
    conf = np.array([0.1, 0.2, 0.9, 0.8, 0.7, 0.9, 0.6, 0.95, 0.65, 0.85])
    report = confidence.selective_agreement(right, conf, share=0.2)
    assert report["accuracy_all"] == 0.7 and report["set_aside"] == 0.2
    assert report["accuracy_rest"] == 0.875 and report["accuracy_set_aside"] == 0.0
    assert report["gain"] == pytest.approx(0.175)


# ---------------------------------------------------------------- with the model


def test_scored_answers_carry_confidence(scorer, suite):
    items = [(qid, a["text"]) for qid, answers in suite.items() for a in answers]
    kinds = [a["kind"] for answers in suite.values() for a in answers]
    results = scorer.score_many(items)
    assert all(0 < r.confidence <= 1 for r in results)
    flagged = {k: sum(r.needs_review for r, kk in zip(results, kinds) if kk == k) for k in kinds}
    # Clear answers are left alone; review goes to the partial ones in between.
    assert flagged["good"] <= 2 and flagged["wrong"] <= 2
    assert 1 <= flagged["partial"] <= len(suite) // 2
    for r in results:
        assert r.needs_review == (r.review_reason is not None)


def test_an_essential_point_decided_by_a_hair_is_recorded(scorer, suite):
    result = scorer.score("dropout", suite["dropout"][2]["text"])
    assert -confidence.EDGE < result.margins["point:random-zeroing"] < 0
    assert result.needs_review and "random-zeroing only just not stated" in result.review_reason


# ---------------------------------------------------------------- commands


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_grade_writes_confidence_and_the_band_moves_what_is_flagged(cli, suite, tmp_path):
    source = tmp_path / "answers.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question_id", "answer"])
        for qid in ("dropout", "epoch", "learning-rate"):
            for answer in suite[qid]:
                writer.writerow([qid, answer["text"]])
        writer.writerow(["no-such-question", "An answer to nothing at all."])
    default = tmp_path / "default.csv"
    result = cli("grade", str(source), "-o", str(default))
    assert result.exit_code == 1  # the unknown question; every other row is graded
    rows = _rows(default)
    graded = [r for r in rows if not r["error"]]
    assert len(graded) == len(rows) - 1
    assert all(0 < float(r["confidence"]) <= 1 for r in graded)
    flagged = [r for r in graded if r["needs_review"] == "true"]
    assert flagged and all(r["review_reason"] for r in flagged)
    assert f"{len(flagged)} to review" in result.output
    wide = tmp_path / "wide.csv"
    cli("grade", str(source), "-o", str(wide), "--review-band", "0.99")
    narrow = tmp_path / "narrow.csv"
    cli("grade", str(source), "-o", str(narrow), "--review-band", "0")
    count = lambda path: sum(r["needs_review"] == "true" for r in _rows(path))  # noqa: E731
    assert count(narrow) == 0 < len(flagged) < count(wide) == len(graded)


def test_grade_refuses_a_band_outside_zero_to_one(cli, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("question_id,answer\ndropout,It drops neurons.\n", encoding="utf-8")
    result = cli("grade", str(source), "-o", str(tmp_path / "out.csv"), "--review-band", "1.5")
    assert result.exit_code == 2 and "--review-band" in result.output


def test_score_shows_borderline_with_its_reason(cli, suite):
    answer = suite["gradient-clipping"][2]["text"]
    shown = cli("score", "gradient-clipping", answer)
    assert shown.exit_code == 0
    assert "borderline (confidence" in shown.stdout and "only just" in shown.stdout
    data = json.loads(cli("score", "gradient-clipping", answer, "--json").stdout)
    assert data["needs_review"] is True and "only just not stated" in data["review_reason"]
    sure = cli("score", "epoch", suite["epoch"][0]["text"])
    assert "borderline" not in sure.stdout


def test_evaluate_reports_selective_agreement(cli, tmp_path):
    path = tmp_path / "graded.csv"
    path.write_text(graded_csv(binary=True), encoding="utf-8")
    result = cli("evaluate", str(path), "--json", "--folds", "4")
    assert result.exit_code == 0, result.output
    (holdout,) = json.loads(result.stdout)["sets"]
    selective = holdout["selective"]
    assert selective["n"] == 40 and selective["set_aside"] >= 0.2
    assert 0 <= selective["accuracy_rest"] <= 1 and 0 <= selective["flagged_at_band"] <= 1
    shown = cli("evaluate", str(path), "--folds", "4")
    assert "least confident" in shown.stdout and "gain" in shown.stdout


def test_the_practice_score_card_shows_borderline_with_its_reason(
    bank, scorer, suite, tmp_path, monkeypatch
):
    from textual.widgets import Input

    from grader.tui.practice.app import PracticeApp
    from grader.tui.practice.result import ResultScreen
    from grader.tui.widgets import QuestionTable, ScoreCard

    from .pilot import run, settle

    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))

    async def answer_clipping():
        app = PracticeApp(bank, seed=7, load_scorer=lambda: scorer)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "gradient-clipping"
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen.query_one(QuestionTable).question_ids[0] == "gradient-clipping"
            await pilot.press("enter")
            await pilot.pause()
            app.focused.insert(suite["gradient-clipping"][2]["text"])
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            assert app.screen.query_one(ScoreCard).result.needs_review
            findings = str(app.screen.query_one("#findings").render())
            assert findings.startswith(
                "◆ borderline (confidence 50%): essential point threshold only just not stated"
            )

    run(answer_clipping())
