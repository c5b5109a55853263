"""A local push service, as a browser vendor runs one, for the tests: a real HTTP server on loopback that
accepts a push only as RFC 8030 describes it, signed as RFC 8292 says and encrypted as RFC 8291 says.

It holds the private halves of its subscriptions' keys (made here as a browser makes them), so it can
decrypt what it receives: a test then reads the notice the phone would show. The decryption is written
out from the RFCs with `cryptography`'s primitives, not with the library the sender uses, so a mistake
in how firsthand calls that library cannot be mirrored here.

# Reference: https://www.rfc-editor.org/rfc/rfc8030 (5. Requesting Push Message Delivery; 5.2 TTL; 5.3 Urgency)
# Reference: https://www.rfc-editor.org/rfc/rfc8291 (3.3 Combining Secrets; 3.4 Encryption Summary)
# Reference: https://www.rfc-editor.org/rfc/rfc8188 (2. The "aes128gcm" HTTP Content Coding)
# Reference: https://www.rfc-editor.org/rfc/rfc8292 (2. Self-Identification; 3. VAPID Authentication)
"""

import base64
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

URGENCIES = {"very-low", "low", "normal", "high"}


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def public_bytes(key) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class Refused(Exception):
    """What the push service would answer 400/401/403 for; the reason is kept for the test to read."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass
class Device:
    """A browser's side of one subscription: its P-256 key pair and authentication secret (RFC 8291 section 2)."""

    token: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))
    status: int = 201  # what the service answers for this subscription

    @property
    def p256dh(self) -> str:
        return b64encode(public_bytes(self.private_key.public_key()))

    @property
    def auth(self) -> str:
        return b64encode(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        # RFC 8188 section 2.1: salt (16) | record size (4) | idlen (1) | keyid: here the sender's public key.
        salt, record_size, id_length = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
        sender_public = body[21 : 21 + id_length]
        ciphertext = body[21 + id_length :]
        if id_length != 65 or record_size < 18 or len(ciphertext) > record_size:
            raise Refused(400, "not one aes128gcm record with a P-256 key id")
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
        shared = self.private_key.exchange(ec.ECDH(), sender)
        # RFC 8291 section 3.3/3.4: the auth secret and both public keys go into the input keying material.
        key_info = b"WebPush: info\x00" + public_bytes(self.private_key.public_key()) + sender_public
        ikm = hkdf(self.auth_secret, shared, key_info, 32)
        cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
        content = padded.rstrip(b"\x00")
        if not content.endswith(b"\x02"):  # RFC 8188 section 2: the last record's delimiter
            raise Refused(400, "the record's padding delimiter is not 2")
        return content[:-1]


@dataclass
class Received:
    token: str
    headers: dict
    claims: dict
    payload: dict


class PushService:
    """Start with `with PushService(vapid_public_key) as service:`; service.subscribe() gives a device."""

    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.refused: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, status: int = 201) -> Device:
        device = Device(token=b64encode(os.urandom(24)), status=status)
        self.devices[device.token] = device
        return device

    def endpoint(self, device: Device) -> str:
        return f"{self.origin}/push/{device.token}"

    def check_vapid(self, authorization: str) -> dict:
        # RFC 8292 section 3: Authorization: vapid t=<JWT>, k=<the application server's public key>
        scheme, _, params = authorization.partition(" ")
        values = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        if scheme.lower() != "vapid" or "t" not in values or "k" not in values:
            raise Refused(401, "no VAPID authorization")
        if values["k"] != self.vapid_public_key:
            raise Refused(403, "signed with a key this subscription was not made for")
        head, claims, signature = values["t"].split(".")
        if json.loads(b64decode(head)) != {"typ": "JWT", "alg": "ES256"}:
            raise Refused(401, "the token is not an ES256 JWT")
        raw = b64decode(signature)  # JWS ES256: r and s, 32 bytes each (RFC 7518 section 3.4)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(values["k"]))
        try:
            key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise Refused(403, "the VAPID signature does not verify") from None
        claims = json.loads(b64decode(claims))
        if claims.get("aud") != self.origin:
            raise Refused(403, f"aud is {claims.get('aud')!r}, not this service's origin")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:  # section 2: at most 24 hours
            raise Refused(403, "exp is in the past or more than 24 hours ahead")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Refused(403, "sub is neither mailto: nor https:")
        return claims

    def handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                device = service.devices.get(self.path.rsplit("/", 1)[-1])
                if device is None or not self.path.startswith("/push/"):
                    return self.answer(404)
                if device.status != 201:
                    return self.answer(device.status)
                try:
                    claims = service.check_vapid(self.headers.get("Authorization", ""))
                    if not self.headers.get("TTL", "").isdigit():
                        raise Refused(400, "no TTL header")  # RFC 8030 section 5.2: required
                    if self.headers.get("Urgency", "normal") not in URGENCIES:
                        raise Refused(400, "an Urgency that is not one of RFC 8030's")
                    if self.headers.get("Content-Encoding") != "aes128gcm":
                        raise Refused(400, "not aes128gcm")
                    payload = json.loads(device.decrypt(body))
                except Refused as refused:
                    service.refused.append(str(refused))
                    return self.answer(refused.status)
                except Exception as error:  # noqa: BLE001 - anything undecryptable is the sender's fault
                    service.refused.append(f"undecryptable: {error!r}")
                    return self.answer(400)
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append(Received(device.token, headers, claims, payload))
                self.answer(201)

            def answer(self, status):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
