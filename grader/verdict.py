"""The verdict on a score: the pass mark, the cap on gaming answers, and what passing means.

One owner for these rules, so that the scorer's own score and a calibrated score are judged
alike: a gaming flag (a keyword list, the question copied back, gibberish...) caps the score at
half the pass mark, so a flagged answer never passes whatever produced its score.

Where a rubric marks essential points, they decide the pass: an answer passes when it states
every essential point, at least one point outright (not only in part), and no misconception,
however short it is. Its quality (similarity and
coverage less penalties, 0-100) then places it on its side of the pass mark: a pass scores
pass_mark + (100 - pass_mark) x quality / 100, a fail quality x pass_mark / 100 (at most just
under the pass mark). So a score at or above the pass mark always means a pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from grader.answers import GAMING_FLAGS

DEFAULT_PASS_MARK = 60.0
"""The pass mark of a free-text question whose rubric does not set one (or that has none)."""
CHOICE_PASS_MARK = 100.0
"""A multiple-choice answer is right or wrong: only a full score passes."""


def gaming_flags(flags: Iterable[str]) -> list[str]:
    """The flags among `flags` that mark an answer as gaming the scorer."""
    return [flag for flag in flags if flag in GAMING_FLAGS]


def gaming_cap(pass_mark: float) -> float:
    """The highest score a gaming answer may keep: half the pass mark."""
    return pass_mark / 2


def states_the_core(essential: Iterable[str], every: Iterable[str]) -> bool:
    """Whether an answer's point statuses allow a pass: each essential point stated (covered
    or partial), and at least one point of all (`every`) covered outright. A fluent answer in
    the question's vocabulary that defines the thing wrongly comes near every point and states
    none outright."""
    return all(s in ("covered", "partial") for s in essential) and "covered" in set(every)


def essential_score(quality: float, pass_mark: float, stated_all: bool, wrong: bool) -> float:
    """The score of an answer to a rubric with essential points (see the module's docstring).

    `stated_all`: see `states_the_core`; `wrong`: a misconception is stated.
    """
    if stated_all and not wrong:
        return pass_mark + (100 - pass_mark) * quality / 100
    return min(quality * pass_mark / 100, pass_mark - 0.1)


def passed(score: float, pass_mark: float, flags: Iterable[str] = ()) -> bool:
    """Whether a score passes: at least the pass mark, and no gaming flag."""
    return score >= pass_mark and not gaming_flags(flags)
