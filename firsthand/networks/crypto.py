"""Encryption at rest for network credentials.

MultiFernet over FIRSTHAND_ENCRYPTION_KEY: the first key encrypts, every key
decrypts, so a new key can be put first and old values re-encrypted with
`firsthand manage rotate_encryption_key` before the old key is dropped.
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CannotDecrypt(Exception):
    """The stored secret was made with a key that is no longer configured."""


def fernet_key(configured: str) -> bytes:
    """A Fernet key from a configured key: used as is when it is one, otherwise derived from it."""
    raw = configured.encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except ValueError:
        pass
    # A passphrase of any length still gives a proper 32-byte key.
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIRSTHAND_ENCRYPTION_KEY is empty.")
    return MultiFernet([Fernet(fernet_key(key)) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIRSTHAND_ENCRYPTION_KEYS))


def encrypt_json(value: dict) -> str:
    return cipher().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def decrypt_json(token: str) -> dict:
    if not token:
        return {}
    # A copy, so a caller that changes the dict cannot change the cached value.
    return dict(_decrypt(token, tuple(settings.FIRSTHAND_ENCRYPTION_KEYS)))


@lru_cache(maxsize=4096)
def _decrypt(token: str, keys: tuple[str, ...]) -> dict:
    # Cached by (ciphertext, keys): the same ciphertext always holds the same secret, and the
    # publishing engine reads every account's credentials once per post.
    try:
        return json.loads(_cipher(keys).decrypt(token.encode()))
    except InvalidToken:
        raise CannotDecrypt("stored credentials were encrypted with a key that is not configured") from None


def reencrypt(token: str) -> str:
    """The same secret, encrypted with the current first key."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise CannotDecrypt("stored credentials were encrypted with a key that is not configured") from None
