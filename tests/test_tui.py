"""The practice app driven through Textual's pilot, with the real model and bank.

Each test runs the app headless (`App.run_test()`); the history goes to a private
GRADER_DATA_DIR under tmp_path. The scorer comes from the session fixture, handed to the app
through its loader so the model-loading worker runs too, without loading the model again.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from textual.widgets import Button, Input, Label, RadioSet, Select, TextArea
from typer.testing import CliRunner

import grader.bank
from grader.cli import main
from grader.cli.commands import app as cli_app
from grader.embedding import ModelError
from grader.settings import load_settings
from grader.store import Store
from grader.tui.editor import BUSY_DELAY, DRAFT_DELAY, PASTE_CHARS
from grader.tui.keys import KeysScreen
from grader.tui.practice.answer import AnswerScreen
from grader.tui.practice.app import PracticeApp
from grader.tui.practice.commands import PracticeCommands
from grader.tui.practice.draft import DraftPrompt
from grader.tui.practice.progress import ProgressScreen
from grader.tui.practice.questions import QuestionsScreen
from grader.tui.practice.result import ResultScreen
from grader.tui.widgets import AttemptTable, KeyBar, ModelStatus, QuestionTable, ScoreCard

from .factories import CountingRunner, write
from .pilot import run, settle

SIZE = (120, 40)
GOOD = (
    "The learning rate is the step size of gradient descent. If it is too high the updates "
    "overshoot and the loss diverges. If it is too low training is very slow or gets stuck."
)
DRAFT = "Dropout switches off random units during training"


class Clock:
    """A settable clock, so due dates do not depend on when the tests run."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_app(bank, scorer, clock):
    def make(**kwargs) -> PracticeApp:
        kwargs.setdefault("load_scorer", lambda: scorer)
        return PracticeApp(bank, clock=clock, seed=7, **kwargs)

    return make


