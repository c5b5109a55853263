"""Campaign tags (UTM) on the links of outgoing posts, so the business sees which posts bring visitors."""

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from firsthand.publishing.counting import links


def tag_url(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key.startswith("utm_") for key, _ in query):
        return url  # the author tagged it by hand; theirs wins
    query += [(key, value) for key, value in params.items() if value]
    return urlunsplit(parts._replace(query=urlencode(query)))


def tag_links(text: str, params: dict[str, str]) -> str:
    return rewrite_links(text, params)


def rewrite_links(text: str, params: dict[str, str], shorten: Callable[[str], str | None] | None = None) -> str:
    """The text as it goes out: campaign tags on each link, then, where `shorten` gives one for the tagged
    link, the business's own short link in its place (shortlinks/)."""
    tagging = bool(params) and any(params.values())
    if not tagging and shorten is None:
        return text
    # The links twitter-text finds, so a tag never lands inside `…/Primer_(film)` or on the CJK text after a
    # link; only links with a scheme, because tagging a bare domain would turn it into a path on most networks.
    pieces, position = [], 0
    for link in links(text, without_scheme=False):
        url = tag_url(link.url, params) if tagging else link.url
        if shorten is not None:
            url = shorten(url) or url
        pieces += [text[position : link.start], url]
        position = link.end
    return "".join(pieces) + text[position:]


def utm_params(settings, account, campaign: str) -> dict[str, str]:
    """The tags for one account's copy of a post, from the workspace's settings and the post's campaign."""
    if settings is None or not settings.utm_enabled:
        return {}

    def fill(template: str) -> str:
        return template.replace("{network}", account.network).replace("{account}", account.handle.lstrip("@"))

    return {
        "utm_source": fill(settings.utm_source),
        "utm_medium": fill(settings.utm_medium),
        "utm_campaign": fill(campaign or settings.utm_campaign),
    }
