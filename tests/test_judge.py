"""The optional LLM judge (grader/judge.py): settings, prompt and schema, validation, combining
with the embedding grade; against a small fake server for a judge that is down, slow or sends
garbage; and against a real llama.cpp server (tests marked `judge`, in test_judge_llama.py).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from grader.judge import (
    Judge,
    JudgeCache,
    JudgeConfigError,
    JudgeError,
    JudgeSettings,
    build_messages,
    judged,
    load_settings,
    parse_reply,
    reply_schema,
)
from grader.models import JudgedPoint, JudgeOpinion, Result

from .factories import fixed_result
from .judge_servers import FakeServer, Reply, chat_body, free_port

SOUND = (
    "The learning rate is the step size of gradient descent. If it is too high the updates "
    "overshoot and the loss diverges. If it is too low training is very slow or gets stuck."
)


def schema_of(body: dict) -> dict:
    """The reply schema a request carried, whichever response format it used."""
    fmt = body["response_format"]
    return fmt["json_schema"]["schema"] if fmt["type"] == "json_schema" else fmt["schema"]


def valid_reply(body: dict, score: int = 80, feedback: str = "Clear and correct.") -> str:
    """A reply that follows the request's schema: every key point stated."""
    ids = schema_of(body)["properties"]["points"]["required"]
    points = {pid: {"status": "stated", "quote": "It is the step size."} for pid in ids}
    return json.dumps(
        {"points": points, "misconceptions": [], "score": score, "feedback": feedback}
    )


