"""`firsthand serve`, `worker` and `createowner` as real processes, the way a person runs them."""

import re
import sqlite3
import tarfile
import time

import httpx
import pytest

from tests.support import Process, Server, process_env, run, signed_in_client

pytestmark = pytest.mark.process

OWNER_PASSWORD = "a long enough owner password"


def test_serve_demo_is_healthy_and_the_demo_owner_signs_in(tmp_path):
    # How long it takes is measured by benchmarks/demo_start.py, not asserted here (a loaded machine is slower).
    server = Server(tmp_path, "--demo")
    try:
        health = httpx.get(server.url + "/healthz", timeout=10)
        assert health.status_code == 200
        assert health.json()["status"] in ("ok", "degraded")  # the details are for signed-in owners

        password = server.wait_for(r"password (\S+)\)").group(1)
        # The sign-in details are the last thing printed, below the address, where a new user looks.
        assert server.output.index("serving at") < server.output.index("Sign in as any of these")
        client = signed_in_client(server.url, "owner@demo.firsthand.example", password)
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200 and "Harbour Bakery" in home.text

        # The embedded worker beats within a few seconds.
        deadline = time.monotonic() + 20
        while httpx.get(server.url + "/healthz").json()["status"] != "ok":
            assert time.monotonic() < deadline, "the embedded worker never reported in"
            time.sleep(0.3)
    finally:
        code = server.stop()
    assert code == 0
    assert "firsthand: stopped." in server.output


def test_demo_customers_keep_writing_and_their_messages_reach_the_inbox(tmp_path):
    server = Server(tmp_path, "--demo", env=process_env(FIRSTHAND_DEMO_CUSTOMER_SECONDS=1))
    try:
        with sqlite3.connect(tmp_path / "firsthand.sqlite3") as db:
            seeded = 4  # the demo starts with four messages
            deadline = time.monotonic() + 30
            while True:
                written = db.execute("select count(*) from sandbox_sandboxevent").fetchone()[0]
                filed = db.execute("select count(*) from inbox_interaction where direction = 'in'").fetchone()[0]
                if written >= seeded + 3 and filed >= seeded + 3:
                    break
                assert time.monotonic() < deadline, f"{written} written, {filed} in the inbox"
                time.sleep(0.5)
    finally:
        assert server.stop() == 0


def test_demo_is_created_once_and_keeps_its_password_across_restarts(tmp_path):
    first = Server(tmp_path, "--demo")
    first.stop()
    second = Server(tmp_path, "--demo")
    second.stop()
    password = re.compile(r"password (\S+)\)")
    assert password.search(first.output).group(1) == password.search(second.output).group(1)
    with sqlite3.connect(tmp_path / "firsthand.sqlite3") as db:
        assert db.execute("select count(*) from team_workspace where is_demo").fetchone()[0] == 1


def test_first_run_prints_a_setup_link_that_only_works_with_its_token(tmp_path):
    server = Server(tmp_path)
    try:
        link = server.setup_link
        assert httpx.get(link).status_code == 200
        assert httpx.get(link[:-4] + "xxxx/").status_code == 404
    finally:
        server.stop()


def test_demo_refuses_a_database_with_real_data_unless_forced(tmp_path):
    env = process_env(FIRSTHAND_OWNER_PASSWORD=OWNER_PASSWORD)
    created = run(
        "createowner",
        "--email",
        "real@shop.example",
        "--name",
        "Real Owner",
        "--workspace",
        "Real Shop",
        "--data-dir",
        tmp_path,
        env=env,
    )
    assert created.returncode == 0, created.stderr
    refused = run("serve", "--demo", "--port", "0", "--data-dir", tmp_path)
    assert refused.returncode != 0
    assert "real workspaces or people" in refused.stderr
    forced = Server(tmp_path, "--demo", "--force")
    assert forced.stop() == 0
    assert "demo workspace" in forced.output


def test_createowner_explains_bad_input(tmp_path):
    env = process_env(FIRSTHAND_OWNER_PASSWORD="short")
    weak = run(
        "createowner",
        "--email",
        "a@shop.example",
        "--name",
        "A",
        "--workspace",
        "Shop",
        "--data-dir",
        tmp_path,
        env=env,
    )
    assert weak.returncode != 0 and "not good enough" in weak.stderr
    env = process_env(FIRSTHAND_OWNER_PASSWORD=OWNER_PASSWORD)
    args = ("createowner", "--email", "a@shop.example", "--name", "A", "--workspace", "Shop", "--data-dir", tmp_path)
    assert run(*args, env=env).returncode == 0
    again = run(*args, env=env)
    assert again.returncode != 0 and "already an account" in again.stderr
    bad_zone = run(
        "createowner",
        "--email",
        "b@shop.example",
        "--name",
        "B",
        "--workspace",
        "S",
        "--timezone",
        "Mars/Olympus",
        "--data-dir",
        tmp_path,
        env=env,
    )
    assert bad_zone.returncode != 0 and "Unknown time zone" in bad_zone.stderr


