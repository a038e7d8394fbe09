"""The `practice` command: the Textual practice app (also what plain `grader` opens)."""

from __future__ import annotations

import typer

from grader.backends import Backend
from grader.cli.common import (
    BackendOption,
    BankOption,
    JudgeModelOption,
    JudgeModeOption,
    JudgeOption,
    ModelOption,
    app,
    judge_settings,
)


@app.command()
def practice(
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_mode: JudgeModeOption = None,
) -> None:
    """Practise in a full-screen app: answer questions, read explained scores, review on time.

    History, drafts and review dates are kept in the user data folder (GRADER_DATA_DIR
    overrides it). The app opens at once; the model loads in the background.
    """
    # Imported here so that the other commands don't pay for loading Textual.
    from grader.tui.launch import run_practice

    code = run_practice(bank, model, backend, judge_settings(judge, judge_model, judge_mode))
    if code:
        raise typer.Exit(code)
