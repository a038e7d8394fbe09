"""The score card of one attempt, with retry, next question, reference and comparison."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from grader.store import Attempt
from grader.tui.display import when
from grader.tui.screens.base import GraderScreen
from grader.tui.widgets import AttemptComparison, KeyBar, ScoreCard


class ResultScreen(GraderScreen):
    """Shows a stored attempt's score card."""

    AUTO_FOCUS = "#points"  # set while composing: no second paint, as a focus() would cost

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("n", "next", "Next question"),
        Binding("s", "reference", "Reference answer"),
        Binding("c", "compare", "Compare"),
        Binding("escape", "list", "Question list"),
    ]

    def __init__(self, attempt_id: int) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.attempt: Attempt

    def compose(self) -> ComposeResult:
        app = self.grader
        attempt = app.store.attempt(self.attempt_id)
        if attempt is None:
            raise KeyError(f"no attempt {self.attempt_id}")
        self.attempt = attempt
        question = app.bank.get(self.attempt.question_id)
        result = self.attempt.result()
        previous = app.store.previous_attempt(question.id, before=self.attempt.id)
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(question.question, id="result-question")
            yield ScoreCard(question, result, id="card")
            yield AttemptComparison(
                result,
                previous.result() if previous else None,
                when(previous.created_at) if previous else "",
                id="comparison",
                classes="-hidden",
            )
        yield KeyBar()

    def action_reference(self) -> None:
        """Show or hide the reference answer."""
        self.query_one(ScoreCard).reveal_reference()

    def action_compare(self) -> None:
        """Show or hide the comparison with the previous attempt."""
        comparison = self.query_one("#comparison")
        comparison.toggle_class("-hidden")
        if not comparison.has_class("-hidden"):
            # At once, not animated: the next key press (or a snapshot) sees it in place.
            comparison.scroll_visible(animate=False)

    async def action_retry(self) -> None:
        """Answer the same question again, starting from this answer."""
        from grader.tui.screens.answer import AnswerScreen

        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if isinstance(below, AnswerScreen) and below.question_id == self.attempt.question_id:
            await self.app.pop_screen()  # the editor below still holds this answer
            return
        await self.app.pop_screen()
        self.app.push_screen(AnswerScreen(self.attempt.question_id, text=self.attempt.answer))

    async def action_next(self) -> None:
        """Go on to the next question of the list."""
        from grader.tui.screens.answer import AnswerScreen

        following = self.grader.next_question(self.attempt.question_id)
        if following is None:
            self.notify("that was the last question of the list")
            return
        await self.grader.back_to_list()
        self.app.push_screen(AnswerScreen(following))

    async def action_list(self) -> None:
        """Back to the question list."""
        await self.grader.back_to_list()
