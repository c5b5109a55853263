"""Judgements made from patterns people can read: questions and complaints.

Each pattern has a weight and a reason; the score is a logistic of the weights that matched,
so every label comes with the evidence behind it.

The patterns of a judgement are searched together as one RE2 set (google-re2): one linear pass over
the text tells which of them match, 20 times faster than searching pattern by pattern, which the inbox
feels on every incoming message. RE2 has no look-around, and its \\w and \\b know ASCII letters only:
a handle is written with WORD (a letter or digit in any script), and a \\b at either end of a pattern
is read as the text's edge or a non-word character (so "cafélate" does not hold the word "late").
"""

import math
from dataclasses import dataclass

import re2

WORD = r"[\pL\pN_]"  # RE2's \w is ASCII only


@dataclass(frozen=True)
class Cue:
    pattern: str
    weight: float
    reason: str


def cue(pattern: str, weight: float, reason: str) -> Cue:
    return Cue(unicode_edges(pattern), weight, reason)


def unicode_edges(pattern: str) -> str:
    """A pattern's leading and trailing \\b as boundaries between words of any script. Consuming the
    character beyond the edge changes where a match starts or ends, never whether there is one, as
    long as a word character stands next to the \\b (true of every pattern here)."""
    if pattern.startswith(r"\b"):
        pattern = rf"(?:^|[^\pL\pN_]){pattern[2:]}"
    if pattern.endswith(r"\b"):
        pattern = rf"{pattern[:-2]}(?:$|[^\pL\pN_])"
    return pattern


class CueSet:
    """Cues matched in one pass, case-insensitively."""

    def __init__(self, cues: list[Cue]):
        self.cues = list(cues)
        options = re2.Options()
        options.case_sensitive = False
        self.searcher = re2.Set.SearchSet(options)
        for c in self.cues:
            self.searcher.Add(c.pattern)  # a pattern RE2 cannot read fails here, at import
        self.searcher.Compile()

    def __iter__(self):
        return iter(self.cues)

    def __len__(self):
        return len(self.cues)

    def found(self, text: str) -> list[bool]:
        """For each cue, whether it matches the text."""
        matched = set(self.searcher.Match(text) or ())
        return [n in matched for n in range(len(self.cues))]


def score(text: str, cues: CueSet, bias: float) -> tuple[float, list[str]]:
    return score_of(cues.found(text), cues, bias)


def score_of(matched: list[bool], cues: CueSet, bias: float) -> tuple[float, list[str]]:
    """The score and reasons, given which cues matched."""
    total, reasons = bias, []
    for found, c in zip(matched, cues, strict=True):
        if found:
            total += c.weight
            if c.weight > 0:
                reasons.append(c.reason)
    return 1 / (1 + math.exp(-total)), reasons


QUESTION_WORDS = r"(who|what|when|where|why|how|which|whose|whom)"
AUXILIARIES = r"(can|could|do|does|did|is|are|was|were|will|would|should|shall|may|might|have|has|any|anyone|anybody)"

QUESTION_LIST = [
    cue("[?？¿؟]", 3.0, "asks with a question mark"),
    cue(rf"(^|[.!\n]\s*)(@{WORD}+\s+)*{QUESTION_WORDS}\b", 2.2, "starts with a question word"),
    cue(
        rf"(^|[.!\n]\s*)(@{WORD}+\s+)*{AUXILIARIES}\s+(you|u|ya|i|we|they|it|there|this|that|anyone|somebody|y'all)\b",
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
        # "Is the sourdough vegan", "Can I pre-order…", "Could you check…": asked without a question mark,
        # as customers on a phone often do. Not "can't", "do check out…" is rare from customers.
        rf"^\s*(@{WORD}+\s+)*(hi|hello|hey)?[,!]?\s*(can|could|do|does|is|are|will|would|may|have|has|did)\s+{WORD}+",
        1.6,
        "opens like a question",
    ),
    cue(
        r"\b(wondering|i'?d like to|i need to|please (send|dm|check|cancel|change|tell|let))\b",
        1.6,
        "asks for something",
    ),
    cue(
        r"\b(still open|open today|opening hours|in stock|available|price|cost|deliver|ship to|"
        r"gluten[ -]?free|vegan)\b",
        0.6,
        "mentions something customers usually ask about",
    ),
    cue(r"^\s*(lol|haha|omg|wow)\b", -1.0, "exclamation"),
    cue(
        # "why not …!" (before RE2 a \b after the "!" asked for a letter next, so it hardly ever matched)
        r"\b(who cares|who even|what a|how (nice|great|lovely|cool|awesome|sweet|amazing|brilliant)|"
        r"why would (you|anyone|they|u|someone) (do|say|even|ever)|why do (mondays|i|people) always|"
        r"isn'?t it (lovely|great|nice|amazing)|guess who)\b|\bwhy not\b.*!",
        -4.5,
        "rhetorical",
    ),
]
QUESTION_CUES = CueSet(QUESTION_LIST)
RHETORICAL = [c.reason for c in QUESTION_LIST].index("rhetorical")
QUESTION_BIAS = -2.0

COMPLAINT_LIST = [
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
        r"\b(broken|damaged|defective|faulty|missing|wrong (order|item|size|colou?r|name)|stale|cold|burnt|undercooked|"
        r"squashed|crushed|smashed|melted|soggy|ripped|torn|shrank|went black|declined|"
        r"raw|expired|mouldy|moldy|leaking|cracked|not working|doesn'?t work|stopped working|won'?t (work|start|load)|"
        r"crash(es|ed|ing)?|freez(es|ing)|keeps? (crashing|failing|logging me out))\b",
        2.6,
        "a product or service fault",
    ),
    cue(rf"\b(made (me|us|my {WORD}+) (ill|sick)|food poisoning|allergic reaction)\b", 2.8, "harmed by a product"),
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
COMPLAINT_CUES = CueSet(COMPLAINT_LIST)
COMPLAINT_BIAS = -2.4
