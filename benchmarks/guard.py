#!/usr/bin/env python
"""How long the full pre-publish check takes on one post (the composer runs it as people type).

    python benchmarks/guard.py [--posts 1000] [--data ../shared/data]

Checks real tweets (TweetEval's offensive validation split) against a brand account with brand rules set,
one at a time on one thread, and prints p50/p99 latency and posts per second; the last line is JSON.
Target: p99 ≤ 50 ms.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from in_process import ROOT, brand_account, start_django  # beside this script


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    start_django("guard")
    from firsthand.guard.checks import check
    from firsthand.guard.models import BrandRules

    owner, account = brand_account()
    rules = BrandRules.objects.create(
        workspace=owner.workspace,
        banned_phrases="cheap\nfree money",
        approval_phrases="guarantee\npromise",
        competitors="Rival Bakery\n@rival",
        disclosure="#ad",
        product_domains="shop.example",
        allowed_domains="shop.example",
        max_hashtags=3,
        max_mentions=2,
    )
    texts = (args.data / "tweeteval-offensive" / "val_text.txt").read_text().splitlines()
    texts = (texts * (args.posts // len(texts) + 1))[: args.posts]
    author = owner.user  # the checks about the author's own accounts and voice run too
    check(texts[0], account, rules=rules, author=author)  # load the models first: the app keeps them loaded

    timings, flagged = [], 0
    for text in texts:
        started = time.perf_counter()
        flagged += bool(check(text, account, rules=rules, author=author))
        timings.append(time.perf_counter() - started)
    timings.sort()
    result = {
        "posts": len(texts),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 2),
        "posts_per_s": round(len(timings) / sum(timings)),
        "flagged": flagged,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