def test_worker_beats_while_running_and_leaves_cleanly_on_sigterm(tmp_path):
    assert run("manage", "--data-dir", tmp_path, "migrate", "-v", "0").returncode == 0
    worker = Process("worker", "--data-dir", tmp_path)
    worker.wait_for("processing background jobs")
    db = tmp_path / "firsthand.sqlite3"
    deadline = time.monotonic() + 20
    while True:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("select embedded from system_workerheartbeat").fetchall()
        if rows:
            break
        assert time.monotonic() < deadline, worker.output
        time.sleep(0.2)
    assert rows == [(0,)]
    assert worker.stop() == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from system_workerheartbeat").fetchone()[0] == 0


def test_port_in_use_is_explained(tmp_path):
    server = Server(tmp_path)
    try:
        port = server.url.rsplit(":", 1)[1]
        clash = run("serve", "--port", port, "--data-dir", tmp_path)
        assert clash.returncode != 0
        assert f"cannot listen on 127.0.0.1:{port}" in clash.stderr
    finally:
        server.stop()


def test_manage_passes_through_to_django(tmp_path):
    result = run("manage", "--data-dir", tmp_path, "showmigrations", "team")
    assert result.returncode == 0
    assert "0001_initial" in result.stdout


def test_worker_refuses_an_unmigrated_database(tmp_path):
    result = run("worker", "--data-dir", tmp_path)
    assert result.returncode != 0
    assert "needs migrating first" in result.stderr


def test_ctrl_c_stops_serve_cleanly(tmp_path):
    import signal

    server = Server(tmp_path)
    server.popen.send_signal(signal.SIGINT)
    assert server.popen.wait(timeout=30) == 0
    server.reader.join(timeout=5)
    assert "firsthand: stopped." in server.output


def test_posts_import_from_the_command_line(tmp_path):
    env = process_env(FIRSTHAND_OWNER_PASSWORD=OWNER_PASSWORD)
    run(
        "createowner",
        "--email",
        "o@shop.example",
        "--name",
        "O",
        "--workspace",
        "Shop",
        "--data-dir",
        tmp_path,
        env=env,
    )
    connect = run(
        "manage",
        "--data-dir",
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from firsthand.team.models import Workspace; from firsthand.networks.testing import connect_sandbox_account;"
        "connect_sandbox_account(Workspace.objects.get(), 'shop-news')",
    )
    assert connect.returncode == 0, connect.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("account,time,text\n@shop-news,yesterday,Hello\n")
    refused = run("posts", "import", bad, "--workspace", "shop", "--as", "o@shop.example", "--data-dir", tmp_path)
    assert refused.returncode != 0
    assert "line 2:" in refused.stderr and "Nothing was imported" in refused.stderr
    good = tmp_path / "good.csv"
    good.write_text("account,time,text\n@shop-news,2099-01-01 09:00,Hello from the future\n")
    done = run("posts", "import", good, "--workspace", "shop", "--as", "o@shop.example", "--data-dir", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Scheduled 1 post(s)." in done.stdout
    missing = run(
        "posts",
        "import",
        tmp_path / "nope.csv",
        "--workspace",
        "shop",
        "--as",
        "o@shop.example",
        "--data-dir",
        tmp_path,
    )
    assert missing.returncode != 0 and "Cannot read" in missing.stderr


def test_a_running_demo_is_backed_up_restored_into_a_new_data_dir_and_served(tmp_path):
    live, restored, backup_file = tmp_path / "live", tmp_path / "restored", tmp_path / "backup.tar.gz"
    server = Server(live, "--demo")
    try:
        password = server.wait_for(r"password (\S+)\)").group(1)
        made = run("backup", backup_file, "--data-dir", live)  # while it serves and its worker writes
        assert made.returncode == 0, made.stderr
    finally:
        assert server.stop() == 0
    assert backup_file.stat().st_mode & 0o077 == 0
    with tarfile.open(backup_file) as archive:
        names = archive.getnames()
        note = archive.extractfile("KEYS-NEEDED.txt").read().decode()
    assert "firsthand.sqlite3" in names and "encryption_key" not in names and "secret_key" not in names
    assert "encryption_key" in note and "NOT in this backup" in note

    restored.mkdir()
    (restored / "something").write_text("already here")
    refused = run("restore", backup_file, "--data-dir", restored)
    assert refused.returncode != 0 and "not empty" in refused.stderr
    assert (restored / "something").read_text() == "already here"
    (restored / "something").unlink()
    done = run("restore", backup_file, "--data-dir", restored)
    assert done.returncode == 0, done.stderr

    again = Server(restored)
    try:
        client = signed_in_client(again.url, "owner@demo.firsthand.example", password)
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200 and "Harbour Bakery" in home.text
    finally:
        assert again.stop() == 0


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    (tmp_path / "junk.tar.gz").write_text("not a backup")
    refused = run("restore", tmp_path / "junk.tar.gz", "--data-dir", tmp_path / "new")
    assert refused.returncode == 1 and "not a firsthand backup" in refused.stderr
    assert "Traceback" not in refused.stderr
