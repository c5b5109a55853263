"""Making and finding a delivery's short links."""

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from firsthand.publishing.shortlinks.models import ShortLink

# Read aloud or typed from a screenshot without doubt: no 0/o, no 1/l/i. 31⁸ ≈ 8.5 × 10¹¹ codes, so
# guessing one that exists is hopeless, and the rare collision on making one draws again.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 8
# What the composer shows before a post is scheduled: as long as a real code, so every count is the real
# one, and never a real code (capitals are not in the alphabet), so typed in it leads to the 404 page.
PREVIEW_CODE = "X" * LENGTH
# Longer links stay as written: they are rare, and each (delivery, link) pair is a unique index entry.
MAX_TARGET_BYTES = 2000


def available() -> bool:
    """Short links need the public address people reach firsthand at: the worker has no browser to ask."""
    return bool(settings.BASE_URL)


def wanted(link_settings) -> bool:
    return bool(link_settings is not None and link_settings.short_links and available())


def url_for(code: str) -> str:
    return settings.BASE_URL + reverse("publishing:short_link", kwargs={"code": code})


def valid_code(code: str) -> bool:
    return len(code) == LENGTH and all(char in ALPHABET for char in code)


def shortenable(url: str) -> bool:
    """Only web links are shortened (and so only ever redirected to); not one of our own short links again."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    if len(url.encode("utf-8", "surrogatepass")) > MAX_TARGET_BYTES:
        return False
    return not (available() and url.startswith(url_for("x")[:-1]))


def may_have_gone_out(delivery) -> bool:
    """Part of it may be on the network (a thread cut short, an attempt nobody could confirm): its text,
    short links included, must stay exactly as it was."""
    from firsthand.publishing.states import State

    return bool(delivery.remote_ids) or delivery.needs_reconcile or delivery.state == State.UNCONFIRMED


def targets(delivery, link_settings) -> list[str]:
    """The links of the delivery's parts that go out short, campaign tags on, found as the tagging finds them."""
    from firsthand.publishing.links import rewrite_links, utm_params

    found = []

    def collect(url):
        if shortenable(url):
            found.append(url)

    params = utm_params(link_settings, delivery.account, delivery.post.campaign)
    for part in delivery.parts():
        rewrite_links(part, params, collect)
    return list(dict.fromkeys(found))


def prepare(delivery, link_settings) -> None:
    """Decide whether the delivery's links go out short and make the codes it lacks; called by send_on (every
    door to "scheduled"), inside its transaction with the delivery locked, so each code is made once.

    The setting is read when a draft is scheduled (a first time, or again after an edit or a move back to
    drafts); a retry, an approval, a new time or a release keeps what was decided then, so the text checked
    is the text sent, however the setting changed meanwhile. A code once made is reused every time: the same
    link in the same delivery always becomes the same /l/ address.
    """
    from firsthand.publishing.states import State

    if delivery.state == State.DRAFT and not may_have_gone_out(delivery):
        decided = wanted(link_settings)
        if decided != delivery.shorten_links:
            delivery.shorten_links = decided
            type(delivery).objects.filter(pk=delivery.pk).update(shorten_links=decided)
    if not delivery.shorten_links:
        return
    have = set(ShortLink.objects.filter(delivery=delivery).values_list("target", flat=True))
    for target in targets(delivery, link_settings):
        if target not in have:
            make(delivery, target)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def make(delivery, target: str) -> ShortLink:
    for _ in range(5):
        try:
            with transaction.atomic():
                return ShortLink.objects.create(delivery=delivery, target=target, code=new_code())
        except IntegrityError:
            made = ShortLink.objects.filter(delivery=delivery, target=target).first()
            if made is not None:
                return made
            # The code was taken: draw another.
    raise RuntimeError("Could not find a free short-link code in five draws.")


def made_for(delivery) -> Callable[[str], str | None] | None:
    """The delivery's link → its short link, for the text that goes out; None leaves a link as written."""
    if not available():
        # FIRSTHAND_BASE_URL was taken away after the codes were made: without it there is no address to
        # send, so the links go out as written rather than as a broken address.
        return None
    codes = {link.target: link.code for link in delivery.short_links.all()}  # .all(): the engine prefetches
    return lambda url: url_for(codes[url]) if url in codes else None


def preview_for(link_settings, known: dict[str, str] | None = None) -> Callable[[str], str | None] | None:
    """For the composer: each link as its short link will read, with the code it has if it has one."""
    if not wanted(link_settings):
        return None
    known = known or {}
    return lambda url: url_for(known.get(url, PREVIEW_CODE)) if shortenable(url) else None


def as_it_would_go(delivery, link_settings) -> list[str]:
    """The delivery's parts as scheduling it now would send them, for the check before it is scheduled: for a
    draft, short links as the setting stands (a code not made yet counts as long as a real one); otherwise
    as decided when it was scheduled (prepare)."""
    from firsthand.publishing.links import rewrite_links, utm_params
    from firsthand.publishing.states import State

    if delivery.state != State.DRAFT or may_have_gone_out(delivery):
        return delivery.outgoing_parts(link_settings)
    params = utm_params(link_settings, delivery.account, delivery.post.campaign)
    shorten = preview_for(link_settings, known_codes(delivery)) if wanted(link_settings) else None
    return [rewrite_links(part, params, shorten) for part in delivery.parts()]


def known_codes(delivery) -> dict[str, str]:
    return dict(ShortLink.objects.filter(delivery=delivery).values_list("target", "code"))


def remove(delivery) -> int:
    """The post is gone from the network: its links answer 404 from now on; their counts stay."""
    from django.utils import timezone

    return ShortLink.objects.filter(delivery=delivery, removed_at=None).update(removed_at=timezone.now())
