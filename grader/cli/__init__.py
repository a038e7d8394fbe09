"""The `grader` command line: `main` is its entry point, `commands.app` holds every command."""

import os
import sys


def _judge_configured() -> bool:
    """Whether the environment or the config file may set an LLM judge (see grader.judge)."""
    from grader.locations import config_path

    return bool(os.environ.get("GRADER_JUDGE_URL")) or config_path().exists()


def main() -> None:
    """Entry point of the `grader` command."""
    if sys.argv[1:] in ([], ["practice"]):
        if _judge_configured():
            sys.argv[1:] = ["practice"]  # the command reads and checks the judge's settings
        else:
            # The commonest start goes straight to the practice app: building the command line
            # (typer and every command's imports) first would delay its first screen by ~0.2 s.
            from grader.tui.launch import run_practice

            sys.exit(run_practice())
    from grader.cli.commands import app

    app()
