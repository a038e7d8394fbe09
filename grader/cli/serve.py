"""The `serve` command: the practice app or the interviewer mode in a browser."""

from __future__ import annotations

from typing import Annotated

import typer

from grader.backends import Backend
from grader.cli.common import BackendOption, BankOption, ModelOption, app, fail, open_bank


@app.command()
def serve(
    interview: Annotated[
        bool, typer.Option("--interview", help="Serve the interviewer mode, not practice.")
    ] = False,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. Any address but a loopback one (127.0.0.1, ::1,"
            " localhost) requires the secret token in the URL printed at start.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    bank: BankOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.auto,
) -> None:
    """Serve the practice app (or, with --interview, the interviewer mode) to a browser.

    Each browser tab runs its own app; all keep their history in the same database as the
    terminal apps (GRADER_DATA_DIR). Stop with Ctrl+C.
    """
    from grader.web import make_server

    open_bank(bank)  # a bank with problems is reported here, not in every browser tab
    server = make_server(host, port, interview, bank, model, backend)
    try:
        server.serve()
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
