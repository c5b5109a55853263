#!/usr/bin/env python
"""How fast and how accurate firsthand's judgements are.

    python benchmarks/judge.py [--data ../shared/data]

For each kind, in a fresh process pinned to one thread: model load time, memory, items per second in
batches of 1 and of 1,000, and the 99th-percentile time for one item. Then accuracy: macro-F1 on the
held-out TweetEval validation splits (offensive, sentiment; the models never trained on them) and on the
small hand-written sets in benchmarks/data (question, complaint: written alongside the rules, so read
them as a sanity check, not a fair estimate). "triage" is what the inbox runs on each incoming message: the
four text labels at once, from one featurisation, without reasons; "offensive_transformer" is the heavier
offensive configuration (needs the `transformer` extra). The last line is one JSON object.
"""

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["offensive", "sentiment", "complaint", "question", "follower"]
# What the inbox runs on every incoming message: all four text labels from one featurisation, no reasons.
TRIAGE = "triage"
# The heavier offensive configuration (FIRSTHAND_OFFENSIVE_MODEL=transformer; the `transformer` extra).
HEAVY = "offensive_transformer"


def profiles(n: int) -> list[dict]:
    rng = random.Random(1)
    return [
        {
            "id": i,
            "handle": f"user{rng.randrange(10**8)}",
            "description": rng.choice(["", "Baker. Dog person.", "Music and coffee"]),
            "followers_count": rng.randrange(0, 5000),
            "following_count": rng.randrange(0, 5000),
            "posts_count": rng.randrange(0, 3000),
            "has_default_avatar": rng.random() < 0.3,
            "created_at": f"20{rng.randrange(10, 27):02d}-0{rng.randrange(1, 10)}-01T00:00:00Z",
            "observed_at": "2026-11-23T00:00:00Z",
        }
        for i in range(n)
    ]


def speed(kind: str, data: Path) -> dict:
    """Runs in its own process, with one thread for every numeric library."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    from firsthand.judge import judge as judge_kind

    def judge(kind, items):
        if kind == TRIAGE:
            from firsthand.judge.judges import triage

            return triage(items)
        if kind == HEAVY:
            return judge_kind("offensive", items, "transformer")
        return judge_kind(kind, items)

    if kind == "follower":
        items = profiles(2000)
    else:
        texts = (data / "tweeteval-offensive" / "val_text.txt").read_text().splitlines()
        items = (texts * 2)[:2000]
    judge(kind, items[:1])  # loads the model
    load_s = time.perf_counter() - started
    memory_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024

    started = time.perf_counter()
    for start in range(0, len(items), 1000):
        judge(kind, items[start : start + 1000])
    batch_rate = len(items) / (time.perf_counter() - started)

    singles = []
    for item in items[:500]:
        t = time.perf_counter()
        judge(kind, [item])
        singles.append(time.perf_counter() - t)
    singles.sort()
    return {
        "kind": kind,
        "load_s": round(load_s, 3),
        "memory_mb": round(memory_mb, 1),
        "per_s_batch_1000": round(batch_rate),
        "per_s_batch_1": round(len(singles) / sum(singles)),
        "p99_single_ms": round(singles[int(len(singles) * 0.99)] * 1000, 2),
    }


def accuracy(data: Path) -> dict:
    from sklearn.metrics import f1_score

    from firsthand.judge import judge

    results = {}
    for kind, folder, labels in [
        ("offensive", "tweeteval-offensive", ["ok", "offensive"]),
        (HEAVY, "tweeteval-offensive", ["ok", "offensive"]),
        ("sentiment", "tweeteval-sentiment", ["negative", "neutral", "positive"]),
    ]:
        texts = (data / folder / "val_text.txt").read_text().splitlines()
        gold = [labels[int(x)] for x in (data / folder / "val_labels.txt").read_text().split()]
        if kind == HEAVY:
            predicted = [r["label"] for r in judge("offensive", texts, "transformer")]
        else:
            predicted = [r["label"] for r in judge(kind, texts)]
        results[kind] = {
            "macro_f1": round(f1_score(gold, predicted, average="macro"), 4),
            "items": len(gold),
            "data": f"{folder} validation split (held out)",
        }
    for kind, name in [("question", "questions"), ("complaint", "complaints")]:
        rows = [json.loads(line) for line in (ROOT / "benchmarks" / "data" / f"{name}.jsonl").read_text().splitlines()]
        predicted = [r["label"] for r in judge(kind, [row["text"] for row in rows])]
        results[kind] = {
            "macro_f1": round(f1_score([r["label"] for r in rows], predicted, average="macro"), 4),
            "items": len(rows),
            "data": f"benchmarks/data/{name}.jsonl (hand-written, not held out)",
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(speed(args.one, args.data)))
        return
    one_thread = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    figures = {}
    for kind in [*KINDS, TRIAGE, HEAVY]:
        out = subprocess.run(
            [sys.executable, __file__, "--one", kind, "--data", str(args.data)],
            env={**os.environ, **one_thread},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figures[kind] = json.loads(out.splitlines()[-1])
        print(json.dumps(figures[kind]), flush=True)
    for kind, measured in accuracy(args.data).items():
        figures[kind]["accuracy"] = measured
        print(kind, json.dumps(measured), flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
