"""The fine-tuned offensive-language MiniLM of the accurate configuration, run by onnxruntime.

The accurate ("transformer") configuration is the default (FIRSTHAND_JUDGE_MODEL, or `firsthand judge KIND
--model light|transformer`): this model decides offensive language, and the shared sentence encoder
(encoder.py) feeds the other accurate heads. It is more accurate than the light n-gram model (figures in
models/metrics.json and the README) and about ten times slower, so filing every incoming message keeps the
light heads and the accurate labels follow in the background (inbox/relabel.py). Nothing here imports
PyTorch: training does (training/transformer.py), running needs only onnxruntime and tokenizers.
"""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from firsthand.judge.linear import MODELS
from firsthand.judge.text import normalise_all

MAX_TOKENS = 96  # a 300-character post is about 80 word pieces
BATCH = 64
CHOICES = ("light", "transformer")


class TransformerMissing(RuntimeError):
    pass


def prepare(texts: list[str]) -> list[str]:
    """What the model reads: firsthand's normalisation, with emoji spelt out (MiniLM's vocabulary has none)."""
    import emoji

    return [emoji.demojize(text, delimiters=(" ", " ")).replace("_", " ") for text in normalise_all(texts)]


def run_in_batches(session, tokenizer, texts: list[str], output: str, width: int) -> np.ndarray:
    """One ONNX output row per text, in order. Texts of like length go through together, so little padding
    is computed. Shared by this model and the sentence encoder (encoder.py)."""
    encoded = tokenizer.encode_batch(prepare(texts))
    order = sorted(range(len(encoded)), key=lambda n: len(encoded[n].ids))
    result = np.zeros((len(texts), width), dtype=np.float32)
    for start in range(0, len(order), BATCH):
        chosen = order[start : start + BATCH]
        longest = max(len(encoded[n].ids) for n in chosen)
        ids = np.zeros((len(chosen), longest), dtype=np.int64)
        mask = np.zeros((len(chosen), longest), dtype=np.int64)
        for row, n in enumerate(chosen):
            length = len(encoded[n].ids)
            ids[row, :length] = encoded[n].ids
            mask[row, :length] = 1
        (values,) = session.run([output], {"input_ids": ids, "attention_mask": mask})
        result[chosen] = values
    return result


class OffensiveTransformer:
    def __init__(self, folder: Path = MODELS, threshold: float | None = None):
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise TransformerMissing(
                "the accurate judgements need onnxruntime and tokenizers: reinstall firsthand (pip install -e .)"
            ) from error
        options = onnxruntime.SessionOptions()
        # One core, as the benchmark measures; a web process serves other requests on the other.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(folder / "offensive_minilm.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "minilm_tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # the file pads every text to 128 word pieces
        if threshold is None:
            threshold = json.loads((folder / "offensive_minilm.json").read_text())["threshold"]
        self.threshold = threshold

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(offensive) per text."""
        logits = run_in_batches(self.session, self.tokenizer, texts, "logits", 2)
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return (exp[:, 1] / exp.sum(axis=1)).astype(np.float32)

    def scores(self, texts: list[str]) -> np.ndarray:
        """P(offensive) moved so the tuned threshold sits at 0.5, for callers that decide at 0.5."""
        p = self.probabilities(texts)
        t = self.threshold
        return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))


@lru_cache(maxsize=1)
def loaded() -> OffensiveTransformer:
    return OffensiveTransformer()


def chosen_model(override: str | None = None) -> str:
    """light or transformer: the command line's --model, else FIRSTHAND_JUDGE_MODEL (FIRSTHAND_OFFENSIVE_MODEL,
    its older name, still counts), else transformer: the accurate configuration is the default since
    onnxruntime and tokenizers are ordinary dependencies."""
    import os

    setting = os.environ.get("FIRSTHAND_JUDGE_MODEL") or os.environ.get("FIRSTHAND_OFFENSIVE_MODEL")
    choice = (override or setting or "transformer").strip().lower()
    if choice not in CHOICES:
        raise ValueError(f"FIRSTHAND_JUDGE_MODEL must be one of {', '.join(CHOICES)}, not {choice!r}")
    return choice
