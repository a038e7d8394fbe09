"""The history in SQLite: one file in the user's data folder (see grader/locations.py).

Split by concern: `database` (the file, its schema migrations, transactions), `practice`
(attempts, drafts, review cards) and `interviews` (sessions and their answers). `Store` is the
whole history, as the apps and commands open it.
"""

from grader.store.database import MIGRATIONS, utc_now
from grader.store.interviews import InterviewAnswer, InterviewRecords, InterviewSession
from grader.store.practice import Attempt, Draft, PracticeHistory, QuestionStats


class Store(PracticeHistory, InterviewRecords):
    """The practice history and the interview records, in one file. Open it with
    `Store.connect(path)` (the default path when None)."""


__all__ = [
    "MIGRATIONS",
    "Attempt",
    "Draft",
    "InterviewAnswer",
    "InterviewSession",
    "QuestionStats",
    "Store",
    "utc_now",
]
