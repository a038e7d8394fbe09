"""The level and topic choosers of the question list, the progress view and the interview
set-up: the same choices everywhere, "all" meaning no filter."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Select

from grader.models import Question

ALL = "all"


def level_select(select_id: str) -> Select:
    """A chooser of the question level (or all levels)."""
    return Select(
        [("All levels", ALL), ("Fresher", "fresher"), ("Experienced", "experienced")],
        value=ALL,
        allow_blank=False,
        id=select_id,
    )


def topic_select(questions: Iterable[Question], select_id: str) -> Select:
    """A chooser of one of the questions' topics (or all topics)."""
    topics = sorted({q.topic for q in questions})
    return Select(
        [("All topics", ALL), *[(t, t) for t in topics]], value=ALL, allow_blank=False, id=select_id
    )


def chosen(select: Select) -> str | None:
    """What a chooser is set to, None for "all"."""
    return None if select.value == ALL else str(select.value)
