"""More than one web process on one port (`firsthand serve --web-processes N`).

One Python process answers one request at a time on one core, whatever its threads (the interpreter
lock), so a busy team on a machine with several cores waits in line while the other cores idle. Here
the port is opened once, then copies of the process are forked that accept on the same socket; the
kernel gives each new connection to whichever is free. The first process keeps the background worker;
the copies only serve pages. They stop when it stops, and by themselves if it is killed.
"""

import os
import signal
import socket
import sys
import threading
import time

from django.db import connections

STOP_WAIT_SECONDS = 10


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def start(listening: socket.socket, copies: int, application, threads: int) -> list[int]:
    """Fork `copies` processes serving `application` on `listening`; returns their process ids.

    Called before this process starts any thread (a fork copies only the calling thread, so a lock held
    by another would stay held for ever in the copy) and with no database connection open, so no two
    processes share one.
    """
    if copies < 1:
        return []
    if not hasattr(os, "fork"):
        sys.exit("firsthand: --web-processes needs Linux or macOS; run one process per port behind a proxy instead.")
    connections.close_all()
    sys.stdout.flush()  # or the copies would print what is still buffered again
    sys.stderr.flush()
    parent, children = os.getpid(), []
    for _ in range(copies):
        pid = os.fork()
        if pid == 0:
            serve_copy(listening, application, threads, parent)  # never returns
        children.append(pid)
    return children


def serve_copy(listening, application, threads: int, parent: int) -> None:
    from waitress.server import create_server

    from firsthand.system.serve import Stop

    code = 0
    try:

        def on_sigterm(signum, frame):
            raise Stop()

        signal.signal(signal.SIGTERM, on_sigterm)
        threading.Thread(target=stop_when_orphaned, args=(parent,), daemon=True).start()
        server = create_server(application, sockets=[listening], threads=threads, ident="firsthand")
        try:
            server.run()
        finally:
            server.close()
    except KeyboardInterrupt:
        pass
    except BaseException as error:  # noqa: BLE001 - a copy must never return into its parent's code
        print(f"firsthand: a web process stopped: {error}", file=sys.stderr, flush=True)
        code = 1
    finally:
        os._exit(code)


def stop_when_orphaned(parent: int) -> None:
    """A copy whose first process was killed (no chance to stop it) stops itself within a second."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def stop(children: list[int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for pid in children:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
