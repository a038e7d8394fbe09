"""Compare an attempt with the one before it: the score change and each point's change."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from grader.models import PointStatus, Result
from grader.point_status import STATUS_LOOKS


def _mark(status: PointStatus | None) -> Text:
    if status is None:
        return Text("–", style="dim")
    look = STATUS_LOOKS[status]
    return Text(f"{look.mark} {status}", style=look.colour)


def comparison(current: Result, previous: Result | None, previous_when: str = "") -> RenderableType:
    """A renderable: score before → now, then a table of key points before and now."""
    if previous is None:
        return Text("No earlier attempt at this question to compare with.", style="dim")
    delta = current.score - previous.score
    style = "green" if delta > 0 else "red" if delta < 0 else "dim"
    head = Text.assemble(
        "Score ",
        (f"{previous.score:g}", "bold"),
        " → ",
        (f"{current.score:g}", "bold"),
        (f"  ({delta:+.1f})", style),
        (f"   earlier attempt: {previous_when}" if previous_when else "", "dim"),
    )
    parts: list[RenderableType] = [head]
    if current.points or previous.points:
        before = {p.id: p.status for p in previous.points}
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        table.add_column("key point", ratio=3, overflow="fold")
        table.add_column("before", ratio=1, no_wrap=True)
        table.add_column("now", ratio=1, no_wrap=True)
        for point in current.points:
            table.add_row(point.statement, _mark(before.get(point.id)), _mark(point.status))
        parts.append(table)
    for label, result in (("before", previous), ("now", current)):
        extra = [f"misconception {m.id}" for m in result.misconceptions] + [
            f"flag {f}" for f in result.flags
        ]
        if extra:
            parts.append(Text(f"{label}: " + ", ".join(extra), style="yellow"))
    if not current.points:
        for label, result in (("before", previous), ("now", current)):
            parts.append(Text(f"{label}: " + "; ".join(result.notes), style="dim"))
    return Group(*parts)


class AttemptComparison(Static):
    """This attempt against the previous one at the same question."""

    def __init__(
        self, current: Result, previous: Result | None, previous_when: str = "", **kwargs
    ) -> None:
        super().__init__(comparison(current, previous, previous_when), **kwargs)
