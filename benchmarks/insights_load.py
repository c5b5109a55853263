#!/usr/bin/env python
"""Insights and the home page under a big history and a busy team: the real server over HTTP.

    python benchmarks/insights_load.py --items 1000000 --users 20
    python benchmarks/insights_load.py ... --database postgres://postgres@127.0.0.1:5432/postgres

Fills the database as benchmarks/inbox_load.py does (its own code, imported), then answers most done
conversations (a teammate's reply 20 minutes after the customer's last message), so response times and
"who speaks" have answers to count. Before the server starts, the Insights rollups are brought up to date
once, as a running worker keeps them (--no-rollup measures the live queries alone). Then U signed-in
teammates open Insights → Overview, Conversations for 7 and 90 days (also filtered by an account and by a
network; "who answered" is on it), Posts, Followers and the home page for --seconds, while (--arrivals N)
N customer messages a minute arrive and the worker's rollup run comes round every 20 s. Prints
p50/p95/p99 per page; the last line is JSON.
Target (issue 18): p95 < 100 ms on SQLite and on PostgreSQL at 1,000,000 interactions and 20 users.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inbox_load  # noqa: E402  (the sibling benchmark's filling, server and report)

ANSWERED_SHARE = 0.7


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each teammate waits between clicks")
    parser.add_argument("--threads", type=int, default=8, help="the server's request threads")
    parser.add_argument("--web-processes", type=int, default=1)
    parser.add_argument("--database", default="", help="as in inbox_load.py")
    parser.add_argument("--data", type=Path, default=inbox_load.ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", help="as in inbox_load.py")
    parser.add_argument("--no-rollup", action="store_true", help="leave the rollups empty: live queries only")
    parser.add_argument("--cold", action="store_true", help="no first view of each page before the clock starts")
    parser.add_argument(
        "--arrivals",
        type=float,
        default=0,
        help="customer messages a minute arriving during the run (each makes every kept figure stale), with "
        "the worker's rollup run every 20 s as `firsthand worker` does",
    )
    return parser.parse_args()


def answer(world, rng) -> int:
    """A teammate's reply to most done conversations, once (a database an earlier run filled has them)."""
    from datetime import timedelta

    from django.db import transaction

    from firsthand.inbox.bulk import insert_objects
    from firsthand.inbox.models import Conversation, Interaction

    workspace_conversations = Conversation.objects.filter(workspace__slug=world["slug"])
    if Interaction.objects.filter(
        conversation__in=workspace_conversations, direction=Interaction.Direction.OUT
    ).exists():
        return 0
    done = workspace_conversations.filter(status=Conversation.Status.DONE).order_by("pk")
    users = [user.pk for user in world["users"]]
    made, batch = 0, []
    for pk, last in done.values_list("pk", "last_inbound_at").iterator(chunk_size=20_000):
        if rng.random() > ANSWERED_SHARE:
            continue
        batch.append(
            Interaction(
                conversation_id=pk,
                remote_id=f"answer-{pk}",
                direction=Interaction.Direction.OUT,
                kind="reply",
                author_handle="load",
                author_id=rng.choice(users),
                text="Thanks for telling us, we are on it.",
                created_at=last + timedelta(minutes=20),
            )
        )
        if len(batch) == 20_000:
            with transaction.atomic():
                insert_objects(Interaction, batch)
            made, batch = made + len(batch), []
    with transaction.atomic():
        insert_objects(Interaction, batch)
    return made + len(batch)


POSTS_A_DAY = 3


