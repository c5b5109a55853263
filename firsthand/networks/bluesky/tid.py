"""Timestamp identifiers (TIDs), the record keys of Bluesky posts.

A TID is 64 bits (a zero bit, 53 bits of microseconds since 1970, 10 bits of clock id) written as 13
characters of base32-sortable, so keys sort by time. https://atproto.com/specs/tid
"""

import re
import secrets
import time

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def encode(value: int) -> str:
    characters = []
    for _ in range(13):
        characters.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(characters))


def new_tid(now_microseconds: int | None = None, clock_id: int | None = None) -> str:
    micros = now_microseconds if now_microseconds is not None else time.time_ns() // 1000
    clock = clock_id if clock_id is not None else secrets.randbelow(1024)
    return encode(((micros & ((1 << 53) - 1)) << 10) | (clock & 1023))


def is_tid(value: str) -> bool:
    return bool(PATTERN.match(value))
