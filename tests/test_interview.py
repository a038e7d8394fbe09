"""The interviewer mode: sessions, set files, the app driven by Textual's pilot, and reports.

The app runs headless over the real bank and the real scorer (the session fixture, through the
app's loader); the store goes to a private GRADER_DATA_DIR under tmp_path.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from textual.widgets import DataTable, Input, Label, SelectionList, TextArea
from typer.testing import CliRunner

from grader import interview
from grader.cli.commands import app as cli_app
from grader.interview import (
    QuestionSet,
    SetFileError,
    UnknownTarget,
    find_session,
    load_question_set,
    session_summary,
)
from grader.reports import agreement, render
from grader.store import Store
from grader.tui.interview.answer import InterviewAnswerScreen
from grader.tui.interview.app import InterviewApp
from grader.tui.interview.decision import DecisionScreen
from grader.tui.interview.setup import SetupScreen
from grader.tui.interview.summary import SummaryScreen
from grader.tui.widgets import KeyBar, ScoreCard

from .factories import ANSWER, FakeScorer, fixed_result, learning_rate_result
from .pilot import run, settle

SIZE = (120, 40)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
GOOD = (
    "The learning rate is the step size of gradient descent. If it is too high the updates "
    "overshoot and the loss diverges. If it is too low training is very slow or gets stuck."
)
DROPOUT = "Dropout randomly switches off units during training so the network cannot co-adapt."
SET = QuestionSet("ml-screen", ["learning-rate", "mcq-softmax-output", "dropout"])


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def make_app(bank, scorer):
    def make(**kwargs) -> InterviewApp:
        kwargs.setdefault("load_scorer", lambda: scorer)
        return InterviewApp(bank, clock=lambda: T0, **kwargs)

    return make


def open_store(data_dir) -> Store:
    return Store.connect(data_dir / "history.sqlite")


# ---------------------------------------------------------------- the app


def test_interview_from_start_to_report(make_app, bank, data_dir, tmp_path):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SetupScreen)
            app.screen.query_one("#candidate", Input).value = "Ada Lovelace"
            picker = app.screen.query_one("#picker", SelectionList)
            picker.select("learning-rate")
            picker.select("mcq-softmax-output")
            await pilot.press("ctrl+s")
            await pilot.pause()

            # Question 1: typed, scored, accepted with a note.
            assert isinstance(app.screen, InterviewAnswerScreen)
            assert app.screen.question_id == "learning-rate"
            app.screen.query_one(TextArea).insert(GOOD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, DecisionScreen)
            card = app.screen.query_one(ScoreCard)
            auto_first = card.result.score
            assert card.result.points, "the explanation is shown"
            app.screen.query_one("#note", Input).value = "clear and complete"
            await pilot.press("a")
            await pilot.pause()

            # Question 2 (multiple choice): a wrong option, overridden with a note.
            assert isinstance(app.screen, InterviewAnswerScreen)
            assert app.screen.question_id == "mcq-softmax-output"
            question = bank.get("mcq-softmax-output")
            wrong = next(k for k in question.options if k != question.answer)
            app.screen.set_answer(wrong)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, DecisionScreen)
            assert app.screen.query_one(ScoreCard).result.score == 0
            app.screen.query_one("#final-score", Input).value = "40"
            app.screen.query_one("#note", Input).value = "explained softmax well aloud"
            await pilot.click("#override")
            await pilot.pause()

            # Every question decided: the summary.
            assert isinstance(app.screen, SummaryScreen)
            summary = app.screen.summary
            assert summary.candidate == "Ada Lovelace" and summary.answered == 2
            table = app.screen.query_one("#summary-table", DataTable)
            assert str(table.get_row("mcq-softmax-output")[4]) == "40 ✎"
            assert summary.total_final == pytest.approx(auto_first + 40)
            facts = str(app.screen.query_one("#summary-facts").render())
            assert "not enough overrides" in facts and "Total" in facts
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, SetupScreen)
            sessions = app.screen.query_one("#sessions", DataTable)
            assert sessions.row_count == 1

    run(scenario())

    store = open_store(data_dir)
    assert store.attempts() == []  # the practice history is left alone
    store.close()
    target = tmp_path / "ada.md"
    result = CliRunner().invoke(cli_app, ["report", "ada lovelace", "--format", "md", "-o", target])
    assert result.exit_code == 0, result.output
    text = target.read_text()
    assert "Ada Lovelace" in text and "clear and complete" in text
    assert "explained softmax well aloud" in text and "40 (overridden)" in text
    assert "The learning rate is the step size" in text


def test_resume_after_an_interrupted_interview(make_app, data_dir):
    async def first_sitting():
        app = make_app(question_set=SET, candidate="Grace")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, InterviewAnswerScreen)
            assert app.screen.question_id == "learning-rate"
            app.screen.query_one(TextArea).insert(GOOD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("a")
            await pilot.pause()
            # Question 2 scored, not decided yet; then the app is closed.
            app.screen.set_answer("b")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, DecisionScreen)
            await pilot.press("ctrl+q")

    run(first_sitting())

    async def second_sitting():
        app = make_app(question_set=SET, candidate="grace")  # names match ignoring case
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # Back at the decision that was pending, same session.
            assert isinstance(app.screen, DecisionScreen)
            assert app.screen.question_id == "mcq-softmax-output"
            assert app.session is not None and app.session.id == 1
            await pilot.press("a")
            await pilot.pause()
            assert app.screen.question_id == "dropout"
            await pilot.press(*"Dropout")  # typed, then quit before the typing pause
            await pilot.press("ctrl+q")

    run(second_sitting())

    store = open_store(data_dir)
    (session,) = store.sessions()
    answers = store.interview_answers(session.id)
    assert answers["learning-rate"].answer == GOOD and answers["learning-rate"].decided
    assert answers["mcq-softmax-output"].decided
    assert answers["dropout"].answer == "Dropout" and not answers["dropout"].decided
    store.close()

    async def third_sitting():
        app = make_app(question_set=SET, candidate="Grace")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, InterviewAnswerScreen)
            assert app.screen.question_id == "dropout"
            assert app.screen.query_one(TextArea).text == "Dropout"  # nothing lost

    run(third_sitting())


# ---------------------------------------------------------------- set files


def test_set_file_good_and_broken(bank, tmp_path, monkeypatch):
    good = tmp_path / "screen.yaml"
    good.write_text("name: ml-screen\nquestions:\n  - learning-rate\n  - dropout\n")
    assert load_question_set(good, bank) == QuestionSet("ml-screen", ["learning-rate", "dropout"])

    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nquestions:\n  - learning-rate\n  - no-such-question\n")
    with pytest.raises(SetFileError, match="broken.yaml: question 2: unknown .*no-such-question"):
        load_question_set(broken, bank)
    for text, problem in [
        ("- a\n", "expected a mapping"),
        ("name: x\n", "'questions' must be"),
        ("name: x\nquestions: [dropout, dropout]\n", "listed twice"),
        ("name: [\n", "not valid YAML"),
    ]:
        broken.write_text(text)
        with pytest.raises(SetFileError, match=problem):
            load_question_set(broken, bank)

    # The command refuses a broken file with a message and exit code 2, before any app.
    broken.write_text("name: x\nquestions:\n  - no-such-question\n")
    result = CliRunner().invoke(cli_app, ["interview", "--set", str(broken)])
    assert result.exit_code == 2
    assert "broken.yaml" in result.output and "no-such-question" in result.output
    assert "Traceback" not in result.output

    started = []
    monkeypatch.setattr(InterviewApp, "run", lambda self: started.append(self))
    result = CliRunner().invoke(cli_app, ["interview", "--set", str(good), "-c", "Ada"])
    assert result.exit_code == 0, result.output
    (app,) = started
    assert app.question_set.question_ids == ["learning-rate", "dropout"]
    assert app.candidate == "Ada" and app.scorer is None


# ---------------------------------------------------------------- summaries and reports


@pytest.fixture
def filled(bank, data_dir, scorer):
    """Two candidates over the same set; Ada's answers are real grades, one overridden."""
    store = open_store(data_dir)
    ada = interview.start_session(store, "Ada", SET.question_ids, SET.name, now=T0)
    store.save_interview_result(ada.id, scorer.score("learning-rate", GOOD), now=T0)
    interview.decide(store, ada.id, "learning-rate", None, "solid <answer> & clear", now=T0)
    store.save_interview_result(ada.id, scorer.score("dropout", DROPOUT), now=T0)
    interview.decide(store, ada.id, "dropout", 35, "missed inference-time scaling", now=T0)
    bob = interview.start_session(store, "Bob", list(reversed(SET.question_ids)), SET.name, now=T0)
    store.save_interview_result(bob.id, fixed_result("dropout", "It drops things.", 20), now=T0)
    interview.decide(store, bob.id, "dropout", None, "", now=T0)
    yield store
    store.close()


