"""The built-in bank is complete and valid; broken bank files are reported precisely."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

import grader.bank
from grader.bank import DEFAULT_BANK, BankError, check_bank, load_bank

from .factories import GOOD_QUESTION, GOOD_RUBRIC, make_bank, write


def test_builtin_bank_covers_the_whole_guide(bank):
    kinds = Counter((q.type, q.level) for q in bank.questions.values())
    free = [q for q in bank.questions.values() if q.type == "free_text"]
    assert kinds[("free_text", "fresher")] == 26
    assert kinds[("free_text", "experienced")] == 11
    assert sum(n for (kind, _), n in kinds.items() if kind == "choice") == 10
    assert all(q.rubric and len(q.rubric.key_points) >= 3 for q in free)
    assert all(len(q.references) >= 2 for q in free)


def test_builtin_bank_fixes_the_guide(bank):
    """The guide says feed-forward networks have no backpropagation; the bank must not."""
    texts = " ".join(r for q in bank.questions.values() for r in q.references).lower()
    assert "no backpropagation" not in texts
    zero = [
        q
        for q in bank.free_text()
        if "weights to 0" in q.question or "weights to zero" in q.question
    ]
    assert zero and zero[0].rubric.misconceptions


def test_version_changes_with_content(tmp_path):
    root = make_bank(tmp_path)
    first = load_bank(root).version
    assert load_bank(root).version == first
    write(root, "reference_answers/tiny.yaml", GOOD_QUESTION.replace("array of numbers", "grid"))
    assert load_bank(root).version != first


def test_question_found_by_text_ignoring_case_and_punctuation(tmp_path):
    bank = load_bank(make_bank(tmp_path))
    assert bank.find_by_text("  what IS a tensor ") is not None
    assert bank.find_by_text("What is a matrix?") is None


@pytest.mark.parametrize(
    ("question", "rubric", "line", "field", "words"),
    [
        (
            GOOD_QUESTION.replace("level: fresher", "level: senior"),
            GOOD_RUBRIC,
            2,
            "level",
            "fresher",
        ),
        (GOOD_QUESTION + "colour: blue\n", GOOD_RUBRIC, 7, "colour", "not permitted"),
        (GOOD_QUESTION, GOOD_RUBRIC + "    weight: -1\n", 6, "key_points.0.weight", "greater"),
        (
            GOOD_QUESTION,
            GOOD_RUBRIC + "    patterns: ['(unclosed']\n",
            6,
            "key_points.0.patterns",
            "regular expression",
        ),
        (GOOD_QUESTION.replace("id: tiny", "id: Not A Slug"), GOOD_RUBRIC, 1, "id", "not a slug"),
        (GOOD_QUESTION, GOOD_RUBRIC.replace("tiny", "other"), 1, "question_id", "no question"),
    ],
)
def test_problems_name_file_line_and_field(tmp_path, question, rubric, line, field, words):
    _, problems = check_bank(make_bank(tmp_path, question, rubric))
    assert problems, "the broken file was accepted"
    hit = [p for p in problems if p.field == field]
    assert hit, [str(p) for p in problems]
    assert hit[0].line == line
    assert words in hit[0].message
    assert hit[0].file.name == "tiny.yaml"
    assert str(hit[0]).startswith(str(hit[0].file) + f":{line}: {field}:")


def test_bad_yaml_and_missing_rubric(tmp_path):
    write(tmp_path, "reference_answers/a.yaml", "id: [unclosed\n")
    write(tmp_path, "reference_answers/b.yaml", GOOD_QUESTION.replace("tiny", "lonely"))
    _, problems = check_bank(tmp_path)
    text = "\n".join(map(str, problems))
    assert "a.yaml:2: not valid YAML" in text or "a.yaml:1: not valid YAML" in text
    assert "b.yaml:1: id: no rubric in rubrics/ for 'lonely'" in text


def test_missing_folder(tmp_path):
    _, problems = check_bank(tmp_path / "nowhere")
    assert "reference_answers" in str(problems[0])


def test_default_bank_is_the_repository(bank):
    assert bank.root == DEFAULT_BANK


def test_a_cached_bank_is_reused_until_a_file_changes(tmp_path, monkeypatch):
    root, cache = make_bank(tmp_path / "bank"), tmp_path / "cache"
    first = load_bank(root, cache_folder=cache)

    def no_parsing(root):
        raise AssertionError("the bank was parsed again")

    monkeypatch.setattr(grader.bank, "check_bank", no_parsing)
    again = load_bank(root, cache_folder=cache)
    assert again == first and again.get("tiny").rubric.key_points[0].id == "array"

    monkeypatch.undo()
    write(root, "reference_answers/tiny.yaml", GOOD_QUESTION.replace("a tensor", "a scalar"))
    changed = load_bank(root, cache_folder=cache)
    assert changed.get("tiny").question == "What is a scalar?"
    assert changed.version != first.version


def test_a_broken_or_missing_bank_cache_is_rebuilt_and_problems_are_not_cached(tmp_path):
    root, cache = make_bank(tmp_path / "bank"), tmp_path / "cache"
    load_bank(root, cache_folder=cache)
    (stored,) = (cache / "banks").iterdir()
    stored.write_bytes(stored.read_bytes()[:100])  # torn, as by a crash mid-write
    assert load_bank(root, cache_folder=cache).get("tiny").topic == "basics"

    shutil.rmtree(cache)
    assert load_bank(root, cache_folder=cache).get("tiny").topic == "basics"

    write(root, "rubrics/tiny.yaml", GOOD_RUBRIC.replace("id: array", "id: Not A Slug"))
    for _ in range(2):  # a bank with problems is reported every time, never served from cache
        with pytest.raises(BankError, match="key_points.0.id"):
            load_bank(root, cache_folder=cache)
    assert [p.suffix for p in (cache / "banks").iterdir()] == [".pickle"]
