from urllib.parse import urlsplit

from django import template

from firsthand.publishing.counting import links

register = template.Library()


@register.filter
def first_link(text: str) -> str:
    found = links(text or "", without_scheme=False)
    return found[0].url if found else ""


@register.filter
def link_domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
