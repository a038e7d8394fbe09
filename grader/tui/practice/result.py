"""The score card of one attempt, with retry, next question, reference and comparison."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from grader.models import Question
from grader.store import Attempt
from grader.tui.base import BaseScreen
from grader.tui.display import when
from grader.tui.messages import BackToList, NextQuestion, Retry
from grader.tui.widgets import AttemptComparison, KeyBar, ScoreCard


class ResultScreen(BaseScreen):
    """Shows a stored attempt's score card, and the attempt before it to compare with."""

    # The key points take focus in on_mount, before the first paint, without scrolling to
    # them: Textual's AUTO_FOCUS would centre them on a short screen, scrolling the score away.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("n", "next", "Next question"),
        Binding("s", "reference", "Reference answer"),
        Binding("c", "compare", "Compare"),
        Binding("escape", "list", "Question list"),
    ]

    def __init__(self, question: Question, attempt: Attempt, previous: Attempt | None) -> None:
        super().__init__()
        self.question = question
        self.attempt = attempt
        self.previous = previous

    def compose(self) -> ComposeResult:
        previous = self.previous
        result = self.attempt.result()
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(self.question.question, id="result-question")
            yield ScoreCard(self.question, result, id="card")
            yield AttemptComparison(
                result,
                previous.result() if previous else None,
                when(previous.created_at) if previous else "",
                id="comparison",
                classes="-hidden",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#points"), scroll_visible=False)

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

    def action_retry(self) -> None:
        """Answer the same question again, starting from this answer."""
        self.post_message(Retry(self.attempt.question_id, self.attempt.answer))

    def action_next(self) -> None:
        """Go on to the next question of the list."""
        self.post_message(NextQuestion(self.attempt.question_id))

    def action_list(self) -> None:
        """Back to the question list."""
        self.post_message(BackToList())
