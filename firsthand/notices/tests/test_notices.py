import pytest
from django.urls import reverse

from firsthand.notices.models import Notice
from firsthand.notices.send import notify

pytestmark = pytest.mark.django_db


def test_a_notice_is_counted_in_the_navigation_until_it_is_read(team, client_for):
    notify(team.workspace, [team.staff], "A post to @corner-cafe did not go out: the token was revoked", "/x/")
    client = client_for(team.staff)
    home = client.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "1 new" in home
    page = client.get(reverse("notices:list", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "the token was revoked" in page
    assert Notice.objects.get().read_at is not None
    home = client.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "1 new" not in home


def test_people_see_only_their_own_notices(team, client_for):
    notify(team.workspace, [team.owner], "Only for the owner")
    page = client_for(team.viewer).get(reverse("notices:list", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "Only for the owner" not in page


def test_notices_are_emailed_when_smtp_is_configured(team, settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.EMAIL_CONFIGURED = True
    with django_capture_on_commit_callbacks(execute=True):
        notify(team.workspace, [team.owner, team.manager], "A post did not go out")
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["manager@corner.example", "owner@corner.example"]
