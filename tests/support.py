"""Running real firsthand processes for the end-to-end tests."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

FIRSTHAND = str(Path(sys.executable).parent / "firsthand")

# What the test run sets for itself and must not leak into a real process.
NOT_INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "FIRSTHAND_DATA_DIR",
    "EMAIL_HOST",
    "SECRET_KEY",
    "FIRSTHAND_ENV",
)


def process_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A firsthand command whose output is collected line by line as it runs."""

    def __init__(self, *args, env=None):
        self.args = [FIRSTHAND, *map(str, args)]
        self.lines: list[str] = []
        self.popen = subprocess.Popen(
            self.args,
            env=env or process_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output)
            if match:
                return match
            if self.popen.poll() is not None:
                self.reader.join(timeout=2)
                match = re.search(pattern, self.output)
                if match:
                    return match
                raise AssertionError(f"{self.args} exited with {self.popen.returncode}:\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} did not appear within {timeout}s:\n{self.output}")

    def stop(self, timeout: float = 30) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
                raise AssertionError(f"{self.args} did not stop on SIGTERM:\n{self.output}") from None
        self.reader.join(timeout=5)
        return self.popen.returncode


class Server(Process):
    def __init__(self, data_dir, *args, env=None):
        super().__init__("serve", "--port", free_port(), "--data-dir", data_dir, *args, env=env)
        self.url = self.wait_for(r"serving at (http://\S+?)/? ").group(1)

    @property
    def setup_link(self) -> str:
        return self.wait_for(r"create the owner account:\n\s+(\S+)", timeout=1).group(1)


def run(*args, env=None, input=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FIRSTHAND, *map(str, args)],
        env=env or process_env(),
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )


def signed_in_client(base_url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    page = client.get("/signin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post("/signin/", data={"csrfmiddlewaretoken": token, "email": email, "password": password})
    assert response.status_code == 302, response.text
    return client


def csrf_token(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).text).group(1)
