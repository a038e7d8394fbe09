"""The LLM judge against a real llama.cpp server (llama_cpp.server) on SmolLM2-135M-Instruct.

The tiny model judges badly; these tests check the protocol, not its judgement: the server
takes the request, constrains its output to the reply's schema so that it validates at the
first try, answers the same input the same way, and the cache and the timeout work. Few
requests, each short, to keep the cost small.
"""

from __future__ import annotations

import json

import httpx
import pytest

from grader.bank import load_bank
from grader.judge import Judge, JudgeCache, JudgeError, JudgeSettings, build_messages, parse_reply
from grader.judge import reply_schema as schema_for

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
def tiny(tmp_path_factory):
    """A one-question bank (one key point), so that each reply is short."""
    return load_bank(make_bank(tmp_path_factory.mktemp("bank"))).get("tiny")


def settings(server, **kwargs) -> JudgeSettings:
    return JudgeSettings(url=server.url, model=JUDGE_MODEL, max_tokens=200, **kwargs)


def test_the_server_constrains_the_reply_to_the_schema_at_the_first_try(llama_server, tiny):
    transport = Counting()
    judge = Judge(settings(llama_server), transport=transport)
    reply = judge.ask(tiny, ANSWER)
    assert transport.sent == 1  # valid at once: no retry was needed
    assert list(reply.points) == ["array"] and 0 <= reply.score <= 100 and reply.feedback
    # What the server understood: the OpenAI json_schema form or llama-cpp-python's own.
    body = {
        "model": JUDGE_MODEL,
        "messages": build_messages(tiny, ANSWER),
        "temperature": 0,
        "max_tokens": 200,
        "response_format": {"type": "json_object", "schema": schema_for(tiny)},
    }
    raw = httpx.post(f"{llama_server.url}/chat/completions", json=body, timeout=120).json()
    content = raw["choices"][0]["message"]["content"]
    assert parse_reply(content, tiny).points.keys() == {"array"}
    assert set(json.loads(content)) == {"points", "misconceptions", "score", "feedback"}


def test_the_same_answer_gets_the_same_judgement_and_is_then_cached(llama_server, tiny, tmp_path):
    first = Judge(settings(llama_server)).ask(tiny, ANSWER)
    transport = Counting()
    cached = Judge(settings(llama_server), JudgeCache(tmp_path / "j.sqlite"), transport)
    assert cached.ask(tiny, ANSWER) == first  # temperature 0 and a fixed seed
    assert cached.ask(tiny, ANSWER) == first
    assert transport.sent == 1  # the second came from the cache


def test_a_reply_slower_than_the_timeout_is_an_error(llama_server, tiny):
    judge = Judge(settings(llama_server, timeout=0.05))
    with pytest.raises(JudgeError, match=r"no reply from .* within 0.05 s"):
        judge.ask(tiny, ANSWER + " It has a shape and a data type.")


def test_grader_score_asks_the_real_server(llama_server, cli):
    answer = (
        "Dropout switches off random units during training so the network cannot co-adapt;"
        " at inference all units are kept."
    )
    args = ("score", "dropout", "--judge", llama_server.url, "--judge-model", JUDGE_MODEL)
    result = cli(*args, "--json", answer)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    bank_points = [p["id"] for p in data["points"]]
    judge = data["judge"]
    assert judge["model"] == JUDGE_MODEL and judge["error"] is None, judge["error"]
    assert [p["id"] for p in judge["points"]] == bank_points
    assert 0 <= judge["score"] <= 100 and judge["feedback"]
    assert data["needs_review"] == (judge["passed"] != data["passed"])
