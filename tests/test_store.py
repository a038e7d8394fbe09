"""The SQLite store and the spaced-repetition mapping."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, State

from grader import srs
from grader.locations import history_path
from grader.store import MIGRATIONS, Store
from grader.tui.display import due_label

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
GOOD_ANSWER = (
    "The learning rate is the step size of gradient descent. If it is too high the loss "
    "overshoots and diverges; if it is too low training is very slow or gets stuck."
)


@pytest.fixture
def store(tmp_path) -> Store:
    opened = Store.connect(tmp_path / "history.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def graded(scorer):
    """A real result from the real model: one pass and one fail at the same question."""
    good = scorer.score("learning-rate", GOOD_ANSWER)
    bad = scorer.score("learning-rate", "It is a number you set before training somewhere.")
    return good, bad


def test_default_path_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    assert history_path() == tmp_path / "data" / "history.sqlite"
    opened = Store.connect()
    assert (tmp_path / "data" / "history.sqlite").exists()
    opened.close()


def test_schema_is_versioned_and_reopens(tmp_path):
    path = tmp_path / "h.sqlite"
    first = Store.connect(path)
    assert first.version == len(MIGRATIONS)
    first.save_draft("q", "kept", now=T0)
    first.close()
    again = Store.connect(path)  # no migration runs twice, data survives
    assert again.version == len(MIGRATIONS)
    assert again.draft("q").text == "kept"
    again.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite"
    Store.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store.connect(path)


def test_a_later_migration_is_applied_on_open(tmp_path, monkeypatch):
    """How the interviewer mode will add its tables: append a migration."""
    path = tmp_path / "h.sqlite"
    Store.connect(path).close()
    monkeypatch.setattr(
        "grader.store.database.MIGRATIONS",
        [*MIGRATIONS, "CREATE TABLE sessions (id INTEGER PRIMARY KEY);"],
    )
    upgraded = Store.connect(path)
    assert upgraded.version == len(MIGRATIONS) + 1
    upgraded._db.execute("INSERT INTO sessions DEFAULT VALUES")
    upgraded.close()


def test_attempts_round_trip_and_stats(store, graded):
    good, bad = graded
    assert good.passed and not bad.passed
    first = store.add_attempt(bad, topic="optimisation", level="fresher", rating=1, now=T0)
    second = store.add_attempt(
        good, topic="optimisation", level="fresher", rating=3, now=T0 + timedelta(days=1)
    )
    attempts = store.attempts("learning-rate")
    assert [a.id for a in attempts] == [first, second]
    assert attempts[1].result() == good  # the whole explanation comes back intact
    assert attempts[0].created_at == T0
    assert attempts[1].model == good.model and attempts[1].bank_version == good.bank_version
    stat = store.stats()["learning-rate"]
    assert (stat.attempts, stat.best, stat.last, stat.last_passed) == (
        2,
        good.score,
        good.score,
        True,
    )
    assert store.previous_attempt("learning-rate", before=second).id == first
    assert store.previous_attempt("learning-rate", before=first) is None
    assert store.attempts("dropout") == []


def test_drafts(store):
    assert store.draft("dropout") is None
    store.save_draft("dropout", "Dropout zeroes", now=T0)
    store.save_draft("dropout", "Dropout zeroes random units", now=T0 + timedelta(seconds=5))
    draft = store.draft("dropout")
    assert draft.text == "Dropout zeroes random units"
    assert draft.updated_at == T0 + timedelta(seconds=5)
    assert store.drafts() == {"dropout"}
    store.save_draft("dropout", "   ")  # clearing the editor clears the draft
    assert store.draft("dropout") is None
    store.save_draft("epoch", "one pass")
    store.delete_draft("epoch")
    assert store.drafts() == set()


def test_transaction_rolls_back_together(store, graded):
    with pytest.raises(RuntimeError), store.transaction():
        store.add_attempt(graded[0], now=T0)
        store.save_draft("learning-rate", "text", now=T0)
        raise RuntimeError("interrupted half-way")
    assert store.attempts() == [] and store.draft("learning-rate") is None


def test_rating_mapping(graded):
    good, bad = graded
    assert srs.rating_for(bad) is Rating.Again
    assert srs.rating_for(replace(good, score=75.0)) is Rating.Good
    assert srs.rating_for(replace(good, score=95.0)) is Rating.Easy


def test_failed_answer_comes_back_soon_and_pass_later(store, graded):
    good, bad = graded
    card, rating = srs.review(None, bad, T0)
    assert rating is Rating.Again and card.due - T0 < timedelta(hours=1)
    store.save_card("learning-rate", card.to_json(), card.due, now=T0)
    assert store.due(T0) == []
    assert store.due(T0 + timedelta(hours=1)) == ["learning-rate"]

    later = T0 + timedelta(hours=1)
    for _ in range(3):  # passing again and again pushes the review further out
        card, rating = srs.review(store.card("learning-rate"), good, later)
        store.save_card("learning-rate", card.to_json(), card.due, now=later)
        later = card.due
    assert card.state is State.Review
    assert card.due - T0 > timedelta(days=3)
    assert store.due_dates()["learning-rate"] == card.due.replace(microsecond=0)


def test_first_pass_comes_back_in_days_and_a_fail_in_minutes(graded):
    good, bad = graded
    passed = replace(good, score=81.5)
    card, rating = srs.review(None, passed, T0)
    assert rating is Rating.Good and card.state is State.Review
    assert card.due - T0 == timedelta(days=2)
    card, rating = srs.review(None, replace(good, score=95.0), T0)
    assert rating is Rating.Easy and card.due - T0 == timedelta(days=8)
    card, _ = srs.review(None, bad, T0)
    assert card.due - T0 == srs.LEARNING_STEP
    # A fail after passes (a lapse) comes back within minutes too, then days once passed.
    lapsed, _ = srs.review(srs.review(None, passed, T0)[0].to_json(), bad, T0 + timedelta(days=2))
    assert lapsed.due - (T0 + timedelta(days=2)) == srs.LEARNING_STEP
    again, _ = srs.review(lapsed.to_json(), passed, lapsed.due)
    assert again.due - lapsed.due >= timedelta(days=1)


def test_due_order_and_labels(store):
    store.save_card("b", "{}", T0 - timedelta(days=1))
    store.save_card("a", "{}", T0 - timedelta(hours=1))
    store.save_card("c", "{}", T0 + timedelta(days=2))
    assert store.due(T0) == ["b", "a"]  # the most overdue first
    assert due_label(None, T0) == "new"
    assert due_label(T0, T0) == "due"
    assert due_label(T0 + timedelta(minutes=10), T0) == "in 10 min"
    assert due_label(T0 + timedelta(hours=5), T0) == "in 5 h"
    assert due_label(T0 + timedelta(days=3), T0) == "in 3 d"
