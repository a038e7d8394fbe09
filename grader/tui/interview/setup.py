"""The interview set-up: name the candidate, choose the questions, start; or pick an earlier
session to resume or sum up."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Label, Select, SelectionList
from textual.widgets.selection_list import Selection

from grader import interview
from grader.interview import QuestionSet, pick_questions
from grader.models import Question
from grader.text import shorten
from grader.tui.base import BaseScreen
from grader.tui.display import level_label
from grader.tui.messages import OpenSession, OpenSummary, StartSession
from grader.tui.widgets import KeyBar, ModelStatus
from grader.tui.widgets.filters import chosen, level_select, topic_select


def picker_label(question: Question) -> str:
    """A question in the picker: its text (shortened), level and topic."""
    return f"{shorten(question.question, 44)}  ·  {level_label(question)}  ·  {question.topic}"


class SetupScreen(BaseScreen):
    """Name the candidate, choose the questions, start; or pick an earlier session."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start/resume", priority=True),
        Binding("ctrl+r", "sessions", "Sessions", priority=True),
        Binding("ctrl+o", "summary", "Summary of session", priority=True),
    ]

    def __init__(self, question_set: QuestionSet | None, candidate: str | None) -> None:
        """`question_set` preselects questions (and names the set); `candidate` fills the name."""
        super().__init__()
        self.question_set = question_set
        self.candidate = candidate

    def compose(self) -> ComposeResult:
        bank = self.grader.bank
        preset = self.question_set
        ticked = set(preset.question_ids) if preset else set()
        yield Header()
        with VerticalScroll(id="setup-body"):
            with Horizontal(classes="setup-row"):
                yield Input(self.candidate or "", placeholder="candidate name", id="candidate")
                yield Input(
                    preset.name if preset else "", placeholder="set name (optional)", id="set-name"
                )
                yield Button("Start  ctrl+s", id="start", variant="primary")
            yield Label("", id="candidate-hint")
            with Horizontal(classes="setup-row"):
                yield level_select("pick-level")
                yield topic_select(bank.questions.values(), "pick-topic")
                yield Button("Add matching", id="add-matching")
                yield Button("Clear", id="clear-picks")
            yield Label("", id="picked-title")
            yield SelectionList[str](
                *[
                    Selection(picker_label(q), q.id, q.id in ticked)
                    for q in bank.questions.values()
                ],
                id="picker",
            )
            yield Label("", id="sessions-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield ModelStatus(id="model-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        for name, width in (("id", 4), ("candidate", 18), ("set", 18), ("answered", 9)):
            table.add_column(name, width=width, key=name)
        table.add_column("started", width=17, key="started")
        self._show_sessions()
        self._show_count()
        self.query_one("#candidate", Input).focus()

    def on_screen_resume(self) -> None:
        self._show_sessions()

    def _candidate(self) -> str:
        return self.query_one("#candidate", Input).value.strip()

    @on(Input.Changed, "#candidate")
    def _show_sessions(self) -> None:
        """List the sessions, only the named candidate's when they have any; say whether
        ctrl+s resumes one."""
        store = self.grader.store
        name = self._candidate()
        every = store.sessions()
        theirs = [s for s in every if name and name.lower() in s.candidate.lower()]
        listed = theirs or every
        title = f"Sessions named like {name!r}" if theirs else "Sessions"
        self.query_one("#sessions-title", Label).update(
            f"{title} (ctrl+r) · enter resumes one · ctrl+o shows its summary"
        )
        unfinished = interview.unfinished_session(store, name) if name else None
        hint = ""
        if unfinished is not None:
            done = interview.decided_count(store.interview_answers(unfinished.id))
            hint = (
                f"{unfinished.candidate}'s session {unfinished.id} is at {done} of "
                f"{len(unfinished.question_ids)} · ctrl+s resumes it (no question ticked)"
            )
        self.query_one("#candidate-hint", Label).update(hint)
        self.query_one("#candidate-hint").set_class(not hint, "-hidden")
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in reversed(listed):
            answers = store.interview_answers(session.id)
            done = interview.decided_count(answers)
            table.add_row(
                str(session.id),
                shorten(session.candidate, 18),
                shorten(session.set_name or "(by hand)", 18),
                f"{done}/{len(session.question_ids)}",
                session.created_at.strftime("%Y-%m-%d %H:%M"),
                key=str(session.id),
            )
        empty = not every
        self.query_one("#sessions").set_class(empty, "-hidden")
        self.query_one("#sessions-title").set_class(empty, "-hidden")

    def chosen_ids(self) -> list[str]:
        """The ticked questions: the set file's order first, then the bank's."""
        ticked = set(self.query_one("#picker", SelectionList).selected)
        preset = self.question_set
        first = [q for q in (preset.question_ids if preset else []) if q in ticked]
        return first + [q for q in self.grader.bank.questions if q in ticked and q not in first]

    @on(SelectionList.SelectedChanged)
    def _show_count(self) -> None:
        count = len(self.query_one("#picker", SelectionList).selected)
        self.query_one("#picked-title", Label).update(
            f"{count} question(s) chosen · space ticks one · or add all of a level/topic"
        )

    @on(Button.Pressed, "#add-matching")
    def add_matching(self) -> None:
        """Tick every question of the chosen level and topic."""
        level = chosen(self.query_one("#pick-level", Select))
        topic = chosen(self.query_one("#pick-topic", Select))
        picker = self.query_one("#picker", SelectionList)
        for qid in pick_questions(self.grader.bank, level, topic):
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
            if interview.unfinished_session(self.grader.store, candidate) is not None:
                self.post_message(StartSession(candidate, [], ""))
                return
            self.notify(
                f"choose at least one question ({candidate} has no unfinished session)",
                severity="warning",
            )
            return
        set_name = self.query_one("#set-name", Input).value.strip()
        self.post_message(StartSession(candidate, ids, set_name))

    @on(Input.Submitted, "#candidate")
    def _candidate_entered(self) -> None:
        self.action_start()

    def action_sessions(self) -> None:
        """Put the cursor in the sessions table."""
        table = self.query_one("#sessions", DataTable)
        if table.row_count == 0:
            self.notify("no session yet", severity="warning")
            return
        table.focus()

    def _selected_session(self) -> int | None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(str(key.value))

    @on(DataTable.RowSelected, "#sessions")
    def _resume(self, event: DataTable.RowSelected) -> None:
        self.post_message(OpenSession(int(str(event.row_key.value))))

    def action_summary(self) -> None:
        """Open the summary of the session under the cursor."""
        session_id = self._selected_session()
        if session_id is None:
            self.notify("no session yet", severity="warning")
            return
        self.post_message(OpenSummary(session_id))
