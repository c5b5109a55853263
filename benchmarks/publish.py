#!/usr/bin/env python
"""Publishing at scale against the sandbox network: lateness, throughput, and exactly-once under faults.

    python benchmarks/publish.py --posts 10000 --accounts 500 --workers 1
    python benchmarks/publish.py --posts 2000 --accounts 100 --workers 2 --faults 0.3 --kill-workers
    python benchmarks/publish.py ... --database postgres://postgres@127.0.0.1:5432/postgres

Schedules N posts across M sandbox accounts, due within one minute (--spread seconds, 0 = all due at once),
runs W `firsthand worker` processes (with --kill-workers, SIGKILLs them at random moments and starts new
ones), waits until every post is published, failed or unconfirmed, then checks the sandbox's own records.
The last line printed is one JSON object.
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRSTHAND = str(Path(sys.executable).parent / "firsthand")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--faults", type=float, default=0.0, help="chance that a publish call meets a fault")
    parser.add_argument("--kill-workers", action="store_true")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which the posts fall due")
    parser.add_argument("--lead", type=float, default=5.0, help="seconds between seeding and the first due post")
    parser.add_argument("--database", default="", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def setup_environment(args, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        FIRSTHAND_DATA_DIR=str(data_dir),
        FIRSTHAND_PUBLISH_CLAIM_SECONDS="5",  # killed workers' posts are taken over quickly
        FIRSTHAND_PUBLISH_RETRY_BASE_SECONDS="1",  # retries 1, 2, 4, ... s apart, so a run ends in minutes
        FIRSTHAND_LOG_LEVEL="ERROR",
    )
    if args.database:
        import psycopg

        name = f"firsthand_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = args.database.rsplit("/", 1)[0] + "/" + name
    os.environ.update(env)
    if args.database:
        os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    return env


def drop_database(args, env):
    if args.database:
        import psycopg

        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(args):
    from django.utils import timezone

    from firsthand.networks.models import ConnectedAccount
    from firsthand.networks.sandbox.connector import SandboxConnector
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxFault
    from firsthand.publishing.models import Delivery, Post
    from firsthand.publishing.states import State
    from firsthand.team.operations import create_owner

    owner = create_owner(name="Bench", email="bench@example.com", password=None, workspace_name="Bench")
    remotes = SandboxAccount.objects.bulk_create(
        [SandboxAccount(handle=f"bench-{n}", rate_limit_posts=1_000_000) for n in range(args.accounts)]
    )
    accounts = []
    for remote in remotes:
        account = ConnectedAccount(
            workspace=owner.workspace, network="sandbox", remote_id=str(remote.pk), handle=f"@{remote.handle}"
        )
        account.credentials = SandboxConnector.authorize(remote)
        accounts.append(account)
    accounts = ConnectedAccount.objects.bulk_create(accounts)

    if args.faults:
        kinds = [
            SandboxFault.Kind.TIMEOUT,
            SandboxFault.Kind.SERVER_ERROR,
            SandboxFault.Kind.LOST_ANSWER,
            SandboxFault.Kind.RATE_LIMITED,
            SandboxFault.Kind.INVALID_CONTENT,
        ]
        # Faults are tried one after another, so each gets the share that makes the total `faults`.
        each = 1 - (1 - args.faults) ** (1 / len(kinds))
        SandboxFault.objects.bulk_create([SandboxFault(kind=kind, probability=each, reset_seconds=2) for kind in kinds])

    rng = random.Random(args.seed)
    start = timezone.now() + timedelta(seconds=args.lead)
    posts = Post.objects.bulk_create(
        [Post(workspace=owner.workspace, author=owner.user, text=f"Benchmark post {n}") for n in range(args.posts)]
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                post=post,
                account=accounts[n % len(accounts)],
                state=State.SCHEDULED,
                due_at=start + timedelta(seconds=rng.uniform(0, args.spread)),
            )
            for n, post in enumerate(posts)
        ],
        batch_size=2000,
    )
    return start


def start_worker(env):
    return subprocess.Popen([FIRSTHAND, "worker", "--interval", "1"], env=env, stdout=subprocess.DEVNULL)


def wait_until_done(args, env, workers, rng):
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    open_states = [State.SCHEDULED, State.PUBLISHING, State.RETRYING]
    deadline = time.monotonic() + args.timeout
    next_kill = time.monotonic() + rng.uniform(1, 4)
    kills = 0
    while Delivery.objects.filter(state__in=open_states).exists():
        if time.monotonic() > deadline:
            break
        if args.kill_workers and time.monotonic() > next_kill:
            victim = rng.randrange(len(workers))
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait()
            workers[victim] = start_worker(env)
            kills += 1
            next_kill = time.monotonic() + rng.uniform(1, 4)
        time.sleep(0.2)
    return kills


def measure(args, start, kills, database):
    from django.db.models import Count

    from firsthand.networks.sandbox.models import SandboxPost
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    deliveries = Delivery.objects.all()
    published = deliveries.filter(state=State.PUBLISHED)
    failed = deliveries.filter(state=State.FAILED)
    unconfirmed = deliveries.filter(state=State.UNCONFIRMED)
    # The sandbox's own records: how many posts exist for each delivery's key.
    per_key = dict(
        SandboxPost.objects.values("idempotency_key").annotate(n=Count("pk")).values_list("idempotency_key", "n")
    )
    keys = {str(key): pk for pk, key in deliveries.values_list("pk", "key")}
    duplicates = sum(n - 1 for key, n in per_key.items() if n > 1)
    published_keys = {f"{key}-0" for key in published.values_list("key", flat=True)}
    # Lost: still open at the end, or "published" with nothing on the network.
    lost = deliveries.exclude(state__in=[State.PUBLISHED, State.FAILED, State.UNCONFIRMED]).count()
    lost += sum(1 for key in published_keys if per_key.get(key, 0) == 0)
    failed_without_reason = failed.filter(error="").count()

    created = {
        post.idempotency_key: post.created_at for post in SandboxPost.objects.only("idempotency_key", "created_at")
    }
    lateness = []
    for key, due in published.values_list("key", "due_at"):
        at = created.get(f"{key}-0")
        if at:
            lateness.append(max(0.0, (at - due).total_seconds()))
    lateness.sort()
    # From the first post out to the last: with --spread 0 (all due at once) this is the engine's capacity;
    # with posts spread over a minute it can be no more than the rate at which they fall due.
    span = max((max(created.values()) - min(created.values())).total_seconds(), 1e-9) if created else 1e-9

    def pct(p):
        return round(lateness[min(len(lateness) - 1, int(p * len(lateness)))], 3) if lateness else None

    return {
        "posts": args.posts,
        "accounts": args.accounts,
        "workers": args.workers,
        "faults": args.faults,
        "kill_workers": args.kill_workers,
        "kills": kills,
        "spread_s": args.spread,
        "published": published.count(),
        "failed": failed.count(),
        "unconfirmed": unconfirmed.count(),
        "failed_without_reason": failed_without_reason,
        "duplicates": duplicates,
        "lost": lost,
        "p50_lateness_s": round(statistics.median(lateness), 3) if lateness else None,
        "p99_lateness_s": pct(0.99),
        "max_lateness_s": round(lateness[-1], 3) if lateness else None,
        "throughput_posts_s": round(len(created) / span, 1),
        "database": database,
        "deliveries_checked": len(keys),
    }


def main():
    args = arguments()
    data_dir = Path(tempfile.mkdtemp(prefix="firsthand-bench-"))
    env = setup_environment(args, data_dir)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "firsthand.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    database = connection.vendor
    print(f"seeding {args.posts} posts on {args.accounts} accounts ({database}, data in {data_dir})", flush=True)
    start = seed(args)
    workers = [start_worker(env) for _ in range(args.workers)]
    rng = random.Random(args.seed)
    try:
        kills = wait_until_done(args, env, workers, rng)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    result = measure(args, start, kills, database)
    connection.close()
    drop_database(args, env)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
