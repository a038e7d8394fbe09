"""The `grader` command line. Each module registers its commands on the shared app."""

from grader.cli import bank_commands, evaluation, grading, interview, practice  # noqa: F401  (registers the commands)
from grader.cli.common import app


def main() -> None:
    """Entry point of the `grader` command."""
    app()
