"""Judgements made from patterns people can read: questions and complaints.

Each pattern has a weight and a reason; the score is a logistic of the weights that matched,
so every label comes with the evidence behind it.

Patterns are matched against lowercased text, and written so that they never reach across a NUL:
the inbox joins a whole batch of messages with NULs and searches it once per pattern (`hits`), which
is twice as fast as searching each message. So a text starts at START, not at ^, and patterns use
neither . nor anything else that could match a NUL.
"""

import math
from dataclasses import dataclass

import numpy as np
import regex

START = r"(?<![^\0])"  # the start of a text, alone or within a batch joined by NULs
SEPARATOR = "\0"


@dataclass(frozen=True)
class Cue:
    pattern: regex.Pattern
    weight: float
    reason: str


def cue(pattern: str, weight: float, reason: str) -> Cue:
    return Cue(regex.compile(pattern, regex.VERSION1), weight, reason)


def lowered(text: str) -> str:
    return text.lower().replace(SEPARATOR, " ")


def score(text: str, cues: list[Cue], bias: float) -> tuple[float, list[str]]:
    text = lowered(text)
    return score_of([bool(c.pattern.search(text)) for c in cues], cues, bias)


def score_of(matched, cues: list[Cue], bias: float) -> tuple[float, list[str]]:
    """The score and reasons, given which cues matched (a row of `hits`)."""
    total, reasons = bias, []
    for found, c in zip(matched, cues, strict=True):
        if found:
            total += c.weight
            if c.weight > 0:
                reasons.append(c.reason)
    return 1 / (1 + math.exp(-total)), reasons


def hits(texts: list[str], patterns: list[regex.Pattern]) -> np.ndarray:
    """(texts × patterns) booleans: which pattern matches which text, one search per pattern for the batch."""
    texts = [lowered(text) for text in texts]
    joined = SEPARATOR.join(texts)
    starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]])
    found = np.zeros((len(texts), len(patterns)), dtype=bool)
    for column, pattern in enumerate(patterns):
        at = [match.start() for match in pattern.finditer(joined)]
        if at:
            found[np.searchsorted(starts, at, side="right") - 1, column] = True
    return found


QUESTION_WORDS = r"(who|what|when|where|why|how|which|whose|whom)"
AUXILIARIES = r"(can|could|do|does|did|is|are|was|were|will|would|should|shall|may|might|have|has|any|anyone|anybody)"

QUESTION_CUES = [
    cue("[?？¿؟]", 3.0, "asks with a question mark"),
    cue(rf"({START}|[.!\n]\s*)(@\w+\s+)*{QUESTION_WORDS}\b", 2.2, "starts with a question word"),
    cue(
        rf"({START}|[.!\n]\s*)(@\w+\s+)*{AUXILIARIES}\s+(you|u|ya|i|we|they|it|there|this|that|anyone|somebody|y'all)\b",
        2.4,
        'starts like a question ("do you…", "is it…")',
    ),
    cue(
        r"\b(anyone know|does anyone|any idea|any chance|wondering (if|whether|when|why|how)|let me know|"
        r"tell me (if|when|where|how|why)|can you (tell|help|send|check)|please (advise|confirm|help)|"
        r"i need to know|i'd like to know|how do i|how can i|is there a way)\b",
        2.5,
        "asks for information or help",
    ),
    cue(
        r"\b(still open|open today|opening hours|in stock|available|price|cost|deliver|ship to|"
        r"gluten[ -]?free|vegan)\b",
        0.6,
        "mentions something customers usually ask about",
    ),
    cue(rf"{START}\s*(lol|haha|omg|wow)\b", -1.0, "exclamation"),
    cue(r"\b(who cares|why not\b[^\0\n]*!|what a\b|how (nice|great|lovely|cool|awesome|sweet))\b", -2.5, "rhetorical"),
]
QUESTION_BIAS = -2.0

COMPLAINT_CUES = [
    cue(
        r"\b(never|still (not|hasn'?t|haven'?t|no)|not yet|hasn'?t|haven'?t|didn'?t) (arrived?|came|come|received?|"
        r"got|been (delivered|refunded|answered|fixed)|turn(ed)? up|show(ed)? up|heard back)\b",
        3.0,
        "something expected did not happen",
    ),
    cue(
        r"\b(wait(ed|ing)?|on hold|queue(d)?) (for )?(over |almost |nearly |more than )?(\d+|an?|two|three|four|five|"
        r"ten|twenty|thirty|forty|45) (min(ute)?s?|hours?|days?|weeks?)\b",
        2.6,
        "kept waiting",
    ),
    cue(
        r"\b(charged|billed|debited) (me )?(twice|double|two times|wrong|too much)|overcharged|double charged\b",
        3.0,
        "charged wrongly",
    ),
    cue(r"\b(refund|money back|compensation|chargeback)\b", 1.8, "wants money back"),
    cue(
        r"\b(broken|damaged|defective|faulty|missing|wrong (order|item|size|colou?r)|stale|cold|burnt|undercooked|"
        r"raw|expired|mouldy|moldy|leaking|cracked|not working|doesn'?t work|stopped working|won'?t (work|start|load)|"
        r"crash(es|ed|ing)?|freez(es|ing)|keeps? (crashing|failing|logging me out))\b",
        2.6,
        "a product or service fault",
    ),
    cue(r"\b(made (me|us|my \w+) (ill|sick)|food poisoning|allergic reaction)\b", 2.8, "harmed by a product"),
    cue(r"\b(promised|supposed to|meant to|said (it|they) would)\b", 1.4, "a promise not kept"),
    cue(r"\bstill (isn'?t|is not|not|hasn'?t been|no)\b", 1.6, "something expected did not happen"),
    cue(
        r"\b(rude|ignored|unhelpful|no one (answers|answered|replied|responds|helped)|nobody (answers|replied|helped)|"
        r"hung up|no response|no reply)\b",
        2.4,
        "treated badly or ignored",
    ),
    cue(
        r"\b(late|delayed|cancel+ed|no[ -]?show|lost (my|the) (order|parcel|package|luggage|bag))\b",
        1.6,
        "late, cancelled or lost",
    ),
    cue(
        r"\b(unacceptable|disgraceful|ridiculous|appalling|terrible service|worst (service|experience|company)|"
        r"never (again|ordering|buying|coming back)|not happy|very disappointed|so disappointed|fed up|"
        r"sort (it|this) out|"
        r"complain(t|ing)?)\b",
        2.2,
        "says the service fell short",
    ),
    cue(
        r"\b(your|ur|the) (app|website|site|staff|driver|delivery|order|service|product)\b",
        0.6,
        "about the business's service",
    ),
    cue(r"\b(thank(s| you)|love|amazing|great|delicious|recommend|best)\b", -1.2, "sounds pleased"),
]
COMPLAINT_BIAS = -2.4
