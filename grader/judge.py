"""The optional LLM judge: a second opinion from a local OpenAI-compatible chat server.

Users who run a local LLM (Ollama, llama.cpp's llama-server, vLLM, LM Studio) can have it
read each answer beside the embedding grader. The judge sees the question, the rubric's key
points (essential ones marked) and misconceptions, a reference answer and the candidate's
answer, and returns JSON that pydantic validates: each key point stated, missing or
contradicted with the quoted sentence, the misconceptions stated, a 0-100 score and a few
sentences of feedback. The embedding grade is always given; the judge never is required, and
any failure of it (down, slow, garbage) becomes a message on that one answer.

Same answer, same judgement: requests ask for temperature 0 and a fixed seed, and validated
replies are cached on disk keyed by the server, the model, the prompt version and the exact
request.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from grader import locations, verdict
from grader.models import JudgedPoint, JudgeOpinion, Question, Result

PROMPT_VERSION = "1"
"""Bump when the prompt or the reply's schema changes: cached judgements then no longer apply."""
JudgeMode = Literal["second-opinion", "score"]
JUDGE_MODES: tuple[str, ...] = ("second-opinion", "score")
QUOTE_CHARS = 300
FEEDBACK_CHARS = 800
FAILURES_BEFORE_GIVING_UP = 3
"""Consecutive failures to reach the server after which a run stops asking it."""
RETRY_PAUSE = 0.5


class JudgeError(Exception):
    """The judge could not give a usable judgement for one answer; the message says why."""


class JudgeConfigError(ValueError):
    """A judge setting (config file, environment variable or option) that cannot be used."""


# ---------------------------------------------------------------- settings


class JudgeSettings(BaseModel):
    """Where the judge is and how to ask it. Picklable, so Dask workers receive it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(min_length=1)
    """An OpenAI-compatible server: its base URL (…/v1) or its chat-completions endpoint."""
    model: str = "default"
    mode: JudgeMode = "second-opinion"
    timeout: float = Field(120.0, gt=0)
    """Seconds to wait for one reply (a 7B model on a CPU needs tens of seconds)."""
    retries: int = Field(1, ge=0, le=5)
    """Retries of a request the server did not take (refused connection, 5xx)."""
    max_tokens: int = Field(768, ge=16)
    seed: int = 1234

    @property
    def endpoint(self) -> str:
        """The chat-completions URL for `url`."""
        url = self.url.rstrip("/")
        if url.endswith("/chat/completions"):
            return url
        if urlsplit(url).path in ("", "/"):
            url += "/v1"
        return url + "/chat/completions"


ENV = {
    "url": "GRADER_JUDGE_URL",
    "model": "GRADER_JUDGE_MODEL",
    "mode": "GRADER_JUDGE_MODE",
    "timeout": "GRADER_JUDGE_TIMEOUT",
}
"""The environment variables that set the judge, by setting."""


def load_settings(
    url: str | None = None,
    model: str | None = None,
    mode: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> JudgeSettings | None:
    """The judge's settings: options, else environment variables, else the config file.

    None when no URL is set anywhere (no judge). The config file (`locations.config_path()`)
    is TOML with a [judge] table of the same names (url, model, mode, timeout, retries,
    max_tokens, seed). Raises JudgeConfigError naming the file or variable at fault.
    """
    environ = os.environ if environ is None else environ
    path = locations.config_path() if config is None else config
    values: dict[str, Any] = dict(_config_table(path))
    for name, variable in ENV.items():
        if environ.get(variable):
            values[name] = environ[variable]
    for name, value in (("url", url), ("model", model), ("mode", mode)):
        if value:
            values[name] = value
    if not values.get("url"):
        return None
    try:
        return JudgeSettings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise JudgeConfigError(
            f"judge settings (options, {', '.join(ENV.values())}, {path}): {problems}"
        ) from None


def _config_table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise JudgeConfigError(f"cannot read {path}: {exc.strerror}") from None
    try:
        table = tomllib.loads(text).get("judge", {})
    except tomllib.TOMLDecodeError as exc:
        raise JudgeConfigError(f"{path}: not valid TOML: {exc}") from None
    if not isinstance(table, dict):
        raise JudgeConfigError(f"{path}: 'judge' must be a table ([judge])")
    return table


# ---------------------------------------------------------------- prompt and reply

SYSTEM_PROMPT = (
    "You grade answers to deep-learning interview questions. Judge only what the candidate's"
    " answer itself states, not what it might mean. Reply with one JSON object and nothing else."
)


def build_messages(question: Question, answer: str) -> list[dict[str, str]]:
    """The chat messages that ask the judge about `answer` to `question`."""
    rubric = question.rubric
    lines = [f"Question: {question.question}", ""]
    if rubric:
        lines.append(
            "Key points a good answer states (id: statement; an ESSENTIAL point must be stated"
            " to pass):"
        )
        for point in rubric.key_points:
            tag = " (ESSENTIAL)" if point.essential else ""
            lines.append(f"- {point.id}{tag}: {point.statement}")
        if rubric.misconceptions:
            lines += ["", "Misconceptions (id: a wrong claim that costs points):"]
            lines += [f"- {m.id}: {m.statement}" for m in rubric.misconceptions]
        lines.append("")
    pass_mark = rubric.pass_mark if rubric else verdict.DEFAULT_PASS_MARK
    lines += [
        f"Reference answer: {question.references[0] if question.references else ''}",
        "",
        "Candidate's answer:",
        '"""',
        answer.strip(),
        '"""',
        "",
        'For each key point say "stated", "missing" or "contradicted" and quote the sentence'
        ' of the candidate\'s answer that decides it ("" when missing). List the ids of the'
        " misconceptions the answer states. Give a score from 0 to 100 (the pass mark is"
        f" {pass_mark:g}) and two or three sentences of feedback to the candidate.",
        'Reply as JSON: {"points": {"<key point id>": {"status": "...", "quote": "..."}},'
        ' "misconceptions": ["<id>"], "score": <0-100>, "feedback": "..."}',
    ]
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]


