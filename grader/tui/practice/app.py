"""The practice app: pick a question, answer it, read an explained score, review on schedule.

The app shows at once: the model loads in the background while the user browses and types,
and grading runs in a worker too, so the interface never freezes (grader/tui/base.py). This
module decides what practice keeps (drafts, attempts, review cards: grader/practice.py) and
which screen comes next.
"""

from __future__ import annotations

import random
from pathlib import Path

from textual import on
from textual.screen import Screen

from grader import practice
from grader.bank import Bank
from grader.locations import history_export_path
from grader.models import Result
from grader.tui.base import BaseApp
from grader.tui.messages import NextQuestion, OpenAttempt, OpenProgress, OpenQuestion, Retry
from grader.tui.practice.answer import AnswerScreen
from grader.tui.practice.commands import PracticeCommands
from grader.tui.practice.questions import QuestionsScreen
from grader.tui.practice.result import ResultScreen


class PracticeApp(BaseApp):
    """The practice app over one bank, one scorer (or a loader for it) and one store."""

    TITLE = "grader practice"
    COMMANDS = BaseApp.COMMANDS | {PracticeCommands}

    def __init__(self, bank: Bank, *, seed: int | None = None, **kwargs) -> None:
        """`seed` makes the random sets reproducible; the other arguments are the base app's
        (scorer or load_scorer, store, clock)."""
        super().__init__(bank, **kwargs)
        self.random = random.Random(seed)

    def get_default_screen(self) -> Screen:
        # The question list is the bottom of the stack: "back to the list" pops to it.
        self.question_list = QuestionsScreen(self.random)
        return self.question_list

    @property
    def queue(self) -> list[str]:
        """The question ids of the list on view: 'next question' follows it."""
        return self.question_list.listed

    # ------------------------------------------------------------ what practice keeps

    def save_answer(self, question_id: str, answer: str) -> None:
        """Keep what is typed as the question's draft."""
        self.store.save_draft(question_id, answer, now=self.clock())

    def record(self, result: Result) -> int:
        """Store an attempt, reschedule its question, and drop its draft, all in one go."""
        question = self.bank.get(result.question_id)
        return practice.record_attempt(self.store, question, result, self.clock())

    # ------------------------------------------------------------ screens

    def answer_screen(self, question_id: str, text: str | None = None) -> AnswerScreen:
        """The editor for a question, offering its draft back unless `text` prefills it."""
        draft = self.store.draft(question_id) if text is None else None
        return AnswerScreen(self.bank.get(question_id), text, draft)

    def attempt_screen(self, attempt_id: int) -> ResultScreen:
        """The score card of a stored attempt."""
        attempt = self.store.attempt(attempt_id)
        if attempt is None:
            raise KeyError(f"no attempt {attempt_id}")
        previous = self.store.previous_attempt(attempt.question_id, before=attempt.id)
        return ResultScreen(self.bank.get(attempt.question_id), attempt, previous)

    def show_grade(self, question_id: str, stored_id: int) -> None:
        """A graded answer opens its score card."""
        self.push_screen(self.attempt_screen(stored_id))

    # ------------------------------------------------------------ commands (the palette's)

    def open_question(self, question_id: str) -> None:
        """Answer a question (its draft offered back)."""
        self.push_screen(self.answer_screen(question_id))

    async def show_due(self) -> None:
        """Back to the list, showing the questions due for review."""
        await self.back_to_list()
        self.question_list.action_show("due")

    async def draw_random_set(self) -> None:
        """Back to the list, with a random set drawn from what its filters show."""
        await self.back_to_list()
        self.question_list.action_random_set()

    def open_progress(self) -> None:
        """Show the progress view."""
        self.post_message(OpenProgress())

    def toggle_theme(self) -> None:
        """Switch between the light and dark theme."""
        self.action_toggle_theme()

    def export_history(self) -> Path:
        """Write every attempt to a CSV file in the working folder; say where."""
        path = history_export_path(self.clock())
        try:
            path.write_text(
                practice.history_csv(self.store.attempts(), self.bank.questions), encoding="utf-8"
            )
        except OSError as exc:
            self.notify(f"could not export the history: {exc}", severity="error")
        else:
            self.notify(f"exported {len(self.store.attempts())} attempt(s) to {path}")
        return path

    # ------------------------------------------------------------ navigation

    @on(OpenQuestion)
    def _open_question(self, request: OpenQuestion) -> None:
        self.push_screen(self.answer_screen(request.question_id, request.text))

    @on(OpenAttempt)
    def _open_attempt(self, request: OpenAttempt) -> None:
        self.push_screen(self.attempt_screen(request.attempt_id))

    @on(OpenProgress)
    def _open_progress(self) -> None:
        # Imported when first shown: plotting would add to the app's start.
        from grader.tui.practice.progress import ProgressScreen

        store = self.store
        screen = ProgressScreen(
            list(self.bank.questions.values()),
            store.attempts(),
            store.stats(),
            store.due(self.clock()),
        )
        self.push_screen(screen)

    @on(Retry)
    async def _retry(self, request: Retry) -> None:
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        await self.pop_screen()
        if isinstance(below, AnswerScreen) and below.question_id == request.question_id:
            return  # the editor below still holds this answer
        self.push_screen(self.answer_screen(request.question_id, request.answer))

    @on(NextQuestion)
    async def _next_question(self, request: NextQuestion) -> None:
        following = practice.next_question(self.queue, request.after)
        if following is None:
            self.notify("that was the last question of the list")
            return
        await self.back_to_list()
        self.push_screen(self.answer_screen(following))
