"""The LLM judge against a real llama.cpp server (llama_cpp.server) on SmolLM2-135M-Instruct.

The tiny model judges badly; these tests check the protocol, not its judgement: the server
takes the request, constrains its output to the reply's schema so that it validates at the
first try (unconstrained, this model answers in prose), answers the same input the same way,
and the cache and the timeout work. A one-question bank with one key point keeps each reply
short, and there are four requests in all: on a busy 2-core machine the model makes about
one token a second.
"""

from __future__ import annotations

import json

import httpx
import pytest

from grader.bank import load_bank
from grader.judge import Judge, JudgeCache, JudgeError, JudgeSettings

from .factories import make_bank
from .judge_servers import JUDGE_MODEL

pytestmark = pytest.mark.judge

ANSWER = "A tensor is a multi-dimensional array of numbers, like a matrix with more axes."


class Counting(httpx.HTTPTransport):
    """A real HTTP transport that counts the requests it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory):
    """A one-question bank ('tiny': one key point, no misconception)."""
    return make_bank(tmp_path_factory.mktemp("bank"))


@pytest.fixture(scope="module")
def tiny(bank_dir):
    return load_bank(bank_dir).get("tiny")


PATIENCE = 900
"""Seconds a test waits for a reply: generous, for a machine shared with other work."""


def settings(server, **kwargs) -> JudgeSettings:
    kwargs.setdefault("timeout", PATIENCE)
    return JudgeSettings(url=server.url, model=JUDGE_MODEL, max_tokens=160, **kwargs)


@pytest.fixture(scope="module")
def first(llama_server, tiny):
    """The first judgement of ANSWER, and the requests it took."""
    transport = Counting()
    reply = Judge(settings(llama_server), transport=transport).ask(tiny, ANSWER)
    return reply, transport.sent


def test_the_server_constrains_the_reply_to_the_schema_at_the_first_try(first):
    reply, sent = first
    # llama-cpp-python refuses the OpenAI json_schema form, takes its own json_object with a
    # schema, and the reply validates at once: no retry.
    assert sent == 2
    assert list(reply.points) == ["array"] and reply.misconceptions == []
    assert 0 <= reply.score <= 100 and reply.feedback


def test_the_same_answer_gets_the_same_judgement_and_is_then_cached(
    llama_server, tiny, first, tmp_path
):
    transport = Counting()
    judge = Judge(settings(llama_server), JudgeCache(tmp_path / "j.sqlite"), transport)
    assert judge.ask(tiny, ANSWER) == first[0]  # temperature 0 and a fixed seed
    assert judge.ask(tiny, ANSWER) == first[0]
    assert transport.sent == 2  # one refused format, one judgement; the second from the cache


def test_grader_score_asks_the_real_server(llama_server, bank_dir, first, cli, monkeypatch):
    monkeypatch.setenv("GRADER_JUDGE_TIMEOUT", str(PATIENCE))
    args = ("score", "tiny", "--bank", str(bank_dir), "--judge", llama_server.url)
    result = cli(*args, "--judge-model", JUDGE_MODEL, "--json", ANSWER)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    judge = data["judge"]
    assert judge["error"] is None and judge["model"] == JUDGE_MODEL
    assert judge["score"] == first[0].score and judge["feedback"] == first[0].feedback
    assert data["needs_review"] == (judge["passed"] != data["passed"])


def test_a_reply_slower_than_the_timeout_is_an_error(llama_server, tiny):
    # Last: the server still finishes the reply nobody waits for.
    judge = Judge(settings(llama_server, timeout=0.05))
    with pytest.raises(JudgeError, match=r"no reply from .* within 0.05 s"):
        judge.ask(tiny, ANSWER + " It has a shape and a data type.")
