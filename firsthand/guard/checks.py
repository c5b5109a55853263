"""The pre-publish check: what in a post the business might regret, with how serious it is and where it is.

It answers; it never publishes. Publishing asks it before anything is scheduled, and the composer asks
it as the author types.
"""

from dataclasses import dataclass
from datetime import timedelta

import regex
from django.core.cache import cache
from django.utils import timezone

from firsthand.guard.models import BrandRules
from firsthand.publishing.counting import links as find_links

BLOCK, APPROVAL, WARN = "block", "approval", "warn"
# Holding needs a clear verdict: the judge says offensive from 0.5; the check asks an approver from 0.7.
OFFENSIVE_CONFIDENCE = 0.7
SEVERITY_ORDER = {BLOCK: 0, APPROVAL: 1, WARN: 2}

HASHTAG = regex.compile(r"(?<!\w)#\w+")
MENTION = regex.compile(r"(?<![\w@])@\w[\w.]*")
# Text that reads as someone's private life rather than the business talking.
PERSONAL = regex.compile(
    r"\b(my (wife|husband|girlfriend|boyfriend|gf|bf|kids?|son|daughter|mum|mom|dad|ex|hangover|weekend)|"
    r"date night|so hungover|i'?m (so )?drunk|wasted last night|love you (babe|baby|hun)|miss you (babe|baby)|"
    r"(this|next) weekend i'?m|can'?t wait to see you|going out tonight|my (bday|birthday))\b",
    regex.IGNORECASE,
)


@dataclass(frozen=True)
class Check:
    kind: str
    severity: str
    reason: str
    start: int | None = None
    end: int | None = None


def first_span(text: str, phrase: str):
    match = regex.search(r"(?<!\w)" + regex.escape(phrase) + r"(?!\w)", text, regex.IGNORECASE)
    return (match.start(), match.end()) if match else None


# How people disguise a word: a letter swapped for a look-alike or masked with a symbol, or stretched out.
LOOK_ALIKES = {"a": "4@", "e": "3", "i": "1!", "o": "0", "s": "5$", "t": "7", "l": "1"}
MASKS = "*#_.%"


def disguised_span(text: str, word: str):
    """Where `word` appears in the text as written, however disguised ("f*cking", "1d10t", "stuuupid")."""
    parts = []
    for letter in word.lower():
        if not letter.isalpha():
            parts.append(regex.escape(letter))
            continue
        choices = regex.escape(letter + LOOK_ALIKES.get(letter, "") + MASKS)
        parts.append(f"[{choices}]+")
    match = regex.search(r"(?<![\w*#@$])" + "".join(parts) + r"(?![\w*#@$])", text, regex.IGNORECASE)
    return (match.start(), match.end()) if match else None


def offensive(text: str) -> list[Check]:
    from firsthand.judge import judge

    verdict = judge("offensive", [text])[0]
    words = [reason.strip("“”") for reason in verdict.get("reasons", []) if reason.startswith("“")]
    # Holding a post is costly: only a confident judgement holds it. The accurate model also reads insults
    # without a swear word ("too dumb to read a label", a sneer at a whole group): then the whole text is named.
    if verdict.get("label") != "offensive" or verdict["score"] < OFFENSIVE_CONFIDENCE:
        return []
    found = []
    for word in words:
        span = first_span(text, word) or disguised_span(text, word)
        if span:
            found.append(
                Check("offensive", APPROVAL, f"Reads as offensive or insulting: “{text[span[0] : span[1]]}”", *span)
            )
    return found or [Check("offensive", APPROVAL, "Reads as offensive or insulting")]


def brand_rules(text: str, rules: BrandRules) -> list[Check]:
    found = []
    for phrase in rules.lines(rules.banned_phrases):
        if span := first_span(text, phrase):
            found.append(Check("banned_phrase", BLOCK, f"“{phrase}” is on the brand's banned list", *span))
    for phrase in rules.lines(rules.approval_phrases):
        if span := first_span(text, phrase):
            found.append(Check("approval_phrase", APPROVAL, f"“{phrase}” always needs an approver", *span))
    for name in rules.lines(rules.competitors):
        if span := first_span(text, name):
            found.append(Check("competitor", APPROVAL, f"Names a competitor, {name}", *span))
    # The links as the networks find them, bare domains included: "evil.example.com" is a link on X too.
    links = [(link, link.host) for link in find_links(text)]
    product = {d.lower().removeprefix("www.") for d in rules.lines(rules.product_domains)}
    if rules.disclosure and any(host in product for _, host in links):
        if not first_span(text, rules.disclosure):
            found.append(Check("disclosure", BLOCK, f"A product link needs “{rules.disclosure}” in the post"))
    allowed = {d.lower().removeprefix("www.") for d in rules.lines(rules.allowed_domains)}
    for link, host in links:
        if allowed and host not in allowed and not any(host.endswith("." + d) for d in allowed):
            found.append(
                Check(
                    "link_domain",
                    APPROVAL,
                    f"Links to {host}, which is not on the allowed list",
                    link.start,
                    link.end,
                )
            )
    for pattern, limit, what in ((HASHTAG, rules.max_hashtags, "hashtags"), (MENTION, rules.max_mentions, "mentions")):
        count = len(pattern.findall(text))
        if limit is not None and count > limit:
            found.append(Check(f"too_many_{what}", WARN, f"{count} {what}; the brand's limit is {limit}"))
    return found


