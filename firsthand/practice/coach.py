"""Coaching on one practice answer: each point says whether the answer did it, and why that matters.

The judgements (offensive, sentiment) and the pre-publish check are the same ones a real answer meets, so
what a trainee learns here is what the real inbox will say. Points are plain data (stored with the answer).
"""

from dataclasses import asdict, dataclass

import regex

from firsthand.practice.schema import MOVES

# What people write when they acknowledge, apologise, promise a next step or brush someone off.
ACKNOWLEDGE = regex.compile(
    r"\b(understand|hear you|you'?re right|that'?s not (ok|okay|good|acceptable|what)|frustrat\w*|"
    r"disappoint\w*|annoying|not good enough|should(n'?t| not) have|i see|thanks? (you )?for (telling|letting|"
    r"flagging|raising|writing)|let (me|us) look|sounds awful|must be)\b",
    regex.IGNORECASE,
)
APOLOGY = regex.compile(r"\b(sorry|apolog\w*|our (fault|mistake)|my (fault|mistake))\b", regex.IGNORECASE)
NEXT_STEP = regex.compile(
    r"\b(i'?ll|we'?ll|i will|we will|i'?m going to|we'?re going to|i am|we are (sending|checking)|"
    r"refund\w*|replace\w*|resend|send (you|a|it)|call you|today|tonight|tomorrow|by \d|within|right away|"
    r"now checking|checking (now|with)|look(ing)? into)\b",
    regex.IGNORECASE,
)
BRUSH_OFF = regex.compile(
    r"\b(not (our|my) (problem|fault|job)|calm down|whatever|nothing (we|i) can do|deal with it|"
    r"read the (website|sign|faq)|you should have|that'?s life|not possible,? sorry|can'?t help( you)?|"
    r"if you don'?t like it|go elsewhere|stop complaining)\b",
    regex.IGNORECASE,
)
ARGUES = regex.compile(
    r"\b(you'?re wrong|liar|lying|how dare|shut up|get lost|you clearly|you obviously|you have no idea|"
    r"troll|loser|block(ed|ing)? you)\b",
    regex.IGNORECASE,
)
THANKS = regex.compile(r"\b(thank\w*|grateful|appreciate\w*|means a lot|made our day|❤️?)\b", regex.IGNORECASE)
PRIVATE = regex.compile(
    r"\b(dm|direct message|private message|message us|messaged you|send (us|you) a message|inbox|in private|"
    r"privately|message you|sent you a message)\b",
    regex.IGNORECASE,
)
# Asking for personal data where everyone reads it: the mistake a public answer must not make.
ASKS_DATA = regex.compile(
    r"\b(your|the) (full )?(address|phone( number)?|number|card( number| details)?|email|iban|bank details|"
    r"date of birth)\b",
    regex.IGNORECASE,
)
COLD = 0.75  # the sentiment judge's confidence from which a negative tone is a missed point
TROLL_LENGTH = 200  # a calm line, not an essay: a long answer to a troll is the reaction it wanted


@dataclass
class Point:
    key: str
    title: str  # what was looked at: "Apology"
    ok: bool | None  # None: said, but not scored (a note)
    reason: str  # why, in plain words, for this answer


@dataclass
class Answer:
    text: str
    moves: list[str]
    waited_seconds: float
    target_seconds: float


def coach(scenario: dict, answer: Answer, *, rules, offensive: dict, sentiment: dict, findings, foreign: str | None):
    """All points for one answer to one scenario. `offensive`/`sentiment` are the judge's verdicts on the answer,
    `findings` the pre-publish check's, `foreign` the answer's language when it is not the house language."""
    kind, text = scenario["kind"], answer.text
    points = []
    if kind != "personal_draft":
        points.append(speed(answer))
    if foreign:
        points.append(
            Point(
                "language",
                "Language",
                None,
                f"This answer reads as {foreign}; the house language is {rules.language}. That is fine when the "
                "customer wrote in it; otherwise answer in the customer's language. Short is fine: it is not scored.",
            )
        )
    points += needs(scenario, text, short_is_fine=bool(foreign))
    if kind in ("complaint", "pile_on", "crisis"):
        points += complaint_points(text, kind)
    if kind == "troll":
        points += troll_points(text)
    if kind == "praise":
        points.append(
            Point(
                "thanks",
                "Thanks",
                bool(THANKS.search(text)),
                "Praise is worth a thank-you: it is how regulars know you read them."
                if THANKS.search(text)
                else "Say thank you: praise left unanswered reads as not noticed.",
            )
        )
    if kind != "personal_draft":
        points += brush_off(text)
    points += move_points(scenario, answer.moves)
    if scenario["good_answer"].get("personal_data"):
        points.append(private_point(text, answer.moves))
    points.append(tone(offensive, sentiment, text, kind))
    points += house_points(text, rules)
    points += check_points(findings, kind)
    return points


