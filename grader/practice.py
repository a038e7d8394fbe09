"""Practice without the interface: recording a graded answer, and choosing questions.

The practice app (grader/tui/practice/) is one front end on these; the interviewer mode's
set-up picks questions with the same filter.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from grader.bank import Bank
from grader.models import Question, Result
from grader.outputs import neutralise
from grader.store import Attempt, PracticeHistory

REVIEW_STATES = ("all", "due", "new", "failed", "drafts")
"""What the list can be narrowed to: every question, those due for review, never answered,
whose last answer failed, with a draft."""


def questions_matching(
    questions: Iterable[Question],
    level: str | None = None,
    topic: str | None = None,
    words: Sequence[str] = (),
) -> list[Question]:
    """The questions at `level`, on `topic` (None: any) whose id, topic or text contains every
    one of `words` (lower-case), in the order given."""
    chosen = []
    for question in questions:
        if level is not None and question.level != level:
            continue
        if topic is not None and question.topic != topic:
            continue
        haystack = f"{question.id} {question.topic} {question.question}".lower()
        if all(word in haystack for word in words):
            chosen.append(question)
    return chosen


@dataclass(frozen=True)
class QuestionFilter:
    """The practice list's filters: level and topic (None: any), review state, search words."""

    level: str | None = None
    topic: str | None = None
    show: str = "all"
    """One of REVIEW_STATES."""
    words: tuple[str, ...] = ()


def filter_questions(
    bank: Bank, history: PracticeHistory, chosen: QuestionFilter, now: datetime
) -> list[Question]:
    """The bank's questions that pass the filter, in bank order (most overdue first when only
    the due ones are shown: the order the scheduler wants them reviewed in)."""
    stats = history.stats()
    due = history.due(now)
    drafts = history.drafts()
    keep = {
        "all": lambda q: True,
        "due": lambda q: q.id in due,
        "new": lambda q: q.id not in stats,
        "failed": lambda q: q.id in stats and not stats[q.id].last_passed,
        "drafts": lambda q: q.id in drafts,
    }[chosen.show]
    matching = questions_matching(bank.questions.values(), chosen.level, chosen.topic, chosen.words)
    questions = [q for q in matching if keep(q)]
    if chosen.show == "due":
        order = {qid: i for i, qid in enumerate(due)}
        questions.sort(key=lambda q: order[q.id])
    return questions


def record_attempt(
    history: PracticeHistory, question: Question, result: Result, now: datetime
) -> int:
    """Store a graded answer, review the question's card, and drop its draft, all in one go;
    return the attempt's id.

    The review rates the answer (failed: Again, passed: Good, 90 and over: Easy) and sets when
    the question is next due.
    """
    # Imported at the first grade: the scheduler library would add to the app's start.
    from grader import srs

    card, rating = srs.review(history.card(question.id), result, now)
    with history.transaction():
        attempt_id = history.add_attempt(
            result, topic=question.topic, level=question.level, rating=int(rating), now=now
        )
        history.save_card(question.id, card.to_json(), card.due, now=now)
        history.delete_draft(question.id)
    return attempt_id


def next_due(due: Mapping[str, datetime], now: datetime) -> tuple[str, datetime] | None:
    """The question reviewed soonest after `now`, and when (None when none is scheduled)."""
    upcoming = [(moment, question_id) for question_id, moment in due.items() if moment > now]
    if not upcoming:
        return None
    moment, question_id = min(upcoming)
    return question_id, moment


def next_question(listed: Sequence[str], after: str) -> str | None:
    """The question after `after` in a list on view (its first when `after` is not in it)."""
    if after in listed:
        at = listed.index(after)
        return listed[at + 1] if at + 1 < len(listed) else None
    return listed[0] if listed else None


HISTORY_COLUMNS = [
    "when",
    "question_id",
    "level",
    "topic",
    "question",
    "score",
    "passed",
    "pass_mark",
    "answer",
    "model",
    "bank_version",
]


def history_csv(attempts: Iterable[Attempt], questions: Mapping[str, Question]) -> str:
    """Every attempt as a CSV row, oldest first (the question's text when the bank has it)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HISTORY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for attempt in attempts:
        question = questions.get(attempt.question_id)
        writer.writerow(
            {
                "when": attempt.created_at.isoformat(),
                "question_id": attempt.question_id,
                "level": attempt.level,
                "topic": attempt.topic,
                "question": question.question if question else "",
                "score": f"{attempt.score:g}",
                "passed": int(attempt.passed),
                "pass_mark": f"{attempt.pass_mark:g}",
                # Opened in a spreadsheet, a typed "=..." must stay text (as in `grader grade`).
                "answer": neutralise(attempt.answer),
                "model": attempt.model,
                "bank_version": attempt.bank_version,
            }
        )
    return buffer.getvalue()
