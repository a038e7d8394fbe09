"""Snapshots of the practice app's main screens (pytest-textual-snapshot).

Deterministic by construction: a fixed terminal size, a fixed clock and time zone, no cursor
blink, no random order. The app runs over the real bank with a stand-in scorer (no model); the
stored history is written from fixed results so that tuning the scorer does not change these
pictures (the pilot tests in test_tui.py cover real grading).
Update with `pytest tests/test_tui_snapshots.py --snapshot-update` after checking the report.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input, TextArea

from grader import practice
from grader.models import Result
from grader.store import Store
from grader.tui.practice.app import PracticeApp

from .factories import FakeScorer, choice_result, learning_rate_result

SIZE = (120, 36)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


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
def app(bank, tmp_path):
    """The app over a history: two attempts, one due question, one draft. No model needed."""
    store = Store.connect(tmp_path / "history.sqlite")
    scorer = FakeScorer(bank)
    application = PracticeApp(bank, scorer=scorer, store=store, clock=lambda: T0, seed=1)

    def add(result: Result, when: datetime) -> None:
        practice.record_attempt(store, bank.get(result.question_id), result, when)

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
        await open_screen(pilot, pilot.app.answer_screen("learning-rate"))
        pilot.app.screen.query_one(TextArea).insert("The learning rate sets the step size")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_multiple_choice(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, pilot.app.answer_screen("mcq-softmax-output"))
        pilot.app.screen.set_answer("b")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_draft_offer(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, pilot.app.answer_screen("dropout"))

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_score_card(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, pilot.app.attempt_screen(2))
        await pilot.press("down")  # single out the sentence of the second point with evidence

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_score_card_compare_light_theme(app, snap_compare):
    async def before(pilot):
        await open_screen(pilot, pilot.app.attempt_screen(2))
        pilot.app.theme = "textual-light"
        await pilot.press("c")
        await pilot.pause()  # the comparison scrolls into view after the refresh that shows it
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_progress(app, snap_compare):
    assert snap_compare(app, press=["p"], terminal_size=SIZE)
