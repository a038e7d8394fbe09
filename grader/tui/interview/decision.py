"""The decision on one answer: the automatic score and its explanation (the practice score
card), and the interviewer's accept or override with a note.

The decision row stays in view under the card, whatever the card's length, and a line under it
says what Enter will do. From the card, `a` accepts, `o` goes to the score box (or overrides
with the score already typed), and typing a digit starts the score in the box; Tab goes from
the key points straight to the score box, then to the note.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Static

from grader.models import Question
from grader.reports import num
from grader.store import InterviewAnswer, InterviewSession
from grader.tui.messages import Decide
from grader.tui.widgets import KeyBar, ScoreCard

SCORE_PATTERN = r"\d{0,3}(\.\d?)?"
"""What the score box lets through: 0 to 999 with one decimal (checked for 0-100 on use)."""


class DecisionBox(Input):
    """A box of the decision row: Enter settles the score, Escape goes back to the card."""

    BINDINGS = [
        Binding("enter", "submit", "Save the decision", show=True),
        Binding("escape", "screen.focus_card", "Back to the card", show=True),
    ]


class DecisionScreen(Screen):
    """The automatic score and its explanation; the interviewer accepts it or overrides it."""

    # The key points take focus in on_mount, before the first paint, without scrolling to
    # them: Textual's AUTO_FOCUS would centre them on a short screen, scrolling the score away.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("o", "override", "Override"),
        Binding("s", "reference", "Reference answer"),
        Binding("escape", "back", "Edit the answer"),
        # Typing a score on the card starts it in the score box.
        *[Binding(str(d), f"type_score('{d}')", show=False) for d in range(10)],
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
            yield ScoreCard(question, result, whose="the candidate's", id="card")
        with Vertical(id="decision"):
            with Horizontal(id="decision-row"):
                yield DecisionBox(
                    num(answer.final_score) if answer.overridden else "",
                    placeholder="your score 0-100",
                    restrict=SCORE_PATTERN,
                    max_length=5,
                    # Else the digit typed on the card would be selected, and the next replace it.
                    select_on_focus=False,
                    id="final-score",
                )
                yield DecisionBox(answer.note, placeholder="note (kept with either)", id="note")
                yield Button("Accept  a", id="accept", variant="success")
                yield Button("Override  o", id="override", variant="warning")
            yield Label("", id="decision-hint")
        yield KeyBar(follow_focus=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#points"), scroll_visible=False)
        # Tab from the key points goes to the score box, not to the answer beside them.
        self.query_one("#answer-pane").can_focus = False
        self._show_hint()

    # ------------------------------------------------------------ what Enter will do

    def typed_score(self) -> float | None:
        """The score in the box when it is one from 0 to 100, else None."""
        try:
            score = float(self.query_one("#final-score", Input).value)
        except ValueError:
            return None
        return score if 0 <= score <= 100 else None

    @on(Input.Changed, "#final-score")
    def _show_hint(self) -> None:
        auto = num(self.answer.auto_score)
        text = self.query_one("#final-score", Input).value.strip()
        score = self.typed_score()
        if not text:
            hint = f"Enter accepts {auto}; type a score to override it"
        elif score is None:
            hint = "a score is a number from 0 to 100"
        else:
            hint = f"Enter overrides {auto} with {num(score)}"
        self.query_one("#decision-hint", Label).update(hint)

    # ------------------------------------------------------------ actions

    def action_reference(self) -> None:
        """Show or hide the reference answer."""
        self.query_one(ScoreCard).reveal_reference()

    def action_focus_card(self) -> None:
        """Back from the decision boxes to the key points."""
        self.query_one("#points").focus()

    def action_type_score(self, digit: str) -> None:
        """Start the score in the score box with the digit typed on the card."""
        box = self.query_one("#final-score", Input)
        box.value = digit
        box.cursor_position = len(box.value)
        # At once (focus() waits a turn): the next digit typed must land in the box.
        self.set_focus(box)

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
        score = self.typed_score()
        if score is None:
            if box.value.strip():
                self.notify("a score is a number from 0 to 100", severity="warning")
            else:
                self.notify("type your score (0-100), then Enter")
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
