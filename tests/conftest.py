"""Shared fixtures: the real bank and the real model, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest
import yaml
from typer.testing import CliRunner

from grader.bank import DEFAULT_BANK, Bank, load_bank
from grader.cli.commands import app
from grader.embedding import Embedder
from grader.judge import ENV as JUDGE_ENV
from grader.scoring import Scorer

SUITE = DEFAULT_BANK / "benchmarks" / "answer_suite"


EXPORTS = Path(os.environ.get("GRADER_TEST_EXPORTS") or platformdirs.user_cache_dir("grader-tests"))
"""ONNX exports kept across runs of the suite: making one takes torch and ~15 s. Each lives in a
folder named for its model and exporter version (see Embedder), so a stale one is never used."""

MODEL_FIXTURES = {"embedder", "scorer", "onnx_scorer", "int8_scorer"}


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep the tests' embedding cache out of the user's cache folder, sharing the exports."""
    cache = tmp_path_factory.mktemp("cache")
    os.environ["GRADER_CACHE_DIR"] = str(cache)
    (EXPORTS / "onnx").mkdir(parents=True, exist_ok=True)
    (cache / "onnx").symlink_to(EXPORTS / "onnx", target_is_directory=True)


def pytest_collection_modifyitems(items):
    """Mark every test that loads the model (-m 'not model' runs the rest in seconds)."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(autouse=True)
def _private_data(tmp_path, monkeypatch):
    """Keep every test's history and settings (the apps' theme) out of the user's data folder."""
    monkeypatch.setenv("GRADER_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session", autouse=True)
def _no_judge_from_the_user(tmp_path_factory):
    """Keep a judge set in the user's config file or environment out of the tests."""
    os.environ["GRADER_CONFIG"] = str(tmp_path_factory.mktemp("config") / "config.toml")
    for variable in JUDGE_ENV.values():
        os.environ.pop(variable, None)


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def scorer(bank: Bank, embedder: Embedder) -> Scorer:
    return Scorer(bank, embedder)


@pytest.fixture(scope="session")
def suite() -> dict[str, list[dict]]:
    """The hand-written answer suite: question id -> [{kind, text}, ...]."""
    found = {}
    for path in sorted(SUITE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[data["question_id"]] = data["answers"]
    return found


@pytest.fixture
def cli():
    """Invoke the CLI in-process. Loading no model itself (`validate` needs none), it shares
    the model the grading commands load, once per test session and backend."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """A real llama.cpp server (llama-cpp-python's llama_cpp.server) on a free localhost port,
    serving the tiny SmolLM2-135M-Instruct model; stopped at the end of the session."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from .judge_servers import start_llama_server

    server = start_llama_server(tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    server.stop()
