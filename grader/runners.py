"""The engines behind the backends: PyTorch through sentence-transformers, or ONNX Runtime.

Both runners hand back numpy arrays, so the embedder and the word alignment never see which
engine ran. The ONNX runner needs only the `tokenizers` and `onnxruntime` libraries once the
model is exported: no torch, no transformers, so a one-shot command starts in a fraction of
the time (benchmarks/startup.py).
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grader.backends import BackendError, check_mean_pooled, max_seq_length


@dataclass(frozen=True)
class Pooled:
    """Sentence embeddings of a batch of texts."""

    vectors: np.ndarray
    """Unit length, one row per text."""
    mass: np.ndarray | None
    """Per text, the length of the sum of its token vectors (the unit vector times this is the
    sum), so that texts embedded alone can be pooled together afterwards; None for a model that
    does not mean-pool its tokens."""


class Runner:
    """What both engines share: tokenizing, mean pooling and the limits of the model."""

    tokenizer: object
    max_length: int
    dimension: int
    mean_pooled: bool = True

    def tokenize(self, texts: Sequence[str]):
        """Token ids of `texts`, padded to the longest and cut at the model's limit."""
        return self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="np",
        )

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """How many tokens the model runs for each text, its limit applied."""
        ids = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        return [len(i) for i in ids["input_ids"]]

    def vocabulary(self) -> dict[str, int]:
        """The tokenizer's vocabulary: token -> id."""
        return self.tokenizer.get_vocab()

    def token_states(self, encoded) -> np.ndarray:
        """The transformer's last hidden state, (texts, tokens, dimension)."""
        raise NotImplementedError

    def pooled_batches(self, batches: Sequence[Sequence[str]]) -> Iterator[Pooled]:
        """`sentence_vectors` of each batch (one forward pass each), in order; when there are
        several, run side by side by one single-threaded engine per core.

        The threads of one multi-threaded forward pass wait for each other at every matrix
        product, so any other busy thread (the Python grading the previous batch) stalls them
        all; engines of one thread each lose nothing to that, and on 2 cores run a long batch
        job's model 15-25 % faster. The few batches of one answer (the practice app's) keep
        the multi-threaded engine, which finishes each sooner: side by side is only for work
        that gives each engine at least two batches.
        """
        cores = available_cores()
        if cores < 2 or len(batches) < 2 * cores or not self.mean_pooled:
            for batch in batches:
                yield self.sentence_vectors(batch, len(batch))
            return
        with (
            self._single_threaded(cores) as run,
            ThreadPoolExecutor(cores, thread_name_prefix="grader-model") as pool,
        ):
            yield from pool.map(run, batches)

    @contextmanager
    def _single_threaded(self, engines: int) -> Iterator[Callable[[Sequence[str]], Pooled]]:
        """A function that pools one batch on a single-threaded engine, safe to call from
        `engines` threads at once. Each runner says how its engine is made single-threaded."""
        yield lambda batch: self.sentence_vectors(batch, len(batch))

    def sentence_vectors(self, texts: Sequence[str], batch_size: int) -> Pooled:
        """Mean-pooled sentence embeddings of `texts`, in order."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        mass = np.zeros(len(texts), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encoded = self.tokenize(texts[start : start + batch_size])
            hidden = self.token_states(encoded)
            mask = encoded["attention_mask"][..., None].astype(np.float32)
            sums = (hidden * mask).sum(axis=1)
            norms = np.linalg.norm(sums, axis=1)
            vectors[start : start + batch_size] = sums / np.maximum(norms, 1e-12)[:, None]
            mass[start : start + batch_size] = norms
        return Pooled(vectors, mass)


class TorchRunner(Runner):
    """The sentence-transformer as loaded by sentence-transformers: any model it can load."""

    def __init__(self, source: str):
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()
        self.model = SentenceTransformer(source, device="cpu")
        self.tokenizer = self.model.tokenizer
        self.max_length = self.model.max_seq_length
        self.dimension = self.model.get_embedding_dimension()
        try:
            check_mean_pooled(source)
        except BackendError:
            self.mean_pooled = False

    @contextmanager
    def _single_threaded(self, engines: int) -> Iterator[Callable[[Sequence[str]], Pooled]]:
        import torch

        # PyTorch's thread count is the process's: one thread for each caller while they run.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield lambda batch: self.sentence_vectors(batch, len(batch))
        finally:
            torch.set_num_threads(threads)

    def token_states(self, encoded) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return (
                self.model[0]
                .auto_model(
                    input_ids=torch.from_numpy(encoded["input_ids"]),
                    attention_mask=torch.from_numpy(encoded["attention_mask"]),
                )
                .last_hidden_state.float()
                .numpy()
            )

    def sentence_vectors(self, texts: Sequence[str], batch_size: int) -> Pooled:
        if self.mean_pooled:
            return super().sentence_vectors(texts, batch_size)
        # Any other pipeline (CLS pooling, dense layers) is run as sentence-transformers runs it.
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return Pooled(vectors.astype(np.float32), None)


@dataclass(frozen=True)
class CharSpan:
    start: int
    end: int


class Encoded(dict):
    """Token ids of a batch (numpy arrays by input name), with the word alignment the
    transformers tokenizers offer (`word_ids`, `word_to_chars`)."""

    def __init__(self, encodings: list):
        super().__init__(
            input_ids=np.array([e.ids for e in encodings], dtype=np.int64),
            attention_mask=np.array([e.attention_mask for e in encodings], dtype=np.int64),
            token_type_ids=np.array([e.type_ids for e in encodings], dtype=np.int64),
        )
        self.encodings = encodings

    def word_ids(self, index: int) -> list[int | None]:
        return self.encodings[index].word_ids

    def word_to_chars(self, index: int, word: int) -> CharSpan:
        return CharSpan(*self.encodings[index].word_to_chars(word))


class OnnxRunner(Runner):
    """The model's transformer exported to ONNX, with mean pooling done here.

    Only models whose sentence-transformers pipeline is a transformer followed by mean pooling
    (as all-MiniLM-L6-v2 is), with a fast tokenizer (`tokenizer.json`), can run this way;
    others are refused rather than embedded wrongly.
    """

    def __init__(self, source: str, onnx_file: Path):
        try:
            import onnxruntime  # noqa: F401  (sessions are made in _new_session)
            from tokenizers import Tokenizer
        except ImportError:
            raise BackendError(
                "the ONNX backends need onnxruntime and tokenizers:"
                " pip install onnxruntime tokenizers"
            ) from None
        folder = Path(source)
        if not (folder / "tokenizer.json").is_file():
            raise BackendError(
                f"the ONNX backends need a fast tokenizer ({source}/tokenizer.json):"
                " use --backend torch"
            )
        self.onnx_file = onnx_file
        self.session = self._new_session()
        self._idle: queue.SimpleQueue | None = None  # single-threaded sessions, made when needed
        self._making = threading.Lock()
        self._local = threading.local()  # the session a worker thread of pooled_batches holds
        self.inputs = {i.name for i in self.session.get_inputs()}
        settings = _json(folder / "tokenizer_config.json")
        self.max_length = max_seq_length(source) or settings.get("model_max_length", 512)
        self.dimension = _json(folder / "config.json")["hidden_size"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json may carry fixed padding and another length limit: set both as the
        # transformers tokenizer call does (pad to the longest, cut at the model's limit).
        self.tokenizer.enable_truncation(self.max_length)
        self._counter = Tokenizer.from_str(self.tokenizer.to_str())  # the same, unpadded
        self._counter.no_padding()
        pad = settings.get("pad_token") or "[PAD]"
        pad = pad["content"] if isinstance(pad, dict) else pad  # saved as an AddedToken
        pad_id = self.tokenizer.token_to_id(pad)
        self.tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token=pad)

    @contextmanager
    def _single_threaded(self, engines: int) -> Iterator[Callable[[Sequence[str]], Pooled]]:
        # One session per engine, made the first time and kept.
        with self._making:
            if self._idle is None:
                self._idle = queue.SimpleQueue()
                for _ in range(engines):
                    self._idle.put(self._new_session(threads=1))

        def run(batch: Sequence[str]) -> Pooled:
            session = self._idle.get()
            self._local.session = session
            try:
                return self.sentence_vectors(batch, len(batch))
            finally:
                del self._local.session
                self._idle.put(session)

        yield run

    def _new_session(self, threads: int = 0):
        """An ONNX Runtime session of the exported model; `threads` 0 lets it use every core."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # its warnings are about graph fusions, not results
        options.intra_op_num_threads = threads
        return onnxruntime.InferenceSession(
            str(self.onnx_file), options, providers=["CPUExecutionProvider"]
        )

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts))]

    def tokenize(self, texts: Sequence[str]) -> Encoded:
        return Encoded(self.tokenizer.encode_batch(list(texts)))

    def token_states(self, encoded) -> np.ndarray:
        feed = {name: encoded[name].astype(np.int64) for name in self.inputs}
        return getattr(self._local, "session", self.session).run(None, feed)[0]


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}
