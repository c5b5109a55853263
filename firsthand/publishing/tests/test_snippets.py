"""Snippets and hashtag groups: saved once by the team, measured per network, inserted from the composer."""

import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import snippets
from firsthand.publishing.models import Snippet

pytestmark = pytest.mark.django_db


def url(team, name="publishing:snippets", **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


def network_account(team, network, handle):
    account = ConnectedAccount(workspace=team.workspace, network=network, remote_id=handle, handle=f"@{handle}")
    account.credentials = {}
    account.save()
    return account


def test_staff_save_a_hashtag_group_written_loosely_and_it_is_tidied_and_audited(team, client_for, account):
    response = client_for(team.staff).post(
        url(team, "publishing:snippet_add"),
        {"kind": "hashtags", "name": "Sourdough tags", "text": "sourdough, #Bread  #bread bakerylife"},
    )
    assert response.status_code == 302
    saved = Snippet.objects.get(name="Sourdough tags")
    assert saved.text == "#sourdough #Bread #bakerylife"  # a # added, the same tag twice kept once
    assert AuditEvent.objects.filter(action="publishing.snippet_added", actor=team.staff).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "hashtags", "name": "Tags", "text": "bread 2024"}, "“2024” can&#x27;t be a hashtag"),
        ({"kind": "hashtags", "name": "Tags", "text": "fresh-bread"}, "“fresh-bread” can&#x27;t be a hashtag"),
        ({"kind": "text", "name": "", "text": "Open 8 till 4"}, "Give it a name"),
        ({"kind": "text", "name": "Hours", "text": "   "}, "Write the text"),
        ({"kind": "text", "name": "Hours", "text": "x" * 2001}, "Keep it under 2,000 characters"),
        ({"kind": "poem", "name": "Hours", "text": "Open"}, "Choose a snippet or a hashtag group"),
    ],
)
def test_a_bad_snippet_is_refused_with_the_reason_and_what_was_typed_kept(team, client_for, account, fields, message):
    response = client_for(team.staff).post(url(team, "publishing:snippet_add"), fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if fields["text"].strip() and len(fields["text"]) < 100:
        assert fields["text"] in page  # nothing typed is lost
    assert not Snippet.objects.exists()


def test_the_same_name_twice_is_refused(team, client_for, account):
    client = client_for(team.staff)
    client.post(url(team, "publishing:snippet_add"), {"kind": "text", "name": "Hours", "text": "Open 8 till 4"})
    again = client.post(url(team, "publishing:snippet_add"), {"kind": "text", "name": "Hours", "text": "Other"})
    assert again.status_code == 400 and "already a snippet called “Hours”" in again.content.decode()
    assert Snippet.objects.get().text == "Open 8 till 4"


def test_each_network_counts_a_snippet_by_its_own_rule(team):
    x, bluesky = network_account(team, "x", "cafe"), network_account(team, "bluesky", "cafe.bsky.social")
    text = "Order at https://cornercafe.com/order/sourdough-loaf-large-with-seeds " + "日本"
    fits = {fit.network: fit for fit in snippets.fits(text, [x, bluesky])}
    # X: every link is 23, each CJK character 2; Bluesky: graphemes, the link as written.
    assert fits["x"].length == len("Order at ") + 23 + 1 + 4 and fits["x"].limit == 280
    assert fits["bluesky"].length == len(text) and fits["bluesky"].limit == 300
    long = snippets.fits("#a " * 100, [x])[0]
    assert not long.fits and long.share == 100


def test_the_page_shows_the_fit_and_the_composer_offers_the_snippet(team, client_for):
    network_account(team, "x", "cafe")
    owner = team.membership("owner")
    snippets.save_snippet(owner, kind="text", name="Allergens", text="Contains gluten; made where nuts are used.")
    page = client_for(team.staff).get(url(team)).content.decode()
    assert "Allergens" in page and "42 of 280" in page
    composer = client_for(team.staff).get(url(team, "publishing:compose")).content.decode()
    assert 'data-text="Contains gluten; made where nuts are used."' in composer


def test_only_the_author_or_a_manager_changes_or_deletes_and_viewers_only_read(team, client_for, account):
    staff_snippet = snippets.save_snippet(team.membership("staff"), kind="text", name="Mine", text="Hello")
    owner_snippet = snippets.save_snippet(team.membership("owner"), kind="text", name="Owner's", text="Hi")
    staff = client_for(team.staff)
    refused = staff.post(
        url(team, "publishing:snippet_change", snippet_id=owner_snippet.pk),
        {"kind": "text", "name": "Owner's", "text": "Changed"},
    )
    assert refused.status_code == 403 and "Only its author" in refused.content.decode()
    staff.post(url(team, "publishing:snippet_delete", snippet_id=owner_snippet.pk))
    assert Snippet.objects.filter(pk=owner_snippet.pk).exists()
    changed = staff.post(
        url(team, "publishing:snippet_change", snippet_id=staff_snippet.pk),
        {"kind": "text", "name": "Mine", "text": "Hello again"},
    )
    assert changed.status_code == 302 and Snippet.objects.get(pk=staff_snippet.pk).text == "Hello again"
    client_for(team.manager).post(url(team, "publishing:snippet_delete", snippet_id=staff_snippet.pk))
    assert not Snippet.objects.filter(pk=staff_snippet.pk).exists()
    viewer = client_for(team.viewer)
    assert viewer.get(url(team)).status_code == 200
    made = viewer.post(url(team, "publishing:snippet_add"), {"kind": "text", "name": "V", "text": "v"})
    assert made.status_code == 403


def test_another_workspaces_snippet_is_a_404(team, client_for):
    elsewhere = team.outsider.memberships.get()
    theirs = snippets.save_snippet(elsewhere, kind="text", name="Theirs", text="Secret")
    client = client_for(team.owner)
    assert client.post(url(team, "publishing:snippet_delete", snippet_id=theirs.pk)).status_code == 404
    assert "Secret" not in client.get(url(team)).content.decode()
    assert client_for(team.outsider).get(url(team)).status_code == 404
