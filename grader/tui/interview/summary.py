"""The summary of one interview session: per-question scores, totals, topics, agreement
with the interviewer, and the other candidates over the same questions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from grader.reports import ComparisonRow, Summary, num, topic_label
from grader.text import shorten
from grader.tui.messages import BackToList
from grader.tui.widgets import KeyBar


class SummaryScreen(Screen):
    """One session: per-question scores, totals, topics, agreement, and the comparison."""

    BINDINGS = [Binding("escape", "close", "Sessions")]

    def __init__(self, summary: Summary, comparison: list[ComparisonRow]) -> None:
        """A session's summary, and every session over the same questions to compare with."""
        super().__init__()
        self.summary = summary
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Static(
                Content.assemble(
                    (s.candidate, "bold"),
                    f"  ·  session {s.session_id}  ·  {s.set_name or '(set chosen by hand)'}",
                ),
                id="summary-title",
            )
            yield Static(
                Content.assemble(
                    ("Recommendation ", "bold"),
                    (s.recommendation, "bold $text-accent"),
                    "\n",
                    ("Total ", "bold"),
                    f"{num(s.total_final)} / {num(s.max_total)} ({s.percent:.0f}%)"
                    f"  ·  automatic {num(s.total_auto)}"
                    f"  ·  answered {s.answered} of {len(s.rows)}  ·  passed {s.passed}\n",
                    ("Strongest topic ", "bold"),
                    topic_label(s, s.strongest),
                    ("   Weakest topic ", "bold"),
                    topic_label(s, s.weakest),
                    "\n",
                    ("Agreement ", "bold"),
                    s.agreement.text(),
                    "\n",
                    ("Needs your eye ", "bold"),
                    (s.review_text(), "$text-warning" if s.to_review else ""),
                ),
                id="summary-facts",
            )
            table = DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Label("Candidates on the same question set", classes="pane-title")
            yield DataTable(id="comparison-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#summary-table", DataTable)
        for name, width in (
            ("#", 3),
            ("question", 34),
            ("topic", 14),
            ("auto", 5),
            ("final", 7),
            ("result", 6),
            ("note", 30),
        ):
            table.add_column(name, width=width, key=name)
        for i, row in enumerate(self.summary.rows, start=1):
            final = num(row.final_score) + (" ✎" if row.overridden else "")
            verdict = {True: "green", False: "red"}.get(row.passed, "dim")
            table.add_row(
                str(i),
                shorten(row.question, 34),
                shorten(row.topic, 14),
                num(row.auto_score) + (" ◆" if row.needs_review else ""),
                final,
                Text(row.verdict, style=verdict),
                shorten(row.note, 30),
                key=row.question_id,
            )
        peers = self.query_one("#comparison-table", DataTable)
        for name, width in (
            ("candidate", 24),
            ("session", 8),
            ("answered", 9),
            ("auto", 6),
            ("final", 8),
        ):
            peers.add_column(name, width=width, key=name)
        for row in self.comparison:
            peers.add_row(
                shorten(row.candidate, 24),
                str(row.session_id),
                str(row.answered),
                num(row.total_auto),
                num(row.total_final),
                key=str(row.session_id),
            )
        table.focus()

    def action_close(self) -> None:
        """Back to the sessions."""
        self.post_message(BackToList())
