#!/usr/bin/env python
"""The inbox under a big history and a busy team: the real server over HTTP.

    python benchmarks/inbox_load.py --items 1000000 --users 20
    python benchmarks/inbox_load.py ... --database postgres://postgres@127.0.0.1:5432/postgres

Fills a fresh database with N customer messages (real tweets from TweetEval, labelled by firsthand's
own triage) from N/20 people in N/5 conversations over half a year across four accounts, most of them
done, a quarter open, some hidden as spam. Then starts `firsthand serve --no-worker` and lets U signed-in
teammates use it at once for --seconds: open the inbox, filter by label, account or status, search for
a word, open a conversation. Each teammate waits --think seconds between clicks (0: as fast as the
server answers, which measures throughput rather than what a person feels). Prints p50/p95/p99 per view;
the last line is JSON. Target (issue 5): p95 < 100 ms on SQLite and on PostgreSQL.
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRSTHAND = str(Path(sys.executable).parent / "firsthand")
SEARCH_WORDS = ["refund", "order", "love", "late", "thanks", "price", "open", "delivery", "coffee", "never", "best"]
LABELS = ["question", "complaint", "negative", "positive", "offensive"]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each teammate waits between clicks")
    parser.add_argument("--threads", type=int, default=8, help="the server's request threads")
    parser.add_argument(
        "--web-processes", type=int, default=1, help="the server's web processes (serve --web-processes)"
    )
    parser.add_argument(
        "--database",
        default="",
        help="PostgreSQL: a server URL ending in /postgres makes (and drops) a fresh database; any other database "
        "is used as it is and kept, filled first if empty",
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--data-dir", help="SQLite: keep the filled database here, and use it as it is when it is already filled"
    )
    return parser.parse_args()


def setup_environment(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="firsthand-inbox-load-")
    env.update(FIRSTHAND_DATA_DIR=str(Path(data_dir).resolve()), FIRSTHAND_LOG_LEVEL="ERROR")
    if args.database and fresh_database(args):
        import psycopg

        name = f"firsthand_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = args.database.rsplit("/", 1)[0] + "/" + name
    elif args.database:
        env["DATABASE_URL"] = args.database
    os.environ.clear()
    os.environ.update(env, DJANGO_SETTINGS_MODULE="firsthand.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def fresh_database(args) -> bool:
    return args.database.rstrip("/").rsplit("/", 1)[1] == "postgres"


def drop_database(args, env):
    if args.database and fresh_database(args):
        import psycopg

        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def world_of(args, rng, workspace, fill_seconds) -> dict:
    from firsthand.inbox.models import Conversation
    from firsthand.networks.models import ConnectedAccount
    from firsthand.team.models import User

    open_ids = list(
        Conversation.objects.filter(workspace=workspace, status=Conversation.Status.OPEN).values_list("pk", flat=True)
    )
    return {
        "slug": workspace.slug,
        "users": list(User.objects.filter(memberships__workspace=workspace).order_by("pk")[: args.users]),
        "accounts": list(ConnectedAccount.objects.filter(workspace=workspace).values_list("pk", flat=True)),
        "conversation_ids": rng.sample(open_ids, min(len(open_ids), 5000)),
        "fill_seconds": fill_seconds,
    }


def add_teammates(workspace, count: int) -> None:
    """Staff up to `count` people in all (the owner first), also in a database an earlier run filled."""
    from firsthand.team.models import Membership, User

    for n in range(workspace.memberships.count(), count):
        user = User.objects.create_user(email=f"staff{n}@example.com", password=None, name=f"Staff {n}")
        Membership.objects.create(user=user, workspace=workspace, role="manager" if n < 3 else "staff")


def fill(args, rng) -> dict:
    """The workspace, its team and N messages; returns what the teammates need to click around."""
    from django.db import transaction
    from django.utils import timezone

    from firsthand.inbox.bulk import insert_objects
    from firsthand.inbox.filing import PRIORITY, labels_for
    from firsthand.inbox.models import Conversation, Interaction, Person
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.team.models import Workspace
    from firsthand.team.operations import create_owner

    if Workspace.objects.filter(name="Load").exists():  # filled by an earlier run (--data-dir, --database)
        workspace = Workspace.objects.get(name="Load")
        add_teammates(workspace, args.users)
        return world_of(args, rng, workspace, 0)
    owner = create_owner(name="Owner", email="owner@example.com", password=None, workspace_name="Load")
    workspace = owner.workspace
    add_teammates(workspace, args.users)
    accounts = [connect_sandbox_account(workspace, f"load-{n}", by=owner.user) for n in range(4)]

    texts = (args.data / "tweeteval-sentiment" / "test_text.txt").read_text(encoding="utf-8").splitlines()
    labels = labels_for(texts)
    people_count, conversation_count = max(args.items // 20, 1), max(args.items // 5, 1)
    now = timezone.now()
    started = time.perf_counter()
    insert_objects(
        Person, (Person(workspace=workspace, network="sandbox", handle=f"customer{n}") for n in range(people_count))
    )
    people = list(Person.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True))
    statuses = [Conversation.Status.DONE] * 14 + [Conversation.Status.OPEN] * 5 + [Conversation.Status.HIDDEN]
    chunk = 20_000
    for first in range(0, conversation_count, chunk):
        batch = []
        for n in range(first, min(first + chunk, conversation_count)):
            last = now - timedelta(minutes=rng.uniform(0, 180 * 24 * 60))
            mine = labels[n % len(labels)]
            status = rng.choice(statuses)
            batch.append(
                Conversation(
                    workspace=workspace,
                    account=accounts[n % len(accounts)],
                    person_id=people[n % len(people)],
                    key=f"public:{n}",
                    kind="mention",
                    status=status,
                    labels=mine,
                    priority=min([PRIORITY.get(label, 3) for label in mine] + [3]),
                    first_inbound_at=last - timedelta(hours=2),
                    last_inbound_at=last,
                    awaiting_since=last if status == Conversation.Status.OPEN else None,
                    last_response_at=None if status == Conversation.Status.OPEN else last + timedelta(minutes=20),
                )
            )
        with transaction.atomic():
            insert_objects(Conversation, batch)
    conversations = list(
        Conversation.objects.filter(workspace=workspace).order_by("pk").values_list("pk", "last_inbound_at")
    )
    for first in range(0, args.items, chunk):
        batch = []
        for n in range(first, min(first + chunk, args.items)):
            conversation_id, last = conversations[n % len(conversations)]
            text = texts[n % len(texts)]
            batch.append(
                Interaction(
                    conversation_id=conversation_id,
                    remote_id=f"load-{n}",
                    direction=Interaction.Direction.IN,
                    kind="mention",
                    author_handle=f"customer{n % people_count}",
                    text=text,
                    labels=labels[n % len(labels)],
                    created_at=last - timedelta(minutes=n // len(conversations)),
                )
            )
        with transaction.atomic():
            insert_objects(Interaction, batch)
    # A bulk load leaves the planner without statistics until autovacuum (PostgreSQL) or firsthand's own
    # refresh (SQLite, at start and every six hours) comes round; a live inbox grows slowly and has them.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return world_of(args, rng, workspace, time.perf_counter() - started)


def session_cookie(user) -> str:
    """A signed-in session for a teammate, made the way django.contrib.auth.login() makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, env, port):
    server = subprocess.Popen(
        [FIRSTHAND, "serve", "--no-worker", "--port", str(port), "--threads", str(args.threads)]
        + ["--web-processes", str(args.web_processes)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                sys.exit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not answer within two minutes")


def teammate(base, cookie, world, args, seed, stop_at, results, errors):
    import httpx

    rng = random.Random(seed)
    inbox = f"{base}/w/{world['slug']}/inbox/"
    # As the browser asks: the inbox, the Done tab and a conversation are whole pages; a filter or a search
    # typed on the inbox is an htmx request for the list alone (HX-Request), as the page's form sends it.
    list_only = {"HX-Request": "true"}
    views = [
        ("inbox", lambda: (inbox, {}, {})),
        ("filter by label", lambda: (inbox, {"label": rng.choice(LABELS)}, list_only)),
        ("filter by account", lambda: (inbox, {"account": rng.choice(world["accounts"])}, list_only)),
        ("done", lambda: (inbox, {"status": "done"}, {})),
        ("search", lambda: (inbox, {"q": rng.choice(SEARCH_WORDS)}, list_only)),
        ("conversation", lambda: (f"{inbox}{rng.choice(world['conversation_ids'])}/", {}, {})),
    ]
    weights = [3, 2, 1, 1, 2, 4]
    with httpx.Client(cookies={"sessionid": cookie}, timeout=60) as client:
        time.sleep(rng.uniform(0, args.think))  # people do not all click in the same instant
        while time.monotonic() < stop_at:
            name, make = rng.choices(views, weights)[0]
            url, params, headers = make()
            began = time.perf_counter()
            response = client.get(url, params=params, headers=headers)
            took = time.perf_counter() - began
            if response.status_code != 200:
                errors.append(f"{name} {response.url}: HTTP {response.status_code}")
            results.setdefault(name, []).append(took)
            time.sleep(args.think)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def use_at_once(teammate, port, cookies, world, args) -> tuple[dict, list]:
    """Every signed-in teammate clicking through `teammate` at once for --seconds: (results, errors)."""
    results, errors = {}, []
    stop_at = time.monotonic() + args.seconds
    threads = [
        threading.Thread(
            target=teammate, args=(f"http://127.0.0.1:{port}", cookie, world, args, n, stop_at, results, errors)
        )
        for n, cookie in enumerate(cookies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def main():
    args = arguments()
    rng = random.Random(args.seed)
    env = setup_environment(args)
    try:
        world = fill(args, rng)
        from django.db import connection

        database = connection.vendor
        cookies = [session_cookie(user) for user in world["users"]]
        connection.close()
        print(f"filled {args.items:,} messages in {world['fill_seconds']:.0f} s on {database}", flush=True)
        port = free_port()
        server = start_server(args, env, port)
        try:
            results, errors = use_at_once(teammate, port, cookies, world, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        drop_database(args, env)
    report(args, database, world, results, errors)


def report(args, database, world, results, errors):
    every = [t for times in results.values() for t in times]
    figures = {}
    print(f"{'view':<18} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, times in sorted(results.items()) + [("all", every)]:
        figure = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        }
        figures[name] = figure
        print(f"{name:<18} {len(times):>8} {figure['p50_ms']:>8} {figure['p95_ms']:>8} {figure['p99_ms']:>8}")
    for error in errors[:5]:
        print("error:", error)
    print(
        json.dumps(
            {
                "database": database,
                "items": args.items,
                "users": args.users,
                "think_s": args.think,
                "seconds": args.seconds,
                "fill_s": round(world["fill_seconds"]),
                "requests_per_s": round(len(every) / args.seconds, 1),
                "errors": len(errors),
                "views": figures,
                "target_p95_ms": 100,
                **world.get("extra", {}),
            }
        )
    )


if __name__ == "__main__":
    main()
