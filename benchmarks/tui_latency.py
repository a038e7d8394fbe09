"""How fast the practice app feels: time to its first screen, and from submit to a score.

    python benchmarks/tui_latency.py                       # 5 starts, 3 x 12 answers, auto
    python benchmarks/tui_latency.py --backend torch --starts 3 --answers 6

First screen: wall time from launching a fresh Python process that runs `grader practice`
through the command's entry point (interpreter start, imports, command line, bank loading) to
the first frame that draws the question list's rows, with the model still loading in the
background. It is timed with the validated bank in the cache folder (every start after the
first), and with an empty cache folder (the first start after a bank file changed); in the
same run, interleaved, the same for a bare Textual app with the list screen's widgets and
none of grader (the floor).
grader's own modules are byte-compiled first, as an installed copy is (an editable install
with PYTHONDONTWRITEBYTECODE set would otherwise compile them at every start).

Score: once the model is loaded, wall time from pressing ctrl+s on a typed answer to the
last frame written to the terminal before the score card settles; that includes saving the
answer first, grading it and drawing the card. It is timed three ways (see `MODES`), from the
worst case, a typed answer submitted the moment its last key is in, to the usual one, after a
typing pause. The app runs headless through Textual's pilot at 120x40, and the history goes to
a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = (120, 40)
PASTE_TO_SUBMIT = 0.15
"""Seconds from pasting an answer to pressing ctrl+s: a quick hand's move between two keys."""
MODES = {
    "typed, submitted at once": "typed in small pieces (none is taken for a paste), then "
    "submitted as soon as the editor has taken the last: nothing could be embedded ahead",
    f"pasted, submitted {PASTE_TO_SUBMIT:g} s later": "put in the editor in one go, which the "
    "app takes for a paste and embeds at once",
    "typed, after a typing pause": "typed as in the first mode, then submitted once the app "
    "has embedded the answer ahead in the typist's pause",
}


def p95(values: list[float]) -> float:
    """The 95th percentile, nearest rank (of 12 runs, the worst; of 40, the third worst)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def frame_times(app, clock) -> list[float]:
    """A list that gets `clock()` each time `app` writes a frame to its terminal."""
    # The frame's time, not that of a callback after it: Textual runs those a tick later.
    frames: list[float] = []
    display = app._display

    def timed_display(screen, update) -> None:
        display(screen, update)
        frames.append(clock())

    app._display = timed_display
    return frames


async def settled(screen) -> None:
    """Wait until `screen` has drawn what is pending (its layout and paint are done)."""
    painted = asyncio.Event()
    screen.call_after_refresh(painted.set)
    await painted.wait()


async def print_when_list_drawn(app) -> None:
    """Run `app` headless and print the wall clock of the first frame it writes in which a
    data table (the question list) draws a row under its header."""
    from textual.widgets import DataTable

    drawn: list[int] = []  # the index of the first frame with a row
    frames = frame_times(app, time.time)
    render_line = DataTable.render_line

    def watched(table, y: int):
        strip = render_line(table, y)
        if y and strip.text.strip() and not drawn:
            drawn.append(len(frames))  # the frame being drawn is the next written
        return strip

    DataTable.render_line = watched
    async with app.run_test(size=SIZE):
        while not drawn or len(frames) <= drawn[0]:
            await asyncio.sleep(0.001)
        print(frames[drawn[0]], flush=True)


def first_screen_child() -> None:
    """Run in a fresh process: start `grader practice` through the command's own entry point,
    headless, and print the wall clock when the question list is first drawn."""
    from grader.tui.practice.app import PracticeApp

    def run_headless(app: PracticeApp) -> None:
        asyncio.run(print_when_list_drawn(app))

    PracticeApp.run = run_headless
    sys.argv = ["grader", "practice"]
    from grader.cli import main

    main()


def bare_screen_child(rows: int) -> None:
    """The baseline, in a fresh process: a bare Textual app with the widgets of the list screen
    (header, three selects, two inputs, a button, a title, a table of `rows` rows, a footer)
    and nothing of grader's. Prints the wall clock when its table is first drawn with rows."""
    from textual.app import App
    from textual.containers import Horizontal
    from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select

    class Bare(App[None]):
        def compose(self):
            yield Header()
            with Horizontal():
                for name in ("level", "topic", "show"):
                    yield Select([(name, name)], value=name, allow_blank=False)
                yield Input(placeholder="search")
                yield Input("5")
                yield Button("Random")
            yield Label("title")
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("question", "level", "topic", "best", "last", "review")
            for n in range(rows):
                table.add_row(f"question {n}", "fresher", "topic", "", "", "new")

    asyncio.run(print_when_list_drawn(Bare()))


def first_screen_seconds(
    starts: int, bare_rows: int | None = None, cache: Path | None = None
) -> list[float]:
    """Start the app (or, given `bare_rows`, the bare baseline) `starts` times in fresh
    processes, with `cache` as the cache folder when given; seconds to the first screen each."""
    child = ["--first-screen-child"] if bare_rows is None else ["--bare-child", str(bare_rows)]
    env = {**os.environ, "GRADER_CACHE_DIR": str(cache)} if cache else None
    seconds = []
    for _ in range(starts):
        launched = time.time()
        proc = subprocess.run(
            [sys.executable, __file__, *child], capture_output=True, text=True, check=True, env=env
        )
        seconds.append(float(proc.stdout.strip().splitlines()[-1]) - launched)
    return seconds


