"""The interviewer mode: the practice app's machinery (model loading, grading in a worker,
the store, the score card) driving an interview session instead of a practice history.

Answers go to the interview tables, never to the practice history: a candidate's screen must
not change anyone's review schedule.
"""

from __future__ import annotations

from textual.screen import Screen

from grader.bank import Bank
from grader.interview import QuestionSet
from grader.models import Result
from grader.store import InterviewSession
from grader.tui.app import GraderApp


class InterviewApp(GraderApp):
    """Runs interview sessions: set up, ask each question, decide each score, summarise."""

    TITLE = "grader interview"

    def __init__(
        self,
        bank: Bank,
        *,
        question_set: QuestionSet | None = None,
        candidate: str | None = None,
        **kwargs,
    ) -> None:
        """`question_set` preselects the questions; with `candidate` too, the session starts
        (or resumes) at once. Other arguments are the practice app's (scorer, store, clock…).
        """
        super().__init__(bank, **kwargs)
        self.question_set = question_set
        self.candidate = candidate
        self.session: InterviewSession | None = None

    def get_default_screen(self) -> Screen:
        from grader.tui.screens.interview import SetupScreen

        return SetupScreen()

    def on_mount(self) -> None:
        # GraderApp.on_mount (theme, model loading) runs after this one: Textual calls the
        # handler of every class in the MRO, so no super() call here.
        if self.candidate and self.question_set:
            self.call_later(
                self.start_or_resume,
                self.candidate,
                self.question_set.question_ids,
                self.question_set.name,
            )

    # ------------------------------------------------------------ sessions

    async def start_or_resume(
        self, candidate: str, question_ids: list[str], set_name: str = ""
    ) -> InterviewSession:
        """Resume the candidate's unfinished session over these questions, or start one."""
        session = self.store.open_session(candidate, question_ids)
        if session is None:
            session = self.store.start_session(candidate, question_ids, set_name, now=self.clock())
            self.notify(f"started session {session.id} for {session.candidate}")
        else:
            self.notify(f"resumed session {session.id} for {session.candidate}")
        await self.open_session(session)
        return session

    async def open_session(self, session: InterviewSession) -> None:
        """Go to the session's first unanswered question (or its summary when all are done)."""
        from grader.tui.screens.interview import (
            DecisionScreen,
            InterviewAnswerScreen,
            SummaryScreen,
        )

        self.session = session
        await self.back_to_list()
        question_id = self.store.next_unanswered(session)
        if question_id is None:
            self.push_screen(SummaryScreen(session.id))
            return
        saved = self.store.interview_answers(session.id).get(question_id)
        self.push_screen(InterviewAnswerScreen(question_id, saved.answer if saved else ""))
        if saved is not None and saved.result_json:
            # Scored but not decided when the app closed: the decision is what is left to do.
            self.push_screen(DecisionScreen(question_id))

    async def decided(self) -> None:
        """The interviewer settled a score: on to the next question or the summary."""
        assert self.session is not None
        await self.open_session(self.session)

    # ------------------------------------------------------------ grading

    def grade(self, question_id: str, answer: str, reply_to: Screen) -> None:
        """Save the typed answer in the session first, then grade it in a worker."""
        assert self.session is not None
        self.store.save_interview_answer(self.session.id, question_id, answer, now=self.clock())
        self._grade(question_id, answer, reply_to)

    def record(self, result: Result) -> int:
        """Keep the automatic grade in the session (the practice history is left alone)."""
        assert self.session is not None
        return self.store.save_interview_result(self.session.id, result, now=self.clock())
