"""Progress: scores over time per topic (a terminal chart) and a table per topic."""

from __future__ import annotations

from statistics import mean

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, Select

from grader.tui.screens.base import GraderScreen
from grader.tui.widgets import KeyBar
from grader.tui.widgets.progress_chart import TopicChart

ALL = "all"


class ProgressScreen(GraderScreen):
    """How practice went, topic by topic."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        topics = sorted({q.topic for q in self.grader.bank.questions.values()})
        yield Header()
        with Horizontal(id="progress-filters"):
            yield Label("Topic", id="progress-topic-label")
            yield Select(
                [("All topics", ALL), *[(t, t) for t in topics]],
                value=ALL,
                allow_blank=False,
                id="progress-topic",
            )
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
        value = self.query_one("#progress-topic", Select).value
        topic = None if value == ALL else str(value)
        self.query_one(TopicChart).plot(self.grader.store.attempts(), topic)

    def _fill_table(self) -> None:
        app = self.grader
        stats = app.store.stats()
        due = set(app.store.due(app.clock()))
        attempts = app.store.attempts()
        table = self.query_one("#topic-table", DataTable)
        table.clear()
        by_topic: dict[str, list[str]] = {}
        for question in app.bank.questions.values():
            by_topic.setdefault(question.topic, []).append(question.id)
        for topic in sorted(by_topic):
            ids = by_topic[topic]
            answered = [stats[q] for q in ids if q in stats]
            count = sum(1 for a in attempts if a.question_id in ids)
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
