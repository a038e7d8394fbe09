"""The ways to run the sentence-transformer, and what decides whether a model can use them.

`torch` runs the model as sentence-transformers loads it. The ONNX backends use a file exported
once, offline, from the same local model (see `grader.onnx_export`); `onnx` keeps the model's
float32 weights and agrees with PyTorch to rounding, `onnx-int8` quantises them for speed at
some cost in agreement (benchmarks/backends.py measures both). `auto`, what the commands use
unless told otherwise, takes `onnx` whenever the model can be exported, else `torch`. The
engines themselves are in `grader.runners`; this module stays light because every command's
options name it.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path


class Backend(StrEnum):
    auto = "auto"
    """onnx when the model and the install allow it, else torch: what the commands use."""
    torch = "torch"
    onnx = "onnx"
    onnx_int8 = "onnx-int8"


class BackendError(Exception):
    """The chosen backend cannot run this model here."""


def max_seq_length(source: str) -> int | None:
    """The sentence-transformers length limit recorded beside the model, if any."""
    config = Path(source) / "sentence_bert_config.json"
    if config.is_file():
        return json.loads(config.read_text()).get("max_seq_length")
    return None


def check_mean_pooled(source: str) -> None:
    """Raise BackendError unless the model at `source` is a transformer with mean pooling."""
    folder = Path(source)
    modules_file = folder / "modules.json"
    if not modules_file.is_file():
        raise BackendError(
            f"the ONNX backends need a local sentence-transformers folder; {source!r} is not one"
        )
    modules = json.loads(modules_file.read_text())
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling = [m["path"] for m in modules if m["type"].endswith("Pooling")]
    mean = False
    if pooling:
        config = json.loads((folder / pooling[0] / "config.json").read_text())
        modes = [k for k, v in config.items() if k.startswith("pooling_mode") and v]
        mean = modes == ["pooling_mode_mean_tokens"]
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"} or not mean:
        raise BackendError(
            f"the ONNX backends support transformer + mean pooling models only; {source!r} "
            f"has {' + '.join(kinds)}: use --backend torch"
        )
