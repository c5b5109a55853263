"""Counting a click on a short link, and what is not counted.

Counted: a GET of /l/<code> for a link that exists and is not removed, one more on that link's row for the
day (the workspace's day). Not counted: HEAD requests (link checkers, previews that only look), and the
link-preview fetchers of the networks, known by their user agent (BOT_MARKERS). They are still sent on, so
previews keep working. Nothing about the person is stored: no address, no user agent, no cookie, no
referrer; the count per link per day is all there is.

One UPDATE per click on the day's row; the first click of a day inserts it, and when two first clicks race,
the unique (link, day) constraint lets one insert and the other count on its row (safe on SQLite, where
writes are serialised, and on PostgreSQL, where the UPDATE takes the row lock).
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from firsthand.publishing.shortlinks.models import ShortLinkDay

# The user agents of the networks' link-preview fetchers (matched case-insensitively, as substrings):
# - Meta (Facebook, Instagram, Threads, WhatsApp): facebookexternalhit, Facebot, meta-externalagent
#   (developers.facebook.com/docs/sharing/webmasters/web-crawlers); WhatsApp's own preview: WhatsApp/
# - X: Twitterbot (developer.x.com/en/docs/x-for-websites/cards/guides/getting-started, "Crawling")
# - LinkedIn: LinkedInBot; Bluesky's card fetcher: "Bluesky Cardyb" (bluesky-social/cardyb): the agents
#   their requests carry, not a documented promise
# - Mastodon: every server fetches a preview itself, as "http.rb/… (Mastodon/…; +https://server/)"
#   (mastodon/mastodon app/lib/request.rb)
# - Pinterest: Pinterestbot; Slack, Discord, Telegram, Skype and Google/Bing crawlers, where links get pasted.
BOT_MARKERS = (
    "facebookexternalhit",
    "facebot",
    "meta-externalagent",
    "whatsapp/",
    "twitterbot",
    "linkedinbot",
    "cardyb",
    "(mastodon/",
    "pinterestbot",
    "slackbot",
    "discordbot",
    "telegrambot",
    "skypeuripreview",
    "googlebot",
    "bingbot",
)


def is_bot(user_agent: str) -> bool:
    agent = user_agent.lower()
    return any(marker in agent for marker in BOT_MARKERS)


def counts(method: str, user_agent: str) -> bool:
    return method == "GET" and not is_bot(user_agent)


def count_click(link_id: int, day: date) -> None:
    if ShortLinkDay.objects.filter(link_id=link_id, day=day).update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():
            ShortLinkDay.objects.create(link_id=link_id, day=day, clicks=1)
    except IntegrityError:
        # Another first click of the day made the row between our UPDATE and INSERT: count on it.
        ShortLinkDay.objects.filter(link_id=link_id, day=day).update(clicks=F("clicks") + 1)
