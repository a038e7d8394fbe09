"""The question list: one row per question with its best and last score and review state."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from grader.models import Question
from grader.store import QuestionStats
from grader.text import shorten
from grader.tui.display import due_label, level_label, score_text

FIXED_COLUMNS = (("level", 15), ("topic", 20), ("best", 6), ("last", 6), ("review", 9))
MIN_QUESTION_WIDTH = 30
TOPIC_MIN_WIDTH = 100
"""Below this many columns the topic column is left out (the topic filter still works), so
that the question keeps a readable width at 80 columns."""


class QuestionTable(DataTable):
    """Rows keyed by question id; selecting a row (Enter or click) posts RowSelected."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._rows: list[tuple[Question, QuestionStats | None, datetime | None, bool]] = []
        self._now: datetime | None = None
        self._width = 0

    def show(
        self,
        questions: list[Question],
        stats: dict[str, QuestionStats],
        due: dict[str, datetime],
        drafts: set[str],
        now: datetime,
    ) -> None:
        """Fill the table, keeping the cursor on the same question when it is still listed."""
        self._rows = [(q, stats.get(q.id), due.get(q.id), q.id in drafts) for q in questions]
        self._now = now
        self._rebuild()

    def on_resize(self) -> None:
        # The question column takes whatever width the fixed columns leave.
        if self.size.width != self._width and self._now is not None:
            self._rebuild()

    def _fixed_columns(self) -> list[tuple[str, int]]:
        if self._width >= TOPIC_MIN_WIDTH:
            return list(FIXED_COLUMNS)
        return [(name, width) for name, width in FIXED_COLUMNS if name != "topic"]

    def _question_width(self) -> int:
        fixed = sum(w + 2 for _, w in self._fixed_columns()) + 2  # cell padding and scrollbar
        return max(MIN_QUESTION_WIDTH, self._width - fixed - 2)

    def _rebuild(self) -> None:
        # Before its first layout the table has no size: it spans the screen less its margins
        # (and on_resize corrects that guess), so the rows are there for the first frame.
        self._width = self.size.width or self.app.size.width - self.styles.margin.width
        current = self.selected_id
        self.clear(columns=True)
        width = self._question_width()
        self.add_column("question", width=width, key="question")
        columns = self._fixed_columns()
        for name, column_width in columns:
            self.add_column(name, width=column_width, key=name)
        shown = {name for name, _ in columns}
        for question, stat, due, has_draft in self._rows:
            mark = question.pass_mark
            text = Text(shorten(question.question, width - 2))
            if has_draft:
                text = Text.assemble(("✎ ", "yellow"), shorten(question.question, width - 4))
            review = due_label(due, self._now) if self._now else ""
            cells = {
                "level": level_label(question),
                "topic": shorten(question.topic, FIXED_COLUMNS[1][1]),
                "best": score_text(stat.best if stat else None, stat and stat.best >= mark),
                "last": score_text(stat.last if stat else None, stat and stat.last_passed),
                "review": Text(review, style="bold yellow" if review == "due" else "dim"),
            }
            self.add_row(
                text, *[cell for name, cell in cells.items() if name in shown], key=question.id
            )
        if current is not None and current in self.question_ids:
            self.move_cursor(row=self.question_ids.index(current))

    @property
    def question_ids(self) -> list[str]:
        """The listed question ids, in order."""
        return [q.id for q, *_ in self._rows]

    @property
    def selected_id(self) -> str | None:
        """The id of the question under the cursor."""
        if not self._rows or self.row_count == 0:
            return None
        row = min(self.cursor_row, len(self._rows) - 1)
        return self._rows[row][0].id
