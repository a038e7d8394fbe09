"""The apps in a browser: textual-serve runs `grader practice` (or `grader interview`) for each
browser tab that connects, and streams its screen over a websocket.

Bound to the loopback address, only this machine can connect. Bound to any other address, every
request must carry a secret token: in the URL printed at start (`?token=...`), or in the cookie
that URL sets, which the page's files and its websocket then send. The served apps keep their
history in this process's data folder, passed to them explicitly.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

from grader import locations
from grader.backends import Backend

TOKEN_COOKIE = "grader_token"
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
WEB_FONTS = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)
"""textual-serve's page asks Google for a font: nothing may leave the machine, and offline the
request only delays the page (the terminal's own font list falls back to a local one)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def app_command(
    interview: bool = False,
    bank: Path | None = None,
    model: str | None = None,
    backend: Backend = Backend.auto,
) -> str:
    """The shell command that runs one served app: this Python, this grader, these options."""
    args = [sys.executable, "-m", "grader", "interview" if interview else "practice"]
    if bank is not None:
        args += ["--bank", str(bank.resolve())]
    if model is not None:
        args += ["--model", model]
    if backend is not Backend.auto:
        args += ["--backend", backend.value]
    return shlex.join(args)


def is_loopback(host: str) -> bool:
    """Whether `host` can only be reached from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_guard(token: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """An aiohttp middleware refusing every request without `token` (query or cookie)."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        in_url = request.query.get("token", "")
        given = in_url or request.cookies.get(TOKEN_COOKIE, "")
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise web.HTTPForbidden(text="grader serve: open the URL with the token it printed\n")
        response = await handler(request)
        if in_url and not response.prepared:
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        return response

    return guard


class GraderServer(Server):
    """textual-serve's server with grader's token check, no web fonts, and a short banner."""

    def __init__(self, command: str, host: str, port: int, token: str | None, title: str):
        # The page's websocket address is built from the public URL: a wildcard address is
        # no address a browser can open, so name this machine instead.
        shown = socket.gethostname() if host in WILDCARD_HOSTS else host
        if ":" in shown:
            shown = f"[{shown}]"
        super().__init__(command, host=host, port=port, title=title,
                         public_url=f"http://{shown}:{port}")  # fmt: skip
        self.token = token

    @property
    def url(self) -> str:
        """The address to open in a browser (with the token when one is needed)."""
        return f"{self.public_url}/" + (f"?token={self.token}" if self.token else "")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        if self.token:
            app.middlewares.append(token_guard(self.token))
        return app

    async def handle_index(self, request: web.Request) -> web.Response:
        response = await super().handle_index(request)
        response.text = WEB_FONTS.sub("", response.text or "")
        return response

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"grader: serving {self.title} on", highlight=False)
        self.console.print(self.url, highlight=False, soft_wrap=True)  # one line, to copy
        if self.token:
            self.console.print(
                "Anyone with this URL can use the app and its history: share it only with "
                "your candidate.",
                highlight=False,
            )
        self.console.print("Press Ctrl+C to stop.", highlight=False)


def make_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    interview: bool = False,
    bank: Path | None = None,
    model: str | None = None,
    backend: Backend = Backend.auto,
) -> GraderServer:
    """A server of the practice app (or the interviewer mode) on `host`:`port`, with a fresh
    token unless `host` is a loopback address.

    Sets GRADER_DATA_DIR in this process's environment, which the served apps inherit, so that
    they keep their history where this process would.
    """
    os.environ["GRADER_DATA_DIR"] = str(locations.data_folder())
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    title = "grader interview" if interview else "grader practice"
    return GraderServer(app_command(interview, bank, model, backend), host, port, token, title)
