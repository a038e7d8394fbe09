"""The whole `grader` command line: importing the command modules registers them on `app`."""

from grader.cli import bank_commands, evaluation, grading, interview, practice  # noqa: F401
from grader.cli.common import app

__all__ = ["app"]