def publish_history(world, rng) -> int:
    """The business's own posts over the messages' 180 days, once: POSTS_A_DAY, each to one or two accounts,
    published with the network's figures read, a few going out in the coming days and a few that failed or
    are held, so Posts, the best hours and the home page's "going out next" and "need a look" have their
    rows (a workspace with a million messages and no post would not be one anybody runs)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from firsthand.insights.posts.models import PostFigures
    from firsthand.publishing.models import Delivery, Post
    from firsthand.publishing.states import State
    from firsthand.team.models import Workspace

    workspace = Workspace.objects.get(slug=world["slug"])
    if workspace.posts.exists():
        return 0
    now, users, accounts = timezone.now(), world["users"][:4], world["accounts"]
    moments = [now - timedelta(days=day, hours=rng.uniform(0, 24)) for day in range(180) for _ in range(POSTS_A_DAY)]
    states = [State.PUBLISHED] * len(moments) + [State.SCHEDULED] * 8 + [State.FAILED] * 2 + [State.HELD]
    moments += [now + timedelta(days=1 + n // 2, hours=n) for n in range(8)] + [now - timedelta(hours=3)] * 3
    with transaction.atomic():
        posts = Post.objects.bulk_create(
            Post(
                workspace=workspace,
                author=rng.choice(users),
                text=f"Today at the bakery ({n}): fresh sourdough, cinnamon buns at 4 and soup of the day.",
                scheduled_for=moment,
                created_at=moment - timedelta(hours=2),
            )
            for n, moment in enumerate(moments)
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                post=post,
                account_id=account,
                state=state,
                due_at=moment,
                published_at=moment if state == State.PUBLISHED else None,
                remote_ids=[f"bench-{post.pk}-{account}"] if state == State.PUBLISHED else [],
                error="The network said: rate limit exceeded." if state == State.FAILED else "",
            )
            for post, moment, state in zip(posts, moments, states, strict=True)
            for account in rng.sample(accounts, rng.choice([1, 2]))
        )
        PostFigures.objects.bulk_create(
            PostFigures(
                delivery=delivery,
                replies=rng.randint(0, 30),
                likes=rng.randint(0, 400),
                reposts=rng.randint(0, 40),
                clicks=rng.randint(0, 90),
                fetched_at=now,
                next_fetch_at=now + timedelta(hours=6),
            )
            for delivery in deliveries
            if delivery.state == State.PUBLISHED
        )
    return len(deliveries)


def arriving(world, args, stop_at, done: dict) -> None:
    """Customers writing during the run: a message every 60/--arrivals seconds in a random conversation
    (a complaint, a question or neither), and the worker's rollup run every 20 s, in this process."""
    from django.db import connection
    from django.utils import timezone

    from firsthand.inbox.models import Conversation, Interaction
    from firsthand.insights.rollups import engine

    rng = random.Random(11)
    talks = list(Conversation.objects.filter(workspace__slug=world["slug"]).values_list("pk", flat=True)[:5000])
    texts = [
        ("My delivery is late again and nobody answers", ["complaint", "negative"]),
        ("Do you have gluten-free bread on Sundays?", ["question"]),
        ("The cake was stale, I want a refund", ["complaint", "negative"]),
        ("Lovely coffee this morning, thank you", ["positive"]),
    ]
    every, next_run, made, runs = 60 / args.arrivals, time.monotonic() + 20, 0, []
    try:
        while time.monotonic() < stop_at:
            text, labels = rng.choice(texts)
            Interaction.objects.create(
                conversation_id=rng.choice(talks),
                remote_id=f"arrival-{time.time_ns()}",
                direction=Interaction.Direction.IN,
                kind="mention",
                author_handle="arrival",
                text=text,
                labels=labels,
                created_at=timezone.now(),
                relabelled_at=timezone.now(),
            )
            made += 1
            if time.monotonic() >= next_run:
                began = time.perf_counter()
                engine.run_once()
                runs.append(time.perf_counter() - began)
                next_run = time.monotonic() + 20
            time.sleep(every)
    finally:
        connection.close()
        done.update(arrived=made, worker_runs=len(runs), worker_run_max_s=round(max(runs, default=0), 2))


def refresh_rollups() -> float:
    """The rollups as the worker keeps them, built once up to now; returns the seconds it took."""
    from firsthand.insights.rollups import engine

    started = time.perf_counter()
    while engine.run_once(batch=engine.BUILD_BATCH):
        pass
    return time.perf_counter() - started


