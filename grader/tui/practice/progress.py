"""Progress: scores over time per topic (a terminal chart) and a table per topic."""

from __future__ import annotations

from collections.abc import Collection
from statistics import mean

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select

from grader.models import Question
from grader.store import Attempt, QuestionStats
from grader.tui.widgets import KeyBar
from grader.tui.widgets.filters import chosen, topic_select
from grader.tui.widgets.progress_chart import TopicChart


class ProgressScreen(Screen):
    """How practice went, topic by topic."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(
        self,
        questions: Collection[Question],
        attempts: list[Attempt],
        stats: dict[str, QuestionStats],
        due: Collection[str],
    ) -> None:
        """The bank's questions, every attempt, each question's record, the ids now due."""
        super().__init__()
        self.questions = questions
        self.attempts = attempts
        self.stats = stats
        self.due = set(due)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="progress-filters"):
            yield Label("Topic", id="progress-topic-label")
            yield topic_select(self.questions, "progress-topic")
        yield TopicChart(id="chart")
        yield DataTable(id="topic-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#topic-table", DataTable)
        for column in ("topic", "answered", "attempts", "last avg", "best avg", "passing", "due"):
            table.add_column(column, key=column)
        self._fill_table()
        self._draw()
        table.focus()

    @on(Select.Changed, "#progress-topic")
    def _draw(self) -> None:
        topic = chosen(self.query_one("#progress-topic", Select))
        self.query_one(TopicChart).plot(self.attempts, topic)

    def _fill_table(self) -> None:
        stats, due = self.stats, self.due
        table = self.query_one("#topic-table", DataTable)
        table.clear()
        by_topic: dict[str, list[str]] = {}
        for question in self.questions:
            by_topic.setdefault(question.topic, []).append(question.id)
        for topic in sorted(by_topic):
            ids = by_topic[topic]
            answered = [stats[q] for q in ids if q in stats]
            count = sum(1 for a in self.attempts if a.question_id in ids)
            table.add_row(
                topic,
                f"{len(answered)}/{len(ids)}",
                str(count),
                f"{mean(s.last for s in answered):.0f}" if answered else "–",
                f"{mean(s.best for s in answered):.0f}" if answered else "–",
                f"{sum(s.last_passed for s in answered)}/{len(answered)}" if answered else "–",
                str(sum(q in due for q in ids)),
                key=topic,
            )

    @on(DataTable.RowSelected, "#topic-table")
    def _topic_chosen(self, event: DataTable.RowSelected) -> None:
        self.query_one("#progress-topic", Select).value = str(event.row_key.value)
