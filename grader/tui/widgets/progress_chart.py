"""Scores over time per topic, as a terminal chart (plotext)."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual_plotext import PlotextPlot

from grader.store import Attempt
from grader.verdict import DEFAULT_PASS_MARK

MAX_TICKS = 5
PALETTE = ["cyan", "magenta", "green", "orange", "blue", "red", "yellow", "gray"]


class TopicChart(PlotextPlot):
    """One line per topic: every attempt's score against the day it was made."""

    def plot(self, attempts: list[Attempt], topic: str | None = None) -> None:
        """Draw `attempts` (oldest first), only those of `topic` when given."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        chosen = [a for a in attempts if topic is None or a.topic == topic]
        plt.title(f"Scores over time · {topic or 'all topics'}")
        plt.ylim(0, 100)
        plt.ylabel("score")
        if not chosen:
            plt.xlabel("no attempts yet")
            self.refresh()
            return
        start = chosen[0].created_at

        # Days since the first attempt: plain numbers keep plotext's axis simple and exact.
        def day(moment: datetime) -> float:
            return (moment - start).total_seconds() / 86400

        topics = sorted({a.topic for a in chosen})
        for n, name in enumerate(topics):
            points = [a for a in chosen if a.topic == name]
            xs, ys = [day(a.created_at) for a in points], [a.score for a in points]
            color = PALETTE[n % len(PALETTE)]
            # A line needs two attempts; the markers show even a single one.
            plt.plot(xs, ys, label=name, marker="braille", color=color)
            plt.scatter(xs, ys, marker="●", color=color)
        last = day(chosen[-1].created_at)
        plt.hline(DEFAULT_PASS_MARK, "gray")
        ticks, labels = [], []
        for t in [last * i / (MAX_TICKS - 1) for i in range(MAX_TICKS)] if last > 0 else [0.0]:
            label = _date(start, t)
            if label not in labels:  # over a short span several ticks fall on one day
                ticks.append(t)
                labels.append(label)
        plt.xticks(ticks, labels)
        plt.xlabel("date")
        self.refresh()


def _date(start: datetime, days: float) -> str:
    return (start + timedelta(days=days)).astimezone().strftime("%d %b")