def speed(answer: Answer) -> Point:
    minutes = round(answer.target_seconds)  # practice runs the clock one practice minute to a real second
    if answer.waited_seconds <= answer.target_seconds:
        return Point("speed", "Speed", True, f"Answered within the workspace's {minutes}-minute target.")
    return Point(
        "speed",
        "Speed",
        False,
        f"Slower than the workspace's {minutes}-minute target: a waiting customer writes again, and louder.",
    )


def needs(scenario: dict, text: str, *, short_is_fine: bool) -> list[Point]:
    lowered = text.lower()
    points = []
    for need in scenario["good_answer"]["needs"]:
        found = [word for word in need["words"] if word in lowered]
        if found:
            points.append(Point("answered", need["says"].capitalize(), True, f"It does: “{found[0]}”."))
        elif short_is_fine:
            points.append(
                Point(
                    "answered",
                    need["says"].capitalize(),
                    None,
                    "Not found in the words we know; in another language we can't tell, so it is not scored.",
                )
            )
        else:
            points.append(
                Point(
                    "answered",
                    need["says"].capitalize(),
                    False,
                    f"A good answer {need['says']}: the customer asked for it, and would have to ask again.",
                )
            )
    return points


def complaint_points(text: str, kind: str) -> list[Point]:
    acknowledged = ACKNOWLEDGE.search(text) or APOLOGY.search(text)
    points = [
        Point(
            "acknowledge",
            "Acknowledgement",
            bool(acknowledged),
            f"You name what went wrong (“{acknowledged.group(0)}”): the customer feels heard."
            if acknowledged
            else "Say what went wrong in their words first: an upset customer wants to be heard before being helped.",
        ),
    ]
    if kind != "crisis":  # in a crisis nobody knows yet whose fault it is: own the worry, not the blame
        apology = APOLOGY.search(text)
        points.append(
            Point(
                "apology",
                "Apology",
                bool(apology),
                "A plain apology takes the heat out."
                if apology
                else "No apology: “sorry” costs nothing and calms more than any explanation.",
            )
        )
    step = NEXT_STEP.search(text)
    points.append(
        Point(
            "next_step",
            "A concrete next step",
            bool(step),
            f"You say what happens next (“{step.group(0)}”)."
            if step
            else "Say what you will do and when (“I'll resend it today”): without it the complaint goes on.",
        )
    )
    return points


def brush_off(text: str) -> list[Point]:
    brush = BRUSH_OFF.search(text)
    if not brush:
        return []
    return [
        Point(
            "brush_off",
            "No brush-off",
            False,
            f"“{brush.group(0)}” dismisses the customer: it turns a question or a complaint into a public row.",
        )
    ]


def troll_points(text: str) -> list[Point]:
    argues = ARGUES.search(text)
    return [
        Point(
            "brief",
            "Brief",
            len(text) <= TROLL_LENGTH,
            "Short and calm: nothing for a troll to feed on."
            if len(text) <= TROLL_LENGTH
            else f"{len(text)} characters: a long answer is the reaction a troll wants. One calm line, or none.",
        ),
        Point(
            "no_argument",
            "Doesn't argue back",
            not argues,
            "You don't take the bait."
            if not argues
            else f"“{argues.group(0)}” argues back; others read the row, not who started it.",
        ),
    ]


def move_points(scenario: dict, moves: list[str]) -> list[Point]:
    points = []
    for move in scenario["good_answer"]["moves"]:
        label = MOVES[move]
        done = move in moves
        why = {
            "ask_owner": "only the owner decides this; promising anything yourself would bind the business",
            "move_private": "personal details belong in direct messages, never under a public post",
            "pause_publishing": "cheerful scheduled posts during a crisis look careless; pause them first",
        }[move]
        points.append(
            Point(move, label, done, f"Right move: {why}." if done else f"The right move here was “{label}”: {why}.")
        )
    return points


