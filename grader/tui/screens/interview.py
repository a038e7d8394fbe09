"""The interviewer mode's screens: set-up, the answer, the decision and the summary.

The answer screen is the practice editor saving into the session instead of drafts; the
decision screen shows the practice score card with accept/override controls under it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from grader.interview import pick_questions, session_summary
from grader.reports import Summary, num
from grader.tui.display import level_label, shorten
from grader.tui.screens.answer import AnswerScreen
from grader.tui.screens.base import GraderScreen
from grader.tui.widgets import KeyBar, ModelStatus, ScoreCard

if TYPE_CHECKING:
    from grader.tui.interview_app import InterviewApp

ALL = "all"


class InterviewScreen(GraderScreen):
    """A screen of the interviewer mode, with typed access to its app."""

    @property
    def interview(self) -> InterviewApp:
        """The running interview app."""
        return cast("InterviewApp", self.app)


# ---------------------------------------------------------------- set-up


class SetupScreen(InterviewScreen):
    """Name the candidate, choose the questions, start; or pick an earlier session."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start/resume", priority=True),
        Binding("ctrl+o", "summary", "Summary of session", priority=True),
    ]

    def compose(self) -> ComposeResult:
        app = self.interview
        preset = app.question_set
        chosen = set(preset.question_ids) if preset else set()
        topics = sorted({q.topic for q in app.bank.questions.values()})
        yield Header()
        with VerticalScroll(id="setup-body"):
            with Horizontal(classes="setup-row"):
                yield Input(app.candidate or "", placeholder="candidate name", id="candidate")
                yield Input(
                    preset.name if preset else "", placeholder="set name (optional)", id="set-name"
                )
                yield Button("Start  ctrl+s", id="start", variant="primary")
            with Horizontal(classes="setup-row"):
                yield Select(
                    [("All levels", ALL), ("Fresher", "fresher"), ("Experienced", "experienced")],
                    value=ALL,
                    allow_blank=False,
                    id="pick-level",
                )
                yield Select(
                    [("All topics", ALL), *[(t, t) for t in topics]],
                    value=ALL,
                    allow_blank=False,
                    id="pick-topic",
                )
                yield Button("Add matching", id="add-matching")
                yield Button("Clear", id="clear-picks")
            yield Label("", id="picked-title")
            yield SelectionList[str](
                *[
                    Selection(f"{q.id}  ·  {level_label(q)}  ·  {q.topic}", q.id, q.id in chosen)
                    for q in app.bank.questions.values()
                ],
                id="picker",
            )
            yield Label(
                "Sessions (enter resumes one, ctrl+o shows its summary)", id="sessions-title"
            )
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield ModelStatus(id="model-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        for name, width in (("id", 4), ("candidate", 22), ("set", 22), ("answered", 9)):
            table.add_column(name, width=width, key=name)
        table.add_column("started", width=17, key="started")
        self._show_sessions()
        self._show_count()
        self.query_one("#candidate", Input).focus()

    def on_screen_resume(self) -> None:
        self._show_sessions()

    def _show_sessions(self) -> None:
        store = self.interview.store
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in reversed(store.sessions()):
            answers = store.interview_answers(session.id)
            done = sum(a.decided for a in answers.values())
            table.add_row(
                str(session.id),
                shorten(session.candidate, 22),
                shorten(session.set_name or "(by hand)", 22),
                f"{done}/{len(session.question_ids)}",
                session.created_at.strftime("%Y-%m-%d %H:%M"),
                key=str(session.id),
            )
        empty = not store.sessions()
        self.query_one("#sessions").set_class(empty, "-hidden")
        self.query_one("#sessions-title").set_class(empty, "-hidden")

    def chosen_ids(self) -> list[str]:
        """The ticked questions: the set file's order first, then the bank's."""
        ticked = set(self.query_one("#picker", SelectionList).selected)
        preset = self.interview.question_set
        first = [q for q in (preset.question_ids if preset else []) if q in ticked]
        return first + [q for q in self.interview.bank.questions if q in ticked and q not in first]

    @on(SelectionList.SelectedChanged)
    def _show_count(self) -> None:
        count = len(self.query_one("#picker", SelectionList).selected)
        self.query_one("#picked-title", Label).update(
            f"{count} question(s) chosen · space ticks one · or add all of a level/topic"
        )

    @on(Button.Pressed, "#add-matching")
    def add_matching(self) -> None:
        """Tick every question of the chosen level and topic."""
        level = self.query_one("#pick-level", Select).value
        topic = self.query_one("#pick-topic", Select).value
        picker = self.query_one("#picker", SelectionList)
        for qid in pick_questions(
            self.interview.bank,
            None if level == ALL else str(level),
            None if topic == ALL else str(topic),
        ):
            picker.select(qid)

    @on(Button.Pressed, "#clear-picks")
    def clear_picks(self) -> None:
        """Untick every question."""
        self.query_one("#picker", SelectionList).deselect_all()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        """Start (or resume) the named candidate's session over the ticked questions."""
        candidate = self.query_one("#candidate", Input).value.strip()
        ids = self.chosen_ids()
        if not candidate:
            self.notify("name the candidate first", severity="warning")
            self.query_one("#candidate", Input).focus()
            return
        if not ids:
            self.notify("choose at least one question", severity="warning")
            return
        set_name = self.query_one("#set-name", Input).value.strip()
        # On the app's queue: a screen awaiting its own removal from its handler would hang.
        self.app.call_later(self.interview.start_or_resume, candidate, ids, set_name)

    def _selected_session(self) -> int | None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(str(key.value))

    @on(DataTable.RowSelected, "#sessions")
    def _resume(self, event: DataTable.RowSelected) -> None:
        session = self.interview.store.session(int(str(event.row_key.value)))
        if session is not None:
            self.app.call_later(self.interview.open_session, session)

    def action_summary(self) -> None:
        """Open the summary of the session under the cursor."""
        session_id = self._selected_session()
        if session_id is None:
            self.notify("no session yet", severity="warning")
            return
        self.app.push_screen(SummaryScreen(session_id))


# ---------------------------------------------------------------- answering


class InterviewAnswerScreen(AnswerScreen):
    """The practice editor, saving what is typed into the session (not the practice drafts)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Score", priority=True),
        Binding("escape", "back", "Leave (kept)"),
    ]

    SUBMIT_LABEL = "Score  ctrl+s"
    BACK_LABEL = "Leave  esc"
    PLACEHOLDER = "The candidate's answer, or your transcript. ctrl+s scores it."
    SHOWS_HISTORY = False
    GRADE_VERB = "score"
    NOT_GRADED = "not scored; the answer is kept"

    def card_screen(self, attempt_id: int) -> Screen:
        """The card with the accept/override controls (it reads the score from the session)."""
        return DecisionScreen(self.question_id)

    def heading(self) -> Content:
        """The candidate and the question's place in the set, then the question's details."""
        session = self.interview.session
        assert session is not None
        position = session.question_ids.index(self.question_id) + 1
        return Content.assemble(
            (session.candidate, "bold"),
            f"  ·  question {position} of {len(session.question_ids)}  ·  ",
            super().heading(),
        )

    @property
    def interview(self) -> InterviewApp:
        """The running interview app."""
        return cast("InterviewApp", self.app)

    def on_mount(self, event: Mount) -> None:
        # Textual would run the practice screen's on_mount too (it offers practice drafts).
        event.prevent_default()
        if self._initial and self.question.type == "choice":
            self.set_answer(self._initial)
        self._input_widget().focus()

    def flush_draft(self) -> None:
        """Write the typed answer into the session now, if it changed."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        session = self.interview.session
        if session is None or self._text == self._saved_text:
            return
        self.interview.store.save_interview_answer(
            session.id, self.question_id, self._text, now=self.interview.clock()
        )
        self._saved_text = self._text
        for label in self.query("#answer-status").results(Label):
            label.update("answer saved")


# ---------------------------------------------------------------- deciding


class DecisionScreen(InterviewScreen):
    """The automatic score and its explanation; the interviewer accepts it or overrides it."""

    AUTO_FOCUS = "#points"  # set while composing: no second paint, as a focus() would cost

    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("o", "override", "Override"),
        Binding("s", "reference", "Reference answer"),
        Binding("escape", "back", "Edit the answer"),
    ]

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id

    def compose(self) -> ComposeResult:
        app = self.interview
        assert app.session is not None
        answer = app.store.interview_answers(app.session.id)[self.question_id]
        result = answer.result()
        assert result is not None
        question = app.bank.get(self.question_id)
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(
                Content.assemble((app.session.candidate, "bold"), "  ·  ", question.question),
                id="result-question",
            )
            yield ScoreCard(question, result, id="card")
            with Horizontal(id="decision"):
                yield Input(
                    num(answer.final_score) if answer.overridden else "",
                    placeholder="your score 0-100",
                    type="number",
                    id="final-score",
                )
                yield Input(answer.note, placeholder="note (optional)", id="note")
                yield Button("Accept  a", id="accept", variant="success")
                yield Button("Override  o", id="override", variant="warning")
        yield KeyBar()

    def action_reference(self) -> None:
        """Show or hide the reference answer."""
        self.query_one(ScoreCard).reveal_reference()

    def _note(self) -> str:
        return self.query_one("#note", Input).value

    @on(Button.Pressed, "#accept")
    def action_accept(self) -> None:
        """Keep the automatic score as the final one (with the note, if any)."""
        app = self.interview
        assert app.session is not None
        app.store.decide(app.session.id, self.question_id, None, self._note(), now=app.clock())
        # On the app's queue: this screen is closed by what follows, so it must not wait for it.
        app.call_later(app.decided)

    @on(Button.Pressed, "#override")
    def action_override(self) -> None:
        """Use the interviewer's score: ask for it first when the box is empty or invalid."""
        box = self.query_one("#final-score", Input)
        try:
            score = float(box.value)
        except ValueError:
            score = None
        if score is None or not 0 <= score <= 100:
            if box.value.strip():
                self.notify("a score is a number from 0 to 100", severity="warning")
            box.focus()
            return
        app = self.interview
        assert app.session is not None
        app.store.decide(app.session.id, self.question_id, score, self._note(), now=app.clock())
        app.call_later(app.decided)

    @on(Input.Submitted, "#final-score")
    @on(Input.Submitted, "#note")
    def _submitted(self) -> None:
        # Enter in either box: override when a score was typed, otherwise accept.
        if self.query_one("#final-score", Input).value.strip():
            self.action_override()
        else:
            self.action_accept()

    def action_back(self) -> None:
        """Back to the editor to change the answer (it is scored again)."""
        self.app.pop_screen()


