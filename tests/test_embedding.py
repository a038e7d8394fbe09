"""The embedding caches: nothing is embedded twice, across runs and across processes."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from grader.bank import load_bank
from grader.embedding import Embedder, EmbeddingCache, length_batches
from grader.scoring import Scorer
from grader.text import split_sentences

from .factories import GOOD_QUESTION, CountingRunner, make_bank


def counting_embedder(cache: EmbeddingCache | None = None) -> tuple[Embedder, CountingRunner]:
    embedder = Embedder(cache=cache)
    counter = CountingRunner(embedder.runner)
    embedder.runner = counter
    return embedder, counter


@pytest.mark.model
def test_second_start_embeds_only_what_changed(tmp_path):
    root = make_bank(tmp_path / "bank")
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first, counter = counting_embedder(cache)
    Scorer(load_bank(root), first).score("tiny", "A tensor is an n-dimensional array of numbers.")
    assert "What is a tensor?" in counter.seen

    # Bank texts come from the disk cache; only the answer (never cached on disk) is embedded.
    again, counter = counting_embedder(EmbeddingCache(tmp_path / "cache.sqlite"))
    Scorer(load_bank(root), again).score("tiny", "A tensor is an n-dimensional array of numbers.")
    assert counter.seen == ["A tensor is an n-dimensional array of numbers."]

    changed = GOOD_QUESTION.replace("array of numbers.", "grid of numbers with any rank.")
    (root / "reference_answers" / "tiny.yaml").write_text(changed, encoding="utf-8")
    third, counter = counting_embedder(EmbeddingCache(tmp_path / "cache.sqlite"))
    Scorer(load_bank(root), third).score("tiny", "A tensor is an n-dimensional array of numbers.")
    assert counter.seen == [
        "A tensor is a multi-dimensional grid of numbers with any rank.",
        "A tensor is an n-dimensional array of numbers.",
    ]


@pytest.mark.model
def test_identical_texts_are_embedded_once():
    fresh, counter = counting_embedder()
    vectors = fresh.encode(["same text here", "other text", "same text here"])
    assert sorted(counter.seen) == ["other text", "same text here"]
    assert np.allclose(vectors[0], vectors[2])
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)


def _writer(path: str, worker: int) -> None:
    cache = EmbeddingCache(__import__("pathlib").Path(path))
    rng = np.random.default_rng(worker)
    for round_ in range(20):
        items = {f"text {i}": rng.random(8, dtype=np.float32) for i in range(round_, round_ + 50)}
        cache.put_many("model", items)
        assert len(cache.get_many("model", list(items))) == 50


def test_cache_is_safe_under_two_processes(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, n)) for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    found = EmbeddingCache(tmp_path / "shared.sqlite").get_many(
        "model", [f"text {i}" for i in range(69)]
    )
    assert len(found) == 69 and all(v.shape == (8,) for v in found.values())


def test_an_answer_embedded_ahead_is_then_graded_without_the_model(scorer, monkeypatch):
    counter = CountingRunner(scorer.embedder.runner)
    monkeypatch.setattr(scorer.embedder, "runner", counter)
    answer = (
        "The learning rate scales each step of gradient descent in this embed-ahead test. "
        "Too small a rate makes training crawl."
    )
    scorer.embed_ahead("learning-rate", answer)
    # One forward pass per sentence; the whole answer's vector is pooled from theirs.
    assert set(split_sentences(answer)) <= set(counter.seen) and answer not in counter.seen

    counter.seen.clear()
    scorer.score("learning-rate", answer)
    assert counter.seen == []

    # Typing on after the pause: only the new sentence is left to embed.
    longer = answer + " Too large a rate makes the loss diverge."
    scorer.score("learning-rate", longer)
    assert counter.seen == ["Too large a rate makes the loss diverge."]


def test_an_answer_pooled_from_its_sentences_is_close_to_the_answer_embedded_whole(embedder):
    sentences = [
        "Dropout randomly zeroes units during training.",
        "At inference every unit is kept and outputs are scaled.",
    ]
    answer = " ".join(sentences)
    pooled = embedder.answer_vector(answer, sentences)
    whole = embedder.encode([answer])[0]
    assert np.isclose(np.linalg.norm(pooled), 1.0, atol=1e-5)
    assert 0.9 < float(pooled @ whole) < 0.9999
    # A one-sentence answer is exactly that sentence's vector.
    alone = embedder.encode(sentences[:1])[0]
    assert np.allclose(embedder.answer_vector(sentences[0], sentences[:1]), alone, atol=1e-6)


def test_pooling_agrees_across_backends(embedder):
    """The token mass lets texts embedded alone be pooled; both engines report it alike."""
    from grader.locations import onnx_folder

    onnx = Embedder(backend="onnx", onnx_folder=onnx_folder())
    texts = ["Dropout randomly zeroes units.", "Yes.", "The rate is tuned on validation data."]
    mine, theirs = (
        embedder.runner.sentence_vectors(texts, 16),
        onnx.runner.sentence_vectors(texts, 16),
    )
    assert np.allclose(mine.vectors, theirs.vectors, atol=1e-5)
    assert np.allclose(mine.mass, theirs.mass, rtol=1e-4)


def test_texts_are_batched_by_like_length():
    answer = "Dropout drops random units while training. " * 5  # 220 characters
    sentences = ["Dropout drops random units.", "It stops co-adaptation of units.", "Yes."]
    batches = length_batches([answer, *sentences], size=16, tokens=[42, 7, 9, 3])
    # The long answer gets its own forward pass instead of padding three short sentences.
    assert batches == [["Yes.", "Dropout drops random units.", sentences[1]], [answer]]
    assert [len(b) for b in length_batches(["same"] * 40, 16, [3] * 40)] == [16, 16, 8]


def test_token_counts_are_the_tokens_the_model_runs(embedder):
    texts = ["Dropout drops random units.", "Yes."]
    counts = embedder.runner.token_counts(texts)
    encoded = embedder.runner.tokenize(texts)
    assert counts == encoded["attention_mask"].sum(axis=1).tolist()
    assert counts[1] < counts[0]


def test_batching_by_length_leaves_the_vectors_as_they_were(embedder):
    texts = ["Yes.", "Dropout drops random units.", "Dropout drops random units. " * 12]
    together = embedder.runner.sentence_vectors(texts, 16)  # one padded batch, as before
    runner = embedder.runner
    apart = [runner.sentence_vectors(b, 16) for b in (texts[:2], texts[2:])]
    assert np.allclose(together.vectors, np.concatenate([a.vectors for a in apart]), atol=1e-5)
    assert np.allclose(together.mass, np.concatenate([a.mass for a in apart]), rtol=1e-5)


@pytest.mark.model
@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_batches_run_side_by_side_give_the_vectors_of_one_at_a_time(backend):
    import torch

    from grader.locations import onnx_folder

    runner = Embedder(backend=backend, onnx_folder=onnx_folder()).runner
    texts = [f"Dropout drops {n} random units while training." for n in range(40)]
    batches = [texts[i : i + 4] for i in range(0, 40, 4)]  # enough to use one engine per core
    threads = torch.get_num_threads()
    side_by_side = list(runner.pooled_batches(batches))
    for batch, pooled in zip(batches, side_by_side, strict=True):
        alone = runner.sentence_vectors(batch, len(batch))
        assert np.allclose(pooled.vectors, alone.vectors, atol=1e-5)
        assert np.allclose(pooled.mass, alone.mass, rtol=1e-4)
    assert torch.get_num_threads() == threads  # PyTorch's thread count is given back
