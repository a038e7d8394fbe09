"""Snapshots of the practice app's main screens (pytest-textual-snapshot).

Deterministic by construction: a fixed terminal size, a fixed clock and time zone, no cursor
blink, no random order. The app runs over the real bank with the real scorer; the stored
history is written from fixed results so that tuning the scorer does not change these
pictures (the pilot tests in test_tui.py cover real grading).
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input, TextArea

from grader import srs
from grader.models import MisconceptionHit, PointResult, Result
from grader.store import Store
from grader.tui.app import GraderApp
from grader.tui.screens.answer import AnswerScreen
from grader.tui.screens.result import ResultScreen

SIZE = (120, 36)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MODEL = "all-MiniLM-L6-v2@gt-0.1.0"
BANK = "snapshotbank"
ANSWER = (
    "The learning rate is the step size of gradient descent. A higher learning rate always "
    "trains faster. If it is too low training is slow and can get stuck."
)
SENTENCES = [
    "The learning rate is the step size of gradient descent.",
    "A higher learning rate always trains faster.",
    "If it is too low training is slow and can get stuck.",
]


def point(pid, statement, status, credit, sentence=None):
    index = SENTENCES.index(sentence) if sentence else None
    return PointResult(pid, statement, 1.0, status, credit, 0.6, False, sentence, index)


def learning_rate_result(score: float, better: bool) -> Result:
    """A fixed result showing every kind of finding: each point status, a mistake, a flag."""
    return Result(
        question_id="learning-rate",
        answer=ANSWER,
        score=score,
        passed=score >= 60,
        pass_mark=60,
        similarity=0.71,
        raw_cosine=0.74,
        coverage=0.55,
        best_reference=0,
        sentences=SENTENCES,
        points=[
            point("step-size", "The learning rate scales each update.", "covered", 1, SENTENCES[0]),
            point("hyperparameter", "It is a hyperparameter chosen before training.", "missing", 0),
            point(
                "too-high-diverges",
                "Too high overshoots the minimum and diverges.",
                "contradicted",
                0,
                SENTENCES[1],
            ),
            point(
                "too-low-slow",
                "Too low converges slowly or gets stuck.",
                "covered" if better else "partial",
                1 if better else 0.5,
                SENTENCES[2],
            ),
            point("tuning", "A good rate is found by tuning or a schedule.", "missing", 0),
        ],
        misconceptions=[
            MisconceptionHit(
                "bigger-always-better",
                "A higher learning rate always trains faster and better.",
                20,
                SENTENCES[1],
                1,
            )
        ],
        flags=[] if better else ["too_short"],
        model=MODEL,
        bank_version=BANK,
    )


def choice_result(answer: str, right: bool) -> Result:
    return Result(
        question_id="mcq-softmax-output",
        answer=answer,
        score=100.0 if right else 0.0,
        passed=right,
        pass_mark=100.0,
        similarity=float(right),
        raw_cosine=float(right),
        coverage=float(right),
        best_reference=None,
        sentences=[answer],
        notes=[f"chose {answer}; the correct option is b"],
        model=MODEL,
        bank_version=BANK,
    )


@pytest.fixture(autouse=True)
def steady_environment(monkeypatch):
    """Times are shown in local time: make that UTC wherever the tests run; and keep colour."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app(bank, scorer, tmp_path):
    """The app over a history: two attempts, one due question, one draft."""
    store = Store.connect(tmp_path / "history.sqlite")
    application = GraderApp(bank, scorer=scorer, store=store, clock=lambda: T0, seed=1)

    def add(result: Result, when: datetime) -> None:
        question = bank.get(result.question_id)
        card, rating = srs.review(store.card(question.id), result, when)
        store.add_attempt(
            result, topic=question.topic, level=question.level, rating=int(rating), now=when
        )
        store.save_card(question.id, card.to_json(), card.due, now=when)

    add(learning_rate_result(48.5, better=False), T0 - timedelta(days=2))
    add(learning_rate_result(71.0, better=True), T0 - timedelta(days=1))
    add(choice_result("a", right=False), T0 - timedelta(days=1, hours=2))
    add(choice_result("b", right=True), T0 - timedelta(hours=3))
    store.save_draft("dropout", "Dropout switches off random units while training.", now=T0)
    yield application
    store.close()


def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query(TextArea).results():
        widget.cursor_blink = False
    for widget in pilot.app.screen.query(Input).results():
        widget.cursor_blink = False


async def open_screen(pilot, screen) -> None:
    await pilot.app.push_screen(screen)
    await pilot.pause()
    no_blink(pilot)


def test_question_list(app, snap_compare):
    async def before(pilot):
        no_blink(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_answer_editor_with_history(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, AnswerScreen("learning-rate"))
        pilot.app.screen.query_one(TextArea).insert("The learning rate sets the step size")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_multiple_choice(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, AnswerScreen("mcq-softmax-output"))
        pilot.app.screen.set_answer("b")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_draft_offer(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, AnswerScreen("dropout"))

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_score_card(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, ResultScreen(2))
        await pilot.press("down")  # single out the sentence of the second point with evidence

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_score_card_compare_light_theme(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, ResultScreen(2))
        pilot.app.theme = "textual-light"
        await pilot.press("c")
        await pilot.pause()  # the comparison scrolls into view after the refresh that shows it
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_progress(app, snap_compare):
    assert snap_compare(app, press=["p"], terminal_size=SIZE)
