"""The candidate's answer to one question of a session: the shared editor, saving what is typed
into the session (never into the practice drafts)."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from grader.models import Question
from grader.store import InterviewSession
from grader.tui.editor import AnswerEditor


class InterviewAnswerScreen(AnswerEditor):
    """The editor for one question of a session, headed by the candidate and the question's
    place in the set."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Score", priority=True),
        Binding("escape", "back", "Leave (kept)"),
    ]

    SUBMIT_LABEL = "Score  ctrl+s"
    BACK_LABEL = "Leave  esc"
    PLACEHOLDER = "The candidate's answer, or your transcript. ctrl+s scores it."
    GRADE_VERB = "score"
    NOT_GRADED = "not scored; the answer is kept"
    SAVED = "answer saved"

    def __init__(self, session: InterviewSession, question: Question, text: str = "") -> None:
        """Open `question` of `session`, with the answer saved so far."""
        super().__init__(question, text)
        self.session = session

    def heading(self) -> Content:
        """The candidate and the question's place in the set, then the question's details."""
        session = self.session
        position = session.question_ids.index(self.question_id) + 1
        return Content.assemble(
            (session.candidate, "bold"),
            f"  ·  question {position} of {len(session.question_ids)}  ·  ",
            super().heading(),
        )

    def opened(self) -> None:
        # A saved choice is pressed again (the editor's text is prefilled when composed).
        if self._initial and self.question.type == "choice":
            self.set_answer(self._initial)
        super().opened()
