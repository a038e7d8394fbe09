"""The engines behind the backends: PyTorch through sentence-transformers, or ONNX Runtime.

Both runners share one tokenizer call and hand back numpy arrays, so the embedder and the word
alignment never see which engine ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grader.backends import BackendError, max_seq_length


class Runner:
    """What both engines share: the tokenizer and the limits of the model."""

    tokenizer: object
    max_length: int
    dimension: int

    def tokenize(self, texts: Sequence[str]):
        """Token ids of `texts`, padded to the longest and cut at the model's limit."""
        return self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="np",
        )

    def token_states(self, encoded) -> np.ndarray:
        """The transformer's last hidden state, (texts, tokens, dimension)."""
        raise NotImplementedError

    def sentence_vectors(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Unit-length sentence embeddings of `texts`, in order."""
        raise NotImplementedError


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

    def sentence_vectors(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


class OnnxRunner(Runner):
    """The model's transformer exported to ONNX, with mean pooling done here.

    Only models whose sentence-transformers pipeline is a transformer followed by mean pooling
    (as all-MiniLM-L6-v2 is) can run this way; others are refused rather than embedded wrongly.
    """

    def __init__(self, source: str, onnx_file: Path):
        try:
            import onnxruntime
        except ImportError:
            raise BackendError(
                "the ONNX backends need onnxruntime: pip install onnxruntime"
            ) from None
        from transformers import AutoConfig, AutoTokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # its warnings are about graph fusions, not results
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = AutoTokenizer.from_pretrained(source)
        self.max_length = max_seq_length(source) or self.tokenizer.model_max_length
        self.dimension = AutoConfig.from_pretrained(source).hidden_size

    def token_states(self, encoded) -> np.ndarray:
        feed = {name: encoded[name].astype(np.int64) for name in self.inputs}
        return self.session.run(None, feed)[0]

    def sentence_vectors(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            encoded = self.tokenize(texts[start : start + batch_size])
            hidden = self.token_states(encoded)
            mask = encoded["attention_mask"][..., None].astype(np.float32)
            mean = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            norms = np.linalg.norm(mean, axis=1, keepdims=True)
            out[start : start + batch_size] = mean / np.maximum(norms, 1e-12)
        return out
