"""Export the local sentence-transformer to ONNX, once, for the ONNX backends.

Everything happens offline from the model folder already on disk: PyTorch traces the
transformer, ONNX Runtime's transformer optimiser fuses attention and layer norms, and for
`onnx-int8` the weights of the matrix products are quantised to 8 bits (dynamic quantisation,
per channel). Files are written under a temporary name and renamed, so two processes exporting
at once cannot leave a half-written model behind.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path

from grader.backends import Backend, BackendError, check_mean_pooled

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
EXPORT_VERSION = 2
"""Bumped whenever the export changes what it writes: exports are kept in a folder named for
the model and this version, so an old export is never run by new code."""


def onnx_file(folder: Path, backend: Backend) -> Path:
    """Where the exported model for `backend` lives inside `folder`."""
    return folder / ("model-int8.onnx" if backend is Backend.onnx_int8 else "model.onnx")


def export(source: str, folder: Path, backend: Backend) -> Path:
    """The ONNX file for `backend`, exported from the model at `source` unless already there."""
    target = onnx_file(folder, backend)
    if target.is_file():
        return target
    check_mean_pooled(source)
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)
        import onnxruntime  # noqa: F401
    except ImportError:
        raise BackendError(
            "the ONNX backends need onnx and onnxruntime: pip install onnx onnxruntime"
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    plain = onnx_file(folder, Backend.onnx)
    if not plain.is_file():
        _write_atomically(plain, lambda tmp: _export_float(source, tmp))
    if backend is Backend.onnx_int8:
        _write_atomically(target, lambda tmp: _quantise(plain, tmp))
    return target


def _write_atomically(target: Path, write) -> None:
    fd, name = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        write(Path(name))
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)


def _export_float(source: str, target: Path) -> None:
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel, AutoTokenizer

    # Eager attention traces to the plain matmul-softmax pattern the optimiser can fuse.
    model = AutoModel.from_pretrained(source, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(source)
    sample = tokenizer(["a short text", "a somewhat longer text to pad"], padding=True)
    names = [n for n in INPUTS if n in sample]

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors):
            return self.model(**dict(zip(names, tensors))).last_hidden_state

    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
        torch.onnx.export(
            LastHiddenState(),
            tuple(torch.tensor(sample[n]) for n in names),
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    config = model.config
    if config.model_type != "bert":
        return  # the fusions below are written for BERT-style encoders such as MiniLM
    optimised = optimize_model(
        str(target),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    )
    optimised.save_model_to_file(str(target))


def _quantise(plain: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs advice on pre-processing through the root logger; it is not for users.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            plain,
            target,
            weight_type=QuantType.QInt8,
            per_channel=True,
            # The fused operators have no type information the quantiser can infer.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)
