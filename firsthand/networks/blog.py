"""What the blog networks (WordPress, Ghost) share: a composer text made into a blog post, and the one way
they reach a site a person named.

A blog post has a title, an HTML body and tags, where every other network has one text. The composer's
text is read as: the first line is the title, the rest the body (paragraphs at blank lines, line breaks
kept, links made links, everything else escaped, so nothing a person typed becomes markup), and a last
line made only of hashtags becomes the post's tags. The composer says so beside a blog account.

A blog lives at an address the business typed, so every call goes through networks/safe_http.py (public
addresses only, each redirect checked, size and time caps): a site URL that names this machine or its
neighbours is refused as "could not reach that address", like a link card's page.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from firsthand.networks import safe_http
from firsthand.networks.base import NetworkError

LINK = re.compile(r"https?://[^\s<>\"]+")
HASHTAG = re.compile(r"#(\w[\w-]*)")
TAG_LINE = re.compile(r"^\s*(#\w[\w-]*\s*)+$")


@dataclass(frozen=True)
class BlogPost:
    title: str
    html: str
    tags: tuple[str, ...] = ()


def linked(line: str) -> str:
    """One line, escaped, with its links as anchors (a trailing full stop or bracket stays text)."""
    out, last = [], 0
    for found in LINK.finditer(line):
        url = found.group(0).rstrip(".,;:!?)")
        out.append(html.escape(line[last : found.start()]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = found.start() + len(url)
    out.append(html.escape(line[last:]))
    return "".join(out)


def blog_post(text: str) -> BlogPost:
    lines = text.strip().splitlines()
    if not lines or not lines[0].strip():
        raise NetworkError("A blog post needs a title: write it as the post's first line.", transient=False)
    title, rest = lines[0].strip(), lines[1:]
    tags: tuple[str, ...] = ()
    while rest and not rest[-1].strip():
        rest.pop()
    if rest and TAG_LINE.match(rest[-1]):
        tags = tuple(dict.fromkeys(HASHTAG.findall(rest.pop())))
    paragraphs, current = [], []
    for line in [*rest, ""]:
        if line.strip():
            current.append(linked(line.strip()))
        elif current:
            paragraphs.append("<p>" + "<br>".join(current) + "</p>")
            current = []
    return BlogPost(title=title, html="\n".join(paragraphs), tags=tags)


def normalise_site(address: str) -> str:
    """The address as scheme://host[/path] (https when none is written); ValueError when it is no address."""
    address = address.strip()
    if "://" not in address:
        address = "https://" + address
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("Write the site's address, for example https://blog.cornercafe.com.")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def site_request(name: str, method: str, url: str, *, what: str, writes: bool = False, **kwargs) -> requests.Response:
    """One call to a blog the business named, through the guarded client. A private or unresolvable address
    is a permanent refusal in safe_http's words; a site that does not answer is worth trying again, and
    after a write nobody knows whether it arrived."""
    try:
        with safe_http.session() as guarded:
            # A GET follows redirects (each checked by the guard: http → https, a bare domain → www); a write
            # never does, since a redirected POST would arrive as a GET.
            return guarded.request(method, url, allow_redirects=method == "GET", **kwargs)
    except (requests.RequestException, ValueError, UnicodeError) as error:
        if safe_http.refused_in(error) or isinstance(error, requests.exceptions.InvalidURL | ValueError):
            raise NetworkError(f"{name}: firsthand {safe_http.UNREACHABLE} while {what}.", transient=False) from None
        raise NetworkError(
            f"{name} could not be reached while {what}: {type(error).__name__}.",
            transient=True,
            outcome_unknown=writes,
        ) from None
