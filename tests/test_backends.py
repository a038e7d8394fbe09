"""The ONNX backends: exported offline from the bundled model, and measured against PyTorch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grader.alignment import WordVectors
from grader.backends import Backend
from grader.embedding import Embedder, ModelError, resolve_model
from grader.onnx_export import export
from grader.scoring import Scorer
from grader.startup import load_scorer

from .factories import write

TEXTS = [
    "Backpropagation applies the chain rule from the loss back to every weight.",
    "ReLU",
    "A learning rate that is too high makes the loss diverge; too low and training crawls.",
    "asdf qwer zxcv",
    "Dropout randomly zeroes activations during training so units cannot co-adapt, "
    "and it is switched off at inference time, when the full network is used.",
]


def onnx_folder() -> Path:
    # The CLI exports under GRADER_CACHE_DIR too, so tests and CLI share one export.
    return Path(os.environ["GRADER_CACHE_DIR"]) / "onnx"


@pytest.fixture(scope="session")
def onnx_scorer(bank) -> Scorer:
    return Scorer(bank, Embedder(backend=Backend.onnx, onnx_folder=onnx_folder()))


@pytest.fixture(scope="session")
def int8_scorer(bank) -> Scorer:
    return Scorer(bank, Embedder(backend=Backend.onnx_int8, onnx_folder=onnx_folder()))


@pytest.fixture(scope="session")
def suite_answers(suite) -> list[tuple[str, str]]:
    return [(qid, a["text"]) for qid, answers in suite.items() for a in answers]


def test_float_onnx_embeds_like_torch(embedder, onnx_scorer, int8_scorer):
    onnx = onnx_scorer.embedder
    # The same numbers, so the same label (embedding cache, calibrations); int8 differs.
    assert onnx.label == embedder.label
    assert int8_scorer.embedder.label == embedder.label + "+onnx-int8"
    cosines = np.sum(embedder.encode(TEXTS) * onnx.encode(TEXTS), axis=1)
    assert cosines.min() > 0.9999


def test_float_onnx_gives_the_same_scores(scorer, onnx_scorer, suite_answers):
    torch_scores = np.array([r.score for r in scorer.score_many(suite_answers)])
    onnx_scores = np.array([r.score for r in onnx_scorer.score_many(suite_answers)])
    assert np.abs(torch_scores - onnx_scores).max() <= 0.5


def test_int8_is_close_but_not_identical(scorer, int8_scorer, suite_answers):
    torch_scores = np.array([r.score for r in scorer.score_many(suite_answers)])
    int8_scores = np.array([r.score for r in int8_scorer.score_many(suite_answers)])
    differences = np.abs(torch_scores - int8_scores)
    assert np.median(differences) < 2
    assert np.corrcoef(torch_scores, int8_scores)[0, 1] > 0.97
    # Quantisation does change the numbers: that is why it is not the default.
    assert differences.max() > 0


def test_word_vectors_agree_across_backends(embedder, onnx_scorer):
    torch_words = WordVectors(embedder).get(TEXTS)
    onnx_words = WordVectors(onnx_scorer.embedder).get(TEXTS)
    for a, b in zip(torch_words, onnx_words, strict=True):
        assert a.stems == b.stems
        assert np.allclose(a.vectors, b.vectors, atol=1e-3)


def test_export_happens_once(onnx_scorer):
    _, source = resolve_model(None)
    folder = onnx_scorer.embedder.runner.onnx_file.parent
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert export(source, folder, Backend.onnx) == folder / "model.onnx"
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.model
def test_models_without_mean_pooling_are_refused(tmp_path):
    model = tmp_path / "cls-model"
    modules = [
        {"path": "", "type": "sentence_transformers.models.Transformer"},
        {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    write(model, "modules.json", json.dumps(modules))
    write(model, "1_Pooling/config.json", json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(ModelError, match="mean pooling"):
        Embedder(str(model), backend="onnx", onnx_folder=tmp_path / "onnx")


def test_cli_backend_option(cli, onnx_scorer):
    answer = "The learning rate is the step size gradient descent takes when updating weights."
    by_default = json.loads(cli("score", "learning-rate", answer, "--json").stdout)
    result = cli("score", "learning-rate", answer, "--json", "--backend", "torch")
    assert result.exit_code == 0, result.output
    by_torch = json.loads(result.stdout)
    assert by_default["model"] == by_torch["model"]
    assert abs(by_default["score"] - by_torch["score"]) <= 0.5
    by_int8 = cli("score", "learning-rate", answer, "--json", "--backend", "onnx-int8")
    assert json.loads(by_int8.stdout)["model"].endswith("+onnx-int8")


def test_auto_takes_onnx_when_the_model_allows_it(bank, onnx_scorer):
    assert load_scorer(bank, None).embedder.backend is Backend.onnx
    # Without a folder to keep the export in, auto stays with torch.
    assert Embedder(backend="auto").backend is Backend.torch


@pytest.mark.model
def test_auto_falls_back_to_torch_for_a_model_onnx_cannot_run(tmp_path):
    # The bundled model with CLS pooling: sentence-transformers runs it, the ONNX path refuses.
    _, source = resolve_model(None)
    model = tmp_path / "cls-minilm"
    for path in Path(source).rglob("*"):
        if path.is_file():
            (model / path.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            (model / path.relative_to(source)).symlink_to(path)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.unlink()
    pooling.write_text(json.dumps(config))
    embedder = Embedder(str(model), backend="auto", onnx_folder=tmp_path / "onnx")
    assert embedder.backend is Backend.torch
    assert embedder.encode(TEXTS[:1]).shape == (1, 384)


@pytest.mark.model
def test_cli_rejects_an_unknown_backend(cli):
    result = cli("score", "learning-rate", "an answer", "--backend", "tensorrt")
    assert result.exit_code == 2
    assert "tensorrt" in result.output


HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["score", "dropout", "Dropout zeroes random units while training."],
        ["grade", "{csv}", "-o", "{out}"],
    ],
    ids=["validate", "score", "grade"],
)
def test_one_shot_commands_run_without_torch(args, onnx_scorer, tmp_path):
    # Once the model is exported, tokenizers and onnxruntime are enough: torch and
    # sentence-transformers take seconds to import. Rule: import them only inside functions of
    # grader/runners.py and grader/onnx_export.py, never at a module's top level.
    answers = write(tmp_path, "answers.csv", "question_id,answer\ndropout,It drops units.\n")
    args = [a.format(csv=answers, out=tmp_path / "out.csv") for a in args]
    code = (
        "import sys\nfrom grader.cli import main\nsys.argv = ['grader', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        f"print(sorted(set(sys.modules) & {set(HEAVY)!r}), code, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] in ("[] 0", "[] None"), done.stderr