def test_summary_totals_topics_and_comparison(filled, bank):
    session = find_session(filled, "Ada")
    summary, comparison = session_summary(filled, session, bank.questions)
    auto_lr = summary.rows[0].auto_score
    assert summary.answered == 2 and summary.max_total == 300
    assert summary.total_final == pytest.approx(auto_lr + 35)
    assert summary.strongest == "optimisation" and summary.weakest == "regularisation"
    assert summary.agreement.text().startswith("not enough overrides")
    assert [row.candidate for row in comparison] == ["Ada", "Bob"]  # same set, any order

    with pytest.raises(UnknownTarget, match=r"known sessions:\n.*Ada.*\n.*Bob"):
        find_session(filled, "Carol")


def test_agreement_statistics():
    assert agreement([(50, 60), (70, 65)]).text() == "not enough overrides (2; 3 needed)"
    agreed = agreement([(50, 60), (70, 75), (30, 20)])
    assert agreed.mean_abs_diff == pytest.approx((10 + 5 + 10) / 3)
    assert agreed.correlation == pytest.approx(np.corrcoef([50, 70, 30], [60, 75, 20])[0, 1])
    assert "mean absolute difference 8.3" in agreed.text()
    assert agreement([(50, 60), (50, 70), (50, 20)]).correlation is None  # constant side


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_report_formats(filled, fmt, tmp_path):
    target = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(cli_app, ["report", "1", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    text = target.read_text(encoding="utf-8")
    lr, dropout = find_session(filled, "1"), None
    answers = filled.interview_answers(lr.id)
    auto_lr = answers["learning-rate"].auto_score
    dropout = answers["dropout"]
    if fmt == "json":
        data = json.loads(text)
        assert data["candidate"] == "Ada"
        rows = {r["question_id"]: r for r in data["rows"]}
        assert rows["learning-rate"]["answer"] == GOOD
        assert rows["learning-rate"]["note"] == "solid <answer> & clear"
        assert rows["learning-rate"]["covered"], "the explanation is exported"
        assert rows["dropout"]["auto_score"] == dropout.auto_score
        assert rows["dropout"]["final_score"] == 35 and rows["dropout"]["overridden"]
        assert [c["candidate"] for c in data["comparison"]] == ["Ada", "Bob"]
        return
    if fmt == "csv":
        rows = {r["question_id"]: r for r in csv.DictReader(io.StringIO(text))}
        assert rows["learning-rate"]["candidate"] == "Ada"
        assert rows["learning-rate"]["answer"] == GOOD
        assert rows["learning-rate"]["final_score"] == f"{round(auto_lr, 1):g}"
        assert rows["dropout"]["note"] == "missed inference-time scaling"
        assert rows["dropout"]["final_score"] == "35" and rows["dropout"]["overridden"] == "1"
        assert rows["learning-rate"]["covered_points"]
        return
    assert "Ada" in text and "missed inference-time scaling" in text
    assert f"{round(dropout.auto_score, 1):g}" in text and "35" in text
    if fmt == "md":
        assert GOOD in text and "solid <answer> & clear" in text and "Covered:" in text
    else:
        assert "The learning rate is the step size of gradient descent." in text
        assert "solid &lt;answer&gt; &amp; clear" in text  # candidates' text is escaped
        assert "<link" not in text and 'src="http' not in text and "@import" not in text
        assert "<style>" in text and "@media print" in text


def test_report_errors_are_clear(filled, tmp_path):
    result = CliRunner().invoke(cli_app, ["report", "Carol", "-o", str(tmp_path / "x.md")])
    assert result.exit_code == 2
    assert "no session or candidate 'Carol'" in result.output
    assert "Ada" in result.output and "Bob" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli_app, ["report", "Ada", "--format", "pdf"])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli_app, ["report", "Ada", "-o", str(tmp_path / "no" / "x.md")])
    assert result.exit_code == 2 and "cannot write" in result.output


