"""Starting the practice app: the whole of `grader practice`, without the command line."""

from __future__ import annotations

from pathlib import Path

from grader.backends import Backend
from grader.bank import BankError
from grader.startup import load_scorer, open_bank
from grader.terminal import print_bank_problems
from grader.tui.practice.app import PracticeApp


def run_practice(
    bank: Path | None = None, model: str | None = None, backend: Backend = Backend.auto
) -> int:
    """Open the practice app on `bank` (the built-in one when None); return the exit code.

    The app shows at once and loads the model in the background. A bank with problems is
    reported on stderr, and the code is then 2.
    """
    try:
        loaded = open_bank(bank)
    except BankError as exc:
        return print_bank_problems(exc)
    PracticeApp(loaded, load_scorer=lambda: load_scorer(loaded, model, backend)).run()
    return 0
