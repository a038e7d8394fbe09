"""Reusable widgets of the practice app (the interviewer mode reuses the score card).

The progress chart is imported from its own module: plotting loads only when it is shown.
"""

from grader.tui.widgets.attempt_table import AttemptTable
from grader.tui.widgets.comparison import AttemptComparison
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.model_status import ModelStatus
from grader.tui.widgets.question_table import QuestionTable
from grader.tui.widgets.score_card import AnswerView, ScoreCard

__all__ = [
    "AnswerView",
    "AttemptComparison",
    "AttemptTable",
    "KeyBar",
    "ModelStatus",
    "QuestionTable",
    "ScoreCard",
]