def test_reports_name_the_answers_that_need_review(filled, bank):
    session = interview.start_session(filled, "Cy", SET.question_ids, SET.name, now=T0)
    doubtful = replace(
        fixed_result("dropout", "It drops units at random while training.", 62),
        confidence=0.41,
        needs_review=True,
        review_reason="score 62 is 2.0 from the pass mark 60 (scores err by about 41)",
    )
    filled.save_interview_result(session.id, doubtful, now=T0)
    filled.save_interview_result(session.id, fixed_result("learning-rate", GOOD, 90), now=T0)
    summary, comparison = session_summary(filled, session, bank.questions)
    assert [r.question_id for r in summary.to_review] == ["dropout"]
    assert summary.review_text() == f"dropout ({doubtful.review_reason})"
    markdown = render(summary, comparison, "md")
    assert f"- Needs your eye: dropout ({doubtful.review_reason})" in markdown
    assert "| 62 ◆ review |" in markdown and "**Needs your eye**: score 62" in markdown
    html = render(summary, comparison, "html")
    assert "<dt>Needs your eye</dt><dd>dropout (score 62" in html
    rows = {r["question_id"]: r for r in csv.DictReader(io.StringIO(render(summary, [], "csv")))}
    assert rows["dropout"]["needs_review"] == "1" and rows["dropout"]["confidence"] == "0.41"
    assert rows["learning-rate"]["needs_review"] == "0"
    assert json.loads(render(summary, comparison, "json"))["needs_review"] == ["dropout"]


