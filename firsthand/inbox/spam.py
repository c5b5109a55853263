"""Spam: the money-for-nothing, click-my-profile, buy-followers messages every business account gets.

Patterns people can read, like the question and complaint rules (and searched like them, as one RE2
set: judge/rules.py): two signals, or one unmistakable one, make a message spam. Spam is hidden from
the main inbox, never deleted: it stays one click away.
"""

from firsthand.judge.rules import CueSet, cue

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
    r"\bguaranteed?\b.*\b(profit|income|returns?)\b",
    r"https?://(bit\.ly|tinyurl\.com|t\.co|cutt\.ly)/",
]
# A strong signal counts two, a weak one one; two make spam.
SIGNALS = CueSet([cue(p, 2.0, "strong") for p in STRONG] + [cue(p, 1.0, "weak") for p in WEAK])
SPAM_AT = 2.0


def is_spam(text: str) -> bool:
    found = SIGNALS.found(text)
    return sum(signal.weight for signal, hit in zip(SIGNALS, found, strict=True) if hit) >= SPAM_AT
