"""The reference Bluesky network for tests: started once per run, fresh accounts per test.

`scripts/bluesky-network run` starts PLC + PDS + AppView (@atproto/dev-env 0.6.7) on loopback against a
throwaway PostgreSQL database. Accounts are made the way a person makes them (createAccount on the PDS),
and the app password the way a person makes one in Settings (createAppPassword).
"""

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bluesky-network"
START_SECONDS = 180


@dataclass
class Person:
    handle: str
    did: str
    password: str  # the main password: what firsthand must refuse
    app_password: str
    access_jwt: str


class ReferenceNetwork:
    def __init__(self, database_url: str):
        env = {**os.environ, "DB_POSTGRES_URL": database_url, "REDIS_HOST": "127.0.0.1:6379"}
        # Ports of our choosing, so a run never collides with a network someone started by hand.
        for name in ("PLC", "PDS", "APPVIEW", "OZONE", "CONTROL"):
            env[f"BLUESKY_{name}_PORT"] = str(free_port())
        self.lines: list[str] = []
        self.popen = subprocess.Popen(
            ["bash", str(SCRIPT), "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self.ready = threading.Event()
        self.urls: dict = {}
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(START_SECONDS) or not self.urls:
            self.stop()
            raise RuntimeError("the reference Bluesky network did not start:\n" + "\n".join(self.lines[-40:]))
        self.pds, self.plc, self.control = self.urls["pds"], self.urls["plc"], self.urls["control"]

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("READY "):
                self.urls = json.loads(line[len("READY ") :])
                self.ready.set()
        self.ready.set()  # ended without READY

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()

    def process_all(self):
        """Wait until the AppView has indexed everything written so far."""
        response = httpx.post(self.control + "/process", timeout=60)
        response.raise_for_status()

    def xrpc(self, method: str, *, token: str = "", body: dict | None = None, params: dict | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = f"{self.pds}/xrpc/{method}"
        if body is None:
            response = httpx.get(url, params=params, headers=headers, timeout=30)
        else:
            response = httpx.post(url, json=body, headers=headers, timeout=30)
        if response.status_code >= 400:
            raise AssertionError(f"{method} answered {response.status_code}: {response.text}")
        return response.json() if response.content else {}

    def new_person(self, name: str) -> Person:
        handle = f"{name}-{uuid.uuid4().hex[:6]}.test"
        password = "main-" + uuid.uuid4().hex
        session = self.xrpc(
            "com.atproto.server.createAccount",
            body={"handle": handle, "email": f"{handle}@example.com", "password": password},
        )
        app = self.xrpc("com.atproto.server.createAppPassword", token=session["accessJwt"], body={"name": "firsthand"})
        self.process_all()
        # The AppView may not have the profile for about a second after the account is made.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.xrpc("app.bsky.actor.getProfile", token=session["accessJwt"], params={"actor": session["did"]})
                break
            except AssertionError:
                time.sleep(0.2)
        return Person(handle, session["did"], password, app["password"], session["accessJwt"])

    def post(self, person: Person, text: str, *, reply_to: dict | None = None, facets=None, embed=None) -> dict:
        """Write a post as a customer would in the Bluesky app; returns {uri, cid}."""
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": now_iso()}
        if reply_to:
            record["reply"] = reply_to
        if facets:
            record["facets"] = facets
        if embed:
            record["embed"] = embed
        created = self.xrpc(
            "com.atproto.repo.createRecord",
            token=person.access_jwt,
            body={"repo": person.did, "collection": "app.bsky.feed.post", "record": record},
        )
        self.process_all()  # a reply indexed before its parent never notifies: index each post at once
        return {"uri": created["uri"], "cid": created["cid"]}

    def thread(self, uri: str, token: str) -> dict:
        return self.xrpc("app.bsky.feed.getPostThread", token=token, params={"uri": uri, "depth": 10})["thread"]

    def record(self, uri: str) -> dict | None:
        _, _, repo, collection, rkey = uri.split("/")
        try:
            return self.xrpc(
                "com.atproto.repo.getRecord", params={"repo": repo, "collection": collection, "rkey": rkey}
            )
        except AssertionError:
            return None


def now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def mention_facet(text: str, handle: str, did: str) -> list:
    start = text.encode().index(f"@{handle}".encode())
    end = start + len(f"@{handle}".encode())
    return [
        {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        }
    ]