def score_seconds(answers: int, backend: str) -> tuple[dict[str, list[float]], float]:
    """Seconds from submit to score card, by way of entering the answer (`MODES`), and the
    model load time.

    Each mode gets its own `answers` questions (a good answer from the answer suite each), the
    modes taking turns. The first answer to a question also embeds the question's own texts.
    """
    from textual.widgets import Input, TextArea

    from benchmarks.gaming import suite_answers
    from grader.bank import load_bank
    from grader.startup import load_scorer
    from grader.tui.editor import DRAFT_DELAY, PASTE_CHARS
    from grader.tui.practice.app import PracticeApp
    from grader.tui.practice.questions import QuestionsScreen
    from grader.tui.practice.result import ResultScreen
    from grader.tui.widgets import ScoreCard

    bank = load_bank()
    started = time.perf_counter()
    scorer = load_scorer(bank, None, backend)
    load = time.perf_counter() - started
    todo = [(q.id, suite_answers(q.id)["good"][0]) for q in bank.free_text()]
    todo = todo[: len(MODES) * answers]
    # Handed over through the loader, as `grader practice` does, so that the app's own
    # after-load steps (the garbage collector's freeze) run too.
    app = PracticeApp(bank, load_scorer=lambda: scorer)
    seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    frames = frame_times(app, time.perf_counter)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            while not app.model_ready:
                await pilot.pause(0.01)
            for n, (question_id, answer) in enumerate(todo):
                mode = list(MODES)[n % len(MODES)]
                await pilot.press("slash")
                app.screen.query_one("#search", Input).value = question_id
                await pilot.press("enter", "enter")
                await pilot.pause()
                editor = app.screen.query_one(TextArea)
                if mode.startswith("pasted"):
                    editor.insert(answer)
                    await asyncio.sleep(PASTE_TO_SUBMIT)
                else:
                    for at in range(0, len(answer), PASTE_CHARS // 2):
                        editor.insert(answer[at : at + PASTE_CHARS // 2])
                        await pilot.pause()  # the app sees each piece as it comes
                if mode.endswith("pause"):
                    await asyncio.sleep(DRAFT_DELAY + 0.05)
                    while any(w.group == "ahead" and w.is_running for w in app.workers):
                        await asyncio.sleep(0.01)
                submitted = time.perf_counter()
                # The key goes in at once, but the pilot's press returns only after the app
                # has then idled for a while: watch for the card meanwhile, not after it.
                press = asyncio.create_task(pilot.press("ctrl+s"))
                while not (isinstance(app.screen, ResultScreen) and app.screen.query(ScoreCard)):
                    await asyncio.sleep(0.001)
                await settled(app.screen)
                seconds[mode].append(frames[-1] - submitted)
                await press
                await pilot.press("escape")
                while not isinstance(app.screen, QuestionsScreen):
                    await pilot.pause(0.001)

    asyncio.run(scenario())
    return seconds, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--starts", type=int, default=5, help="fresh starts to time")
    parser.add_argument("--answers", type=int, default=12, help="answers to time per mode")
    parser.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx", "onnx-int8"])
    parser.add_argument("--first-screen-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # A private history (and no stray drafts) whatever the user has practised.
    os.environ.setdefault("GRADER_DATA_DIR", tempfile.mkdtemp(prefix="grader-bench-"))
    if args.first_screen_child:
        first_screen_child()
        return
    if args.bare_child is not None:
        bare_screen_child(args.bare_child)
        return

    from rich.console import Console
    from rich.table import Table

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "grader", quiet=1)
    from grader.bank import load_bank

    rows = len(load_bank().questions)
    starts, cold, bare = [], [], []
    with tempfile.TemporaryDirectory(prefix="grader-bench-cache-") as warm:
        first_screen_seconds(1, cache=Path(warm))  # leaves the validated bank in the cache
        for _ in range(args.starts):  # interleaved, so machine load hits all alike
            starts += first_screen_seconds(1, cache=Path(warm))
            with tempfile.TemporaryDirectory(prefix="grader-bench-cold-") as empty:
                cold += first_screen_seconds(1, cache=Path(empty))
            bare += first_screen_seconds(1, bare_rows=rows)
    scores, load = score_seconds(args.answers, args.backend)
    table = Table(title=f"Practice app latency ({args.backend} backend)")
    for column in ("measure", "runs", "median", "p95", "max", "target"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    gap = statistics.median(starts) - statistics.median(bare)
    table.add_row(
        "first screen", str(len(starts)), f"{statistics.median(starts):.2f} s",
        f"{p95(starts):.2f} s", f"{max(starts):.2f} s", "",
    )  # fmt: skip
    table.add_row(
        "  the same, bank changed (no bank cache)", str(len(cold)),
        f"{statistics.median(cold):.2f} s", f"{p95(cold):.2f} s", f"{max(cold):.2f} s", "",
    )  # fmt: skip
    table.add_row(
        "  baseline: bare Textual app, same widgets", str(len(bare)),
        f"{statistics.median(bare):.2f} s", f"{p95(bare):.2f} s", f"{max(bare):.2f} s", "",
    )  # fmt: skip
    table.add_row("  first screen - baseline (medians)", "", f"{gap:+.2f} s", "", "", "<= 0.15 s")
    for mode, times in scores.items():
        table.add_row(
            f"submit to score, {mode}", str(len(times)),
            f"{statistics.median(times) * 1000:.0f} ms", f"{p95(times) * 1000:.0f} ms",
            f"{max(times) * 1000:.0f} ms", "p95 < 250 ms",
        )  # fmt: skip
    table.add_row("model load (background)", "1", f"{load:.1f} s", "", "", "")
    console = Console()
    console.print(table)
    for mode, how in MODES.items():
        console.print(f"[bold]{mode}[/]: {how}.")


if __name__ == "__main__":
    main()