@pytest.fixture
def fake():
    servers: list[FakeServer] = []

    def start(answer) -> FakeServer:
        server = FakeServer(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def judge_on(url: str, tmp_path=None, **settings) -> Judge:
    cache = JudgeCache(tmp_path / "judge.sqlite") if tmp_path else None
    return Judge(JudgeSettings(url=url, model="fake", **settings), cache)


# ---------------------------------------------------------------- settings


def test_settings_come_from_options_then_environment_then_config_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[judge]\nurl = "http://cfg:1"\nmodel = "from-file"\ntimeout = 7\n')
    assert load_settings(environ={}, config=tmp_path / "none.toml") is None
    from_file = load_settings(environ={}, config=config)
    assert (from_file.url, from_file.model, from_file.timeout) == ("http://cfg:1", "from-file", 7)
    env = {"GRADER_JUDGE_URL": "http://env:2", "GRADER_JUDGE_MODEL": "from-env"}
    from_env = load_settings(environ=env, config=config)
    assert (from_env.url, from_env.model, from_env.timeout) == ("http://env:2", "from-env", 7)
    given = load_settings("http://opt:3", "from-option", "score", environ=env, config=config)
    assert (given.url, given.model, given.mode) == ("http://opt:3", "from-option", "score")


@pytest.mark.parametrize(
    "text, words",
    [
        ("[judge\nurl=", "not valid TOML"),
        ('[judge]\nurl = "http://x"\ntimeout = -1\n', "timeout"),
        ('[judge]\nurl = "http://x"\nmodle = "typo"\n', "modle"),
    ],
)
def test_a_bad_config_file_is_named_with_the_setting_at_fault(tmp_path, text, words):
    config = tmp_path / "config.toml"
    config.write_text(text)
    with pytest.raises(JudgeConfigError, match=words) as caught:
        load_settings(environ={}, config=config)
    assert str(config) in str(caught.value)


@pytest.mark.parametrize(
    "url, endpoint",
    [
        ("http://localhost:8080", "http://localhost:8080/v1/chat/completions"),
        ("http://localhost:11434/v1/", "http://localhost:11434/v1/chat/completions"),
        ("http://h/v1/chat/completions", "http://h/v1/chat/completions"),
    ],
)
def test_the_endpoint_is_found_from_a_base_url_or_given_whole(url, endpoint):
    assert JudgeSettings(url=url).endpoint == endpoint


# ---------------------------------------------------------------- prompt, schema, validation


def test_the_prompt_marks_essential_points_and_lists_misconceptions(bank):
    question = bank.get("learning-rate")
    prompt = build_messages(question, SOUND)[1]["content"]
    for point in question.rubric.key_points:
        tag = f"{point.id} (ESSENTIAL):" if point.essential else f"{point.id}:"
        assert f"- {tag} {point.statement}" in prompt
    for wrong in question.rubric.misconceptions:
        assert f"- {wrong.id}: {wrong.statement}" in prompt
    assert question.references[0] in prompt and SOUND in prompt
    schema = reply_schema(question)
    assert schema["properties"]["points"]["required"] == [p.id for p in question.rubric.key_points]
    assert schema["properties"]["misconceptions"]["items"]["enum"] == [
        m.id for m in question.rubric.misconceptions
    ]


def test_a_reply_must_judge_every_key_point_of_the_rubric_and_no_other(bank):
    question = bank.get("learning-rate")
    ids = [p.id for p in question.rubric.key_points]
    good = {
        "points": {pid: {"status": "missing", "quote": ""} for pid in ids},
        "misconceptions": [],
        "score": 40,
        "feedback": "Say what happens when it is too high.",
    }
    assert parse_reply("```json\n" + json.dumps(good) + "\n```", question).score == 40
    bad_cases = {
        "not judged": {**good, "points": {pid: good["points"][pid] for pid in ids[1:]}},
        "unknown key point": {
            **good,
            "points": {**good["points"], "made-up": good["points"][ids[0]]},
        },
        "unknown misconception": {**good, "misconceptions": ["made-up"]},
        "less than or equal to 100": {**good, "score": 140},
        "status": {**good, "points": {**good["points"], ids[0]: {"status": "maybe", "quote": ""}}},
    }
    for words, reply in bad_cases.items():
        with pytest.raises(ValueError, match=words):
            parse_reply(json.dumps(reply), question)
    with pytest.raises(ValueError, match="not JSON"):
        parse_reply("I think it deserves a 7.", question)
    raw_line_break = json.dumps(good).replace("Say what", "Say\nwhat")  # not valid strict JSON
    assert parse_reply(raw_line_break, question).feedback.startswith("Say\nwhat")


# ---------------------------------------------------------------- combining


def opinion(score: float, passed: bool, mode: str = "second-opinion") -> JudgeOpinion:
    points = [JudgedPoint("too-high-diverges", "missing")]
    return JudgeOpinion("m", mode, score, passed, "Name the risk of a high rate.", points)


def test_a_second_opinion_sits_beside_the_grade_and_a_disagreement_needs_review():
    passing = fixed_result("learning-rate", SOUND, 75.0)
    agreed = judged(passing, opinion(80, True))
    assert (agreed.score, agreed.passed, agreed.needs_review) == (75.0, True, False)
    assert agreed.judge.score == 80 and agreed.judge.feedback
    disputed = judged(passing, opinion(30, False))
    assert (disputed.score, disputed.passed, disputed.needs_review) == (75.0, True, True)
    assert (
        "the judge (m) fails it at 30 where the embedding grade passes it at 75"
        in disputed.review_reason
    )
    again = Result.from_dict(json.loads(json.dumps(disputed.to_dict())))
    assert again == disputed  # the history keeps the judge's opinion whole


def test_in_score_mode_the_judges_score_is_the_score_and_gaming_still_caps_it():
    failing = fixed_result("learning-rate", SOUND, 40.0)
    scored = judged(failing, opinion(90, True, mode="score"))
    assert (scored.score, scored.passed, scored.judge.embedding_score) == (90, True, 40.0)
    assert scored.needs_review
    assert "the judge's score; the scorer's own score was 40" in scored.notes
    gaming = replace(failing, flags=["keyword_list"])
    capped = judged(gaming, opinion(90, True, mode="score"))
    assert (capped.score, capped.passed) == (30, False)


def test_a_judge_that_failed_leaves_the_embedding_grade_with_a_note():
    result = fixed_result("learning-rate", SOUND, 75.0)
    failed = judged(result, JudgeOpinion("m", error="no reply from x within 5 s"))
    assert (failed.score, failed.passed, failed.needs_review) == (75.0, True, False)
    assert failed.notes[-1] == "judge: no reply from x within 5 s; the embedding grade stands"


# ---------------------------------------------------------------- a fake server's failures


def test_a_judge_that_is_down_gives_a_clear_error_and_is_given_up_on(bank):
    judge = judge_on(f"http://127.0.0.1:{free_port()}", retries=0)
    question = bank.get("learning-rate")
    result = fixed_result("learning-rate", SOUND, 75.0)
    first = judge.opinion(question, result)
    assert first.score is None and first.error.startswith("cannot reach the judge at http://")
    for _ in range(3):
        last = judge.opinion(question, result)
    assert last.error.startswith("not asked: the judge failed 3 times in a row")


def test_a_slow_judge_times_out(fake, bank):
    server = fake(lambda body: (200, chat_body(valid_reply(body)), 3.0))
    judge = judge_on(server.url, timeout=0.5)
    with pytest.raises(JudgeError, match=r"no reply from .* within 0.5 s"):
        judge.ask(bank.get("learning-rate"), SOUND)


@pytest.mark.parametrize(
    "reply, words",
    [
        ((200, "<html>Bad gateway</html>", 0), "did not answer like an OpenAI"),
        ((200, json.dumps({"choices": []}), 0), "did not answer like an OpenAI"),
        ((404, "not found", 0), "answered HTTP 404"),
        ((503, "overloaded", 0), "answered HTTP 503"),
    ],
)
def test_garbage_from_the_server_is_a_clear_error(fake, bank, reply, words):
    server = fake(lambda body: reply)
    with pytest.raises(JudgeError, match=words):
        judge_on(server.url).ask(bank.get("learning-rate"), SOUND)


def test_an_invalid_reply_is_answered_once_with_what_was_wrong(fake, bank):
    replies = iter(['{"score": 70}', None])

    def answer(body: dict) -> Reply:
        content = next(replies) or valid_reply(body)
        return 200, chat_body(content), 0

    server = fake(answer)
    reply = judge_on(server.url).ask(bank.get("learning-rate"), SOUND)
    assert reply.score == 80
    retry = server.requests[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": '{"score": 70}'}
    assert "not valid" in retry[-1]["content"] and "Field required" in retry[-1]["content"]


def test_an_invalid_reply_twice_is_an_error_quoting_the_reply(fake, bank):
    server = fake(lambda body: (200, chat_body("Score: 7/10, good answer"), 0))
    with pytest.raises(JudgeError, match="not valid twice .*Score: 7/10"):
        judge_on(server.url).ask(bank.get("learning-rate"), SOUND)
    assert len(server.requests) == 2


def test_requests_are_deterministic_and_fall_back_to_the_servers_schema_form(fake, bank):
    def answer(body: dict) -> Reply:
        if body["response_format"]["type"] == "json_schema":
            return 422, '{"detail": "unknown response_format"}', 0
        return 200, chat_body(valid_reply(body)), 0

    server = fake(answer)
    judge = judge_on(server.url)
    judge.ask(bank.get("learning-rate"), SOUND)
    judge.ask(bank.get("dropout"), SOUND)
    kinds = [r["response_format"]["type"] for r in server.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # remembered
    assert all(r["temperature"] == 0 and r["seed"] == 1234 for r in server.requests)
    assert server.requests[0]["path"] == "/v1/chat/completions"


def test_a_5xx_is_retried(fake, bank):
    statuses = iter([500])

    def answer(body: dict) -> Reply:
        status = next(statuses, 200)
        return status, chat_body(valid_reply(body)) if status == 200 else "oops", 0

    server = fake(answer)
    assert judge_on(server.url).ask(bank.get("learning-rate"), SOUND).score == 80
    assert len(server.requests) == 2


def test_judgements_are_cached_by_model_and_input(fake, bank, tmp_path):
    server = fake(lambda body: (200, chat_body(valid_reply(body)), 0))
    question = bank.get("learning-rate")
    first = judge_on(server.url, tmp_path).ask(question, SOUND)
    again = judge_on(server.url, tmp_path).ask(question, SOUND)  # a new run, same cache
    assert again == first and len(server.requests) == 1
    judge_on(server.url, tmp_path).ask(question, SOUND + " It matters.")
    Judge(JudgeSettings(url=server.url, model="other"), JudgeCache(tmp_path / "judge.sqlite")).ask(
        question, SOUND
    )
    assert len(server.requests) == 3


# ---------------------------------------------------------------- the command line


def test_score_with_the_judge_down_still_gives_the_grade_and_says_why(cli):
    url = f"http://127.0.0.1:{free_port()}"
    result = cli("score", "learning-rate", "--judge", url, SOUND)
    assert result.exit_code == 0
    assert "/ 100" in result.stdout and "PASS" in result.stdout
    assert f"judge: cannot reach the judge at {url}/v1/chat/completions" in result.stderr


def test_score_shows_the_judges_opinion_and_json_keeps_it(cli, fake):
    server = fake(lambda body: (200, chat_body(valid_reply(body, 20, "Too thin.")), 0))
    text = cli("score", "learning-rate", "--judge", server.url, SOUND).stdout
    assert "LLM judge (default): 20 / 100, fails" in text and "Too thin." in text
    assert "needs review: the judge (default) fails it at 20" in text
    data = json.loads(cli("score", "learning-rate", "--judge", server.url, "--json", SOUND).stdout)
    assert data["judge"]["score"] == 20 and data["needs_review"] is True
    scored = cli(
        "score", "learning-rate", "--judge", server.url, "--judge-mode", "score", "--json", SOUND
    )
    data = json.loads(scored.stdout)
    assert data["score"] == 20 and data["passed"] is False
    assert data["judge"]["embedding_score"] > 60


def test_grade_puts_the_judge_beside_every_row_and_names_rows_it_failed_on(cli, fake, tmp_path):
    def answer(body: dict) -> Reply:
        prompt = body["messages"][1]["content"]
        if "GARBAGE" in prompt:
            return 200, chat_body("no idea"), 0
        return 200, chat_body(valid_reply(body, 85, "Good.")), 0

    server = fake(answer)
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "answer_id,question_id,answer\n"
        f'1,learning-rate,"{SOUND}"\n'
        "2,learning-rate,GARBAGE GARBAGE GARBAGE GARBAGE GARBAGE\n"
        "3,no-such-question,Something.\n"
    )
    out = tmp_path / "scored.csv"
    result = cli("grade", str(answers), "-o", str(out), "--judge", server.url)
    assert result.exit_code == 1  # the unknown question; the judge's failure is no row error
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["judge_score"] for r in rows] == ["85.0", "", ""]
    assert rows[0]["judge_feedback"] == "Good." and rows[0]["needs_review"] == "false"
    assert rows[1]["score"] and rows[1]["error"] == ""
    assert rows[1]["judge_error"].startswith("line 3: the judge's reply was not valid twice")
    assert rows[1]["needs_review"] == "false"
    assert rows[2]["error"].startswith("line 4: unknown question_id")
    assert "answers.csv: judge: line 3: the judge's reply was not valid twice" in result.stderr
    assert "the judge gave no opinion on 1 row(s)" in result.stderr


# ---------------------------------------------------------------- the apps and reports


def test_the_practice_app_shows_the_judges_opinion_on_the_score_card(
    fake, bank, tmp_path, monkeypatch
):
    from textual.widgets import Input

    from grader.tui.practice.app import PracticeApp
    from grader.tui.practice.result import ResultScreen
    from grader.tui.widgets import ScoreCard

    from .factories import FakeScorer
    from .pilot import run, settle

    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))
    server = fake(lambda body: (200, chat_body(valid_reply(body, 85, "Well put.")), 0))
    app = PracticeApp(bank, scorer=FakeScorer(bank), judge=judge_on(server.url))

    async def session():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "learning-rate"
            await pilot.press("enter", "enter")
            await pilot.pause()
            app.focused.insert(SOUND)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            card = app.screen.query_one(ScoreCard)
            assert card.result.score == 50 and card.result.judge.score == 85
            shown = str(app.screen.query_one("#judge-opinion").render())
            assert "LLM judge (fake): 85 / 100, passes" in shown and "Well put." in shown
            assert "needs review: the judge (fake) passes it at 85" in shown
            stored = app.store.attempts("learning-rate")[0].result()
            assert stored.judge == card.result.judge  # kept in the history

    run(session())


