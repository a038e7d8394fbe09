"""The interviewer mode: the shared app base (model loading, grading in a worker, the store)
driving interview sessions instead of a practice history.

Answers go to the interview tables, never to the practice history: a candidate's screen must
not change anyone's review schedule. What a session is and when it is finished are the rules
of grader/interview.py; this module decides which screen comes next.
"""

from __future__ import annotations

from textual import on
from textual.screen import Screen

from grader import interview
from grader.bank import Bank
from grader.interview import QuestionSet
from grader.models import Result
from grader.store import InterviewSession
from grader.tui.base import BaseApp
from grader.tui.interview.answer import InterviewAnswerScreen
from grader.tui.interview.decision import DecisionScreen
from grader.tui.interview.setup import SetupScreen
from grader.tui.interview.summary import SummaryScreen
from grader.tui.messages import Decide, OpenSession, OpenSummary, StartSession


class InterviewApp(BaseApp):
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
        (or resumes) at once. Other arguments are the base app's (scorer, store, clock…).
        """
        super().__init__(bank, **kwargs)
        self.question_set = question_set
        self.candidate = candidate
        self.session: InterviewSession | None = None

    def get_default_screen(self) -> Screen:
        return SetupScreen(self.question_set, self.candidate)

    def on_mount(self) -> None:
        # BaseApp.on_mount (theme, model loading) runs after this one: Textual calls the
        # handler of every class in the MRO, so no super() call here.
        if self.candidate and self.question_set:
            self.call_later(
                self.start_or_resume,
                self.candidate,
                self.question_set.question_ids,
                self.question_set.name,
            )

    # ------------------------------------------------------------ what an interview keeps

    def save_answer(self, question_id: str, answer: str) -> None:
        """Keep the typed answer in the session (there are no drafts in an interview)."""
        if self.session is not None:
            self.store.save_interview_answer(self.session.id, question_id, answer, now=self.clock())

    def record(self, result: Result) -> int:
        """Keep the automatic grade in the session (the practice history is left alone)."""
        assert self.session is not None
        return self.store.save_interview_result(self.session.id, result, now=self.clock())

    # ------------------------------------------------------------ sessions

    async def start_or_resume(
        self, candidate: str, question_ids: list[str], set_name: str = ""
    ) -> InterviewSession:
        """Resume the candidate's unfinished session over these questions, or start one.

        With no questions, the candidate's latest unfinished session is resumed (there must
        be one: the set-up checks).
        """
        session = interview.unfinished_session(self.store, candidate, question_ids or None)
        if session is None:
            session = interview.start_session(
                self.store, candidate, question_ids, set_name, now=self.clock()
            )
            self.notify(f"started session {session.id} for {session.candidate}")
        else:
            self.notify(f"resumed session {session.id} for {session.candidate}")
        await self.open_session(session)
        return session

    async def open_session(self, session: InterviewSession) -> None:
        """Go to the session's first unanswered question (or its summary when all are done)."""
        self.session = session
        await self.back_to_list()
        answers = self.store.interview_answers(session.id)
        question_id = interview.next_unanswered(session, answers)
        if question_id is None:
            self.push_screen(self.summary_screen(session.id))
            return
        saved = answers.get(question_id)
        question = self.bank.get(question_id)
        self.push_screen(InterviewAnswerScreen(session, question, saved.answer if saved else ""))
        if saved is not None and saved.result is not None:
            # Scored but not decided when the app closed: the decision is what is left to do.
            self.push_screen(self.decision_screen(question_id))

    # ------------------------------------------------------------ screens

    def decision_screen(self, question_id: str) -> DecisionScreen:
        """The score card of the current session's answer, with accept and override."""
        assert self.session is not None
        answer = self.store.interview_answers(self.session.id)[question_id]
        return DecisionScreen(self.session, self.bank.get(question_id), answer)

    def summary_screen(self, session_id: int) -> SummaryScreen:
        """The summary of a session, compared with the others over the same questions."""
        session = self.store.session(session_id)
        if session is None:
            raise KeyError(f"no session {session_id}")
        summary, comparison = interview.session_summary(self.store, session, self.bank.questions)
        return SummaryScreen(summary, comparison)

    def show_grade(self, question_id: str, stored_id: int) -> None:
        """A scored answer opens the decision on it."""
        self.push_screen(self.decision_screen(question_id))

    # ------------------------------------------------------------ navigation

    @on(StartSession)
    async def _start_session(self, request: StartSession) -> None:
        await self.start_or_resume(request.candidate, request.question_ids, request.set_name)

    @on(OpenSession)
    async def _open_session(self, request: OpenSession) -> None:
        session = self.store.session(request.session_id)
        if session is not None:
            await self.open_session(session)

    @on(OpenSummary)
    def _open_summary(self, request: OpenSummary) -> None:
        self.push_screen(self.summary_screen(request.session_id))

    @on(Decide)
    async def _decide(self, request: Decide) -> None:
        """The interviewer settled a score: keep it, then on to the next question or the
        summary."""
        assert self.session is not None
        interview.decide(
            self.store,
            self.session.id,
            request.question_id,
            request.final_score,
            request.note,
            now=self.clock(),
        )
        decided = self.store.interview_answers(self.session.id)[request.question_id]
        self.notify(interview.decision_text(request.question_id, decided), title="Saved")
        await self.open_session(self.session)
