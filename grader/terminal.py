"""What every front end prints on the terminal before (or instead of) a full-screen app.

Messages naming a place as `file:line:` are printed unwrapped (soft wrap: the terminal folds a
long line on screen, but no newline is written into it), so the place can still be clicked,
copied or grepped however long its path and however narrow the terminal.
"""

from __future__ import annotations

from rich.console import Console

from grader.bank import BankError
from grader.startup import problem_lines

err = Console(stderr=True, soft_wrap=True)
"""Standard error, never wrapped by rich."""


def print_bank_problems(error: BankError) -> int:
    """List a bank's problems on stderr, one `file:line: field: message` each, then what to
    do about them; return the exit code for a bank that cannot be used (2)."""
    problems, summary = problem_lines(error)
    for line in problems:
        err.print(line, highlight=False, markup=False)
    err.print(f"[bold red]error:[/] {summary}", highlight=False)
    return 2
