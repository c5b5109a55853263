"""The web server and workers write to one database at the same time, and nothing is lost.

On SQLite this is the embedded default's promise (WAL, a busy timeout,
IMMEDIATE transactions: no "database is locked"); on PostgreSQL it is the
scale-out promise (any number of workers, each task run once).
"""

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from aiosmtpd.controller import Controller

from conftest import need
from tests import postgres
from tests.support import Process, Server, csrf_token, free_port, process_env, run, signed_in_client

pytestmark = pytest.mark.process

PASSWORD = "a long enough owner password"
INVITES = 60
THREADS = 6


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def invite_many(base_url):
    """Each thread signs in on its own and creates invites as fast as it can."""

    def one_thread(n):
        client = signed_in_client(base_url, "owner@shop.example", PASSWORD)
        token = csrf_token(client, "/w/shop/team/")
        statuses = []
        for i in range(INVITES // THREADS):
            response = client.post(
                "/w/shop/team/invite/",
                data={"csrfmiddlewaretoken": token, "email": f"person{n}-{i}@shop.example", "role": "staff"},
            )
            statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        return [status for statuses in pool.map(one_thread, range(THREADS)) for status in statuses]


def wait_until(count_sent, timeout=90):
    deadline = time.monotonic() + timeout
    while (sent := count_sent()) < INVITES:
        assert time.monotonic() < deadline, f"only {sent} of {INVITES} invites were emailed"
        time.sleep(0.25)


def run_scenario(tmp_path, env, count_sent):
    created = run(
        "createowner",
        "--email",
        "owner@shop.example",
        "--name",
        "Owner",
        "--workspace",
        "Shop",
        "--data-dir",
        tmp_path,
        env={**env, "FIRSTHAND_OWNER_PASSWORD": PASSWORD},
    )
    assert created.returncode == 0, created.stderr
    server = Server(tmp_path, env=env)
    extra_worker = Process("worker", "--data-dir", tmp_path, "--interval", "0.2", env=env)
    try:
        statuses = invite_many(server.url)
        wait_until(count_sent)
    finally:
        server.stop()
        extra_worker.stop()
    assert statuses == [302] * INVITES
    for process in (server, extra_worker):
        assert "database is locked" not in process.output
        assert "Traceback" not in process.output, process.output
    # Six threads wrote audit entries at once: the chain took them in turn, none forked or lost.
    verified = run("audit", "verify", "--data-dir", tmp_path, env=env)
    assert verified.returncode == 0, verified.stderr
    assert int(verified.stdout.split("audit: ")[1].split(" entries")[0]) >= INVITES


def test_web_and_two_workers_write_to_sqlite_at_once_without_locking_errors(tmp_path, smtp):
    controller, mailbox = smtp
    env = process_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, FIRSTHAND_WORKER_HEARTBEAT_SECONDS=1)

    def count_sent():
        with sqlite3.connect(tmp_path / "firsthand.sqlite3", timeout=30) as db:
            return db.execute("select count(*) from team_invite where email_status = 'sent'").fetchone()[0]

    run_scenario(tmp_path, env, count_sent)
    # Each invite was emailed exactly once, though two workers were taking tasks.
    recipients = sorted(r for m in mailbox.messages for r in m.rcpt_tos)
    assert len(recipients) == INVITES == len(set(recipients))


def test_web_and_two_workers_on_postgresql_email_each_invite_exactly_once(tmp_path, smtp):
    need(postgres.available(), "PostgreSQL on 127.0.0.1:5432")
    controller, mailbox = smtp
    with postgres.fresh_database() as url:
        env = process_env(
            DATABASE_URL=url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=controller.port, FIRSTHAND_WORKER_HEARTBEAT_SECONDS=1
        )

        def count_sent():
            with psycopg.connect(url) as db:
                return db.execute("select count(*) from team_invite where email_status = 'sent'").fetchone()[0]

        run_scenario(tmp_path, env, count_sent)
    recipients = sorted(r for m in mailbox.messages for r in m.rcpt_tos)
    assert len(recipients) == INVITES == len(set(recipients))
