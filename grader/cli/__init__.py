"""The `grader` command line: `main` is its entry point, `commands.app` holds every command."""

import sys


def main() -> None:
    """Entry point of the `grader` command."""
    if sys.argv[1:] in ([], ["practice"]):
        # The commonest start goes straight to the practice app: building the command line
        # (typer and every command's imports) first would delay its first screen by ~0.2 s.
        from grader.tui.launch import run_practice

        sys.exit(run_practice())
    from grader.cli.commands import app

    app()
