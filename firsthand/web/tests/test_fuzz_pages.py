"""Every address of the app, as every role, with hostile query parameters and form fields: never a server error.

Issue 16's bad-input rule, checked over the whole app rather than page by page: the URL patterns are read
from Django's resolver (so a new page is fuzzed the day it is added), filled with ids of a workspace that
has one of everything (fuzz_shop.py) and with wrong ones (another workspace's, too large, missing); the
parameter names each page reads are found in its module's source and forms and in the forms its page
shows. Each request runs in a savepoint rolled back after it, so the 13,000-odd requests all see the same
workspace. Failures are collected and listed together, with the address, the role and what was sent.
"""

import itertools
import logging

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firsthand.networks import registry
from firsthand.web.tests import fuzz_shop
from firsthand.web.tests.fuzzing import (
    ALONE,
    HOSTILE,
    RANDOM_NAMES,
    ROLES,
    FormFields,
    Runner,
    addresses,
    choices_in,
    fill,
    names_read,
    query,
)

pytestmark = pytest.mark.django_db

# What a refused POST must not have written (cheap to count, and what each form would half-save).
COUNTED = [
    ("publishing", "Post"),
    ("publishing", "Delivery"),
    ("publishing", "PostMedia"),
    ("publishing", "QueueSlot"),
    ("inbox", "Note"),
    ("inbox", "SavedReply"),
    ("inbox", "SavedView"),
    ("inbox", "Tag"),
    ("inbox", "Escalation"),
    ("inbox", "PendingAnswer"),
    ("team", "Invite"),
    ("team", "Membership"),
    ("team", "Workspace"),
    ("team", "User"),
    ("guard", "Pause"),
    ("networks", "ConnectedAccount"),
    ("networks", "NetworkApp"),
]


@pytest.fixture
def fuzz(team, settings, tmp_path):
    from django.apps import apps

    settings.MEDIA_ROOT = tmp_path
    settings.NETWORK_TIMEOUT_SECONDS = 1  # no network answers here; nothing may wait for one
    # Each server error is collected and listed at the end; Django's own log of each (a traceback, some with
    # a 100,000-character parameter) would bury that list.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    shop = fuzz_shop.build(team)
    clients = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(team.user(role))
            client.get("/")  # the device row every signed-in session gets, made once outside the savepoints
        clients[role] = client
    runner = Runner(clients, counted=[apps.get_model(app, name) for app, name in COUNTED])
    yield shop, runner
    request_log.setLevel(level)  # later tests read that log


def path_values(shop, address) -> list[dict]:
    """The fillings of an address's path to fuzz: each real thing and each word the view knows, one change at a
    time from the first of each."""
    options = {}
    for param in address.params:
        if param == "slug":
            options[param] = [shop.slug]
        elif param in shop.real:
            options[param] = shop.real[param]
        elif param == "network":
            options[param] = sorted(registry.CONNECTORS)
        else:
            options[param] = choices_in(address.view, param) or ["x"]
    first = {param: values[0] for param, values in options.items()}
    fillings = [first]
    for param, values in options.items():
        fillings += [first | {param: value} for value in values[1:]]
    return fillings


def wrong_values(shop, address) -> list[dict]:
    first = path_values(shop, address)[0]
    wrong = []
    for param in address.params:
        if param == "slug":
            candidates = [shop.other_slug, "no-such-workspace"]
        elif param.endswith("_id"):
            candidates = [shop.other.get(param, fuzz_shop.NOWHERE), fuzz_shop.NOWHERE, fuzz_shop.HUGE]
        else:
            candidates = ["no-such-thing", "\u202e\x00"]
        wrong += [first | {param: value} for value in candidates]
    return wrong


def forms_on_pages(shop, runner) -> dict[str, list[tuple[str, str]]]:
    """Every form the owner is shown, by the path it posts to."""
    forms = {}
    for address in addresses():
        for values in path_values(shop, address):
            path = fill(address.pattern, values)
            response = runner.send("owner", "GET", path)
            if response is not None and "text/html" in response.get("Content-Type", ""):
                parser = FormFields(path)
                parser.feed(response.content.decode(errors="replace"))
                for action, fields in parser.forms.items():
                    forms.setdefault(action, fields)
    return forms


def rotation(names, n, start=0):
    """n sets of values for `names`; with n = len(HOSTILE), each name gets every hostile value once."""
    return [[(name, HOSTILE[(start + i + j) % len(HOSTILE)]) for j, name in enumerate(names)] for i in range(n)]


def report(runner):
    lines = [str(f) for f in runner.failures] + [str(f) for f in runner.half_saved]
    summary = f"{len(runner.failures)} server errors, {len(runner.half_saved)} half-saved refusals"
    summary += f" (answers: {dict(sorted(runner.statuses.items()))})"
    slowest = sorted(runner.seconds.items(), key=lambda item: -item[1])[:8]
    summary += "; slowest: " + ", ".join(f"{path} {seconds:.1f} s" for path, seconds in slowest)
    return f"{summary} in {runner.requests} requests over {len(runner.urls)} URLs:\n" + "\n".join(lines)