def test_render_rejects_unknown_format(filled, bank):
    summary, comparison = session_summary(filled, find_session(filled, "Ada"), bank.questions)
    with pytest.raises(ValueError, match="unknown format"):
        render(summary, comparison, "pdf")


# ---------------------------------------------------------------- snapshots


@pytest.fixture
def snapshot_app(bank, tmp_path, monkeypatch):
    """Two candidates over the same set, from fixed results (so scorer tuning changes nothing)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    store = Store.connect(tmp_path / "snap.sqlite")
    ada = interview.start_session(store, "Ada", SET.question_ids, SET.name, now=T0)
    for qid, answer, auto, final, note in [
        ("learning-rate", ANSWER, 71.0, None, "clear and complete"),
        ("mcq-softmax-output", "a", 0.0, 40.0, "explained softmax aloud"),
        ("dropout", DROPOUT, 55.0, 70.0, "knew inverted dropout when asked"),
    ]:
        # learning-rate: the practice snapshots' result, with every kind of finding.
        result = (
            learning_rate_result(auto, better=True)
            if qid == "learning-rate"
            else fixed_result(qid, answer, auto)
        )
        store.save_interview_result(ada.id, result, now=T0)
        interview.decide(store, ada.id, qid, final, note, now=T0)
    bob = interview.start_session(store, "Bob", SET.question_ids, SET.name, now=T0)
    store.save_interview_result(bob.id, fixed_result("dropout", "It drops things.", 20), now=T0)
    interview.decide(store, bob.id, "dropout", None, "", now=T0)
    app = InterviewApp(bank, scorer=FakeScorer(bank), store=store, clock=lambda: T0)
    app.session = store.session(ada.id)
    yield app
    store.close()


def test_snapshot_decision(snapshot_app, snap_compare):
    async def before(pilot):
        await pilot.app.push_screen(pilot.app.decision_screen("learning-rate"))
        await pilot.pause()
        for box in pilot.app.screen.query(Input).results():
            box.cursor_blink = False

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=before)


def test_snapshot_summary(snapshot_app, snap_compare):
    async def before(pilot):
        await pilot.app.push_screen(pilot.app.summary_screen(1))
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=before)


# ---------------------------------------------------------------- the keyboard flow (issue 18)


@pytest.fixture
def ada_at_two(bank, tmp_path):
    """Ada's session over SET with two questions decided and dropout scored, not decided;
    the app runs on a stand-in scorer (these tests are about keys, not grades)."""
    store = Store.connect(tmp_path / "keys.sqlite")
    ada = interview.start_session(store, "Ada", SET.question_ids, SET.name, now=T0)
    store.save_interview_result(ada.id, learning_rate_result(71.0, better=True), now=T0)
    interview.decide(store, ada.id, "learning-rate", None, "", now=T0)
    store.save_interview_result(ada.id, fixed_result("mcq-softmax-output", "b", 100.0), now=T0)
    interview.decide(store, ada.id, "mcq-softmax-output", None, "", now=T0)
    app = InterviewApp(bank, scorer=FakeScorer(bank), store=store, clock=lambda: T0)
    yield app
    store.close()


def key_bar_text(app) -> str:
    return app.screen.query_one(KeyBar).keys_content().plain


def test_override_from_the_keyboard_is_obvious(ada_at_two):
    async def scenario():
        app = ada_at_two
        app.session = app.store.session(1)
        app.store.save_interview_result(1, fixed_result("dropout", DROPOUT, 55.0), now=T0)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(app.decision_screen("dropout"))
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DecisionScreen)
            assert app.focused.id == "points"
            titles = [str(label.render()) for label in screen.query(".pane-title").results(Label)]
            assert "The candidate's answer" in titles
            hint = screen.query_one("#decision-hint", Label)
            assert "Enter accepts 55" in str(hint.render())
            assert "o Override" in key_bar_text(app)

            # `o` with no score typed goes to the score box and says what to do.
            await pilot.press("o")
            await pilot.pause()
            assert app.focused.id == "final-score"
            bar = key_bar_text(app)
            assert "o Override" not in bar and "Save the decision" in bar
            await pilot.press("escape")  # back to the card, not out of the screen
            await pilot.pause()
            assert app.screen is screen and app.focused.id == "points"

            # The first Tab from the card reaches the score box; letters cannot go in it.
            await pilot.press("tab")
            assert app.focused.id == "final-score"
            await pilot.press(*"-xe7")
            assert screen.query_one("#final-score", Input).value == "7"
            await pilot.press("escape")

            # Digits typed on the card start the score; Tab then takes the note.
            await pilot.press("6", "5")
            assert app.focused.id == "final-score"
            assert screen.query_one("#final-score", Input).value == "65"
            assert "Enter overrides 55 with 65" in str(hint.render())
            await pilot.press("tab")
            assert app.focused.id == "note"
            await pilot.press(*"good")
            await pilot.press("enter")  # Enter in the note saves the override, and says so
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
            messages = [n.message for n in app._notifications]
            assert any("dropout: overridden 55 → 65, with a note" in m for m in messages)

    run(scenario())
    answer = ada_at_two.store.interview_answers(1)["dropout"]
    assert answer.final_score == 65 and answer.overridden and answer.note == "good"


def test_resume_by_candidate_name_and_sessions_in_one_key(ada_at_two):
    async def scenario():
        app = ada_at_two
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SetupScreen)
            # The picker shows question texts, not slugs.
            picker = screen.query_one("#picker", SelectionList)
            prompts = [str(picker.get_option_at_index(i).prompt) for i in range(3)]
            assert prompts[0].startswith(bank_question(app, 0))
            await pilot.press(*"ada")
            await pilot.pause()
            hint = str(screen.query_one("#candidate-hint", Label).render())
            assert "session 1 is at 2 of 3" in hint and "ctrl+s resumes it" in hint

            await pilot.press("ctrl+r")  # the sessions in one key, narrowed to the name
            sessions = screen.query_one("#sessions", DataTable)
            assert app.focused is sessions and sessions.row_count == 1
            await pilot.press("ctrl+s")  # no question ticked: Ada's session resumes
            await pilot.pause()
            assert isinstance(app.screen, InterviewAnswerScreen)
            assert app.screen.question_id == "dropout" and app.session.id == 1

    run(scenario())


def bank_question(app, index: int) -> str:
    return list(app.bank.questions.values())[index].question[:20]


def test_ctrl_s_without_questions_or_unfinished_session_says_why(ada_at_two):
    async def scenario():
        app = ada_at_two
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*"Bob", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SetupScreen)
            messages = [n.message for n in app._notifications]
            assert any("Bob has no unfinished session" in m for m in messages)

    run(scenario())


def test_report_shows_question_texts_verdicts_choice_text_and_recommendation(bank, tmp_path):
    store = Store.connect(tmp_path / "r.sqlite")
    ada = interview.start_session(store, "Ada", SET.question_ids, SET.name, now=T0)
    question = bank.get("mcq-softmax-output")
    store.save_interview_result(ada.id, learning_rate_result(71.0, better=True), now=T0)
    interview.decide(store, ada.id, "learning-rate", None, "", now=T0)
    summary, comparison = session_summary(store, ada, bank.questions)
    assert summary.recommendation == "pending: 1 of 3 questions decided"

    store.save_interview_result(ada.id, fixed_result(question.id, question.answer, 100), now=T0)
    interview.decide(store, ada.id, question.id, None, "", now=T0)
    store.save_interview_result(ada.id, fixed_result("dropout", DROPOUT, 50), now=T0)
    interview.decide(store, ada.id, "dropout", None, "", now=T0)
    summary, comparison = session_summary(store, ada, bank.questions)
    assert [row.verdict for row in summary.rows] == ["PASS", "PASS", "FAIL"]
    assert summary.recommendation == "advance: 2 of 3 questions passed"
    choice = f"{question.answer}) {question.options[question.answer]}"
    assert summary.rows[1].answer == choice

    markdown = render(summary, comparison, "md")
    assert "**Recommendation: advance: 2 of 3 questions passed**" in markdown
    assert "| Result |" in markdown and "| FAIL |" in markdown
    assert "| 1 | Explain learning rate in the context of neural network" in markdown
    assert choice in markdown
    html = render(summary, comparison, "html")
    assert "Recommendation: advance" in html and '<td class="fail">FAIL</td>' in html
    rows = list(csv.DictReader(io.StringIO(render(summary, comparison, "csv"))))
    assert [r["passed"] for r in rows] == ["1", "1", "0"]

    interview.decide(store, ada.id, question.id, 40, "guessed", now=T0)  # overridden to a fail
    summary, _ = session_summary(store, ada, bank.questions)
    assert summary.recommendation == "do not advance: 1 of 3 questions passed"
    store.close()
