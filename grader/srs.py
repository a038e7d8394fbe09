"""Spaced repetition: turn a graded answer into an fsrs review and a next due date.

The score decides the rating: a failed answer is Again, a pass is Good, and a pass at
EASY_SCORE or above is Easy. fsrs's default learning steps (1 and 10 minutes) are for flash
cards, where Good on a new card means "seen it once"; a graded answer that passes has already
shown the question is known, so practice has one short step only, for failures:

- a fail (new card or lapse) comes back after LEARNING_STEP (10 minutes);
- a pass leaves learning at once: about 2 days for a first pass, 8 days for an Easy one,
  growing with each later pass as fsrs's stability grows.

The card itself is kept as fsrs's JSON in the store.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from grader.models import Result

EASY_SCORE = 90.0
LEARNING_STEP = timedelta(minutes=10)
"""How soon a failed question comes back."""

# No fuzzing: the same history always gives the same due dates (reproducible and testable);
# a single learner's few dozen questions do not need reviews spread out at random.
SCHEDULER = Scheduler(
    learning_steps=(LEARNING_STEP,), relearning_steps=(LEARNING_STEP,), enable_fuzzing=False
)


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
