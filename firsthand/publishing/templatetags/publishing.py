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


@register.filter
def blog_title(text: str) -> str:
    """A blog post's title: its first line (networks/blog.py)."""
    lines = (text or "").strip().splitlines()
    return lines[0].strip() if lines else ""


@register.filter
def blog_body(text: str) -> str:
    """A blog post's text after the title line, without the last line when it holds the tags."""
    from firsthand.networks.blog import TAG_LINE

    rest = (text or "").strip().splitlines()[1:]
    if rest and TAG_LINE.match(rest[-1]):
        rest.pop()
    return "\n".join(rest).strip()


@register.filter
def blog_tags(text: str) -> list[str]:
    """The tags a blog post gets: its last line's hashtags, when that line holds nothing else."""
    from firsthand.networks.blog import HASHTAG, TAG_LINE

    rest = (text or "").strip().splitlines()[1:]
    return list(dict.fromkeys(HASHTAG.findall(rest[-1]))) if rest and TAG_LINE.match(rest[-1]) else []