def reply_schema(question: Question) -> dict[str, Any]:
    """The JSON schema of a reply about `question`: every key point by its id, nothing else."""
    rubric = question.rubric
    point_ids = [p.id for p in rubric.key_points] if rubric else []
    wrong_ids = [m.id for m in rubric.misconceptions] if rubric else []
    point = {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["stated", "missing", "contradicted"]},
            "quote": {"type": "string", "maxLength": QUOTE_CHARS},
        },
        "required": ["status", "quote"],
        "additionalProperties": False,
    }
    # An empty list when there is nothing to state: grammar converters ignore maxItems 0.
    misconceptions: dict[str, Any] = {"type": "array", "const": []}
    if wrong_ids:
        misconceptions = {
            "type": "array",
            "items": {"type": "string", "enum": wrong_ids},
            "maxItems": len(wrong_ids),
        }
    return {
        "type": "object",
        "properties": {
            "points": {
                "type": "object",
                "properties": {pid: point for pid in point_ids},
                "required": point_ids,
                "additionalProperties": False,
            },
            "misconceptions": misconceptions,
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "feedback": {"type": "string", "minLength": 1, "maxLength": FEEDBACK_CHARS},
        },
        "required": ["points", "misconceptions", "score", "feedback"],
        "additionalProperties": False,
    }


class PointReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["stated", "missing", "contradicted"]
    quote: str = ""


class JudgeReply(BaseModel):
    """A judge's reply, validated; the ids are checked against the question's rubric, given
    as the validation context {"points": [...], "misconceptions": [...]}."""

    model_config = ConfigDict(extra="forbid")

    points: dict[str, PointReply] = Field(default_factory=dict)
    misconceptions: list[str] = Field(default_factory=list)
    score: int = Field(ge=0, le=100)
    feedback: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known_ids(self, info: ValidationInfo) -> JudgeReply:
        expected = info.context or {}
        if "points" in expected:
            want, got = set(expected["points"]), set(self.points)
            if want - got:
                raise ValueError(f"key point(s) not judged: {', '.join(sorted(want - got))}")
            if got - want:
                raise ValueError(f"unknown key point id(s): {', '.join(sorted(got - want))}")
        unknown = set(self.misconceptions) - set(expected.get("misconceptions", ()))
        if "misconceptions" in expected and unknown:
            raise ValueError(f"unknown misconception id(s): {', '.join(sorted(unknown))}")
        return self


