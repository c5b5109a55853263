"""The media library: images kept per workspace, found again, reused with their description, removed with care."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.notices.models import Notice
from firsthand.publishing import library, media, operations
from firsthand.publishing.models import MediaFile, PostMedia
from firsthand.publishing.states import State
from firsthand.publishing.tests.test_media import image_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(team, name="publishing:library", **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


def stored(team, user, name="loaf.png"):
    return media.store(team.workspace, user, image_file(name))


def test_a_description_written_in_a_post_is_offered_again_from_the_library(team, account, client_for):
    loaf = stored(team, team.staff)
    operations.save_post(team.membership("staff"), accounts=[account], text="Rye", images=[(loaf, "Two rye loaves")])
    loaf.refresh_from_db()
    assert loaf.alt_text == "Two rye loaves"
    # Picked in the composer, it comes with that description.
    row = client_for(team.staff).get(url(team, "publishing:library_pick", media_id=loaf.pk)).content.decode()
    assert f'name="media" value="{loaf.pk}"' in row and 'value="Two rye loaves"' in row
    composer = client_for(team.staff).get(url(team, "publishing:compose")).content.decode()
    assert url(team, "publishing:library_pick", media_id=loaf.pk) in composer


def test_search_by_name_or_description_and_used_or_unused(team, account, client_for):
    stored(team, team.staff, "rye-loaf.png")
    cake = stored(team, team.staff, "IMG_2041.png")
    library.describe(team.membership("staff"), cake, "A chocolate birthday cake")
    operations.save_post(team.membership("staff"), accounts=[account], text="Cake", images=[(cake, "")])
    client = client_for(team.manager)
    found = client.get(url(team) + "?q=chocolate").content.decode()
    assert "IMG_2041.png" in found and "rye-loaf.png" not in found
    assert "rye-loaf.png" in client.get(url(team) + "?q=RYE").content.decode()
    unused = client.get(url(team) + "?use=unused").content.decode()
    assert "rye-loaf.png" in unused and "IMG_2041.png" not in unused
    assert "in 1 post" in client.get(url(team) + "?use=used").content.decode()


def test_removing_an_unused_image_deletes_it_and_its_file(
    team, client_for, tmp_path, django_capture_on_commit_callbacks
):
    loaf = stored(team, team.staff)
    path = tmp_path / loaf.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.staff).post(url(team, "publishing:library_remove", media_id=loaf.pk))
    assert response.status_code == 302
    assert not MediaFile.objects.exists() and not path.exists()


def test_removing_an_image_a_scheduled_post_uses_asks_then_sends_the_post_back_to_drafts(team, account, client_for):
    loaf = stored(team, team.staff)
    staff = team.membership("staff")
    post = operations.save_post(staff, accounts=[account], text="Fresh rye at 7", images=[(loaf, "Rye")])
    operations.schedule(staff, post, timezone.now() + timedelta(days=1), anyway=True)
    client = client_for(team.manager)
    asked = client.post(url(team, "publishing:library_remove", media_id=loaf.pk))
    assert asked.status_code == 302 and f"remove={loaf.pk}" in asked["Location"]
    page = client.get(asked["Location"]).content.decode()
    assert "1 post not yet out uses it" in page and "Fresh rye at 7" in page
    assert post.deliveries.get().state == State.SCHEDULED and PostMedia.objects.filter(post=post).exists()
    client.post(url(team, "publishing:library_remove", media_id=loaf.pk), {"confirmed": "yes"})
    assert not MediaFile.objects.exists() and not PostMedia.objects.filter(post=post).exists()
    assert post.deliveries.get().state == State.DRAFT
    assert Notice.objects.filter(user=team.staff, message__contains="removed an image your post used").exists()


def test_an_image_of_a_published_post_leaves_the_library_but_keeps_its_file(team, account):
    loaf = stored(team, team.staff)
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Out", images=[(loaf, "")])
    post.deliveries.update(state=State.PUBLISHED)
    library.remove(team.membership("owner"), loaf, confirmed=True)
    loaf.refresh_from_db()
    assert loaf.removed_at is not None and PostMedia.objects.filter(post=post, media=loaf).exists()
    assert not library.visible(team.membership("owner")).exists()


def test_only_the_uploader_or_a_manager_removes_and_another_workspace_sees_nothing(team, client_for):
    loaf = stored(team, team.manager)
    refused = client_for(team.staff).post(url(team, "publishing:library_remove", media_id=loaf.pk))
    assert refused.status_code == 403 and MediaFile.objects.filter(pk=loaf.pk).exists()
    assert client_for(team.viewer).post(url(team, "publishing:library_remove", media_id=loaf.pk)).status_code == 403
    outsider = client_for(team.outsider)
    elsewhere = team.outsider.memberships.get().workspace.slug
    theirs = reverse("publishing:library_pick", kwargs={"slug": elsewhere, "media_id": loaf.pk})
    assert outsider.get(theirs).status_code == 404
    assert outsider.get(url(team)).status_code == 404


def test_a_description_too_long_is_refused_and_the_old_one_kept(team, client_for):
    loaf = stored(team, team.staff)
    library.describe(team.membership("staff"), loaf, "Rye")
    client_for(team.staff).post(url(team, "publishing:library_describe", media_id=loaf.pk), {"alt_text": "x" * 1501})
    loaf.refresh_from_db()
    assert loaf.alt_text == "Rye"