def test_reports_have_a_section_for_the_judge():
    from grader.reports import judge_lines

    result = judged(fixed_result("learning-rate", SOUND, 75.0), opinion(30, False))
    lines = judge_lines(result)
    assert lines[0] == "m: 30 / 100, fails"
    assert lines[1].startswith("needs review: the judge (m) fails it at 30")
    assert "too-high-diverges: missing" in lines and lines[-1].startswith("feedback: Name")
    failed = judged(result, JudgeOpinion("m", error="no reply"))
    assert judge_lines(failed) == ["no opinion: no reply"]


@pytest.mark.parametrize("args", [[], ["practice"], ["interview"]])
def test_the_apps_take_the_judge_from_the_environment(args, monkeypatch, tmp_path):
    import sys

    from grader.cli import main
    from grader.tui.interview.app import InterviewApp
    from grader.tui.practice.app import PracticeApp

    started = []
    for app_class in (PracticeApp, InterviewApp):
        monkeypatch.setattr(app_class, "run", lambda self: started.append(self))
    monkeypatch.setenv("GRADER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("GRADER_JUDGE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("GRADER_JUDGE_MODEL", "env-model")
    monkeypatch.setattr(sys, "argv", ["grader", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code in (0, None)
    (app,) = started
    assert app.judge.settings.url == "http://127.0.0.1:9/v1"
    assert app.judge.settings.model == "env-model"


def test_a_bad_judge_setting_stops_a_command_with_a_message(cli, monkeypatch, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[judge]\nurl = "http://x"\nmode = "loud"\n')
    monkeypatch.setenv("GRADER_CONFIG", str(config))
    result = cli("score", "learning-rate", SOUND)
    assert result.exit_code == 2
    assert "judge settings" in result.stderr and "mode" in result.stderr
    assert str(config) in " ".join(result.stderr.split())
