"""The machinery of the page fuzz test (test_fuzz_pages.py): which addresses exist, which parameters each
page reads, hostile values for them, and a runner that sends each request inside a savepoint it rolls back,
so one request's writes never change what the next one sees, and writes down every server error.
"""

import copy
import inspect
import re
import time
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.core.cache import cache
from django.db import transaction
from django.forms import BaseForm
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Values no form or address expects. Lone surrogates go out as the invalid UTF-8 bytes they stand for.
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "9223372036854775808",  # one past the largest bigint
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits: int() reads them
    "abc",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff x",
    "\u202eevil\u202c",  # right-to-left override
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31T23:59",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "24:00",
    "23:59:60",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%",
    "😀" * 3,
    "on",
    "1",
    "[]",
]
# Each parameter alone gets these: the kinds of value that broke pages before (ids, dates, NUL, bad UTF-8, size).
ALONE = ["", "-1", "9223372036854775808", "abc", "²", "\x00", "\ud800", "x" * 100_000, "0001-01-01", "9999-12-31T23:59"]
RANDOM_NAMES = ["x", "page[]", "__proto__", "a.b", "\u202e"]
ROLES = ["owner", "manager", "staff", "viewer", "outsider", "anonymous"]

READ = re.compile(
    r"(?:GET|POST|FILES|params|data|query)(?:\.get|\.getlist|\.pop)?\(\s*[\"']([^\"'{}]+)[\"']"
    r"|(?:GET|POST|params|data)\[\s*[\"']([^\"'{}]+)[\"']\]"
)


def encode(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


def query(pairs) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


@dataclass
class Address:
    pattern: str  # as written in urls.py, e.g. w/<slug:slug>/posts/<id:post_id>/
    name: str
    view: object
    params: list[str]  # path parameters, in order
    defaults: dict


def addresses() -> list[Address]:
    """Every URL pattern of the project, nested includes flattened."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), space)
            elif isinstance(entry, URLPattern):
                text = prefix + str(entry.pattern)
                params = re.findall(r"<(?:\w+:)?(\w+)>", text)
                found.append(Address(text, namespace + (entry.name or ""), entry.callback, params, entry.default_args))

    walk(get_resolver().url_patterns)
    return found


def fill(pattern: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: encode(str(values[m.group(1)])), pattern)


def view_function(view):
    view = getattr(view, "view_class", None) or inspect.unwrap(view)
    return view


def names_read(view) -> set[str]:
    """The parameter names a view reads from GET/POST (or a params mapping it hands on), and its forms' fields:
    in its own source and that of the functions and forms of its module it uses, followed one call at a time."""
    function = view_function(view)
    module = inspect.getmodule(function)
    names, seen, todo = set(), set(), [function]
    while todo:
        thing = todo.pop()
        if thing in seen:
            continue
        seen.add(thing)
        if isinstance(thing, type) and issubclass(thing, BaseForm):
            names |= set(thing.base_fields)
            continue
        try:
            source = inspect.getsource(thing)
        except (TypeError, OSError):
            continue
        names |= {m.group(1) or m.group(2) for m in READ.finditer(source)}
        for word in set(re.findall(r"\b[A-Za-z_]\w*\b", source)):
            used = getattr(module, word, None)
            if (
                used is not None
                and getattr(used, "__module__", "").startswith("firsthand")
                and (inspect.isfunction(used) or (isinstance(used, type) and issubclass(used, BaseForm)))
            ):
                todo.append(used)
    return names


def choices_in(view, param: str) -> list[str]:
    """The words a view compares a path parameter with (`action == "retry"`, `what in ("done", "open")`)."""
    try:
        source = inspect.getsource(view_function(view))
    except (TypeError, OSError):
        return []
    words = re.findall(rf"\b{param}\s*==\s*\"([^\"]+)\"", source)
    for group in re.findall(rf"\b{param}\s+in\s+\(([^)]*)\)", source):
        words += re.findall(r"\"([^\"]+)\"", group)
    return list(dict.fromkeys(words))


class FormFields(HTMLParser):
    """The fields of every <form> on a page, by the address it posts to, with the values the page filled in."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self.current = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_path).path
            if (attrs.get("method") or "get").lower() == "post":
                self.current = self.forms.setdefault(action, [])
            else:
                self.current = None
        elif self.current is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            kind = (attrs.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind == "file":
                return
            self.current.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


@dataclass
class Failure:
    method: str
    url: str
    role: str
    data: str
    problem: str

    def __str__(self):
        shown = self.data if len(self.data) < 300 else self.data[:300] + f"… ({len(self.data)} chars)"
        return f"{self.method} {self.url[:300]} as {self.role} with {shown}: {self.problem}"


class Rollback(Exception):
    pass


@dataclass
class Runner:
    clients: dict
    counted: list = field(default_factory=list)  # models whose row counts a refused POST must leave alone
    failures: list = field(default_factory=list)
    half_saved: list = field(default_factory=list)
    requests: int = 0
    urls: set = field(default_factory=set)
    seconds: dict = field(default_factory=dict)  # path → time spent on it, to keep the run short
    statuses: dict = field(default_factory=dict)  # status code → how many, to see that the fuzz got past the doors

    def counts(self):
        return [model.objects.count() for model in self.counted]

    def send(self, role, method, path, *, body="", content_type="application/x-www-form-urlencoded", headers=None):
        """One request as `role`, its writes rolled back; returns the response, or None after a server error."""
        client: Client = self.clients[role]
        self.requests += 1
        self.urls.add(path.split("?")[0])
        cache.clear()  # sign-in throttles and presence live there: each request starts from the same state
        cookies = copy.deepcopy(client.cookies)  # a sign-out's new session cookie must not outlive its rollback
        response = None
        started = time.perf_counter()
        try:
            with transaction.atomic():
                before = self.counts() if method == "POST" else None
                if method == "GET":
                    response = client.get(path, headers=headers or {})
                else:
                    response = client.generic(method, path, body, content_type=content_type, headers=headers or {})
                if before is not None and refused(response) and self.counts() != before:
                    changed = [
                        m.__name__ for m, b, a in zip(self.counted, before, self.counts(), strict=True) if a != b
                    ]
                    self.half_saved.append(Failure(method, path, role, preview(body), f"refused yet saved {changed}"))
                raise Rollback
        except Rollback:
            pass
        except Exception as error:  # the test client re-raises what the view raised: that is the 500
            where = traceback.extract_tb(error.__traceback__)[-1]
            problem = f"{type(error).__name__}: {str(error)[:200]} (at {where.filename}:{where.lineno})"
            self.failures.append(Failure(method, path, role, preview(body), problem))
            return None
        finally:
            client.cookies = cookies
            where = path.split("?")[0]
            self.seconds[where] = self.seconds.get(where, 0) + time.perf_counter() - started
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.failures.append(Failure(method, path, role, preview(body), f"HTTP {response.status_code}"))
            return None
        return response


def preview(body) -> str:
    return body if isinstance(body, str) else repr(body[:300])


def refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        html = response.content.decode(errors="replace")
        return "field-error" in html or "alert-error" in html or "errorlist" in html
    return False
