"""The whole `grader` command line: importing the command modules registers them on `app`."""

import grader.cli.bank_commands
import grader.cli.clustering
import grader.cli.evaluation
import grader.cli.grading
import grader.cli.interview
import grader.cli.practice
import grader.cli.serve  # noqa: F401
from grader.cli.common import app

__all__ = ["app"]
