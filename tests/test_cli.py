"""Every command with real files, good and broken, through the real model."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from .factories import write

GOOD = (
    "The learning rate is the step size of gradient descent: each update moves the weights by "
    "the gradient times the rate. Too high and the loss oscillates or diverges; too low and "
    "training is very slow or gets stuck. I tune it with a sweep and decay it over training."
)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_validate_builtin_bank(cli):
    result = cli("validate")
    assert result.exit_code == 0
    assert "OK: 47 questions (37 free-text, 10 multiple-choice)" in result.output


def test_validate_reports_file_line_field(cli, tmp_path):
    write(tmp_path, "reference_answers/a.yaml", "id: a\nlevel: guru\ntopic: x\nquestion: What?\n")
    result = cli("validate", "--bank", str(tmp_path))
    assert result.exit_code == 1
    assert "a.yaml:2: level:" in result.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_questions_list_formats(cli, fmt):
    result = cli("questions", "list", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        data = json.loads(result.output)
        assert len(data) == 47 and set(data[0]) == {"id", "level", "topic", "type", "question"}
    elif fmt == "csv":
        assert len(rows(result.output)) == 47
    else:
        assert "learning-rate" in result.output


@pytest.mark.model
def test_score_explains(cli):
    result = cli("score", "learning-rate", GOOD)
    assert result.exit_code == 0
    assert "PASS" in result.output and "too high" in result.output


@pytest.mark.model
def test_score_json_from_stdin(cli):
    result = cli("score", "learning-rate", "--json", input=GOOD)
    data = json.loads(result.output)
    assert data["passed"] is True and data["question_id"] == "learning-rate"
    assert {p["id"] for p in data["points"] if p["status"] == "covered"} >= {"step-size"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("score", "no-such-id", "an answer"), "unknown question id"),
        (("score", "learning-rate", "   "), "the answer is empty"),
        (("score", "learning-rate", "x" * 100_000), "limit is 10,000"),
    ],
)
def test_score_bad_input(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output


QUESTION_2 = (
    "  explain LEARNING rate in the context of neural network models what happens if the "
    "learning rate is too high or too low "
)
ANSWERS = f"""answer_id,candidate,question_id,question,answer
1,ana,learning-rate,,"{GOOD}"
2,ben,,"{QUESTION_2}",learning rate step size overshoot diverge slow converge schedule
3,cara,mcq-softmax-output,,b
4,dev,no-such-question,,Some answer.
5,eve,learning-rate,,
6,finn,,What is the meaning of life?,Forty-two.
7,gus,learning-rate,,"{"word " * 20_000}"
"""


@pytest.mark.model
def test_grade_csv_keeps_good_rows_and_names_bad_ones(cli, tmp_path):
    source = write(tmp_path, "answers.csv", ANSWERS)
    target = tmp_path / "scored.csv"
    result = cli("grade", str(source), "-o", str(target))
    assert result.exit_code == 1
    out = rows(target.read_text(encoding="utf-8"))
    assert [r["answer_id"] for r in out] == ["1", "2", "3", "4", "5", "6", "7"]
    assert out[0]["passed"] == "true" and float(out[0]["score"]) >= 60
    assert out[1]["passed"] == "false" and "keyword_list" in out[1]["flags"]
    assert out[2]["score"] == "100.0"
    assert "line 5: unknown question_id 'no-such-question'" in out[3]["error"]
    assert "line 6: the answer is empty" in out[4]["error"]
    assert "line 7: no bank question shares a word with the question" in out[5]["error"]
    assert "line 8:" in out[6]["error"] and "limit" in out[6]["error"]
    assert all(r["error"] == "" for r in out[:3])
    assert "graded 3 of 7 rows" in result.output
    assert "answers.csv: line 5: unknown question_id" in result.output


@pytest.mark.model
def test_grade_jsonl_stdin_to_stdout(cli):
    text = f'question_id,answer\nlearning-rate,"{GOOD}"\n'
    result = cli("grade", "-", "--format", "jsonl", input=text)
    assert result.exit_code == 0
    record = json.loads(result.stdout.splitlines()[0])
    assert record["passed"] is True and record["covered_points"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"question_id,answer\nlearning-rate,caf\xe9 au lait\n", "not UTF-8 text (line 2"),
        (b"question_id,text\nlearning-rate,hello\n", "missing column(s) answer"),
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not"),
    ],
)
def test_grade_broken_files(cli, tmp_path, content, message):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    result = cli("grade", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.model
def test_grade_unparsable_row_is_a_row_error(cli, tmp_path):
    """An unclosed quote spoils its own row (to the end of the file), not the rows before it."""
    source = tmp_path / "bad.csv"
    source.write_text(f'question_id,answer\nlearning-rate,"{GOOD}"\nlearning-rate,"unclosed\n')
    result = cli("grade", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 1 and "bad.csv: line 3: not valid CSV" in result.output
    assert rows((tmp_path / "out.csv").read_text())[0]["passed"] == "true"


@pytest.mark.model
def test_grade_missing_file(cli, tmp_path):
    result = cli("grade", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "cannot read" in result.output


def test_installed_command_runs_without_traceback(tmp_path):
    """The real entry point, in its own process: a bad bank is a message, not a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "questions", "list", "--bank", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "reference_answers" in proc.stderr and "Traceback" not in proc.stderr
