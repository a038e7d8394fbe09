"""Misconception patterns: the required part searched first never changes what matches."""

from __future__ import annotations

import re

import pytest

from grader.bank import load_bank
from grader.patterns import Pattern, top_level_items


def test_items_keep_their_quantifiers_and_classes():
    assert top_level_items(r"(?!x)a[bc)]+(d|e){0,3}?\b(f)") == [
        "(?!x)",
        "a",
        "[bc)]+",
        "(d|e){0,3}?",
        "\\b",
        "(f)",
    ]
    assert top_level_items("a|b") == ["a|b"]


def test_the_leading_guards_are_cut_from_the_required_part():
    pattern = Pattern.compile(r"(?![^.]*\bnot\b)(?<!no )(?:\w+ ){0,3}?\bdropout\b[^.]{0,20}\bon\b")
    assert pattern.required is not None
    # "\b" is zero-width too: the required part starts at the first word.
    assert pattern.required.pattern == r"dropout\b[^.]{0,20}\bon\b"
    assert Pattern.compile(r"dropout is on").required is None  # nothing to cut
    assert Pattern.compile(r"(?!x)(a)\1").required is None  # a back-reference stays whole


def _sentences(question) -> list[str]:
    """The question's references and misconception statements, sentence by sentence."""
    texts = list(question.references) + [m.statement for m in question.rubric.misconceptions]
    return [s.strip() for t in texts for s in re.split(r"(?<=[.;!?])\s+", t) if s.strip()]


@pytest.mark.parametrize("negate", [False, True])
def test_matches_are_those_of_the_whole_pattern(negate):
    """Every pattern of the bank, on its question's reference and misconception sentences
    (and their denials), finds exactly what the plain compiled pattern finds."""
    checked = 0
    for question in load_bank().free_text():
        if question.rubric is None:
            continue
        sentences = _sentences(question)
        if negate:
            sentences = [re.sub(r"\b(is|are|does|can)\b", r"\1 not", s, count=1) for s in sentences]
        for wrong in question.rubric.misconceptions:
            for text in wrong.patterns:
                plain = re.compile(text, re.IGNORECASE)
                fast = Pattern.compile(text)
                for sentence in sentences:
                    expected = [m.span() for m in plain.finditer(sentence)]
                    assert [m.span() for m in fast.finditer(sentence)] == expected, text
                    checked += bool(expected)
    assert checked > 20  # the sentences do meet the patterns