def the_views(base, world, rng):
    insights = f"{base}/w/{world['slug']}/insights/"
    conversations = f"{insights}conversations/"
    return [
        ("home", lambda: (f"{base}/w/{world['slug']}/", {})),
        ("overview", lambda: (insights, {})),
        ("conversations 7d", lambda: (conversations, {"period": "7"})),
        ("conversations 90d", lambda: (conversations, {"period": "90"})),
        (
            "conv 30d account",
            lambda: (conversations, {"period": "30", "account": rng.choice(world["accounts"])}),
        ),
        ("conv 90d network", lambda: (conversations, {"period": "90", "network": "sandbox"})),
        ("followers", lambda: (f"{insights}followers/", {})),
        ("posts 90d", lambda: (f"{insights}posts/", {"period": "90"})),
    ]


def first_views(port, cookie, world) -> dict:
    """Each distinct view opened once before the clock starts, as on a server that has been running: the
    first view of a period or filter works its figures out (and keeps them), which a 60-second run would
    otherwise count twenty times over as everyone opens the same pages at the same moment. Their times
    are reported apart."""
    import httpx

    base, took = f"http://127.0.0.1:{port}", {}
    with httpx.Client(cookies={"sessionid": cookie}, timeout=300) as client:
        for name, make in the_views(base, world, random.Random(0)):
            for account in world["accounts"] if "account" in name else [None]:
                url, params = make()
                if account is not None:
                    params["account"] = account
                began = time.perf_counter()
                client.get(url, params=params).raise_for_status()
                took[f"{name} {account}" if account else name] = round((time.perf_counter() - began) * 1000)
    return took


def teammate(base, cookie, world, args, seed, stop_at, results, errors):
    import httpx

    rng = random.Random(seed)
    views = the_views(base, world, rng)
    weights = [4, 2, 3, 2, 2, 1, 1, 1]
    with httpx.Client(cookies={"sessionid": cookie}, timeout=120) as client:
        time.sleep(rng.uniform(0, args.think))
        while time.monotonic() < stop_at:
            name, make = rng.choices(views, weights)[0]
            url, params = make()
            began = time.perf_counter()
            response = client.get(url, params=params)
            took = time.perf_counter() - began
            if response.status_code != 200:
                errors.append(f"{name} {response.url}: HTTP {response.status_code}")
            results.setdefault(name, []).append(took)
            time.sleep(args.think)


def main():
    args = arguments()
    rng = random.Random(args.seed)
    env = inbox_load.setup_environment(args)
    try:
        world = inbox_load.fill(args, rng)
        answers = answer(world, rng)
        posted = publish_history(world, rng)
        rollup_s = 0.0 if args.no_rollup else refresh_rollups()
        from django.db import connection

        if answers or posted:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        database = connection.vendor
        cookies = [inbox_load.session_cookie(user) for user in world["users"]]
        connection.close()
        print(
            f"filled {args.items:,} messages (+{answers:,} answers, {posted:,} post deliveries) in "
            f"{world['fill_seconds']:.0f} s on {database}; "
            f"rollups {rollup_s:.1f} s",
            flush=True,
        )
        world["rollup_seconds"] = rollup_s
        port = inbox_load.free_port()
        server = inbox_load.start_server(args, env, port)
        try:
            extra = world["extra"] = {"arrivals_per_minute": args.arrivals}
            if not args.cold:
                extra["first_views_ms"] = first_views(port, cookies[0], world)
                print("first views (ms):", extra["first_views_ms"], flush=True)
            if args.arrivals:
                import threading

                stop_at = time.monotonic() + args.seconds
                writer = threading.Thread(target=arriving, args=(world, args, stop_at, extra))
                writer.start()
            results, errors = inbox_load.use_at_once(teammate, port, cookies, world, args)
            if args.arrivals:
                writer.join()
                print(f"{extra['arrived']} messages arrived; worker runs up to {extra['worker_run_max_s']} s")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        inbox_load.drop_database(args, env)
    print(f"rollups built in {world['rollup_seconds']:.1f} s (--no-rollup: {args.no_rollup})")
    inbox_load.report(args, database, world, results, errors)


if __name__ == "__main__":
    main()
