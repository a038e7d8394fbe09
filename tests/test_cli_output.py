"""What the command line shows people: help, version, the question list at 80 columns and
piped, the score panel, and error lines that are never wrapped."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from grader import __version__
from grader.bank import load_bank
from grader.cli.bank_commands import question_table
from grader.tui.launch import run_practice

from .factories import write

COMMANDS = [
    ["validate"], ["questions", "list"], ["score"], ["grade"], ["evaluate"], ["calibrate"],
    ["report"], ["practice"], ["interview"], ["forget"], ["serve"],
]  # fmt: skip


def grader(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    """`grader ARGS` in its own process, its output piped (not a terminal)."""
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, env=env
    )


def words(text: str) -> str:
    """The text without boxes, table rules and line breaks: what a reader reads."""
    return " ".join(re.sub(r"[│┃╭╮╰╯─·]", " ", text).split())


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"grader {__version__}"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_flags_without_values_and_arguments_in_capitals(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage


def test_help_usage_names_arguments_as_click_does(cli):
    assert "[OPTIONS] QUESTION_ID [ANSWER]" in cli("score", "--help").output
    assert "[OPTIONS] CANDIDATE" in cli("forget", "--help").output


def test_a_bad_choice_is_named_plainly(cli):
    result = cli("questions", "list", "--format", "pdf")
    assert result.exit_code == 2
    assert "'pdf' is not one of 'table', 'json', 'csv'" in words(result.output)
    assert "Value error" not in result.output


def test_piped_question_list_is_one_line_per_question():
    result = grader("questions", "list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(load_bank().questions)
    dropout = [line for line in lines if "dropout" in line]
    assert dropout[0].split()[:4] == ["dropout", "experienced", "regularisation", "free_text"]
    assert dropout[0].endswith("What do you know about dropout?")


@pytest.mark.parametrize("width", [80, 100, 200])
def test_the_question_table_wraps_only_the_question_text(width):
    questions = load_bank().questions.values()
    rows = [
        {"id": q.id, "level": q.level, "topic": q.topic, "type": q.type, "question": q.question}
        for q in questions
    ]
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(question_table(rows, width))
    text = console.file.getvalue()
    cells = {cell.strip() for line in text.splitlines() for cell in re.split(r"[│┃·]", line)}
    for q in questions:
        assert {q.id, q.level, q.topic, q.type} <= cells, q.id  # whole, never cut or wrapped
    assert max(len(line) for line in text.splitlines()) <= width
    assert "What do you know about dropout?" in words(text)


DROPOUT = (
    "Dropout randomly drops neurons during training to reduce overfitting. "
    "Dropout stays active at inference so predictions are random."
)


def test_the_score_panel_shows_a_misconception_whole_and_once(cli, bank):
    result = cli("score", "dropout", DROPOUT)
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 80
    statement = bank.get("dropout").rubric.misconceptions[0].statement
    shown = words(result.output)
    assert shown.count(f"misconception (-20): {statement}") == 1
    assert "for stating a misconception" not in shown


def test_a_bank_problem_stays_on_one_line_however_long_its_path(tmp_path, capsys):
    deep = tmp_path / ("a-folder-with-a-rather-long-name-" * 4).rstrip("-")
    write(
        deep,
        "reference_answers/q.yaml",
        "id: Not A Slug\nlevel: fresher\ntopic: basics\nquestion: What is a tensor?\n"
        "references: [A tensor is an array of numbers.]\n",
    )
    assert run_practice(deep) == 2
    lines = capsys.readouterr().err.splitlines()
    where = f"{deep / 'reference_answers' / 'q.yaml'}:1: id:"
    assert len(where) > 80
    assert any(line.startswith(where) for line in lines), lines
