"""Answer one practice question: the shared editor, the earlier attempts under it, and the
offer to restore a draft left unsent."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from grader.models import Question
from grader.store import Draft
from grader.tui.editor import AnswerEditor
from grader.tui.messages import OpenAttempt
from grader.tui.practice.draft import DraftPrompt
from grader.tui.widgets import AttemptTable


class AnswerScreen(AnswerEditor):
    """The practice editor: past attempts listed under it, drafts offered back."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self, question: Question, text: str | None = None, draft: Draft | None = None
    ) -> None:
        """Open `question`; `text` prefills the editor, else `draft` is offered back."""
        super().__init__(question, text)
        self.draft = draft if text is None else None

    def compose_below(self) -> ComposeResult:
        yield Label("Earlier attempts (enter opens one)", id="history-title")
        yield AttemptTable(id="history")

    def opened(self) -> None:
        self._show_history()
        super().opened()
        draft = self.draft
        if draft is not None:
            self.app.push_screen(DraftPrompt(draft), lambda keep: self._draft_answered(draft, keep))

    def on_screen_resume(self) -> None:
        self._show_history()

    def _show_history(self) -> None:
        attempts = self.grader.store.attempts(self.question_id)
        self.query_one("#history-title").set_class(not attempts, "-hidden")
        table = self.query_one(AttemptTable)
        table.set_class(not attempts, "-hidden")
        table.show(attempts)

    def _draft_answered(self, draft: Draft, restore: bool | None) -> None:
        if restore:
            self.set_answer(draft.text)
            self._saved_text = draft.text
            self.notify("draft restored")
        else:
            self.grader.store.delete_draft(self.question_id)
            self._saved_text = ""
        self.input_widget().focus()

    @on(DataTable.RowSelected, "#history")
    def _open_attempt(self, event: DataTable.RowSelected) -> None:
        self.post_message(OpenAttempt(int(str(event.row_key.value))))
