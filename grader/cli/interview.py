"""The `interview` command (the interviewer mode) and `report` (export a session's summary)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

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
    fail,
    judge_settings,
    open_bank,
    out,
)
from grader.startup import load_scorer


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    csv = "csv"
    json = "json"


@app.command()
def interview(
    candidate: Annotated[
        str | None,
        typer.Option("--candidate", "-c", help="Candidate's name (start or resume at once)."),
    ] = None,
    question_set: Annotated[
        Path | None,
        typer.Option("--set", help="Set file: YAML with 'name' and a list of 'questions' ids."),
    ] = None,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
    judge: JudgeOption = None,
    judge_model: JudgeModelOption = None,
    judge_mode: JudgeModeOption = None,
) -> None:
    """Run a technical screen: score each answer live, accept or override it, with notes.

    With --candidate and --set the session starts (or resumes at the first unanswered
    question) at once; otherwise name the candidate and choose the questions in the app.
    Everything is saved as it happens in the history database (GRADER_DATA_DIR).
    """
    # Imported here so that the other commands don't pay for loading Textual.
    from grader.interview import SetFileError, load_question_set
    from grader.judge import open_judge
    from grader.tui.interview.app import InterviewApp

    settings = judge_settings(judge, judge_model, judge_mode)
    loaded = open_bank(bank)
    chosen = None
    if question_set is not None:
        try:
            chosen = load_question_set(question_set, loaded)
        except SetFileError as exc:
            raise fail(str(exc)) from None

    InterviewApp(
        loaded,
        load_scorer=lambda: load_scorer(loaded, model, backend),
        question_set=chosen,
        candidate=candidate,
        judge=open_judge(settings),
    ).run()


@app.command()
def report(
    target: Annotated[
        str, typer.Argument(metavar="SESSION_OR_CANDIDATE", help="Session id or candidate name.")
    ],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.md
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write ('-' or none: stdout).")
    ] = None,
    bank: BankOption = None,
) -> None:
    """Export an interview's summary with every answer, its explanation and your notes.

    A candidate's name picks their latest session. HTML is one self-contained file.
    """
    from grader.interview import UnknownTarget, find_session, session_summary
    from grader.reports import render
    from grader.store import Store

    loaded = open_bank(bank)
    try:
        store = Store.connect()
    except Exception as exc:  # an unreadable or too-new database: say so, no traceback
        raise fail(f"cannot open the history: {exc}") from None
    try:
        try:
            session = find_session(store, target)
        except UnknownTarget as exc:
            raise fail(str(exc)) from None
        summary, comparison = session_summary(store, session, loaded.questions)
    finally:
        store.close()
    text = render(summary, comparison, fmt.value)
    if output is None or str(output) == "-":
        out.file.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    out.print(
        f"wrote {output} ({fmt.value}): {summary.candidate}, session {summary.session_id}, "
        f"{summary.answered} of {len(summary.rows)} answered",
        highlight=False,
        markup=False,
    )


@app.command()
def forget(
    candidate: Annotated[str, typer.Argument(help="Candidate's name (ignoring case).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a candidate from the history: every session with its answers, scores, overrides
    and notes. The file is then compacted, so the deleted text is gone from disk too.
    """
    from grader.store import Store

    try:
        store = Store.connect()
    except Exception as exc:  # an unreadable or too-new database: say so, no traceback
        raise fail(f"cannot open the history: {exc}") from None
    try:
        sessions = store.sessions(candidate)
        if not sessions:
            raise fail(f"no interview of {candidate!r} is stored; nothing to forget")
        names = ", ".join(sorted({s.candidate for s in sessions}))
        question = (
            f"Delete {len(sessions)} session(s) of {names}, with every answer and note, for good?"
        )
        if not yes and not typer.confirm(question, default=False):
            raise fail("nothing deleted", code=1)
        deleted = store.forget_candidate(candidate)
    finally:
        store.close()
    out.print(
        f"deleted {deleted} session(s) of {names}; the history file is compacted",
        highlight=False,
        markup=False,
    )
