"""A status line for the model: a loading indicator until the scorer is ready."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, LoadingIndicator


class ModelStatus(Horizontal):
    """Shows 'loading the model…' with a spinner, then the model's name, or why it failed.

    It follows the app's `model_state` ("loading", "ready" or "failed") and `model_message`.
    """

    def compose(self) -> ComposeResult:
        yield LoadingIndicator(id="model-spinner")
        yield Label("", id="model-label")

    def on_mount(self) -> None:
        self.watch(self.app, "model_state", self._show, init=True)

    def _show(self, state: str) -> None:
        self.set_class(state == "loading", "-loading")
        self.set_class(state == "failed", "-failed")
        message = getattr(self.app, "model_message", "")
        text = {
            "loading": "loading the model… (browse and type meanwhile)",
            "ready": f"model {message}",
            "failed": f"model failed to load: {message}",
        }.get(state, state)
        self.query_one("#model-label", Label).update(text)