def private_point(text: str, moves: list[str]) -> Point:
    asks = ASKS_DATA.search(text)
    private = "move_private" in moves or PRIVATE.search(text)
    if asks and "move_private" not in moves:
        return Point(
            "private",
            "Personal data kept private",
            False,
            f"“{asks.group(0)}” asks for personal data where everyone reads it. Ask for it in direct messages.",
        )
    if private:
        return Point(
            "private",
            "Personal data kept private",
            True,
            "You took it to direct messages, where the customer's details are safe.",
        )
    return Point(
        "private",
        "Personal data kept private",
        False,
        "The customer wrote personal details in public: offer to continue in direct messages.",
    )


def tone(offensive: dict, sentiment: dict, text: str, kind: str) -> Point:
    if offensive.get("label") == "offensive":
        words = ", ".join(offensive.get("reasons") or []) or "the tone of the whole text"
        return Point("tone", "Tone", False, f"Reads as offensive ({words}): never, whatever the customer wrote.")
    reasons = " ".join(sentiment.get("reasons") or [])
    # "Sorry" makes the sentiment judge read negative; in an apology that is the point. In a crisis the news
    # is bad whatever the words, so only an offensive tone counts there.
    apologetic = bool(APOLOGY.search(text)) and ("sorry" in reasons.lower() or "apolog" in reasons.lower())
    if sentiment.get("label") == "negative" and not apologetic and kind != "crisis":
        said = "Reads as negative" + (f" ({reasons})" if reasons else "")
        # Facts about allergens or closing days read mildly negative; only a clear verdict is scored.
        if sentiment.get("score", 0) >= COLD:
            return Point("warmth", "Tone", False, said + ": warm words cost nothing, and everyone else reads them.")
        return Point("warmth", "Tone", None, said + ", a little: a friendly word would warm it up. Not scored.")
    return Point(
        "tone", "Tone", True, "Friendly and calm." if sentiment.get("label") == "positive" else "Calm and polite."
    )


def house_points(text: str, rules) -> list[Point]:
    from firsthand.guard.checks import first_span

    points = []
    avoid = [word for word in rules.lines(rules.avoid_words) if first_span(text, word)]
    if rules.lines(rules.avoid_words):
        points.append(
            Point(
                "house_avoid",
                "House rules: words to avoid",
                not avoid,
                "Uses “" + "”, “".join(avoid) + "”, which the house rules ask to avoid."
                if avoid
                else "None of the words to avoid.",
            )
        )
    use = rules.lines(rules.use_words)
    if use:
        used = [word for word in use if first_span(text, word)]
        points.append(
            Point(
                "house_use",
                "House rules: words to use",
                bool(used),
                f"Uses “{used[0]}”, as the house rules ask."
                if used
                else "The house rules ask for one of: " + ", ".join(use) + ".",
            )
        )
    if rules.sign_off.strip():
        signed = text.rstrip().lower().endswith(rules.sign_off.strip().lower())
        points.append(
            Point(
                "house_sign_off",
                "House rules: sign-off",
                signed,
                "Signed off as the house does."
                if signed
                else f"End with the house sign-off: “{rules.sign_off.strip()}”.",
            )
        )
    promised = [word for word in rules.lines(rules.promises) if first_span(text, word)]
    if promised:
        points.append(
            Point(
                "house_promise",
                "House rules: promises",
                False,
                "“" + "”, “".join(promised) + "” is a promise staff may not make; ask the owner first.",
            )
        )
    return points


def check_points(findings, kind: str) -> list[Point]:
    points = []
    for finding in findings:
        # A finding that would make a real answer wait or be refused is a failed point; a warning is a note.
        points.append(
            Point(
                f"check_{finding.kind}",
                "Pre-publish check",
                None if finding.severity == "warn" else False,
                finding.reason + ("." if not finding.reason.endswith(".") else ""),
            )
        )
    if kind == "personal_draft" and not any(f.kind == "personal" for f in findings):
        points.append(
            Point(
                "check_personal",
                "Speaks for the business",
                True,
                "Nothing in it reads as someone's private life: it can go out on the brand's account.",
            )
        )
    return points


def as_data(points: list[Point]) -> list[dict]:
    return [asdict(point) for point in points]
