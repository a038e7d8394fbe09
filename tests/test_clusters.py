"""Answer clusters (`grader cluster`) and grades given to clusters (`grade --cluster-grades`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from grader.clusters import apply_decisions, cluster_answers, read_decisions, unknown_clusters
from grader.tables import InputError


def rows_of(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


@pytest.fixture(scope="module")
def answers(suite) -> list[tuple[str, str]]:
    """Copies of one good dropout answer (one with different spacing and case), another good
    one, a wrong one, and a good learning-rate answer."""
    good = [a["text"] for a in suite["dropout"] if a["kind"] == "good"]
    wrong = next(a["text"] for a in suite["dropout"] if a["kind"] == "wrong")
    rate = next(a["text"] for a in suite["learning-rate"] if a["kind"] == "good")
    return [
        ("dropout", good[0]),
        ("dropout", wrong),
        ("learning-rate", rate),
        ("dropout", good[1]),
        ("dropout", good[0]),
        ("dropout", "  " + good[0].upper()),
    ]


def test_copies_cluster_together_largest_first_and_passes_never_with_fails(scorer, answers):
    results = scorer.score_many(answers)
    clusters = cluster_answers(scorer, results)
    dropout = [c for c in clusters if c.question_id == "dropout"]
    assert [c.question_id for c in clusters] == ["dropout"] * len(dropout) + ["learning-rate"]
    assert [c.id for c in dropout] == [f"dropout#{i}" for i in range(1, len(dropout) + 1)]
    largest = dropout[0]
    assert {0, 4, 5} <= set(largest.members)  # exact and near-identical copies
    assert largest.representative_answer == answers[largest.members[0]][1]
    assert [c.size for c in dropout] == sorted((c.size for c in dropout), reverse=True)
    wrong = next(c for c in dropout if 1 in c.members)
    assert wrong.passed == 0 and all(c.passed in (0, c.size) for c in clusters)
    shared = set.intersection(*({p.id for p in results[m].covered_points} for m in largest.members))
    assert set(largest.shared_points) == shared and shared
    assert sorted(m for c in clusters for m in c.members) == list(range(len(answers)))
    # A threshold near zero leaves only the copies together (the model ignores case).
    tight = cluster_answers(scorer, results, distance=0.01)
    assert sorted(c.size for c in tight if c.question_id == "dropout") == [1, 1, 3]
    assert next(c for c in tight if c.size == 3).near_identical


def test_decisions_are_read_with_bad_rows_named():
    data = csv_bytes(
        [
            ["cluster", "score", "note"],
            ["dropout#1", "85", "the standard answer"],
            ["", "40", ""],
            ["dropout#2", "high", ""],
            ["dropout#3", "101", ""],
            ["dropout#1", "10", "again"],
            ["epoch#9", "50", ""],
        ]
    )
    decisions = read_decisions(data, "decided.csv")
    assert {k: (d.score, d.note) for k, d in decisions.by_cluster.items()} == {
        "dropout#1": (85.0, "the standard answer"),
        "epoch#9": (50.0, ""),
    }
    assert decisions.problems == [
        "decided.csv: line 3: cluster: empty",
        "decided.csv: line 4: score: 'high' is not a number from 0 to 100",
        "decided.csv: line 5: score: '101' is not a number from 0 to 100",
        "decided.csv: line 6: cluster 'dropout#1' is decided on line 2 too",
    ]
    assert unknown_clusters(decisions, {"dropout#1"}) == [
        "decided.csv: line 7: no answer is in cluster 'epoch#9'"
    ]
    with pytest.raises(InputError, match="missing column\\(s\\) score"):
        read_decisions(b"cluster,grade\nx,1\n", "decided.csv")


def test_decisions_apply_beside_the_automatic_score():
    decisions = read_decisions(b"cluster,score,note\nq#1,55,close\nq#2,90,\n", "d.csv")
    records = [
        {"cluster": "q#1", "score": 80.0, "passed": True, "pass_mark": 60.0, "error": None},
        {"cluster": "q#2", "score": 20.0, "passed": False, "pass_mark": 60.0, "error": None},
        {"cluster": "q#3", "score": 70.0, "passed": True, "pass_mark": 60.0, "error": None},
        {"cluster": "q#1", "score": None, "passed": None, "pass_mark": None, "error": "line 5"},
    ]
    applied = apply_decisions(records, decisions)
    assert [(r["score"], r["override_score"], r["override_passed"]) for r in applied] == [
        (80.0, 55.0, False),
        (20.0, 90.0, True),
        (70.0, None, None),
        (None, None, None),
    ]
    assert applied[0]["override_note"] == "close"


def test_cli_clusters_a_file_writes_csv_and_html_and_names_bad_rows(cli, tmp_path, answers):
    source = tmp_path / "answers.csv"
    rows = [["answer_id", "question_id", "answer"]]
    rows += [[str(i), qid, text] for i, (qid, text) in enumerate(answers, start=1)]
    rows += [["7", "dropout", ""], ["8", "no-such", "<script>alert(1)</script> is my answer"]]
    rows += [["9", "dropout", "<script>alert(1)</script> Dropout zeroes random units."]]
    source.write_bytes(csv_bytes(rows))
    target = tmp_path / "clusters.csv"
    result = cli("cluster", str(source), "-o", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "answers.csv: line 8: the answer is empty" in result.output
    assert "answers.csv: line 9: unknown question_id 'no-such'" in result.output
    out = rows_of(target)
    assert list(out[0])[:7] == [
        "answer_id",
        "question_id",
        "answer",
        "matched_by",
        "cluster",
        "cluster_size",
        "representative",
    ]
    assert {"score", "passed", "covered_points", "error"} <= set(out[0])
    assert [r["answer_id"] for r in out[-2:]] == ["7", "8"] and out[-1]["cluster"] == ""
    clustered = out[:-2]
    assert len(clustered) == 7 and clustered[0]["cluster"] == "dropout#1"
    first = [r for r in clustered if r["cluster"] == "dropout#1"]
    assert first[0]["representative"] == "true" and int(first[0]["cluster_size"]) == len(first)
    assert {"1", "5", "6"} <= {r["answer_id"] for r in first}

    page = tmp_path / "clusters.html"
    result = cli("cluster", str(source), "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<h2>dropout <small>" in html and "dropout#1" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cli_grade_applies_cluster_grades_and_names_bad_decisions(cli, tmp_path, answers):
    source = tmp_path / "answers.csv"
    rows = [["answer_id", "question_id", "answer"]]
    rows += [[str(i), qid, text] for i, (qid, text) in enumerate(answers, start=1)]
    source.write_bytes(csv_bytes(rows))
    clusters = tmp_path / "clusters.csv"
    assert cli("cluster", str(source), "-o", str(clusters)).exit_code == 0
    largest = next(r for r in rows_of(clusters) if r["answer_id"] == "1")["cluster"]
    decided = tmp_path / "decided.csv"
    decided.write_text(f"cluster,score,note\n{largest},58,misses the scaling\nnope#1,70,\n")
    target = tmp_path / "graded.csv"
    result = cli("grade", str(clusters), "--cluster-grades", str(decided), "-o", str(target))
    assert result.exit_code == 1
    assert "decided.csv: line 3: no answer is in cluster 'nope#1'" in result.output
    out = rows_of(target)
    columns = list(out[0])
    at = columns.index("passed")
    assert columns[at + 1 : at + 4] == ["override_score", "override_passed", "override_note"]
    members = [r for r in out if r["cluster"] == largest]
    assert len(members) >= 3
    for row in members:
        assert (row["override_score"], row["override_passed"]) == ("58.0", "false")
        assert row["override_note"] == "misses the scaling"
        assert float(row["score"]) >= 60 and row["passed"] == "true"  # the automatic grade stays
    assert all(r["override_score"] == "" for r in out if r["cluster"] != largest)
    assert f"{len(members)} row(s) took their cluster's grade" in result.output

    result = cli("grade", str(source), "--cluster-grades", str(decided))
    assert result.exit_code == 2 and "answers.csv: no cluster column" in result.output


def test_the_readme_example_files_work_together(cli, tmp_path):
    examples = Path(__file__).resolve().parent.parent / "examples"
    clusters = tmp_path / "clusters.csv"
    assert cli("cluster", str(examples / "cohort.csv"), "-o", str(clusters)).exit_code == 0
    found = {r["cluster"] for r in rows_of(clusters)}
    decided = read_decisions((examples / "decided.csv").read_bytes(), "decided.csv")
    assert decided.problems == [] and set(decided.by_cluster) <= found
    graded = tmp_path / "graded.csv"
    decisions = str(examples / "decided.csv")
    result = cli("grade", str(clusters), "--cluster-grades", decisions, "-o", str(graded))
    assert result.exit_code == 0 and "took their cluster's grade" in result.output
