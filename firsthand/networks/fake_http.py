"""What the local stand-ins for networks (tests' fake servers) share: a threaded loopback HTTP server,
request bodies read as the networks send them (JSON, form, multipart), and JSON answers.

Each fake subclasses LoopbackServer, writes route(request, method), and adds its network's own headers
in extra_headers(). Files in multipart bodies come back as bytes, other fields as text.
"""

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class LoopbackServer:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.route(self, "GET")

            def do_POST(self):
                fake.route(self, "POST")

            def do_DELETE(self):
                fake.route(self, "DELETE")

            def do_PUT(self):
                fake.route(self, "PUT")

        return Handler

    def route(self, request, method):
        raise NotImplementedError

    def body(self, request) -> dict:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        kind = request.headers.get("Content-Type", "")
        if kind.startswith("application/json"):
            return json.loads(raw or b"{}")
        if kind.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + raw)
            found = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                found[name] = part.get_payload(decode=True) if part.get_filename() else part.get_content()
            return found
        return {k: v if k.endswith("[]") else v[-1] for k, v in parse_qs(raw.decode()).items()}

    def extra_headers(self) -> dict:
        return {}

    def send(self, request, status, payload, headers=None):
        data = b"" if status == 204 else json.dumps(payload).encode()  # 204 has no body
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in {**self.extra_headers(), **(headers or {})}.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    def redirect(self, request, location: str):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()
