"""Spaced repetition: turn a graded answer into an fsrs review and a next due date.

A failed answer is rated Again (the question comes back within minutes), a pass is Good, and
a pass at EASY_SCORE or above is Easy. The card itself is kept as fsrs's JSON in the store.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import Card, Rating, Scheduler

from grader.models import Result

EASY_SCORE = 90.0

# No fuzzing: the same history always gives the same due dates (reproducible and testable);
# a single learner's few dozen questions do not need reviews spread out at random.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(result: Result) -> Rating:
    """The fsrs rating a graded answer stands for."""
    if not result.passed:
        return Rating.Again
    return Rating.Easy if result.score >= EASY_SCORE else Rating.Good


def review(card_json: str | None, result: Result, now: datetime) -> tuple[Card, Rating]:
    """The question's card after this answer (a new card for a first answer), and the rating."""
    card = Card.from_json(card_json) if card_json else Card()
    rating = rating_for(result)
    updated, _log = SCHEDULER.review_card(card, rating, review_datetime=now)
    return updated, rating
