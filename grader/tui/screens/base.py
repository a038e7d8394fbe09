"""What every screen of the practice app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from grader.tui.app import GraderApp


class GraderScreen(Screen):
    """A screen with typed access to the practice app (bank, store, scorer, clock)."""

    @property
    def grader(self) -> GraderApp:
        """The running practice app."""
        return cast("GraderApp", self.app)
