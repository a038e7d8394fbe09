"""Starting the practice app: the whole of `grader practice`, without the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader.backends import Backend
from grader.bank import BankError
from grader.startup import load_scorer, open_bank
from grader.terminal import print_bank_problems
from grader.tui.practice.app import PracticeApp

if TYPE_CHECKING:
    from grader.judge import JudgeSettings


def run_practice(
    bank: Path | None = None,
    model: str | None = None,
    backend: Backend = Backend.auto,
    judge: JudgeSettings | None = None,
) -> int:
    """Open the practice app on `bank` (the built-in one when None); return the exit code.

    The app shows at once and loads the model in the background. A bank with problems is
    reported on stderr, and the code is then 2. With `judge`, an LLM judges every answer too.
    """
    try:
        loaded = open_bank(bank)
    except BankError as exc:
        return print_bank_problems(exc)
    if judge is not None:
        from grader.judge import open_judge

        opened = open_judge(judge)
    else:
        opened = None
    PracticeApp(loaded, load_scorer=lambda: load_scorer(loaded, model, backend), judge=opened).run()
    return 0
