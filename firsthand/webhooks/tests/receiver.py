"""A real HTTP receiver on loopback, in a thread: what a business's system does with firsthand's webhooks,
checking each signature with the endpoint's secret as any Standard Webhooks library would."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from firsthand.webhooks import signing


@dataclass
class Route:
    status: int = 200
    delay: float = 0.0
    body: str = "ok"
    headers: dict = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool
    at: float

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.secrets: dict[str, str] = {}  # path → the endpoint's secret
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                secret = receiver.secrets.get(self.path)
                verified = bool(secret) and signing.verify(secret, headers, body)
                with receiver.lock:
                    receiver.received.append(Received(self.path, headers, body, verified, time.monotonic()))
                route = receiver.routes.get(self.path, Route())
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(route.body.encode())))
                    self.end_headers()
                    self.wfile.write(route.body.encode())
                except OSError:
                    pass  # the sender gave up waiting (a timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
