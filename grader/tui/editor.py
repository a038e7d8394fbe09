"""The answer editor both apps use: a multi-line editor (or the options of a multiple-choice
question), submitting for a grade in the background.

What is typed is saved a moment after each change, again just before grading, and when
leaving, so a crash or Ctrl-C loses at most the last keystrokes. Where it is saved is the
app's business (practice drafts, or the interview session). The practice and interview
editors are peers on this one: they differ in their words, their heading and what they show
under the editor.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import (
    Button,
    Header,
    Label,
    LoadingIndicator,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from grader.answers import check_answer
from grader.models import Question
from grader.tui.base import BaseScreen
from grader.tui.messages import Graded
from grader.tui.widgets import KeyBar, ModelStatus

BUSY_DELAY = 0.2
"""Seconds of grading before the editor says it is grading."""
DRAFT_DELAY = 0.6
"""Seconds of quiet typing after which the draft is written and the answer embedded ahead."""
PASTE_CHARS = 20
"""An edit that adds this many characters at once is a paste: saved and embedded at once."""


class AnswerEditor(BaseScreen):
    """The editor for one question and the submit action; subclasses set the words."""

    BINDINGS = [Binding("ctrl+l", "clear_answer", "Clear", priority=True)]

    SUBMIT_LABEL = "Submit  ctrl+s"
    BACK_LABEL = "Back  esc"
    PLACEHOLDER = "Type your answer in full sentences. ctrl+s submits."
    GRADE_VERB = "grade"
    NOT_GRADED = "not graded; your draft is kept"
    SAVED = "draft saved"

    def __init__(self, question: Question, text: str | None = None) -> None:
        """Open `question`; `text` prefills the editor."""
        super().__init__()
        self.question = question
        self._initial = text
        self._saved_text = text or ""  # what the store (or the last attempt) already holds
        self._text = text or ""  # the answer as it stands, kept so flushing needs no widgets
        self._timer: Timer | None = None
        self._busy_timer: Timer | None = None
        self.busy = False

    @property
    def question_id(self) -> str:
        """The id of the question being answered."""
        return self.question.id

    def heading(self) -> Content:
        """The line above the question: its id, level, topic and pass mark."""
        question = self.question
        return Content.assemble(
            (question.id, "bold"),
            f"  ·  {question.level}  ·  {question.topic}  ·  pass mark {question.pass_mark:g}",
        )

    def compose(self) -> ComposeResult:
        question = self.question
        yield Header()
        with VerticalScroll(id="answer-body"):
            yield Static(self.heading(), id="question-meta")
            yield Static(question.question, id="question-text")
            if question.type == "choice":
                with RadioSet(id="choices"):
                    for key, text in question.options.items():
                        yield RadioButton(f"{key}) {text}", id=f"option-{key}")
            else:
                yield TextArea(
                    self._initial or "", id="editor", soft_wrap=True, placeholder=self.PLACEHOLDER
                )
            with Horizontal(id="answer-actions"):
                yield Button(self.SUBMIT_LABEL, id="submit", variant="primary")
                yield Button(self.BACK_LABEL, id="back")
                yield LoadingIndicator(id="grading")
                yield Label("", id="answer-status")
            yield from self.compose_below()
        yield ModelStatus(id="model-status")
        yield KeyBar()

    def compose_below(self) -> ComposeResult:
        """What shows under the editor's buttons (nothing here)."""
        yield from ()

    def on_mount(self) -> None:
        self.opened()

    def opened(self) -> None:
        """The screen is on: put the cursor in the editor."""
        self.input_widget().focus()

    # ------------------------------------------------------------ the answer and its draft

    def input_widget(self) -> TextArea | RadioSet:
        """The editor, or the options of a multiple-choice question."""
        if self.question.type == "choice":
            return self.query_one(RadioSet)
        return self.query_one(TextArea)

    def answer_text(self) -> str:
        """What the user has answered so far: the editor's text, or the chosen option's key."""
        if self.question.type == "choice":
            pressed = self.query_one(RadioSet).pressed_button
            return pressed.id.removeprefix("option-") if pressed and pressed.id else ""
        return self.query_one(TextArea).text

    def set_answer(self, text: str) -> None:
        """Put `text` in the editor (or press the option it names)."""
        if self.question.type == "choice":
            button = self.query(f"#option-{text.strip()}").first(RadioButton) if text else None
            if button is not None:
                button.value = True
        else:
            editor = self.query_one(TextArea)
            editor.load_text(text)
            editor.move_cursor(editor.document.end)

    def action_clear_answer(self) -> None:
        """Empty the editor (ctrl+z brings the text back) or unpick the chosen option."""
        if self.question.type == "choice":
            for button in self.query(RadioButton).results(RadioButton):
                button.value = False
            self._answer_changed()
        else:
            self.query_one(TextArea).clear()
            self.notify("cleared: ctrl+z brings it back")
        self.input_widget().focus()

    @on(TextArea.Changed)
    @on(RadioSet.Changed)
    def _answer_changed(self) -> None:
        before, self._text = self._text, self.answer_text()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if len(self._text) - len(before) >= PASTE_CHARS:
            # A pasted answer is often submitted a moment later: embedded now, it scores
            # as fast as a typed one does after its pause (and it is kept at once).
            self._save_and_embed_ahead()
        else:
            # Debounce: write once typing pauses rather than on every keystroke.
            self._timer = self.set_timer(DRAFT_DELAY, self._save_and_embed_ahead)

    def _save_and_embed_ahead(self) -> None:
        self.flush_draft()
        if self.question.type == "free_text":
            self.grader.embed_ahead(self.question_id, self._text)

    def flush_draft(self) -> None:
        """Save the answer now if it changed since it was last saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self._text
        if text == self._saved_text:
            return
        self.grader.save_answer(self.question_id, text)
        self._saved_text = text
        # While the screen is being torn down its widgets may already be gone.
        for label in self.query("#answer-status").results(Label):
            label.update(self.SAVED)

    # ------------------------------------------------------------ grading

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        """Save the answer, then grade it in the background."""
        if self.busy:
            return
        answer = self.answer_text()
        problem = check_answer(answer)
        if problem:
            if self.question.type == "choice":
                problem = "pick an option first"
            self.notify(problem, severity="warning")
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._saved_text = answer
        self._set_busy(True)
        self.grader.grade(self.question_id, answer, self)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        shown = self._busy_timer is None  # else "grading…" is still waiting for its turn
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if busy and self.grader.model_ready:
            # Most grading is over before "grading…" could be read; drawing it anyway would
            # cost the score card two repaints of this screen. It shows if grading drags on.
            self._busy_timer = self.set_timer(BUSY_DELAY, self._show_busy)
        elif busy or shown:
            self._show_busy()

    def _show_busy(self) -> None:
        self._busy_timer = None
        # The spinner is for the wait on the model; grading itself is over before it would
        # turn, and its animation only competes with the grading thread for the interpreter.
        self.query_one("#grading").display = self.busy and not self.grader.model_ready
        self.query_one("#submit", Button).disabled = self.busy
        if self.busy:
            waiting = "waiting for the model to load…" if not self.grader.model_ready else ""
            self.query_one("#answer-status", Label).update(waiting or "grading…")
        else:
            self.query_one("#answer-status", Label).update("")

    def on_graded(self, message: Graded) -> None:
        """Grading finished (the app has opened its card): done, or say why it failed."""
        self._set_busy(False)
        if message.attempt_id is None:
            self.query_one("#answer-status", Label).update(self.NOT_GRADED)
            self.notify(f"could not {self.GRADE_VERB}: {message.error}", severity="error")

    # ------------------------------------------------------------ leaving

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Save the answer and go back."""
        self.flush_draft()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        # Leaving by any way (back to the list, next question, quitting) keeps the answer.
        self.flush_draft()
