"""Spam: the money-for-nothing, click-my-profile, buy-followers messages every business account gets.

Patterns people can read, like the question and complaint rules (and written like them, for lowercased
text and batches joined by NULs: judge/rules.py): two signals, or one unmistakable one, make a message
spam. Spam is hidden from the main inbox, never deleted: it stays one click away.
"""

import regex

from firsthand.judge.rules import hits, lowered

STRONG = [
    r"\b(earn|make)\s+\$?\d[\d,]*\s*(k\b)?\s*(a|per|every)\s+(day|week|hour)",
    r"\bclick\s+(the\s+)?(link\s+)?(in\s+)?my\s+(bio|profile)\b",
    r"\b(buy|get|cheap|real)\s+(\d+\s*k?\s+)?(followers|likes|views)\b",
    r"\bpromote\s+your\s+(page|account|profile|business)\b",
    r"\bfree\s+(gift\s*card|iphone|crypto)\b",
]
WEAK = [
    r"\b(crypto|bitcoin|btc|forex|nft|airdrop)\b",
    r"\binvestment\s+(opportunity|plan)\b",
    r"\bwork\s+from\s+home\b",
    r"\b(dm|message)\s+me\s+(for|to)\s+(promo|collab|promotion|details)\b",
    r"\bcheck\s+(out\s+)?my\s+(profile|page|bio)\b",
    r"!{3,}",
    r"\bguaranteed?\b[^\0\n]*\b(profit|income|returns?)\b",
    r"https?://(bit\.ly|tinyurl\.com|t\.co|cutt\.ly)/",
]
STRONG_PATTERNS = [regex.compile(p) for p in STRONG]
WEAK_PATTERNS = [regex.compile(p) for p in WEAK]


def is_spam(text: str) -> bool:
    text = lowered(text)
    if any(p.search(text) for p in STRONG_PATTERNS):
        return True
    return sum(bool(p.search(text)) for p in WEAK_PATTERNS) >= 2


def spam_of(texts: list[str]) -> list[bool]:
    """is_spam() of each text, searching the batch once per pattern."""
    if not texts:
        return []
    found = hits(texts, STRONG_PATTERNS + WEAK_PATTERNS)
    strong, weak = found[:, : len(STRONG_PATTERNS)], found[:, len(STRONG_PATTERNS) :]
    return (strong.any(axis=1) | (weak.sum(axis=1) >= 2)).tolist()
