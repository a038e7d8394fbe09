"""Answer one question: a multi-line editor (or the options of a multiple-choice question).

What is typed is saved as a draft a moment after each change, again just before grading, and
when leaving, so a crash or Ctrl-C loses at most the last keystrokes; reopening the question
offers the draft back.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Label,
    LoadingIndicator,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from grader.answers import check_answer
from grader.store import Draft
from grader.tui.messages import Graded
from grader.tui.screens.base import GraderScreen
from grader.tui.screens.draft import DraftPrompt
from grader.tui.widgets import AttemptTable, KeyBar, ModelStatus

BUSY_DELAY = 0.2
"""Seconds of grading before the editor says it is grading."""
DRAFT_DELAY = 0.6
"""Seconds of quiet typing after which the draft is written and the answer embedded ahead."""
PASTE_CHARS = 20
"""An edit that adds this many characters at once is a paste: saved and embedded at once."""


class AnswerScreen(GraderScreen):
    """The editor for one question, its past attempts, and the submit action."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, question_id: str, text: str | None = None) -> None:
        """Open `question_id`; `text` prefills the editor (and then no draft is offered)."""
        super().__init__()
        self.question_id = question_id
        self._initial = text
        self._saved_text = text or ""  # what the store (or the last attempt) already holds
        self._text = text or ""  # the answer as it stands, kept so flushing needs no widgets
        self._timer: Timer | None = None
        self._busy_timer: Timer | None = None
        self.busy = False

    @property
    def question(self):
        """The question being answered."""
        return self.grader.bank.get(self.question_id)

    # What differs between practice and interview: the heading, the words on the controls and
    # on a failed grade, whether past attempts are listed, and the screen a grade opens.
    SUBMIT_LABEL = "Submit  ctrl+s"
    BACK_LABEL = "Back  esc"
    PLACEHOLDER = "Type your answer in full sentences. ctrl+s submits."
    SHOWS_HISTORY = True
    GRADE_VERB = "grade"
    NOT_GRADED = "not graded; your draft is kept"

    def card_screen(self, attempt_id: int) -> Screen:
        """The screen that shows a finished grade: the score card of the stored attempt."""
        from grader.tui.screens.result import ResultScreen

        return ResultScreen(attempt_id)

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
            if self.SHOWS_HISTORY:
                yield Label("Earlier attempts (enter opens one)", id="history-title")
                yield AttemptTable(id="history")
        yield ModelStatus(id="model-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_history()
        self._input_widget().focus()
        draft = self.grader.store.draft(self.question_id)
        if self._initial is None and draft is not None:
            self.app.push_screen(DraftPrompt(draft), lambda keep: self._draft_answered(draft, keep))

    def on_screen_resume(self) -> None:
        self._show_history()

    def _show_history(self) -> None:
        if not self.SHOWS_HISTORY:
            return
        attempts = self.grader.store.attempts(self.question_id)
        self.query_one("#history-title").set_class(not attempts, "-hidden")
        table = self.query_one(AttemptTable)
        table.set_class(not attempts, "-hidden")
        table.show(attempts)

    # ------------------------------------------------------------ the answer and its draft

    def _input_widget(self) -> TextArea | RadioSet:
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

    def _draft_answered(self, draft: Draft, restore: bool | None) -> None:
        if restore:
            self.set_answer(draft.text)
            self._saved_text = draft.text
            self.notify("draft restored")
        else:
            self.grader.store.delete_draft(self.question_id)
            self._saved_text = ""
        self._input_widget().focus()

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
        """Write the draft now if it changed since it was last saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self._text
        if text == self._saved_text:
            return
        self.grader.store.save_draft(self.question_id, text, now=self.grader.clock())
        self._saved_text = text
        # While the screen is being torn down its widgets may already be gone.
        for label in self.query("#answer-status").results(Label):
            label.update("draft saved")

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
        """Grading finished: open the score card, or say why it could not be made."""
        if message.attempt_id is None:
            self._set_busy(False)
            self.query_one("#answer-status", Label).update(self.NOT_GRADED)
            self.notify(f"could not {self.GRADE_VERB}: {message.error}", severity="error")
            return
        # The card first: this screen's own updates (and its history, on_screen_resume) can
        # wait until it shows again, rather than delay the card.
        self.app.push_screen(self.card_screen(message.attempt_id))
        self._set_busy(False)

    # ------------------------------------------------------------ navigation

    @on(DataTable.RowSelected, "#history")
    def _open_attempt(self, event: DataTable.RowSelected) -> None:
        from grader.tui.screens.result import ResultScreen

        self.app.push_screen(ResultScreen(int(str(event.row_key.value))))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Save the draft and return to the question list."""
        self.flush_draft()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        # Leaving by any way (back to the list, next question, quitting) keeps the draft.
        self.flush_draft()