def wrong_account(text: str, account) -> list[Check]:
    if not account.is_brand:
        return []
    match = PERSONAL.search(text)
    if not match:
        return []
    return [
        Check(
            "personal",
            APPROVAL,
            f"Reads as personal (“{match.group(0)}”), and {account.handle} is the business's account",
            match.start(),
            match.end(),
        )
    ]


def personal_handles(author, account) -> set[str]:
    """The author's own accounts: the handles they listed on their profile and their personal accounts here."""
    from firsthand.networks.models import ConnectedAccount

    listed = [line.strip() for line in (author.personal_handles or "").splitlines()]
    connected = ConnectedAccount.objects.filter(
        workspace=account.workspace, connected_by=author, is_brand=False, disconnected_at=None
    ).values_list("handle", flat=True)
    return {handle.lstrip("@").lower() for handle in [*listed, *connected] if handle.strip("@ ")}


def own_handle(text: str, account, author) -> list[Check]:
    if author is None or not account.is_brand:
        return []
    found = []
    for handle in personal_handles(author, account):
        match = regex.search(r"(?<![\w@])@" + regex.escape(handle) + r"(?![\w.@])", text, regex.IGNORECASE)
        if match:
            found.append(
                Check(
                    "own_handle",
                    APPROVAL,
                    f"Mentions @{handle}, your own account, from {account.handle}: is this meant for the business?",
                    match.start(),
                    match.end(),
                )
            )
    return found


def own_style(text: str, account, author) -> list[Check]:
    """A brand post written the way the author writes on their own account, not the way the brand talks."""
    from firsthand.guard.style import sounds_like_author
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    if author is None or not account.is_brand:
        return []
    key = f"firsthand.voices.{author.pk}.{account.pk}"
    voices = cache.get(key)
    if voices is None:
        sent = Delivery.objects.filter(state=State.PUBLISHED).order_by("-published_at")
        personal = sent.filter(post__author=author, account__is_brand=False).values_list("post__text", flat=True)
        brand = sent.filter(account=account).values_list("post__text", flat=True)
        voices = (list(personal[:50]), list(brand[:50]))
        cache.set(key, voices, 600)
    if not sounds_like_author(text, *voices):
        return []
    return [
        Check(
            "own_style",
            WARN,
            f"Sounds like your own posts more than {account.handle}'s: is this meant for the business?",
        )
    ]


def language(text: str, account) -> list[Check]:
    from firsthand.guard.language import detect, usual_language
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    written_in = detect(text)
    if written_in is None:
        return []
    key = f"firsthand.usual_language.{account.pk}"
    usual = cache.get(key, "unknown")
    if usual == "unknown":
        # An account's habits change slowly: read its last posts at most every ten minutes, not per keystroke.
        recent = (
            Delivery.objects.filter(account=account, state=State.PUBLISHED)
            .order_by("-published_at")
            .values_list("variant_text", "post__text")[:30]
        )
        usual = usual_language([variant or text for variant, text in recent])
        cache.set(key, usual, 600)
    if usual is None or usual == written_in:
        return []
    return [Check("language", WARN, f"Reads as {written_in}; {account.handle} usually posts in {usual}")]


def duplicates(text: str, account, exclude_post=None) -> list[Check]:
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    if "\x00" in text:  # no stored text holds a NUL (PostgreSQL refuses it even in a query), so none is the same
        return []
    recent = Delivery.objects.filter(
        account=account,
        state__in=[State.SCHEDULED, State.PUBLISHED, State.PUBLISHING, State.RETRYING],
        due_at__gte=timezone.now() - timedelta(days=7),
    )
    if exclude_post is not None:
        recent = recent.exclude(post=exclude_post)
    same = recent.filter(variant_text=text).exists() or recent.filter(variant_text="", post__text=text).exists()
    if same:
        return [Check("duplicate", APPROVAL, f"The same text went to {account.handle} in the last 7 days")]
    return []


def check(text: str, account, *, rules: BrandRules | None = None, post=None, author=None) -> list[Check]:
    """Everything the check finds in one text for one account, most serious first.

    `author` is who writes it (a post's author when `post` is given), for the checks about their own accounts.
    """
    if not text.strip():
        return []
    rules = rules or BrandRules.for_workspace(account.workspace)
    author = author or (post.author if post is not None else None)
    found = offensive(text) + brand_rules(text, rules) + wrong_account(text, account)
    found += own_handle(text, account, author) + own_style(text, account, author) + language(text, account)
    found += duplicates(text, account, post)
    return sorted(found, key=lambda c: (SEVERITY_ORDER[c.severity], c.start if c.start is not None else -1))
