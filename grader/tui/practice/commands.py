"""The practice app's commands in the command palette (ctrl+p): open a question by its text,
the due list, a random set, progress, export of the history, and the light/dark theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from grader.bank import Bank
from grader.text import shorten


class PracticeActions(Protocol):
    """What the palette asks of the practice app (a protocol, so that the app may import
    this module without this module importing the app)."""

    bank: Bank

    def show_due(self) -> object: ...
    def draw_random_set(self) -> object: ...
    def open_progress(self) -> object: ...
    def export_history(self) -> object: ...
    def toggle_theme(self) -> object: ...
    def open_question(self, question_id: str) -> object: ...


QUESTION_CHARS = 70


class PracticeCommands(Provider):
    """What the practice app can do, found by typing part of its name or a question's text."""

    @property
    def practice(self) -> PracticeActions:
        """The practice app the palette is open over."""
        return cast(PracticeActions, self.app)

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.practice
        return [
            ("Due for review", "List the questions due for review now", app.show_due),
            ("Random set", "Draw a random set from the questions listed", app.draw_random_set),
            ("Progress", "Scores over time and per topic", app.open_progress),
            ("Export history", "Write every attempt to a CSV file here", app.export_history),
            ("Light/dark theme", "Switch between the light and dark theme", app.toggle_theme),
        ]

    def _questions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.practice
        return [
            (
                f"Open: {shorten(q.question, QUESTION_CHARS)}",
                f"{q.id} · {q.level} · {q.topic}",
                partial(app.open_question, q.id),
            )
            for q in app.bank.questions.values()
        ]

    async def discover(self) -> Hits:
        """The app's commands, shown when the palette opens."""
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands and questions whose title matches what is typed."""
        matcher = self.matcher(query)
        for title, help_text, command in self._commands() + self._questions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