def parse_reply(text: str, question: Question) -> JudgeReply:
    """The judge's reply text validated for `question`; ValueError says what is wrong."""
    rubric = question.rubric
    context = {
        "points": [p.id for p in rubric.key_points] if rubric else [],
        "misconceptions": [m.id for m in rubric.misconceptions] if rubric else [],
    }
    try:
        # strict=False takes a raw line break inside a string, which small models write.
        data = json.loads(_strip_fence(text), strict=False)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    try:
        return JudgeReply.model_validate(data, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where + ': ' if where else ''}{first['msg']}") from None


def _strip_fence(text: str) -> str:
    """The JSON of a reply that a model without constrained output wrapped in ``` fences."""
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[-1].rsplit("```", 1)[0]
    return text


# ---------------------------------------------------------------- cache


class JudgeCache:
    """Validated replies in SQLite, keyed by a hash of everything the reply depends on."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, reply TEXT)")
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT reply FROM replies WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, reply: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO replies VALUES (?, ?)", (key, reply))


# ---------------------------------------------------------------- the client

# How each kind of server is asked for JSON that follows a schema, tried in this order: the
# OpenAI form (llama-server, vLLM, Ollama, LM Studio), llama-cpp-python's own form, and last
# none at all (the prompt and validation alone).
RESPONSE_FORMATS = ("json_schema", "json_object", "none")


class Judge:
    """Asks one server about answers; thread-safe enough for one grading worker at a time."""

    def __init__(
        self,
        settings: JudgeSettings,
        cache: JudgeCache | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.settings = settings
        self.cache = cache
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
            transport=transport or httpx.HTTPTransport(retries=settings.retries),
        )
        self._format = 0
        self._failures = 0
        self._gave_up: str | None = None

    def close(self) -> None:
        self._client.close()

    def opinion(self, question: Question, result: Result) -> JudgeOpinion | None:
        """The judge's opinion of a graded answer; None for a multiple-choice question (graded
        exactly). Never raises: a judge that fails gives an opinion with `error` set."""
        if question.type == "choice":
            return None
        try:
            reply = self.ask(question, result.answer)
        except JudgeError as exc:
            return JudgeOpinion(model=self.settings.model, mode=self.settings.mode, error=str(exc))
        return JudgeOpinion(
            model=self.settings.model,
            mode=self.settings.mode,
            score=float(reply.score),
            passed=verdict.passed(reply.score, result.pass_mark),
            feedback=reply.feedback.strip()[:FEEDBACK_CHARS],
            points=[
                JudgedPoint(pid, p.status, p.quote.strip()[:QUOTE_CHARS])
                for pid, p in reply.points.items()
            ],
            misconceptions=list(dict.fromkeys(reply.misconceptions)),
        )

    def ask(self, question: Question, answer: str) -> JudgeReply:
        """The judge's validated reply, from the cache or the server; JudgeError if none.

        An invalid reply is answered once with what was wrong, then given up on.
        """
        messages = build_messages(question, answer)
        schema = reply_schema(question)
        key = self._key(messages, schema)
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            return parse_reply(cached, question)
        text = self._chat(messages, schema)
        try:
            reply = parse_reply(text, question)
        except ValueError as first:
            retry = [
                *messages,
                {"role": "assistant", "content": text},
                {
                    "role": "user",
                    "content": f"That reply is not valid ({first}). Reply again with only the"
                    " JSON object, every key point judged.",
                },
            ]
            text = self._chat(retry, schema)
            try:
                reply = parse_reply(text, question)
            except ValueError as second:
                raise JudgeError(
                    f"the judge's reply was not valid twice ({second}): {_clip(text)}"
                ) from None
        if self.cache:
            self.cache.put(key, reply.model_dump_json())
        return reply

    def _key(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        s = self.settings
        material = [s.endpoint, s.model, PROMPT_VERSION, s.seed, s.max_tokens, messages, schema]
        return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()

    def _chat(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        """The text of the server's reply, trying response formats it refuses in turn."""
        if self._gave_up:
            raise JudgeError(self._gave_up)
        while True:
            kind = RESPONSE_FORMATS[self._format]
            try:
                response = self._post(messages, schema, kind)
            except JudgeError as exc:
                self._failures += 1
                if self._failures >= FAILURES_BEFORE_GIVING_UP:
                    self._gave_up = (
                        f"not asked: the judge failed {self._failures} times in a row (last: {exc})"
                    )
                raise
            if _refused_format(response) and kind != RESPONSE_FORMATS[-1]:
                self._format += 1
                continue
            self._failures = 0
            return self._content(response)

    def _post(
        self, messages: list[dict[str, str]], schema: dict[str, Any], kind: str
    ) -> httpx.Response:
        s = self.settings
        body: dict[str, Any] = {
            "model": s.model,
            "messages": messages,
            "temperature": 0,
            "seed": s.seed,
            "max_tokens": s.max_tokens,
            "stream": False,
        }
        if kind == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "judgement", "strict": True, "schema": schema},
            }
        elif kind == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        for attempt in range(s.retries + 1):
            try:
                response = self._client.post(s.endpoint, json=body)
            except httpx.TimeoutException:
                raise JudgeError(f"no reply from {s.endpoint} within {s.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise JudgeError(f"cannot reach the judge at {s.endpoint}: {exc}") from None
            if response.status_code < 500 or attempt == s.retries or _refused_format(response):
                break
            time.sleep(RETRY_PAUSE)
        if response.status_code >= 500 and not _refused_format(response):
            raise JudgeError(
                f"the judge at {s.endpoint} answered HTTP {response.status_code}:"
                f" {_clip(response.text)}"
            )
        return response

    def _content(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise JudgeError(
                f"the judge at {self.settings.endpoint} answered HTTP {response.status_code}:"
                f" {_clip(response.text)}"
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise JudgeError(
                f"{self.settings.endpoint} did not answer like an OpenAI chat-completions"
                f" server: {_clip(response.text)}"
            ) from None
        if not isinstance(content, str):
            raise JudgeError(f"{self.settings.endpoint} sent no message text")
        return content


def _refused_format(response: httpx.Response) -> bool:
    """Whether the server refused the request's response format (a 400 or 422 from most
    servers; llama-cpp-python answers its validation error with a 500 that names it)."""
    return response.status_code in (400, 422) or (
        response.status_code == 500 and "response_format" in response.text
    )


def _clip(text: str, chars: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def open_judge(settings: JudgeSettings | None) -> Judge | None:
    """A judge for `settings` with its cache in the cache folder; None when there is none."""
    if settings is None:
        return None
    return Judge(settings, JudgeCache(locations.judge_cache_path()))


# ---------------------------------------------------------------- combining


def judged(result: Result, opinion: JudgeOpinion | None) -> Result:
    """`result` with the judge's opinion beside it, or (in score mode) as its score.

    A judge that failed leaves the embedding grade as it is, with a note saying why. When the
    judge and the embedding grade disagree on pass or fail, the result needs review.
    """
    if opinion is None:
        return result
    if opinion.error or opinion.score is None:
        notes = [*result.notes, f"judge: {opinion.error}; the embedding grade stands"]
        return replace(result, judge=opinion, notes=notes)
    reasons = [result.review_reason] if result.needs_review and result.review_reason else []
    if opinion.passed != result.passed:
        opinion = replace(
            opinion,
            disagreement=(
                f"the judge ({opinion.model}) {'passes' if opinion.passed else 'fails'} it at"
                f" {opinion.score:g} where the embedding grade"
                f" {'passes' if result.passed else 'fails'} it at {result.score:g}"
            ),
        )
        reasons.append(opinion.disagreement)
    review = {"needs_review": bool(reasons), "review_reason": "; ".join(reasons) or None}
    if opinion.mode != "score":
        return replace(result, judge=opinion, **review)
    return result.rescored(
        opinion.score,
        "the judge's score",
        judge=replace(opinion, embedding_score=result.score),
        **review,
    )
