"""`firsthand serve --web-processes N`: copies of the web process sharing one port (Linux /proc is read)."""

import re
import time
from pathlib import Path

import pytest

from tests.support import Server, signed_in_client

pytestmark = pytest.mark.process


def copies_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:  # gone meanwhile
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.append(int(status.parent.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = re.search(r"^State:\s+(\w)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1)
    except (OSError, AttributeError):
        return False
    return state != "Z"


def test_three_web_processes_serve_one_port_and_stop_together(tmp_path):
    server = Server(tmp_path, "--demo", "--web-processes", "3")
    try:
        assert "by 3 web processes" in server.output
        copies = copies_of(server.popen.pid)
        assert len(copies) == 2 and all(running(pid) for pid in copies)
        password = server.wait_for(r"password (\S+)\)").group(1)
        # Signed in through one process, the session works in whichever answers next (it is in the database).
        client = signed_in_client(server.url, "owner@demo.firsthand.example", password)
        for _ in range(30):
            page = client.get("/", follow_redirects=True)
            assert page.status_code == 200 and "Harbour Bakery" in page.text
    finally:
        code = server.stop()
    assert code == 0 and "firsthand: stopped." in server.output
    assert not any(running(pid) for pid in copies)


def test_copies_stop_by_themselves_when_the_first_process_is_killed(tmp_path):
    server = Server(tmp_path, "--web-processes", "2")
    copies = copies_of(server.popen.pid)
    assert len(copies) == 1
    server.popen.kill()  # no chance to stop its copies
    server.popen.wait()
    deadline = time.monotonic() + 10
    while running(copies[0]):
        assert time.monotonic() < deadline, "the copy outlived its first process"
        time.sleep(0.2)
