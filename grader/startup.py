"""Opening the bank and the model with grader's cache folder: for every front end.

This module imports neither the command-line parser nor the model's libraries, so the
practice app can start from it quickly; the model's libraries load only in `load_scorer`.
It prints nothing: each front end tells its user about problems in its own way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader import locations
from grader.backends import Backend
from grader.bank import Bank, BankError, load_bank

if TYPE_CHECKING:
    from grader.scoring import Scorer


def open_bank(root: Path | None) -> Bank:
    """The bank at `root` (the built-in one when None), through the bank cache.

    Raises BankError listing every problem; `problem_lines` words them for people.
    """
    return load_bank(root, cache_folder=locations.cache_folder())


def problem_lines(error: BankError) -> tuple[list[str], str]:
    """A bank's problems, one line each, and the closing summary (what to do about them)."""
    problems = [str(problem) for problem in error.problems]
    return problems, f"the bank has {len(problems)} problem(s); run 'grader validate'"


def load_scorer(bank: Bank, model: str | None, backend: Backend = Backend.auto) -> Scorer:
    """A scorer for `bank`, with the embedding cache and ONNX exports in the cache folder."""
    # The engine (numpy, the model's libraries) is imported only when it is needed, so the
    # practice app's first screen and `--help` do not wait for it.
    from grader.embedding import Embedder, EmbeddingCache
    from grader.scoring import Scorer

    embedder = Embedder(
        model,
        cache=EmbeddingCache(locations.embeddings_path()),
        backend=backend,
        onnx_folder=locations.onnx_folder(),
    )
    from grader import word_order

    word_order.warm_up()
    return Scorer(bank, embedder)
