"""Misconception patterns, compiled so that a sentence that cannot match costs almost nothing.

The bank's patterns open with guards: look-aheads that scan the rest of the clause for a
denial or a contrast, look-behinds for a denial just before, and a few optional lead-in words.
The regex engine tries those guards at every position of every sentence, which made pattern
matching the slowest part of grading. What follows the guards (the claim's own words, such as
`\\bdropout\\b[^.;]{0,20}?\\b(on|active)`) must match for the whole pattern to match, so it is
searched first, and only a sentence where it is found meets the whole pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_OPTIONAL_START = ("(?!", "(?<!", "(?=", "(?<=", "\\b", "\\B", "^")
_QUANTIFIER = re.compile(r"[*+?]|\{\d*(?:,\d*)?\}")


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern and the part of it that every match contains."""

    full: re.Pattern[str]
    required: re.Pattern[str] | None
    """Compiled from the pattern's items after its leading guards; None when it has none."""

    @classmethod
    def compile(cls, pattern: str, flags: int = re.IGNORECASE) -> Pattern:
        """Compile `pattern`, finding the required part after its leading optional items."""
        items = top_level_items(pattern)
        lead = 0
        while lead < len(items) and _optional(items[lead]):
            lead += 1
        required = None
        tail = "".join(items[lead:])
        # A back-reference in the tail would point at another group once the guards are cut.
        if 0 < lead < len(items) and not re.search(r"\\\d|\(\?P=", tail):
            try:
                required = re.compile(tail, flags)
            except re.error:  # not a pattern on its own: search with the whole one
                required = None
        return cls(re.compile(pattern, flags), required)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of the whole pattern in `text`, as `re.Pattern.finditer` gives them."""
        if self.required is not None and self.required.search(text) is None:
            return iter(())
        return self.full.finditer(text)


def top_level_items(pattern: str) -> list[str]:
    """`pattern` cut into its top-level items, each with its quantifier.

    "(?!x)a[bc]+(d|e){0,3}?" gives ["(?!x)", "a", "[bc]+", "(d|e){0,3}?"]. A pattern with a
    top-level alternation is one item, since no part of it is required on its own.
    """
    items: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        start = i
        if pattern[i] == "|":
            return [pattern]
        if pattern[i] == "(":
            depth = 0
            while i < n:
                char = pattern[i]
                i = _class_end(pattern, i) if char == "[" else i + (2 if char == "\\" else 1)
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth == 0:
                    break
        else:
            i = (
                _class_end(pattern, i)
                if pattern[i] == "["
                else i + (2 if pattern[i] == "\\" else 1)
            )
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier:
            i = quantifier.end()
            if i < n and pattern[i] in "?+":
                i += 1
        items.append(pattern[start:i])
    return items


def _class_end(pattern: str, at: int) -> int:
    """Where the character class that opens at `at` ends (one past its "]")."""
    i = at + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a "]" first is a member
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _optional(item: str) -> bool:
    """Whether an item can match without consuming text: an assertion, or a quantified item
    that may repeat zero times. (Either way the items after it are still required.)"""
    if item.startswith(_OPTIONAL_START):
        return True
    return not item.endswith("\\?") and re.search(r"(\*|\?|\{0?,\d*\})[?+]?$", item) is not None
