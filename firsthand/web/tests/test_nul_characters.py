"""U+0000 in a form field, a query parameter or an address: taken out at the door, never an HTTP 500.

PostgreSQL refuses a NUL in any text, stored or only compared with; each of these was a 500 there (the page
fuzz test found them), and on SQLite the NUL was saved."""

import pytest
from django.urls import reverse

from firsthand.guard.models import Pause
from firsthand.inbox.models import Note, SavedReply
from firsthand.inbox.tests.test_together import talk  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_nul_in_typed_text_is_taken_out_and_the_rest_kept(team, client_for, talk):  # noqa: F811
    client, slug = client_for(team.owner), team.workspace.slug
    client.post(reverse("inbox:note", args=[slug, talk.pk]), {"note": "Call\x00 back"})
    client.post(reverse("inbox:save_reply", args=[slug]), {"title": "Hours\x00", "text": "9\x00 to 5"})
    client.post(reverse("guard:pause", args=[slug]), {"reason": "\x00A complaint going round"})
    assert [n.text for n in Note.objects.all()] == ["Call back"]
    assert [(s.title, s.text) for s in SavedReply.objects.all()] == [("Hours", "9 to 5")]
    assert [p.reason for p in Pause.objects.all()] == ["A complaint going round"]


def test_a_nul_in_a_query_or_an_address_is_no_error(team, client_for, talk):  # noqa: F811
    client, slug = client_for(team.owner), team.workspace.slug
    assert client.get(reverse("inbox:inbox", args=[slug]), {"tag": "a\x00b", "q": "\x00"}).status_code == 200
    assert client.post(reverse("inbox:tag", args=[slug, talk.pk, "remove"]), {"tag": "\x00"}).status_code == 302
    assert client.get("/sandbox/@a%00b/1").status_code == 404
