"""How a key point's status is shown, for every front end: the command line's panels and
files, the app's score card and comparison, and the interview reports.

A point is covered, partial (half credit), missing, or contradicted (the answer says the
opposite). Result lists put partial points with the covered ones and contradicted points with
the missing ones, so those two carry a qualifier wherever a list shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.models import PointStatus


@dataclass(frozen=True)
class StatusLook:
    """One status as people see it."""

    mark: str
    """The symbol in front of the point."""
    colour: str
    """Its colour in a terminal (rich)."""
    theme_colour: str
    """Its colour in the app (a Textual theme variable)."""
    qualifier: str
    """The word after the point in a list that does not say it all ('' for none)."""


STATUS_LOOKS: dict[PointStatus, StatusLook] = {
    "covered": StatusLook("✔", "green", "$text-success", ""),
    "partial": StatusLook("◐", "yellow", "$text-warning", "partly"),
    "missing": StatusLook("✘", "red", "$text-error", ""),
    "contradicted": StatusLook("⇄", "magenta", "$text-error", "contradicted"),
}


def qualified(text: str, status: PointStatus, *, for_people: bool = True) -> str:
    """`text` followed by its status in brackets when the list it is in does not say it.

    For people: 'Too low converges slowly (partly)'. In files, where a program may parse the
    list, the status's own name: 'too-low-slow (partial)'.
    """
    qualifier = STATUS_LOOKS[status].qualifier
    if not qualifier:
        return text
    return f"{text} ({qualifier if for_people else status})"