def answers(runner, method, path) -> bool:
    """Whether the page takes this method at all: a 405 is decided before any parameter is read."""
    response = runner.send("owner", method, path)
    return response is None or response.status_code != 405


def test_no_query_parameter_makes_a_server_error(fuzz):
    shop, runner = fuzz
    for address in addresses():
        names = sorted(names_read(address.view))
        for n, filling in enumerate(path_values(shop, address)):
            path = fill(address.pattern, filling)
            if not answers(runner, "GET", path):
                continue
            if n == 0:  # each parameter alone, as the owner, so no other one's refusal hides it
                for name, value in itertools.product(names, ALONE):
                    runner.send("owner", "GET", f"{path}?{query([(name, value)])}")
            # All at once: across the owner's requests each parameter gets every hostile value; some twice.
            for i, pairs in enumerate(rotation(names + RANDOM_NAMES, len(HOSTILE) if n == 0 else 4)):
                headers = {"HX-Request": "true"} if i % 2 else {}
                runner.send("owner", "GET", f"{path}?{query(pairs + pairs[: i % 3])}", headers=headers)
            for role in ROLES[1:]:
                for i, pairs in enumerate(
                    rotation(names + RANDOM_NAMES, 3 if n == 0 else 1, start=7 * ROLES.index(role))
                ):
                    runner.send(role, "GET", f"{path}?{query(pairs)}", headers={"HX-Request": "true"} if i else {})
        for filling in wrong_values(shop, address):
            for role in ROLES:
                runner.send(role, "GET", fill(address.pattern, filling))
    print(report(runner))
    assert not runner.failures and not runner.half_saved, report(runner)


def test_no_form_field_makes_a_server_error(fuzz):
    shop, runner = fuzz
    forms = forms_on_pages(shop, runner)
    for address in addresses():
        fillings = path_values(shop, address)
        for n, filling in enumerate(fillings):
            path = fill(address.pattern, filling)
            if not answers(runner, "POST", path):
                continue
            shown = forms.get(path, [])
            names = list(dict.fromkeys([name for name, _ in shown] + sorted(names_read(address.view))))
            if n == 0:  # each field alone, the others as the page filled them; each missing; all twice
                for name, value in itertools.product(names, ALONE):
                    runner.send(
                        "owner", "POST", path, body=query([(k, v) for k, v in shown if k != name] + [(name, value)])
                    )
                for name in names:
                    runner.send("owner", "POST", path, body=query([(k, v) for k, v in shown if k != name]))
                twice = [(name, value) for name in names for value in ("9999-12-31", "\x00")]
                runner.send("owner", "POST", path, body=query(shown + twice))
            for role in ROLES if n == 0 else ("owner", "staff"):  # other things at the same address: fewer
                count = (len(HOSTILE) // 4 if role == "owner" else 1) if n == 0 else 1
                for pairs in rotation(names + RANDOM_NAMES, count, start=5 * ROLES.index(role)):
                    runner.send(role, "POST", path, body=query(pairs))
                runner.send(role, "POST", path, body=query(shown + [(k, "x") for k in RANDOM_NAMES]))
            if n == 0:  # wrong types: a file where text was expected, JSON where a form was
                for role in ("owner", "viewer"):
                    files = {name: fuzz_shop.image_upload() for name in names[:6]}
                    runner.send(role, "POST", path, body=multipart(files), content_type=MULTIPART)
                    runner.send(role, "POST", path, body='{"text": [1, {"a": null}]}', content_type="application/json")
        shown = forms.get(fill(address.pattern, fillings[0]), [])
        for filling in wrong_values(shop, address):
            for role in ("owner", "viewer", "outsider"):  # (the anonymous are sent to sign in before any id is read)
                runner.send(role, "POST", fill(address.pattern, filling), body=query(shown))
    print(report(runner))
    assert not runner.failures and not runner.half_saved, report(runner)


MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


def multipart(files) -> bytes:
    from django.test.client import BOUNDARY, encode_multipart

    return encode_multipart(BOUNDARY, files).replace(BOUNDARY.encode(), b"BoUnDaRy")


def test_random_text_in_any_parameter_of_any_page(fuzz):
    """A modest hypothesis pass on top of the fixed list: random names and text, random page, role and method."""
    shop, runner = fuzz
    pages = [(address, names_read(address.view)) for address in addresses()]
    text = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(HOSTILE)

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(
        page=st.sampled_from(pages),
        role=st.sampled_from(ROLES),
        method=st.sampled_from(["GET", "POST"]),
        data=st.data(),
    )
    def one_request(page, role, method, data):
        address, known = page
        filling = data.draw(st.sampled_from(path_values(shop, address)))
        names = st.sampled_from(sorted(known) + RANDOM_NAMES) | st.text(max_size=8)
        pairs = data.draw(st.lists(st.tuples(names, text), max_size=6))
        path = fill(address.pattern, filling)
        if method == "GET":
            runner.send(role, "GET", f"{path}?{query(pairs)}")
        else:
            runner.send(role, "POST", path, body=query(pairs))

    one_request()
    print(report(runner))
    assert not runner.failures and not runner.half_saved, report(runner)
