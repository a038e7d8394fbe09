"""The offer to restore an unsent answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from grader.store import Draft
from grader.text import shorten
from grader.tui.display import when
from grader.tui.widgets import KeyBar

PREVIEW_CHARS = 400


class DraftPrompt(ModalScreen[bool]):
    """Ask whether to restore a draft: dismisses with True (restore) or False (discard)."""

    BINDINGS = [
        Binding("escape", "restore", "Restore it"),
        Binding("ctrl+d", "discard", "Discard it"),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        words = len(self.draft.text.split())
        with Vertical(id="draft-dialog"):
            yield Label(
                f"You left an answer here unsent ({words} words, {when(self.draft.updated_at)}).",
                id="draft-title",
            )
            yield Static(shorten(self.draft.text, PREVIEW_CHARS), id="draft-preview")
            with Horizontal(id="draft-buttons"):
                yield Button("Restore it  esc", id="restore", variant="primary")
                yield Button("Discard it  ctrl+d", id="discard", variant="error")
        # The dialog's own keys, in place of the editor's beneath it.
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "restore")

    def action_restore(self) -> None:
        """Restore the draft (also what Escape does: nothing is lost)."""
        self.dismiss(True)

    def action_discard(self) -> None:
        """Throw the draft away and start afresh."""
        self.dismiss(False)
