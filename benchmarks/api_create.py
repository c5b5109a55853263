#!/usr/bin/env python
"""How many posts a second the REST API creates: POST /api/v1/posts with a bearer token, as a program would.

    python benchmarks/api_create.py [--posts 500] [--then draft|schedule]

In process, through Django's WSGI handler (the test client: no sockets, so the figure is the API's own
cost: token lookup, rate counter, validation, the guard's check when scheduling, the writes, the answer),
on a fresh SQLite data dir, one request after another. Each request carries its own Idempotency-Key, as a
careful client's would, so the kept answer's write is counted too. The last line is one JSON object.
"""

import argparse
import json
import time

from in_process import brand_account, start_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--then", choices=["draft", "schedule"], default="draft")
    args = parser.parse_args()
    start_django("api")
    from django.conf import settings
    from django.test import Client

    from firsthand.api import operations

    settings.API_REQUESTS_PER_MINUTE = 10**9  # the limit is not what is measured
    settings.ALLOWED_HOSTS = ["*"]
    owner, account = brand_account()
    _token, secret = operations.create(owner, name="Bench", role="owner")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def create(n: int) -> int:
        body = {"accounts": [account.pk], "text": f"Fresh bread, batch {n}", "then": args.then}
        response = client.post(
            "/api/v1/posts", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k{n}"
        )
        return response.status_code

    for n in range(20):  # warm: imports, the guard's models, caches
        assert create(-n - 1) == 201
    started = time.perf_counter()
    statuses = [create(n) for n in range(args.posts)]
    elapsed = time.perf_counter() - started
    assert statuses.count(201) == args.posts, statuses[:5]
    print(
        json.dumps(
            {
                "benchmark": "api_create",
                "then": args.then,
                "posts": args.posts,
                "seconds": round(elapsed, 3),
                "posts_per_second": round(args.posts / elapsed, 1),
                "ms_per_post": round(1000 * elapsed / args.posts, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
