from urllib.parse import urlsplit

from django import template

from firsthand.publishing.counting import URL

register = template.Library()


@register.filter
def first_link(text: str) -> str:
    match = URL.search(text or "")
    return match.group(0) if match else ""


@register.filter
def link_domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