def plain(renderable) -> str:
    """What a Rich renderable reads as, without styles."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def open_question(pilot, question_id: str) -> AnswerScreen:
    """Find a question with the search box and open it with the keyboard."""
    await pilot.press("slash")
    search = pilot.app.screen.query_one("#search", Input)
    search.value = question_id
    await pilot.press("enter")  # leaves the search box for the list
    await pilot.pause()
    table = pilot.app.screen.query_one(QuestionTable)
    assert table.question_ids[0] == question_id
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AnswerScreen | DraftPrompt)
    return pilot.app.screen


async def write_answer(pilot, question_id: str, text: str) -> AnswerScreen:
    """Open a question and put `text` in its editor in one go (typing it key by key is slow)."""
    screen = await open_question(pilot, question_id)
    pilot.app.focused.insert(text)
    return screen


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def test_answer_is_scored_explained_and_kept_with_a_draft(make_app, scorer, data_dir):
    drafts_seen_while_grading = []

    class Spy:
        """The real scorer, noting what the store held at the moment grading began."""

        def __init__(self, inner):
            self.inner, self.embedder = inner, inner.embedder

        def score(self, question_id, answer):
            peek = Store.connect(data_dir / "history.sqlite")
            drafts_seen_while_grading.append(peek.draft(question_id))
            peek.close()
            return self.inner.score(question_id, answer)

    async def first_session():
        app = make_app(load_scorer=lambda: Spy(scorer))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.model_state == "ready"
            await open_question(pilot, "learning-rate")
            assert isinstance(app.focused, TextArea)
            await type_text(pilot, GOOD[:40])
            app.focused.insert(GOOD[40:])  # the rest at once: typing all of it is slow
            await pilot.press("ctrl+s")
            await settle(pilot)

            assert isinstance(app.screen, ResultScreen)
            card = app.screen.query_one(ScoreCard)
            assert card.result.passed and card.result.score >= card.result.pass_mark
            head = str(app.screen.query_one("#score-head").render())
            assert "PASS" in head and "pass mark 60" in head
            covered = [p for p in card.result.points if p.status == "covered"]
            assert covered, "a sound answer covers key points"
            # Highlighting a point singles out the sentence that covered it.
            options = app.screen.query_one("#points")
            options.highlighted = card.result.points.index(covered[0])
            await pilot.pause()
            view = app.screen.query_one("#answer-view")
            selected = [s for s in view.render().spans if "reverse" in str(s.style)]
            assert len(selected) == 1
            start, end = selected[0].start, selected[0].end
            assert str(view.render())[start:end] == covered[0].sentence

            assert not card.reference_shown
            await pilot.press("s")
            assert card.reference_shown

            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, QuestionsScreen)
            last = app.store.stats()["learning-rate"].last
            assert (
                str(app.screen.query_one(QuestionTable).get_row("learning-rate")[4]) == f"{last:g}"
            )
            await open_question(pilot, "dropout")
            await type_text(pilot, DRAFT)
            await pilot.press("ctrl+q")  # quit at once, before the typing pause saves it

    run(first_session())
    assert drafts_seen_while_grading[0].text == GOOD  # saved before it was graded

    async def second_session():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            table = app.screen.query_one(QuestionTable)
            row = table.get_row("learning-rate")
            stats = app.store.stats()["learning-rate"]
            assert str(row[3]) == str(row[4]) == f"{stats.best:g}"  # best and last
            assert str(table.get_row("dropout")[0]).startswith("✎")  # has a draft

            screen = await open_question(pilot, "learning-rate")
            assert screen.query_one(AttemptTable).row_count == 1
            await pilot.press("escape")
            await pilot.pause()

            await open_question(pilot, "dropout")
            assert isinstance(app.screen, DraftPrompt)
            await pilot.press("enter")  # "Restore it" has the focus
            await pilot.pause()
            assert isinstance(app.screen, AnswerScreen)
            assert app.screen.query_one(TextArea).text == DRAFT

    run(second_session())


@pytest.mark.parametrize("pasted", [False, True], ids=["typed", "pasted"])
def test_the_answer_is_embedded_ahead_so_submitting_needs_no_model(
    make_app, scorer, monkeypatch, pasted
):
    """A typed answer is saved and embedded once the typing pauses; a pasted one at once."""
    counter = CountingRunner(scorer.embedder.runner)
    monkeypatch.setattr(scorer.embedder, "runner", counter)
    # Its own text each way: the scorer's embedding cache is shared by the whole session.
    way = "pasted" if pasted else "typed"
    answer = f"Gradient descent moves the weights by the learning rate times the gradient ({way})."

    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            editor = (await open_question(pilot, "learning-rate")).query_one(TextArea)
            if pasted:
                editor.insert(answer)  # one edit of many characters
                await pilot.pause()
            else:
                for at in range(0, len(answer), PASTE_CHARS // 2):  # a few keys at a time
                    editor.insert(answer[at : at + PASTE_CHARS // 2])
                    await pilot.pause()
                await app.workers.wait_for_complete()
                assert answer not in counter.seen
                await pilot.pause(DRAFT_DELAY + 0.2)  # the typist pauses
            await app.workers.wait_for_complete()
            assert answer in counter.seen
            assert app.store.draft("learning-rate").text == answer
            counter.seen.clear()

            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            assert app.screen.query_one(ScoreCard).result.answer == answer
            assert counter.seen == []

    run(scenario())


def test_key_bar_lists_the_screen_keys_and_a_click_runs_one(make_app, scorer):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await write_answer(pilot, "learning-rate", GOOD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            bar = app.screen.query_one(KeyBar)
            text = bar.keys_content().plain
            for words in ("r Retry", "n Next question", "s Reference answer", "esc Question list"):
                assert words in text
            card = app.screen.query_one(ScoreCard)
            assert not card.reference_shown
            await pilot.click(KeyBar, offset=(text.index(" s ") + 1, 0))
            await pilot.pause()
            assert card.reference_shown

    run(scenario())


def test_multiple_choice_retry_and_compare(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await open_question(pilot, "mcq-softmax-output")
            assert isinstance(app.focused, RadioSet)
            await pilot.press("ctrl+s")  # nothing chosen: refused, nothing stored
            await pilot.pause()
            assert app.store.attempts() == []

            question = app.bank.get("mcq-softmax-output")
            keys = list(question.options)
            for _ in range(keys.index(question.answer)):
                await pilot.press("down")
            await pilot.press("enter")
            assert screen.answer_text() == question.answer
            await pilot.press("ctrl+s")
            await settle(pilot)
            card = app.screen.query_one(ScoreCard)
            assert card.result.passed and card.result.score == 100

            await pilot.press("r")  # retry: back to the options
            await pilot.pause()
            assert app.screen is screen
            wrong = next(k for k in keys if k != question.answer)
            app.screen.query_one(f"#option-{wrong}").value = True
            await pilot.press("ctrl+s")
            await settle(pilot)
            card = app.screen.query_one(ScoreCard)
            assert not card.result.passed and card.result.score == 0

            comparison = app.screen.query_one("#comparison")
            assert comparison.has_class("-hidden")
            await pilot.press("c")
            assert not comparison.has_class("-hidden")
            assert "100 → 0" in plain(comparison.content)
            assert [a.score for a in app.store.attempts("mcq-softmax-output")] == [100, 0]

    run(scenario())


def test_due_list_random_set_and_next_question(make_app, scorer, clock):
    async def scenario():
        app = make_app()
        # One failed answer an hour ago: fsrs rates it Again, so it is due by now.
        clock.now -= timedelta(hours=1)
        app.record(scorer.score("epoch", "An epoch is a thing in deep learning, I think."))
        clock.now += timedelta(hours=1)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            table = app.screen.query_one(QuestionTable)
            assert str(table.get_row("epoch")[5]) == "due"
            await pilot.press("d")
            await pilot.pause()
            assert table.question_ids == ["epoch"]
            assert "1 due" in str(app.screen.query_one("#list-title").render())

            await pilot.press("a")
            await pilot.pause()
            assert len(table.question_ids) == len(app.bank.questions)
            await pilot.press("r")  # a random set of 5 from the filtered list
            await pilot.pause()
            drawn = table.question_ids
            assert len(drawn) == 5 and len(set(drawn)) == 5
            assert app.queue == drawn

            # Answer the first of the set, then "next question" follows the set.
            await pilot.press("enter")
            await pilot.pause()
            if isinstance(app.screen, DraftPrompt):
                await pilot.press("enter")
            answer = app.screen
            question = app.bank.get(drawn[0])
            if question.type == "choice":
                answer.set_answer(question.answer)
            else:
                app.focused.insert(question.references[0])
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, AnswerScreen)
            assert app.screen.question_id == drawn[1]

    run(scenario())


def test_app_opens_before_the_model_and_grades_once_it_is_ready(make_app, scorer):
    release = threading.Event()

    def slow_loader():
        release.wait(30)
        return scorer

    async def scenario():
        app = make_app(load_scorer=slow_loader)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # The list is there and usable while the model loads.
            assert app.model_state == "loading"
            status = app.screen.query_one(ModelStatus)
            assert status.has_class("-loading")
            assert "loading the model" in str(status.query_one("#model-label").render())
            screen = await write_answer(pilot, "learning-rate", GOOD)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert screen.busy
            assert "waiting for the model" in str(screen.query_one("#answer-status").render())
            assert app.store.draft("learning-rate").text == GOOD  # already safe on disk

            release.set()
            await settle(pilot)
            assert app.model_state == "ready"
            assert not status.has_class("-loading")
            assert isinstance(app.screen, ResultScreen)
            assert app.store.draft("learning-rate") is None  # graded: it lives in history now

    run(scenario())


def test_grading_says_so_only_when_it_takes_a_while(make_app, scorer):
    """A quick grade goes straight to the card; a slow one shows "grading…" after a moment.
    Garbage collection, held off while the card is built, is back on once it shows."""
    release = threading.Event()

    class Slow:
        def __init__(self, inner):
            self.inner, self.embedder = inner, inner.embedder

        def embed_ahead(self, question_id, answer):
            self.inner.embed_ahead(question_id, answer)

        def score(self, question_id, answer):
            release.wait(30)
            return self.inner.score(question_id, answer)

    async def scenario():
        app = make_app(load_scorer=lambda: Slow(scorer))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = await write_answer(pilot, "learning-rate", GOOD)
            await pilot.pause()
            await app.workers.wait_for_complete()  # the paste's embedding ahead
            await pilot.press("ctrl+s")
            await pilot.pause()
            status, submit = screen.query_one("#answer-status"), screen.query_one("#submit")
            assert screen.busy and "grading" not in str(status.render()) and not submit.disabled
            await pilot.pause(BUSY_DELAY + 0.1)
            assert str(status.render()) == "grading…" and submit.disabled
            await pilot.press("ctrl+s")  # a second submit while busy is ignored

            release.set()
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen) and gc.isenabled()
            assert len(app.store.attempts()) == 1
            await pilot.press("r")  # back to the editor, which is no longer busy
            await pilot.pause()
            assert app.screen is screen and not screen.busy
            assert str(status.render()) == "" and not submit.disabled

    run(scenario())


def test_model_failure_is_reported_and_the_draft_kept(make_app):
    def broken_loader():
        raise ModelError("cannot load sentence-transformer 'nowhere'")

    async def scenario():
        app = make_app(load_scorer=broken_loader)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.model_state == "failed"
            screen = await write_answer(pilot, "learning-rate", GOOD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen and not screen.busy and gc.isenabled()
            assert "draft is kept" in str(screen.query_one("#answer-status").render())
            assert app.store.draft("learning-rate").text == GOOD
            assert app.store.attempts() == []

    run(scenario())


def test_progress_view_and_theme_toggle(make_app, scorer, clock):
    async def scenario():
        app = make_app()
        for days, answer in enumerate(["It is a step size.", GOOD]):
            clock.now = datetime(2025, 3, 1 + days, 9, 0, tzinfo=UTC)
            app.record(scorer.score("learning-rate", answer))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProgressScreen)
            table = app.screen.query_one("#topic-table")
            row = table.get_row("optimisation")
            assert row[1] == "1/5" and row[2] == "2"
            assert app.theme == "textual-dark"
            await pilot.press("ctrl+t")
            assert app.theme == "textual-light"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, QuestionsScreen)

    run(scenario())


@pytest.mark.parametrize("args", [[], ["practice"], ["practice", "--model", "some-model"]])
def test_command_line_opens_the_app(args, monkeypatch, scorer):
    """`grader` and `grader practice` start the app with a model loader (not a loaded model),
    whether they take the short cut past the command-line parser or go through it."""
    started = []

    def fake_run(self):
        started.append(self)

    monkeypatch.setattr(PracticeApp, "run", fake_run)
    monkeypatch.setattr(sys, "argv", ["grader", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code in (0, None)
    (app,) = started
    assert app.scorer is None and app._load_scorer is not None
    assert len(app.bank.questions) == len(scorer.bank.questions)


@pytest.mark.parametrize("args", [[], ["practice"], ["practice", "--bank", "{bank}"]])
def test_a_broken_bank_stops_the_app_with_its_problems(args, monkeypatch, tmp_path, capsys):
    """Both ways in report a bank's problems on stderr and exit 2, without opening the app."""
    write(
        tmp_path,
        "reference_answers/q.yaml",
        "id: Not A Slug\nlevel: fresher\ntopic: basics\nquestion: What is a tensor?\n"
        "references: [A tensor is an array of numbers.]\n",
    )
    monkeypatch.setattr(grader.bank, "DEFAULT_BANK", tmp_path)
    monkeypatch.setattr(PracticeApp, "run", lambda self: pytest.fail("the app opened"))
    monkeypatch.setattr(sys, "argv", ["grader", *(a.format(bank=tmp_path) for a in args)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    problems = capsys.readouterr().err
    assert "q.yaml:1: id: 'Not A Slug' is not a slug" in problems
    assert "the bank has" in problems


def test_help_still_prints_help():
    result = CliRunner().invoke(cli_app, ["--help"])
    assert result.exit_code == 0
    assert "practice" in result.output and "grade" in result.output


def test_the_first_screen_does_not_load_the_grading_engine(tmp_path):
    # The engine (numpy, the model's libraries, scikit-learn) loads in the background once the
    # list is up; importing it first would delay the first screen by a second or more. Once
    # the bank is in the cache, neither the YAML parser nor the command-line parser loads.
    code = (
        "import sys; from rich.console import Console; import grader.tui.launch as launch; "
        "import grader.tui.practice.app; launch.open_bank(None); "
        "print(sorted({'numpy', 'torch', 'sklearn', 'grader.scoring', 'yaml', 'typer'}"
        " & set(sys.modules)))"
    )
    for start, loaded in (("first", "['yaml']"), ("second", "[]")):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "GRADER_CACHE_DIR": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == loaded, f"{start} start"


# ---------------------------------------------------------------- polish (issue 18)

SMALL = (80, 24)


def inside(widget, width: int, height: int) -> bool:
    """Whether the widget is drawn whole on a screen of that size (not clipped or off it)."""
    region = widget.region
    return region.width > 0 and region.right <= width and region.bottom <= height


def test_screens_are_laid_out_for_80x24(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            screen = app.screen
            for selector in ("#level", "#topic", "#show", "#search", "#set-size", "#random"):
                box = screen.query_one(selector)
                assert inside(box, *SMALL) and box.region.height == 3, selector  # no wrapping
            assert screen.query_one("#search").region.width >= 30
            table = screen.query_one(QuestionTable)
            columns = sum(c.get_render_width(table) for c in table.columns.values())
            assert columns <= table.region.width
            assert "question" in [str(c.label) for c in table.columns.values()]

            await write_answer(pilot, "learning-rate", GOOD)
            assert inside(app.screen.query_one("#submit"), *SMALL)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            assert app.focused.id == "points"
            # The card opens at its top: the question and the score are in view.
            assert app.screen.query_one("#result-body").scroll_y == 0
            assert inside(app.screen.query_one("#score-head"), *SMALL)

        async with make_app().run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            assert inside(pilot.app.screen.query_one("#random"), 140, 40)
            assert pilot.app.screen.query_one("#level").region.height == 3

    run(scenario())


def test_a_pass_comes_back_in_days_and_an_empty_due_list_says_when(make_app, scorer, clock):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await write_answer(pilot, "learning-rate", GOOD)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen.query_one(ScoreCard).result.passed
            await pilot.press("escape")
            await pilot.pause()
            table = app.screen.query_one(QuestionTable)
            review = str(table.get_cell("learning-rate", "review"))
            assert review in ("in 2 d", "in 8 d")  # Good or Easy: days, not minutes

            await pilot.press("d")
            await pilot.pause()
            assert table.question_ids == []
            empty = app.screen.query_one("#list-empty", Label)
            assert empty.display
            text = str(empty.render())
            assert text.startswith("Nothing due · next review " + review)
            assert "Explain learning rate" in text

    run(scenario())


def test_all_clears_every_filter_and_ctrl_l_clears_the_editor(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            screen.query_one("#level", Select).value = "fresher"
            screen.query_one("#topic", Select).value = "optimisation"
            screen.query_one("#search", Input).value = "learning"
            await pilot.pause()
            table = screen.query_one(QuestionTable)
            assert 0 < len(table.question_ids) < len(app.bank.questions)
            await pilot.press("escape", "a")
            await pilot.pause()
            assert screen.query_one("#level", Select).value == "all"
            assert screen.query_one("#topic", Select).value == "all"
            assert screen.query_one("#search", Input).value == ""
            assert len(table.question_ids) == len(app.bank.questions)

            editor_screen = await write_answer(pilot, "learning-rate", GOOD)
            editor = editor_screen.query_one(TextArea)
            await pilot.press("ctrl+l")
            assert editor.text == "" and app.focused is editor
            await pilot.press("ctrl+z")  # the clearing can be undone
            assert editor.text == GOOD

    run(scenario())


def test_the_draft_dialog_shows_its_own_keys(make_app, clock):
    async def scenario():
        app = make_app()
        app.store.save_draft("dropout", DRAFT, now=clock())
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            await open_question(pilot, "dropout")
            assert isinstance(app.screen, DraftPrompt)
            bar = app.screen.query_one(KeyBar).keys_content().plain
            assert "esc Restore it" in bar and "^d Discard it" in bar
            assert "Submit" not in bar
            assert "esc" in str(app.screen.query_one("#restore", Button).label)
            assert "ctrl+d" in str(app.screen.query_one("#discard", Button).label)
            await pilot.press("ctrl+d")
            await pilot.pause()
            assert app.screen.query_one(TextArea).text == ""

    run(scenario())


def test_question_mark_lists_every_key(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.query_one(KeyBar).keys_content().plain.startswith(" ? Keys")
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, KeysScreen)
            listed = dict(app.screen.groups)
            this_screen = dict(listed["This screen"])
            assert this_screen["r"] == "Random set" and this_screen["q"] == "Quit"
            assert dict(listed["Everywhere"])["^t"] == "Light/dark"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, QuestionsScreen)

            await open_question(pilot, "learning-rate")
            await pilot.press("question_mark")  # typed in the editor
            assert app.screen.query_one(TextArea).text == "?"
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, KeysScreen)
            titles = [title for title, _ in app.screen.groups]
            assert titles[0] == "In the TextArea (where the cursor is)"
            assert dict(dict(app.screen.groups)["This screen"])["^l"] == "Clear"

    run(scenario())


def test_command_palette_has_the_apps_commands(make_app, scorer, clock, tmp_path, monkeypatch):
    async def scenario():
        app = make_app()
        clock.now -= timedelta(hours=1)
        app.record(scorer.score("epoch", "An epoch is a thing in deep learning, I think."))
        clock.now += timedelta(hours=1)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            provider = PracticeCommands(app.screen)
            found = [hit.text async for hit in provider.discover()]
            assert found == [
                "Due for review",
                "Random set",
                "Progress",
                "Export history",
                "Light/dark theme",
            ]
            hits = [hit async for hit in provider.search("vanishing gradient")]
            assert any("vanishing" in str(hit.match_display).lower() for hit in hits)

            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"due for review")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert app.screen.query_one(QuestionTable).question_ids == ["epoch"]

            monkeypatch.chdir(tmp_path)
            path = app.export_history()
            rows = list(csv.DictReader(path.open(encoding="utf-8")))
            assert path.parent == tmp_path and [r["question_id"] for r in rows] == ["epoch"]
            assert (
                rows[0]["passed"] == "0" and rows[0]["question"] == app.bank.get("epoch").question
            )

    run(scenario())


def test_the_chosen_theme_is_kept_across_starts(make_app, data_dir):
    async def first():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "textual-dark"
            await pilot.press("ctrl+t")
            assert app.theme == "textual-light"

    async def second(expected):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == expected

    run(first())
    assert load_settings(data_dir / "settings.json").theme == "textual-light"
    run(second("textual-light"))
    (data_dir / "settings.json").write_text("{not json")  # broken: the default, no crash
    run(second("textual-dark"))
    for wrong in ('{"theme": 5}', "[1, 2]", "null"):  # JSON, but not settings
        (data_dir / "settings.json").write_text(wrong)
        assert load_settings(data_dir / "settings.json").theme is None
