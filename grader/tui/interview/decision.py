"""The decision on one answer: the automatic score and its explanation (the practice score
card), and the interviewer's accept or override with a note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from grader.models import Question
from grader.reports import num
from grader.store import InterviewAnswer, InterviewSession
from grader.tui.messages import Decide
from grader.tui.widgets import KeyBar, ScoreCard


class DecisionScreen(Screen):
    """The automatic score and its explanation; the interviewer accepts it or overrides it."""

    AUTO_FOCUS = "#points"  # set while composing: no second paint, as a focus() would cost

    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("o", "override", "Override"),
        Binding("s", "reference", "Reference answer"),
        Binding("escape", "back", "Edit the answer"),
    ]

    def __init__(
        self, session: InterviewSession, question: Question, answer: InterviewAnswer
    ) -> None:
        """The scored `answer` to `question` in `session`."""
        super().__init__()
        self.session = session
        self.question = question
        self.answer = answer

    @property
    def question_id(self) -> str:
        """The id of the question decided on."""
        return self.question.id

    def compose(self) -> ComposeResult:
        answer, question = self.answer, self.question
        result = answer.result
        assert result is not None
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(
                Content.assemble((self.session.candidate, "bold"), "  ·  ", question.question),
                id="result-question",
            )
            yield ScoreCard(question, result, id="card")
            with Horizontal(id="decision"):
                yield Input(
                    num(answer.final_score) if answer.overridden else "",
                    placeholder="your score 0-100",
                    type="number",
                    id="final-score",
                )
                yield Input(answer.note, placeholder="note (optional)", id="note")
                yield Button("Accept  a", id="accept", variant="success")
                yield Button("Override  o", id="override", variant="warning")
        yield KeyBar()

    def action_reference(self) -> None:
        """Show or hide the reference answer."""
        self.query_one(ScoreCard).reveal_reference()

    def _note(self) -> str:
        return self.query_one("#note", Input).value

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        """Keep the automatic score as the final one (with the note, if any)."""
        self.post_message(Decide(self.question_id, None, self._note()))

    @on(Button.Pressed, "#override")
    def action_override(self) -> None:
        """Use the interviewer's score: ask for it first when the box is empty or invalid."""
        box = self.query_one("#final-score", Input)
        try:
            score = float(box.value)
        except ValueError:
            score = None
        if score is None or not 0 <= score <= 100:
            if box.value.strip():
                self.notify("a score is a number from 0 to 100", severity="warning")
            box.focus()
            return
        self.post_message(Decide(self.question_id, score, self._note()))

    @on(Input.Submitted, "#final-score")
    @on(Input.Submitted, "#note")
    def _submitted(self) -> None:
        # Enter in either box: override when a score was typed, otherwise accept.
        if self.query_one("#final-score", Input).value.strip():
            self.action_override()
        else:
            self.action_accept()

    def action_back(self) -> None:
        """Back to the editor to change the answer (it is scored again)."""
        self.app.pop_screen()
