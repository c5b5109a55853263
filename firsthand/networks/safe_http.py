"""The one way firsthand reaches an address a person wrote (a link card's page, a Mastodon server): only
public addresses, only http and https, with size and time caps, and one message for every failure.

A person who can write a URL must not be able to make this machine reach itself or its neighbours (the
admin page on 127.0.0.1, a database on 10.0.0.5, a cloud's metadata at 169.254.169.254). So every
connection, the first and each redirect's, resolves the name, refuses it unless every address it resolves
to is public, and connects to the address it checked: a name that answers differently the second time
(DNS rebinding) gets no second look-up to answer. Why an address was refused never reaches the person:
"could not reach that address" is all they learn, whether the port is open, closed or private.

It is a requests Session because Mastodon.py, the SDK behind one of its users, takes one; the check sits
where urllib3 opens the socket, so the SDK's own requests, redirects and streaming pass through it too.
Tests reach their local fakes through settings.OUTBOUND_ALLOWED_NETWORKS, empty outside tests.
"""

import ipaddress
import logging
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

logger = logging.getLogger("firsthand.networks.safe_http")

UNREACHABLE = "could not reach that address"
MAX_REDIRECTS = 5
MAX_ANSWER_BYTES = 10 * 1024 * 1024  # a Mastodon page of 40 notifications is about 200 KB
MAX_SECONDS = 60  # a whole answer, however slowly it trickles in
USER_AGENT = "firsthand"

# Addresses that carry an IPv4 address inside an IPv6 one (RFC 6052's NAT64 prefix; 6to4 and Teredo
# have their own properties): the IPv4 inside decides.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Unreachable(Exception):
    """The one failure a person sees. `refused` says (to tests and logs only) that the guard said no."""

    def __init__(self, refused: bool = False):
        super().__init__(UNREACHABLE)
        self.refused = refused


class Refused(NewConnectionError):
    """Raised where urllib3 would open a socket to an address that is not public."""


class TooLarge(requests.RequestException):
    pass


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6:
        inside = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inside is None and address in NAT64:
            inside = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inside is not None:
            return is_public(inside)
    return address.is_global and not address.is_multicast


def allowed(address) -> bool:
    return any(address in ipaddress.ip_network(n) for n in settings.OUTBOUND_ALLOWED_NETWORKS) or is_public(address)


def checked_addresses(connection, host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, if every one of them may be reached; a name with one private
    answer among public ones is refused, since which answer a later connection uses is not ours to say."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:
        if not allowed(ipaddress.ip_address(address.split("%", 1)[0])):
            logger.info("refused a connection to %s (%s), not a public address", host, address)
            raise Refused(connection, "refused: not a public address")
    return addresses


class GuardedConnectionMixin:
    def _new_conn(self) -> socket.socket:
        # Like urllib3's own, but to the addresses checked above rather than to a second look-up of the name.
        addresses = checked_addresses(self, self._dns_host, self.port)
        if not addresses:
            raise NewConnectionError(self, "the name did not resolve")
        last: Exception = NewConnectionError(self, "no address")
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                last = ConnectTimeoutError(self, "timed out")
                last.__cause__ = error
            except OSError as error:
                last = NewConnectionError(self, f"failed to connect: {error}")
        raise last


class GuardedHTTPConnection(GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(GuardedConnectionMixin, HTTPSConnection):
    pass  # TLS still checks the certificate against the name: urllib3 takes server_hostname from self.host


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidURL("a proxy would reach addresses firsthand cannot check")

    def send(self, request, stream=False, timeout=None, **kwargs):
        response = super().send(request, stream=True, timeout=timeout or settings.NETWORK_TIMEOUT_SECONDS, **kwargs)
        if not stream:
            response._content = read_capped(response, MAX_ANSWER_BYTES)
            response._content_consumed = True
        return response


def read_capped(response: requests.Response, max_bytes: int, *, truncate: bool = False) -> bytes:
    """The body, at most max_bytes of it (the rest refused, or with truncate left unread), within MAX_SECONDS."""
    deadline = time.monotonic() + MAX_SECONDS
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                if truncate:
                    return bytes(body[:max_bytes])
                raise TooLarge("the answer is larger than firsthand reads")
            if time.monotonic() > deadline:
                raise requests.exceptions.Timeout("the answer took too long")
    except BaseException:
        response.close()
        raise
    return bytes(body)


def session() -> requests.Session:
    """A Session that reaches public addresses only; for an SDK that takes one (Mastodon.py)."""
    guarded = requests.Session()
    guarded.trust_env = False  # no proxy from the environment (it would reach what we refuse), no .netrc
    guarded.max_redirects = MAX_REDIRECTS
    guarded.headers["User-Agent"] = USER_AGENT
    for scheme in ("http://", "https://"):
        guarded.mount(scheme, GuardedAdapter())
    return guarded


def refused_in(error: BaseException | None) -> bool:
    """Whether the guard is behind this error, however deeply requests and urllib3 wrapped it."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, Refused):
            return True
        reason = getattr(error, "reason", None)
        nested = error.args[0] if error.args and isinstance(error.args[0], BaseException) else None
        error = reason if isinstance(reason, BaseException) else nested or error.__cause__ or error.__context__
        seen += 1
    return False


def get(url: str, *, max_bytes: int, headers: dict | None = None, timeout: float | None = None):
    """GET a person's URL, following up to MAX_REDIRECTS redirects, each one checked: (final response,
    at most max_bytes of its body). Any failure is Unreachable, and says nothing more."""
    with session() as guarded:
        for _ in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise Unreachable()
            try:
                response = guarded.get(url, headers=headers, timeout=timeout, stream=True, allow_redirects=False)
                if response.is_redirect:
                    response.close()
                    url = urljoin(url, response.headers["Location"])
                    continue
                return response, read_capped(response, max_bytes, truncate=True)
            except (requests.RequestException, ValueError, UnicodeError) as error:
                raise Unreachable(refused=refused_in(error)) from None
    raise Unreachable()
