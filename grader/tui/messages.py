"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class Graded(Message):
    """Grading of an answer finished: the stored attempt's id, or why it failed."""

    def __init__(self, question_id: str, attempt_id: int | None, error: str | None = None):
        super().__init__()
        self.question_id = question_id
        self.attempt_id = attempt_id
        self.error = error
