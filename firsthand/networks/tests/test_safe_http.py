"""The guard on every address a person writes: only public addresses, checked after DNS and at each
redirect, connected to as checked; one message for every refusal. The test settings open loopback for the
fakes, so each test here says what it allows."""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from firsthand.networks import safe_http


class Page:
    """A local web server answering every GET and POST with `body` (or a redirect to `location`), counting visits."""

    def __init__(self, address="127.0.0.1", port=0, body=b"<title>inside</title>", location=None):
        page = self
        self.visits = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                page.visits += 1
                if location:
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{address}:{self.port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def page():
    served = Page()
    yield served
    served.close()


@pytest.fixture
def guard_on(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []


def refused(url):
    with pytest.raises(safe_http.Unreachable) as caught:
        safe_http.get(url, max_bytes=1000)
    return caught.value


def resolving(monkeypatch, names: dict[str, list[str]]):
    """DNS as the test says for these names (each call takes the next answer), the real one for others."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            asked.append(host)
            answer = names[host][min(asked.count(host), len(names[host])) - 1]
            return real(answer, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_loopback_is_reached_only_because_the_test_settings_allow_it(page):
    response, body = safe_http.get(page.url, max_bytes=1000)
    assert (response.status_code, body) == (200, b"<title>inside</title>")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "0.0.0.0",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "localhost",  # a name that resolves to loopback
        "10.0.0.1",
        "169.254.169.254",  # the cloud's metadata service
    ],
)
def test_private_addresses_are_refused_with_the_one_message(host, page, guard_on):
    error = refused(f"http://{host}:{page.port}/latest/meta-data/")
    assert str(error) == "could not reach that address" and error.refused
    assert page.visits == 0


def test_a_public_looking_name_that_resolves_inside_is_refused(page, guard_on, monkeypatch):
    resolving(monkeypatch, {"menu.example": ["127.0.0.1"]})
    error = refused(f"http://menu.example:{page.port}/")
    assert str(error) == "could not reach that address" and error.refused
    assert page.visits == 0


def test_a_redirect_to_an_inside_address_is_refused(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the first page stands for a public site
    inside = Page(address="127.0.0.2", body=b"<title>router admin</title>")
    outside = Page(location=inside.url)
    try:
        error = refused(outside.url)
        assert str(error) == "could not reach that address" and error.refused
        assert (outside.visits, inside.visits) == (1, 0)
        settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the same chain, allowed: it does lead inside
        assert safe_http.get(outside.url, max_bytes=1000)[1] == b"<title>router admin</title>"
    finally:
        inside.close()
        outside.close()


def test_the_connection_goes_to_the_address_that_was_checked_not_to_a_second_answer(settings, monkeypatch):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    checked = Page(address="127.0.0.1", body=b"checked")
    rebound = Page(address="127.0.0.2", port=checked.port, body=b"rebound")
    asked = resolving(monkeypatch, {"rebind.example": ["127.0.0.1", "127.0.0.2"]})
    try:
        assert safe_http.get(f"http://rebind.example:{checked.port}/", max_bytes=100)[1] == b"checked"
        assert rebound.visits == 0 and asked == ["rebind.example"]
    finally:
        checked.close()
        rebound.close()


def test_a_name_with_one_private_answer_among_public_ones_is_refused(guard_on, monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "mixed.example":
            return real("93.184.215.14", port, *args, **kwargs) + real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert refused("http://mixed.example/").refused


@pytest.mark.parametrize(
    "address",
    ["2002:7f00:1::", "64:ff9b::a00:1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "fe80::1", "fc00::1", "ff0e::1"],
)
def test_ipv6_forms_that_lead_inside_are_not_public(address):
    assert not safe_http.is_public(ipaddress.ip_address(address))  # 6to4, NAT64, Teredo, link-local, ULA, multicast


def test_public_addresses_are_public():
    assert all(safe_http.is_public(ipaddress.ip_address(a)) for a in ["93.184.215.14", "2606:4700::1111"])


def test_only_http_and_https_and_a_closed_port_says_the_same(page, monkeypatch):
    for url in ["ftp://127.0.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:70/"]:
        error = refused(url)
        assert str(error) == "could not reach that address"
    redirecting = Page(location="file:///etc/passwd")
    try:
        assert str(refused(redirecting.url)) == "could not reach that address"
    finally:
        redirecting.close()
    closed = page.port
    page.close()
    error = refused(f"http://127.0.0.1:{closed}/")
    assert str(error) == "could not reach that address" and not error.refused


def test_redirects_are_followed_only_so_far():
    hops = Page(location="/again")  # redirects to itself forever
    try:
        assert str(refused(hops.url)) == "could not reach that address"
        assert hops.visits == safe_http.MAX_REDIRECTS + 1
    finally:
        hops.close()


def test_answers_are_read_only_up_to_their_cap(monkeypatch):
    big = Page(body=b"x" * 200_000)
    try:
        assert len(safe_http.get(big.url, max_bytes=1000)[1]) == 1000  # a page: the start is enough
        monkeypatch.setattr(safe_http, "MAX_ANSWER_BYTES", 100_000)
        with pytest.raises(requests.RequestException, match="larger"):  # an API answer: refused
            safe_http.session().get(big.url)
    finally:
        big.close()
