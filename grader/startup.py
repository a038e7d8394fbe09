"""Opening the bank and the model with grader's cache folder: for every front end.

This module imports neither the command-line parser nor the model's libraries, so the
practice app can start from it quickly; the model's libraries load only in `load_scorer`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from grader.backends import Backend
from grader.bank import Bank, BankError, load_bank

if TYPE_CHECKING:
    from rich.console import Console

    from grader.scoring import Scorer


def cache_folder() -> Path:
    """The user cache folder (GRADER_CACHE_DIR overrides): embeddings, ONNX exports, banks."""
    return Path(os.environ.get("GRADER_CACHE_DIR") or platformdirs.user_cache_dir("grader"))


def cache_path() -> Path:
    """Where embeddings of bank texts are kept between runs."""
    return cache_folder() / "embeddings.sqlite"


def onnx_path() -> Path:
    """Where ONNX exports of the model are kept."""
    return cache_folder() / "onnx"


def open_bank(root: Path | None, console: Console) -> Bank | None:
    """The bank at `root` (the built-in one when None), through the bank cache; on problems,
    print each to `console` and return None."""
    try:
        return load_bank(root, cache_folder=cache_folder())
    except BankError as exc:
        for problem in exc.problems:
            console.print(str(problem), highlight=False, markup=False)
        console.print(
            f"[bold red]error:[/] the bank has {len(exc.problems)} problem(s);"
            " run 'grader validate'",
            highlight=False,
        )
        return None


def load_scorer(bank: Bank, model: str | None, backend: Backend = Backend.auto) -> Scorer:
    """A scorer for `bank`, with the embedding cache and ONNX exports in the cache folder."""
    # The engine (numpy, the model's libraries) is imported only when it is needed, so the
    # practice app's first screen and `--help` do not wait for it.
    from grader.embedding import Embedder, EmbeddingCache
    from grader.scoring import Scorer

    embedder = Embedder(
        model, cache=EmbeddingCache(cache_path()), backend=backend, onnx_folder=onnx_path()
    )
    return Scorer(bank, embedder)
