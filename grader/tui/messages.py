"""Messages between the apps and their screens.

`Graded` goes from an app to the editor that asked for a grade. The others are requests a
screen posts to its app (they bubble up to it): the app, not the screen, knows which screen
comes next, so screens never import one another.
"""

from __future__ import annotations

from textual.message import Message


class Graded(Message):
    """Grading of an answer finished: the id of what was stored, or why it failed."""

    def __init__(self, question_id: str, attempt_id: int | None, error: str | None = None):
        super().__init__()
        self.question_id = question_id
        self.attempt_id = attempt_id
        self.error = error


class BackToList(Message):
    """Close every screen above the first one (the question list, or the interview set-up)."""


# ---------------------------------------------------------------- practice


class OpenQuestion(Message):
    """Answer a question; `text` prefills the editor (and then no draft is offered)."""

    def __init__(self, question_id: str, text: str | None = None):
        super().__init__()
        self.question_id = question_id
        self.text = text


class OpenAttempt(Message):
    """Show the score card of a stored attempt."""

    def __init__(self, attempt_id: int):
        super().__init__()
        self.attempt_id = attempt_id


class Retry(Message):
    """Answer the question of an attempt again, starting from that attempt's answer."""

    def __init__(self, question_id: str, answer: str):
        super().__init__()
        self.question_id = question_id
        self.answer = answer


class NextQuestion(Message):
    """Go on to the question after `after` in the list on view."""

    def __init__(self, after: str):
        super().__init__()
        self.after = after


class OpenProgress(Message):
    """Show the progress view."""


# ---------------------------------------------------------------- interviews


class StartSession(Message):
    """Start (or resume) a candidate's session over these questions."""

    def __init__(self, candidate: str, question_ids: list[str], set_name: str):
        super().__init__()
        self.candidate = candidate
        self.question_ids = question_ids
        self.set_name = set_name


class OpenSession(Message):
    """Continue a stored session where it stands."""

    def __init__(self, session_id: int):
        super().__init__()
        self.session_id = session_id


class OpenSummary(Message):
    """Show a session's summary."""

    def __init__(self, session_id: int):
        super().__init__()
        self.session_id = session_id


class Decide(Message):
    """The interviewer settled an answer's score: accepted (`final_score` None) or overridden."""

    def __init__(self, question_id: str, final_score: float | None, note: str):
        super().__init__()
        self.question_id = question_id
        self.final_score = final_score
        self.note = note
