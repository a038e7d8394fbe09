"""A question's past attempts, newest first; selecting one opens its score card."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from grader.store import Attempt
from grader.tui.display import when


class AttemptTable(DataTable):
    """Rows keyed by attempt id: when, score and verdict."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)

    def _add_columns(self) -> None:
        self.add_column("attempt", key="n")
        self.add_column("when", key="when")
        self.add_column("score", key="score")
        self.add_column("verdict", key="verdict")

    def show(self, attempts: list[Attempt]) -> None:
        """List `attempts` (given oldest first), newest on top."""
        if not self.columns:
            self._add_columns()
        self.clear()
        for n, attempt in reversed(list(enumerate(attempts, start=1))):
            verdict = Text("PASS", "green") if attempt.passed else Text("FAIL", "red")
            self.add_row(
                f"#{n}",
                when(attempt.created_at),
                f"{attempt.score:g}",
                verdict,
                key=str(attempt.id),
            )
