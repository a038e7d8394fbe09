"""What the practice app and the interviewer mode share: the bank, the history store, the model
loaded in the background, grading in a worker, unsent answers kept, and the theme.

Each app on this base says where a typed answer is kept (`save_answer`), where a grade goes
(`record`) and what a finished grade opens (`show_grade`); screens ask their app to move on by
posting the requests of grader/tui/messages.py, so navigation lives in the apps alone.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import get_current_worker

from grader.answers import check_answer
from grader.bank import Bank
from grader.locations import STYLESHEET
from grader.models import Result
from grader.settings import load_settings, save_settings
from grader.store import Store, utc_now
from grader.tui.keys import KeysScreen
from grader.tui.messages import BackToList, Graded

if TYPE_CHECKING:  # the engine is imported by the loader, off the first screen's path
    from grader.judge import Judge
    from grader.scoring import Scorer

DARK, LIGHT = "textual-dark", "textual-light"

GC_PAUSE_LIMIT = 2.0
"""Seconds after grading by which garbage collection is back on, card drawn or not."""


class BaseApp(App[None]):
    """An app over one bank, one scorer (or a loader for it) and one store."""

    CSS_PATH = STYLESHEET  # an absolute path: the apps on this base live in other folders
    # Screens get -short below 32 rows (the stylesheet tightens margins and the editor there).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        # Also f1: in a typing box ? is typed.
        Binding("question_mark,f1", "show_keys", "Keys"),
        Binding("ctrl+t", "toggle_theme", "Light/dark"),
        Binding("ctrl+q", "quit", "Quit", priority=True),  # works even in the editor
    ]

    model_state: reactive[str] = reactive("loading")
    """"loading", "ready" or "failed"; widgets watch it."""

    def __init__(
        self,
        bank: Bank,
        *,
        scorer: Scorer | None = None,
        load_scorer: Callable[[], Scorer] | None = None,
        store: Store | None = None,
        clock: Callable[[], datetime] = utc_now,
        judge: Judge | None = None,
    ) -> None:
        """Give either a ready `scorer` or `load_scorer`, which is called in a worker thread.

        `store` defaults to the history in the user's data folder; `clock` makes tests
        reproducible; a `judge` (grader/judge.py) adds an LLM's opinion to every grade.
        """
        super().__init__()
        if scorer is None and load_scorer is None:
            raise ValueError("give a scorer or a function that loads one")
        self.bank = bank
        self._owns_store = store is None
        self.store = store if store is not None else Store.connect()
        self.clock = clock
        self.judge = judge
        self.scorer = scorer
        self.model_message = ""
        self._load_scorer = load_scorer
        self._scorer_ready = threading.Event()
        # One grading at a time: the scorer's caches are not meant for concurrent writers.
        self._score_lock = threading.Lock()

    # ------------------------------------------------------------ what each app decides

    def save_answer(self, question_id: str, answer: str) -> None:
        """Keep an answer typed so far, so that nothing typed is lost."""
        raise NotImplementedError

    def record(self, result: Result) -> int:
        """Keep a finished grade; return the id of what was stored."""
        raise NotImplementedError

    def show_grade(self, question_id: str, stored_id: int) -> None:
        """Open what shows a finished grade (called only while its editor is on screen)."""
        raise NotImplementedError

    # ------------------------------------------------------------ life cycle

    def on_mount(self) -> None:
        chosen = load_settings().theme
        self.theme = chosen if chosen in self.available_themes else DARK
        # Watched from here on: the theme chosen (ctrl+t or the palette) is kept for next time.
        self.watch(self, "theme", self._keep_theme, init=False)
        if self.scorer is not None:
            self._model_ready(self.scorer)
        else:
            # After the first screen is drawn: the loader's imports hold the GIL for seconds
            # and would slow that first paint.
            self.call_after_refresh(self._load_model)

    def _load_model(self) -> None:
        # A daemon thread, not a Textual thread worker: those run in an executor that is
        # joined when the app exits, so quitting during the load would wait for it to finish.
        threading.Thread(target=self._load_model_thread, name="grader-model", daemon=True).start()

    def _load_model_thread(self) -> None:
        assert self._load_scorer is not None
        try:
            scorer = self._load_scorer()
        except Exception as exc:  # any failure is the user's model option or install
            self._report(self._model_failed, str(exc))
            return
        # The model's libraries leave some 200,000 long-lived objects that every full garbage
        # collection would scan again (0.2 s or more each, a visible stall while typing):
        # collect once now, during the load, then exempt what is left from later collections.
        gc.collect()
        gc.freeze()
        self._report(self._model_ready, scorer)

    def _report(self, callback: Callable[..., object], *args: object) -> None:
        """Run `callback` on the app's event loop, unless the app has closed meanwhile."""
        with contextlib.suppress(RuntimeError):  # the user quit while the model was loading
            self.call_from_thread(callback, *args)

    def _model_ready(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.model_message = scorer.embedder.label
        self._scorer_ready.set()
        self.model_state = "ready"

    def _model_failed(self, message: str) -> None:
        self.model_message = message
        self._scorer_ready.set()  # wake waiting graders: they report the failure
        self.model_state = "failed"
        self.notify(f"the model failed to load: {message}", severity="error", timeout=10)

    async def action_quit(self) -> None:
        """Save any answer being typed, then leave."""
        self.flush_drafts()
        self.exit()

    def flush_drafts(self) -> None:
        """Make every open editor write its draft now (instead of after its typing pause)."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if flush:
                flush()

    def on_unmount(self) -> None:
        self.flush_drafts()
        if self._owns_store:
            self.store.close()

    def action_toggle_theme(self) -> None:
        """Switch between Textual's light and dark themes."""
        self.theme = LIGHT if self.theme == DARK else DARK

    def _keep_theme(self, theme: str) -> None:
        save_settings(replace(load_settings(), theme=theme))

    def action_show_keys(self) -> None:
        """Show every key of the screen on view."""
        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    # ------------------------------------------------------------ navigation

    async def back_to_list(self) -> None:
        """Close every screen above the first one (the question list, or the set-up)."""
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    @on(BackToList)
    async def _back_to_list(self) -> None:
        await self.back_to_list()

    # ------------------------------------------------------------ grading

    @property
    def model_ready(self) -> bool:
        """Whether answers can be graded right now."""
        return self.model_state == "ready"

    def grade(self, question_id: str, answer: str, reply_to: Screen) -> None:
        """Save `answer`, then grade it in a worker; `reply_to` gets a Graded message.

        The answer is saved first so that a crash (or Ctrl-C) while grading loses nothing.
        """
        self.save_answer(question_id, answer)
        self._grade(question_id, answer, reply_to)

    def embed_ahead(self, question_id: str, answer: str) -> None:
        """Embed a half-typed answer in the background while the user pauses typing.

        Nothing is graded or recorded; it only means that on submit just the sentences typed
        since remain to embed. Skipped while the model loads or when the answer is not
        gradable yet.
        """
        if self.model_ready and check_answer(answer) is None:
            self._embed_ahead(question_id, answer)

    @work(thread=True, exit_on_error=False, exclusive=True, group="ahead")
    def _embed_ahead(self, question_id: str, answer: str) -> None:
        # Only the latest pause matters; a newer one cancels this before it gets the scorer.
        with self._score_lock:
            if self.scorer is not None and not get_current_worker().is_cancelled:
                self.scorer.embed_ahead(question_id, answer)

    @work(thread=True, exit_on_error=False, group="grade")
    def _grade(self, question_id: str, answer: str, reply_to: Screen) -> None:
        worker = get_current_worker()
        # Wait for the model in short steps, so that quitting meanwhile is not held up.
        while not self._scorer_ready.wait(0.1):
            if worker.is_cancelled:
                return
        if self.scorer is None:
            error = f"the model is not available: {self.model_message}"
            self.call_from_thread(self._graded, question_id, None, error, reply_to)
            return
        # No garbage collection from here until the score card is drawn (ScoreCard turns it
        # back on, and _graded when no card follows): building a card makes enough objects
        # to set off a full collection, which would double the wait for the score.
        gc.disable()
        try:
            with self._score_lock:
                result = self.scorer.score(question_id, answer)
            if self.judge is not None:
                from grader.judge import judged

                # Never raises: a judge that fails leaves a note beside the embedding grade.
                question = self.bank.questions[question_id]
                result = judged(result, self.judge.opinion(question, result))
        except Exception as exc:  # shown to the user; the draft is kept
            self.call_from_thread(self._graded, question_id, None, str(exc), reply_to)
            return
        self.call_from_thread(self._graded, question_id, result, None, reply_to)

    def _graded(
        self, question_id: str, result: Result | None, error: str | None, reply_to: Screen
    ) -> None:
        stored_id = self.record(result) if result is not None else None
        on_screen = reply_to is self.screen
        if stored_id is not None and on_screen:
            # The card first: the editor's own updates can wait until it shows again.
            self.show_grade(question_id, stored_id)
        if reply_to.is_attached:
            reply_to.post_message(Graded(question_id, stored_id, error))
        if result is None or not on_screen:
            gc.enable()  # no score card will follow
        else:
            self.set_timer(GC_PAUSE_LIMIT, gc.enable)  # should the card never show
        if not on_screen:
            # The user moved on while grading ran: tell them where it landed.
            if result is not None:
                verdict = "PASS" if result.passed else "FAIL"
                self.notify(f"{question_id}: {result.score:g} {verdict} (saved to history)")
            else:
                self.notify(f"{question_id}: could not grade: {error}", severity="error")


class BaseScreen(Screen):
    """A screen of either app, with typed access to what they share (bank, store, grading)."""

    @property
    def grader(self) -> BaseApp:
        """The running app."""
        return cast(BaseApp, self.app)
