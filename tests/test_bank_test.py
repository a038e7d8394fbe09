"""`grader bank test`: marked answers read, graded and compared with the person's verdicts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from benchmarks.build_marked import MARKED, marked_rows
from grader.bank_test import deciders, read_marked, render, test_bank
from grader.tables import InputError
from tests.factories import choice_result, learning_rate_result


def marked_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def texts(suite, qid: str, kind: str) -> list[str]:
    return [a["text"] for a in suite[qid] if a["kind"] == kind]


# ---------------------------------------------------------------- reading


def test_verdicts_scores_and_points_are_read_and_bad_rows_named(bank):
    data = marked_csv(
        [
            ["question_id", "question", "answer", "passed", "score", "max_score", "points"],
            ["dropout", "", "It zeroes units at random.", "Yes", "", "", "random-zeroing"],
            ["", "What is dropout?", "It zeroes units at random.", "", "4", "5", ""],
            ["dropout", "", "It zeroes units at random.", "", "2", "5", ""],
            ["dropout", "", "It zeroes units at random.", "maybe", "", "", ""],
            ["dropout", "", "It zeroes units at random.", "", "", "", ""],
            ["dropout", "", "It zeroes units at random.", "", "7", "5", ""],
            ["dropout", "", "It zeroes units at random.", "true", "", "", "random-zeroing; nope"],
            ["no-such", "", "Anything at all here.", "true", "", "", ""],
            ["epoch", "", "One pass over the data.", "fail", "", "", ""],
        ]
    )
    found = read_marked(data, "marked.csv", bank)
    assert [(m.line, m.question_id, m.passed, m.score) for m in found.marks] == [
        (2, "dropout", True, None),
        (3, "dropout", True, 80.0),  # the question matched by its text; 4 of 5 passes at 60
        (4, "dropout", False, 40.0),
        (10, "epoch", False, None),
    ]
    assert found.marks[0].points == ["random-zeroing"] and found.marks[3].points == []
    assert found.problems == [
        "marked.csv: line 5: passed: 'maybe' is not a verdict; write true or false"
        " (yes/no, pass/fail, 1/0)",
        "marked.csv: line 6: no verdict: give passed (true/false) or a score",
        "marked.csv: line 7: score: '7' is not between 0 and 5",
        "marked.csv: line 8: points: 'nope' is not a key point of dropout (its points: "
        + ", ".join(p.id for p in bank.questions["dropout"].rubric.key_points)
        + ")",
        "marked.csv: line 9: unknown question_id 'no-such'; see 'grader questions list'",
    ]
    # Only the question asked for; a row whose question is unknown may be meant for it.
    only = read_marked(data, "marked.csv", bank, questions=["epoch"])
    assert [m.line for m in only.marks] == [10] and only.problems == found.problems[-1:]


def test_a_file_without_a_verdict_column_is_refused(bank):
    with pytest.raises(InputError, match="line 1: missing column\\(s\\) passed or score"):
        read_marked(marked_csv([["question_id", "answer"], ["dropout", "x y z"]]), "m.csv", bank)


def test_the_shipped_marked_file_is_built_from_the_suites():
    with MARKED.open(encoding="utf-8", newline="") as file:
        assert list(csv.DictReader(file)) == marked_rows()


# ---------------------------------------------------------------- what decided


def test_a_fail_names_its_flags_misconceptions_and_points_by_sentence():
    result = learning_rate_result(30, better=False)  # no essential points in this result
    found = [(d.kind, d.id, d.status, d.sentence) for d in deciders(result)]
    assert found[0] == ("flag", "too_short", "too short to show understanding", None)
    assert found[1] == (
        "misconception",
        "bigger-always-better",
        "stated",
        "A higher learning rate always trains faster.",
    )
    assert ("point", "too-high-diverges", "contradicted", result.sentences[1]) in found


def test_a_pass_names_the_points_that_earned_it_and_a_choice_its_note():
    result = learning_rate_result(75, better=True)
    assert [(d.id, d.status) for d in deciders(result)] == [
        ("step-size", "covered"),
        ("too-low-slow", "covered"),
    ]
    assert deciders(choice_result("c", right=False))[0].status == (
        "chose c; the correct option is b"
    )


# ---------------------------------------------------------------- with the model


@pytest.fixture(scope="module")
def disagreeing(bank, suite):
    """Two questions, with a person who passes a wrong answer and fails a good one."""
    rows = [["question_id", "answer", "passed"]]
    for qid in ("dropout", "learning-rate"):
        rows += [[qid, text, "true"] for text in texts(suite, qid, "good")]
        rows += [[qid, text, "false"] for text in texts(suite, qid, "wrong")]
    rows += [["dropout", texts(suite, "dropout", "wrong")[0], "true"]]  # line 8: a missed pass
    rows += [["learning-rate", texts(suite, "learning-rate", "good")[0], "no"]]  # a missed fail
    return marked_csv(rows)


def test_disagreements_are_reported_with_what_decided_them(scorer, bank, disagreeing):
    report = test_bank(scorer, read_marked(disagreeing, "m.csv", bank), min_agreement=0.9)
    assert report.answers == 8 and report.agreed == 6 and report.below_minimum
    rate, dropout = report.questions  # in the bank's order
    assert (rate.question_id, dropout.question_id) == ("learning-rate", "dropout")
    (missed_pass,) = dropout.missed_passes
    assert missed_pass.line == 8 and not dropout.missed_fails
    # The wrong answer fails for what it asserts or lacks, and every sentence quoted is its own.
    assert missed_pass.deciders and all(
        d.sentence in missed_pass.answer for d in missed_pass.deciders if d.sentence
    )
    (missed_fail,) = rate.missed_fails
    assert missed_fail.line == 9 and not rate.missed_passes
    assert {d.kind for d in missed_fail.deciders} == {"point"}
    assert all(d.status in ("covered", "partial") for d in missed_fail.deciders)
    assert set(dropout.unstated_misconceptions) < {
        m.id for m in bank.questions["dropout"].rubric.misconceptions
    }


def test_cli_reports_in_each_format_and_exits_below_the_minimum(cli, tmp_path, disagreeing):
    marked = tmp_path / "marked.csv"
    marked.write_bytes(disagreeing)
    result = cli("bank", "test", str(marked))
    assert result.exit_code == 0, result.output
    assert "**Agreement: 75.0%** (6 of 8)" in result.output
    assert "### Missed passes (people passed it, the grader failed it)" in result.output
    assert "- line 8, grader " in result.output

    result = cli("bank", "test", str(marked), "--min-agreement", "90", "-f", "json")
    assert result.exit_code == 1
    assert "agreement is below the minimum of 90%" in result.output
    data = json.loads(result.stdout)
    assert data["agreement"] == 0.75 and data["min_agreement"] == 0.9

    page = tmp_path / "report.html"
    result = cli("bank", "test", str(marked), "-f", "html", "-o", str(page))
    assert result.exit_code == 0
    assert "<h3>Missed fails (people failed it, the grader passed it)</h3>" in page.read_text()


def test_cli_names_bad_rows_tests_the_others_and_exits_1(cli, tmp_path, suite):
    marked = tmp_path / "marked.csv"
    good = texts(suite, "epoch", "good")[0]
    marked.write_bytes(
        marked_csv(
            [
                ["question_id", "answer", "score"],
                ["epoch", good, "95"],
                ["epoch", "<b>" + good, "ninety"],
                ["epoch", good, "88", "extra"],
            ]
        )
    )
    result = cli("bank", "test", str(marked), "-f", "html")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "marked.csv: line 3: score: 'ninety' is not a number" in result.output
    assert "marked.csv: line 4: 1 more field(s) than the header has columns" in result.output
    assert "agreement 100.0% (1 of 1)" in result.output


def test_cli_refuses_a_missing_file_and_an_unknown_question(cli, tmp_path):
    result = cli("bank", "test", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "cannot read" in result.output
    result = cli("bank", "test", "-q", "no-such")
    assert result.exit_code == 2 and "unknown question id(s) no-such" in result.output


def test_the_built_in_bank_passes_its_own_marked_answers(cli):
    # The whole file takes a minute and a half on 2 busy cores: four questions stand for it.
    args = ["-q", "dropout", "-q", "learning-rate", "-q", "epoch", "-q", "tensor"]
    result = cli("bank", "test", *args, "--min-agreement", "85", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"].endswith("marked.csv") and data["answers"] >= 40
    assert [q["question_id"] for q in data["questions"]] == [
        "learning-rate",
        "tensor",
        "epoch",
        "dropout",
    ]


def test_render_refuses_an_unknown_format(scorer, bank, disagreeing):
    report = test_bank(scorer, read_marked(disagreeing, "m.csv", bank))
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(report, "pdf")
