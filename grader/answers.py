"""What can be said of an answer's text before any model sees it.

Kept apart from the scorer (and free of numpy and the model) so that the apps and the CSV
readers can check answers and word the flags without loading the grading engine.
"""

from __future__ import annotations

import re

from grader.text import normalise, words

MAX_ANSWER_CHARS = 10_000

GAMING_FLAGS = (
    "gibberish",
    "copied_question",
    "keyword_list",
    "shuffled_words",
    "off_topic",
    "too_short",
)
FLAG_TEXT = {
    "gibberish": "most words are not words",
    "copied_question": "the answer repeats the question",
    "keyword_list": "a list of keywords, not sentences",
    "shuffled_words": "a reference answer's words in scrambled order",
    "off_topic": "the answer is about something else",
    "too_short": "too short to show understanding",
}


def check_answer(text: object) -> str | None:
    """Why an answer cannot be graded, or None when it can."""
    if not isinstance(text, str) or not text.strip():
        return "the answer is empty"
    if len(text) > MAX_ANSWER_CHARS:
        return f"the answer has {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}"
    return None


def picked_option(answer: str, options: dict[str, str]) -> str | None:
    """The option key an answer names: 'b', '(b)', 'option B', or the option's text."""
    text = normalise(answer).strip()
    match = re.fullmatch(r"(?:option|answer)?\s*\(?([a-z0-9])\)?[.:)]?(?:\s.*)?", text)
    if match and match.group(1) in options:
        return match.group(1)
    wanted = " ".join(words(answer))
    for key, option in options.items():
        if " ".join(words(option)) == wanted:
            return key
    return None
