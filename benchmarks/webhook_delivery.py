"""Webhook delivery lag: events emitted by the app until a local receiver has them, signed and checked.

    python benchmarks/webhook_delivery.py [--events 1000] [--rate 200] [--slow-endpoint] [--database URL]

A real HTTP receiver on loopback (http.server, in a process of its own) checks every request's Standard Webhooks
signature. The worker's own loop (publishing/engine.py's PublishingLoop, which hands due deliveries to the
webhook engine's threads) runs in this process, as in `firsthand serve`. `--events` events are emitted at
`--rate` a second (0: all at once) through webhooks.operations.emit, as the operations do; each carries the
moment it was emitted, and the receiver takes its arrival time, so the lag is the whole way: the row
recorded, the loop noticing it, the claim, the signature, the POST.
With --slow-endpoint a second endpoint subscribed to the same events answers only after 3 s: the lag of the
healthy one shows whether it waits behind it. The last line printed is one JSON object.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="events a second; 0 emits them all at once")
    parser.add_argument("--slow-endpoint", action="store_true")
    parser.add_argument("--database", default="", help="a PostgreSQL server URL; a fresh database is made on it")
    parser.add_argument("--timeout", type=float, default=600.0)
    return parser.parse_args()


def start_django(database: str) -> str:
    os.environ.update(
        FIRSTHAND_DATA_DIR=tempfile.mkdtemp(prefix="firsthand-webhooks-"),
        FIRSTHAND_LOG_LEVEL="ERROR",
        # The receiver listens on loopback, which the guarded client refuses outside tests and benchmarks.
        FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS="127.0.0.0/8",
        DJANGO_SETTINGS_MODULE="firsthand.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    name = ""
    if database:
        import psycopg

        name = f"firsthand_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database.rsplit("/", 1)[0] + "/" + name
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


RECEIVER = r"""
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sys.path.insert(0, sys.argv[1])
from firsthand.webhooks import signing  # the signing module alone: no Django in the receiver

secrets, delays, out = json.loads(sys.argv[2]), json.loads(sys.argv[3]), open(sys.argv[4], "a", buffering=1)
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        row = [self.path, json.loads(body)["data"]["emitted_at"], arrived,
               signing.verify(secrets[self.path], headers, body), headers["webhook-id"]]
        with lock:
            out.write(json.dumps(row) + "\n")
        time.sleep(delays.get(self.path, 0))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[5])), Handler)
server.daemon_threads = True
print("ready", flush=True)
server.serve_forever()
"""


class Receiver:
    """The business's system: another process (as it would be another machine), so its work is not
    counted against firsthand's own threads."""

    def __init__(self, secrets: dict, delays: dict):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = Path(tempfile.mkdtemp(prefix="firsthand-receiver-")) / "arrivals.jsonl"
        self.log.touch()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                RECEIVER,
                str(ROOT),
                json.dumps(secrets),
                json.dumps(delays),
                str(self.log),
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def rows(self, path):
        return [row for row in map(json.loads, self.log.read_text().splitlines()) if row[0] == path]

    def close(self):
        self.process.terminate()
        self.process.wait()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    args = arguments()
    database = start_django(args.database)
    from django.db import connection

    from firsthand.publishing.engine import PublishingLoop
    from firsthand.team.operations import create_owner
    from firsthand.webhooks import operations, signing

    owner = create_owner(name="Bench", email="bench@example.com", password=None, workspace_name="Bench")
    paths = ["/healthy"] + (["/slow"] if args.slow_endpoint else [])
    # Endpoints need the receiver's address and the receiver their secrets: one port chosen first.
    secrets = {path: signing.new_secret() for path in paths}
    receiver = Receiver(secrets, {"/slow": 3.0})
    for path in paths:
        endpoint, _ = operations.create_endpoint(owner, receiver.url(path), ["post.published"])
        endpoint.secret = secrets[path]
        endpoint.save()

    loop = PublishingLoop(f"bench-{uuid.uuid4().hex[:6]}")
    loop.start()
    started = time.time()
    for n in range(args.events):
        if args.rate:
            # Paced against the clock, so a slow emit is caught up rather than stretching the run.
            wait = started + n / args.rate - time.time()
            if wait > 0:
                time.sleep(wait)
        operations.emit(owner.workspace, "post.published", {"n": n, "emitted_at": time.time()})
    emitted_in = time.time() - started
    deadline = time.time() + args.timeout
    while len(receiver.rows("/healthy")) < args.events and time.time() < deadline:
        time.sleep(0.1)
    finished_in = time.time() - started
    loop.stop()

    got = [row[1:] for row in receiver.rows("/healthy")]
    slow_got = len(receiver.rows("/slow"))
    receiver.close()
    lags = [arrived - emitted for emitted, arrived, _, _ in got]
    result = {
        "events": args.events,
        "rate": args.rate,
        "database": connection.vendor,
        "delivered": len(got),
        "duplicates": len(got) - len({row[3] for row in got}),
        "signatures_verified": sum(1 for row in got if row[2]),
        "lag_p50_ms": round(statistics.median(lags) * 1000) if lags else None,
        "lag_p95_ms": round(percentile(lags, 0.95) * 1000) if lags else None,
        "lag_max_ms": round(max(lags) * 1000) if lags else None,
        "emitted_seconds": round(emitted_in, 2),
        "all_delivered_seconds": round(finished_in, 2),
        "per_second": round(len(got) / finished_in) if finished_in else None,
        "slow_endpoint": args.slow_endpoint,
        "slow_endpoint_delivered": slow_got if args.slow_endpoint else None,
    }
    print(
        f"{result['delivered']}/{args.events} events delivered ({connection.vendor}), "
        f"{result['signatures_verified']} signatures verified, {result['duplicates']} duplicates; "
        f"lag p50 {result['lag_p50_ms']} ms, p95 {result['lag_p95_ms']} ms, max {result['lag_max_ms']} ms; "
        f"all in {finished_in:.1f} s"
    )
    if database:
        import psycopg

        connection.close()
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
    print(json.dumps(result))


if __name__ == "__main__":
    main()