# ---------------------------------------------------------------- summary


class SummaryScreen(InterviewScreen):
    """One session: per-question scores, totals, topics, agreement, and the comparison."""

    BINDINGS = [Binding("escape", "close", "Sessions")]

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.summary: Summary

    def compose(self) -> ComposeResult:
        app = self.interview
        session = app.store.session(self.session_id)
        if session is None:
            raise KeyError(f"no session {self.session_id}")
        self.summary, comparison = session_summary(app.store, session, app.bank.questions)
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
                    ("Total ", "bold"),
                    f"{num(s.total_final)} / {num(s.max_total)} ({s.percent:.0f}%)"
                    f"  ·  automatic {num(s.total_auto)}"
                    f"  ·  answered {s.answered} of {len(s.rows)}\n",
                    ("Strongest topic ", "bold"),
                    _topic(s, s.strongest),
                    ("   Weakest topic ", "bold"),
                    _topic(s, s.weakest),
                    "\n",
                    ("Agreement ", "bold"),
                    s.agreement.text(),
                ),
                id="summary-facts",
            )
            table = DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Label("Candidates on the same question set", classes="pane-title")
            yield DataTable(id="comparison-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()
        self._comparison = comparison

    def on_mount(self) -> None:
        table = self.query_one("#summary-table", DataTable)
        for name, width in (
            ("#", 3),
            ("question", 26),
            ("topic", 20),
            ("auto", 6),
            ("final", 8),
            ("note", 36),
        ):
            table.add_column(name, width=width, key=name)
        for i, row in enumerate(self.summary.rows, start=1):
            final = num(row.final_score) + (" ✎" if row.overridden else "")
            table.add_row(
                str(i),
                shorten(row.question_id, 26),
                shorten(row.topic, 20),
                num(row.auto_score),
                final,
                shorten(row.note, 36),
                key=row.question_id,
            )
        peers = self.query_one("#comparison-table", DataTable)
        for name, width in (
            ("candidate", 24),
            ("session", 8),
            ("answered", 9),
            ("auto", 8),
            ("final", 8),
        ):
            peers.add_column(name, width=width, key=name)
        for row in self._comparison:
            peers.add_row(
                shorten(row.candidate, 24),
                str(row.session_id),
                str(row.answered),
                num(row.total_auto),
                num(row.total_final),
                key=str(row.session_id),
            )
        table.focus()

    async def action_close(self) -> None:
        """Back to the sessions."""
        await self.grader.back_to_list()


def _topic(summary: Summary, topic: str | None) -> str:
    return f"{topic} ({num(summary.topic_scores[topic])})" if topic else "–"
