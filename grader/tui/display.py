"""Small formatting helpers shared by the screens and widgets."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from grader.models import Question


def score_text(score: float | None, passed: bool | None) -> Text:
    """A score coloured by its verdict; a dash when there is none."""
    if score is None:
        return Text("–", style="dim")
    return Text(f"{score:g}", style="green" if passed else "red")


def when(moment: datetime) -> str:
    """A timestamp in local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def level_label(question: Question) -> str:
    """'fresher' / 'experienced', with 'MCQ' for multiple-choice questions."""
    return f"{question.level} MCQ" if question.type == "choice" else question.level


def due_label(due: datetime | None, now: datetime) -> str:
    """A short text for a question's review state: new, due, or how long until it is."""
    if due is None:
        return "new"
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "due"
    minutes = seconds / 60
    if minutes < 60:
        return f"in {max(1, round(minutes))} min"
    hours = minutes / 60
    if hours < 24:
        return f"in {round(hours)} h"
    return f"in {round(hours / 24)} d"
