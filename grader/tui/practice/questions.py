"""The question list: filter by level, topic, text or review state; draw a random set."""

from __future__ import annotations

import random
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Header, Input, Label, Select

from grader import practice
from grader.models import Question
from grader.practice import QuestionFilter, filter_questions
from grader.text import shorten
from grader.tui.base import BaseScreen
from grader.tui.display import due_label, when
from grader.tui.messages import OpenProgress, OpenQuestion
from grader.tui.widgets import KeyBar, ModelStatus, QuestionTable
from grader.tui.widgets.filters import ALL, chosen, level_select, topic_select

SHOW_CHOICES = [
    ("All questions", "all"),
    ("Due for review", "due"),
    ("Never answered", "new"),
    ("Last one failed", "failed"),
    ("With a draft", "drafts"),
]
DEFAULT_SET_SIZE = 5


class QuestionsScreen(BaseScreen):
    """The home screen: choose what to practise."""

    AUTO_FOCUS = "#questions"
    BINDINGS = [
        Binding("enter", "open", "Answer", show=True),
        Binding("slash", "search", "Search"),
        Binding("d", "show('due')", "Due"),
        Binding("a", "show('all')", "All (clear filters)"),
        Binding("r", "random_set", "Random set"),
        Binding("p", "progress", "Progress"),
        Binding("q", "app.quit", "Quit", show=False),
        Binding("escape", "focus_list", "List", show=False),
    ]

    def __init__(self, rng: random.Random) -> None:
        """`rng` draws the random sets (seeded in tests)."""
        super().__init__()
        self.rng = rng
        self.random_set: list[str] | None = None
        self.listed: list[str] = []
        """The question ids on view, in order: 'next question' follows them."""
        self._listed_filters: QuestionFilter | None = None
        self._left = False  # another screen has been on top since the list was filled

    def compose(self) -> ComposeResult:
        yield Header()
        # Two rows, so that every filter keeps a usable width down to 80 columns.
        with Horizontal(classes="filter-row"):
            yield level_select("level")
            yield topic_select(self.grader.bank.questions.values(), "topic")
            yield Select(SHOW_CHOICES, value="all", allow_blank=False, id="show")
        with Horizontal(classes="filter-row"):
            yield Input(placeholder="search  /", id="search")
            yield Label("set of", id="set-size-label")
            yield Input(str(DEFAULT_SET_SIZE), type="integer", id="set-size", max_length=3)
            yield Button("Random  r", id="random", tooltip="Draw a random set of N (r)")
        yield Label("", id="list-title")
        yield Label("", id="list-empty", classes="-hidden")
        yield QuestionTable(id="questions")
        yield ModelStatus(id="model-status")
        yield KeyBar()

    def on_mount(self) -> None:
        # Filled before the first layout: the first frame shows the list, not the one after.
        self.refresh_list()

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Scores, drafts and due dates change while answering: show them on the way back.
        if self._left:
            self._left = False
            self.refresh_list()

    # ------------------------------------------------------------ the list

    def filters(self) -> QuestionFilter:
        """The level, topic and review-state choices and the search words, as they stand."""
        return QuestionFilter(
            level=chosen(self.query_one("#level", Select)),
            topic=chosen(self.query_one("#topic", Select)),
            show=str(self.query_one("#show", Select).value),
            words=tuple(self.query_one("#search", Input).value.lower().split()),
        )

    def filtered(self) -> list[Question]:
        """The bank's questions that pass the level, topic, review-state and text filters."""
        app = self.grader
        return filter_questions(app.bank, app.store, self.filters(), app.clock())

    def refresh_list(self) -> None:
        """Re-read the store and redraw the table and its title."""
        app = self.grader
        if self.random_set is not None:
            questions = [app.bank.get(qid) for qid in self.random_set]
        else:
            questions = self.filtered()
        self._listed_filters = self.filters()
        now = app.clock()
        table = self.query_one(QuestionTable)
        table.show(questions, app.store.stats(), app.store.due_dates(), app.store.drafts(), now)
        self.listed = [q.id for q in questions]
        due_count = len(app.store.due(now))
        title = f"{len(questions)} of {len(app.bank.questions)} questions · {due_count} due"
        if self.random_set is not None:
            title = f"Random set of {len(questions)} · a: show all · {due_count} due"
        self.query_one("#list-title", Label).update(title)
        empty = self.query_one("#list-empty", Label)
        empty.set_class(bool(questions), "-hidden")
        if not questions:
            empty.update(self._empty_text(now))

    def _empty_text(self, now: datetime) -> str:
        """Why the list is empty, and for the due list when the next review is."""
        if self._listed_filters is None or self._listed_filters.show != "due":
            return "No question matches these filters · a shows all"
        upcoming = practice.next_due(self.grader.store.due_dates(), now)
        if upcoming is None:
            return "Nothing due: no question has been answered yet · a shows all"
        question_id, moment = upcoming
        question = shorten(self.grader.bank.get(question_id).question, 40)
        return f"Nothing due · next review {due_label(moment, now)} ({when(moment)}): {question}"

    @on(Select.Changed)
    @on(Input.Changed, "#search")
    def _filters_changed(self) -> None:
        # The selects announce their first value as a change: the list already shows it.
        if self.random_set is None and self.filters() == self._listed_filters:
            return
        self.random_set = None
        self.refresh_list()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.action_focus_list()

    # ------------------------------------------------------------ actions

    @on(DataTable.RowSelected, "#questions")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_question(str(event.row_key.value))

    def open_question(self, question_id: str) -> None:
        """Ask for the answer screen of a question."""
        self.post_message(OpenQuestion(question_id))

    def action_open(self) -> None:
        """Answer the question under the cursor."""
        selected = self.query_one(QuestionTable).selected_id
        if selected:
            self.open_question(selected)

    def action_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#search", Input).focus()

    def action_focus_list(self) -> None:
        """Back to the list from a filter."""
        self.query_one(QuestionTable).focus()

    def action_show(self, which: str) -> None:
        """Show only the questions due for review, or every question (all filters cleared)."""
        select = self.query_one("#show", Select)
        self.random_set = None
        if which == ALL:
            self.query_one("#level", Select).value = ALL
            self.query_one("#topic", Select).value = ALL
            self.query_one("#search", Input).value = ""
        if select.value == which:
            self.refresh_list()
        else:
            select.value = which  # posts Select.Changed, which refreshes
        self.action_focus_list()

    @on(Button.Pressed, "#random")
    def action_random_set(self) -> None:
        """Draw N questions at random from those the filters let through."""
        size_text = self.query_one("#set-size", Input).value
        size = int(size_text) if size_text.isdigit() and int(size_text) > 0 else DEFAULT_SET_SIZE
        pool = [q.id for q in self.filtered()]
        if not pool:
            self.notify("no question matches the filters", severity="warning")
            return
        self.random_set = self.rng.sample(pool, min(size, len(pool)))
        self.refresh_list()
        self.action_focus_list()

    def action_progress(self) -> None:
        """Open the progress view."""
        self.post_message(OpenProgress())
