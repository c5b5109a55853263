import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from firsthand.networks import registry
from firsthand.networks.base import NetworkLimits
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.publishing import engine
from firsthand.publishing.checks import check_for_account
from firsthand.publishing.models import MediaFile, Post

pytestmark = pytest.mark.django_db


def image_file(name="loaf.png", kind="PNG", size=(640, 480)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 150, 90)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload(client, team, *files):
    return client.post(reverse("publishing:upload", kwargs={"slug": team.workspace.slug}), {"image": list(files)})


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_image_is_checked_stored_and_shown_with_a_box_for_its_description(team, client_for):
    response = upload(client_for(team.staff), team, image_file())
    media = MediaFile.objects.get()
    assert (media.mime_type, media.width, media.height) == ("image/png", 640, 480)
    assert media.file.name.endswith(".png") and "loaf" not in media.file.name
    html = response.content.decode()
    assert f'name="media" value="{media.pk}"' in html and f'name="alt_{media.pk}"' in html


@pytest.mark.parametrize(
    "upload_file,message",
    [
        (SimpleUploadedFile("virus.png", b"MZ this is not an image", content_type="image/png"), "not an image"),
        (image_file("tiny.png", size=(4, 4)), "between 16 and 10000 pixels"),
        (image_file("pic.bmp", kind="BMP"), "BMP image"),
    ],
)
def test_a_file_that_is_not_a_usable_image_is_refused_with_the_reason(team, client_for, upload_file, message):
    response = upload(client_for(team.staff), team, upload_file)
    assert message in response.content.decode()
    assert not MediaFile.objects.exists()


def test_images_are_served_only_to_members(team, client_for):
    upload(client_for(team.staff), team, image_file())
    media = MediaFile.objects.get()
    url = reverse("publishing:media", kwargs={"slug": team.workspace.slug, "media_id": media.pk})
    response = client_for(team.viewer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(team.outsider).get(url).status_code == 404


def test_a_post_with_an_image_goes_out_with_it_and_its_description(team, client_for, account):
    client = client_for(team.staff)
    upload(client, team, image_file())
    media = MediaFile.objects.get()
    client.post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {
            "accounts": [account.pk],
            "text": "Today's loaves",
            "when": "now",
            "media": [media.pk],
            f"alt_{media.pk}": "Three loaves on a board",
        },
    )
    engine.run_once("w1")
    sent = SandboxPost.objects.get()
    assert sent.media == [{"path": media.file.name, "alt": "Three loaves on a board", "type": "image/png"}]


def test_images_of_another_workspace_cannot_be_attached(team, client_for, account):
    outsider_client = client_for(team.outsider)
    outsider_slug = team.outsider.memberships.get().workspace.slug
    outsider_client.post(reverse("publishing:upload", kwargs={"slug": outsider_slug}), {"image": image_file()})
    foreign = MediaFile.objects.get()
    client_for(team.owner).post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "Sneaky", "when": "draft", "media": [foreign.pk]},
    )
    assert not Post.objects.get().attachments.exists()


def test_a_network_that_needs_an_image_says_so(team, account, monkeypatch):
    instagram_like = NetworkLimits(label="Instagram", max_length=2200, counting="graphemes", requires_media=True)
    monkeypatch.setattr(registry, "limits_for", lambda account: instagram_like)
    assert "Instagram needs at least one image." in check_for_account(account, ["Caption"]).problems


def test_too_many_or_too_large_images_for_a_network_are_named(team, account, monkeypatch):
    strict = NetworkLimits(
        label="Bluesky", max_length=300, counting="graphemes", max_images=1, max_image_bytes=1_000_000
    )
    monkeypatch.setattr(registry, "limits_for", lambda account: strict)
    big = MediaFile(original_name="big.png", mime_type="image/png", size=2_500_000, width=10, height=10)
    problems = check_for_account(account, ["Hi"], [big, big]).problems
    assert "Bluesky takes at most 1 images; this post has 2." in problems
    assert "big.png is 2.4 MB; Bluesky takes images up to 1 MB." in problems


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(team, client_for):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 megapixels in a few kilobytes
    big = SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")
    response = upload(client_for(team.staff), team, big)
    assert "at most 40 megapixels" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_a_saved_post_shows_its_images_on_its_page_and_in_the_calendar(team, client_for, account):
    from firsthand.publishing.models import Post

    client = client_for(team.staff)
    upload(client, team, image_file())
    media = MediaFile.objects.get()
    client.post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {
            "accounts": [account.pk],
            "text": "Today's loaves",
            "when": "now",
            "media": [media.pk],
            f"alt_{media.pk}": "Three loaves",
        },
    )
    post = Post.objects.get()
    image = reverse("publishing:media", kwargs={"slug": team.workspace.slug, "media_id": media.pk})
    page = client.get(reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": post.pk}))
    assert f'src="{image}" alt="Three loaves"' in page.content.decode()
    calendar = client.get(reverse("publishing:calendar", kwargs={"slug": team.workspace.slug}) + "?view=week")
    assert f'src="{image}" alt="Three loaves"' in calendar.content.decode()


def test_the_month_view_shows_the_start_of_each_posts_text(team, client_for, account):
    from firsthand.publishing import operations

    post = operations.save_post(
        team.membership("owner"), accounts=[account], text="Saturday market stall: come and say hello"
    )
    operations.schedule(team.membership("owner"), post, None)
    month = client_for(team.owner).get(
        reverse("publishing:calendar", kwargs={"slug": team.workspace.slug}) + "?view=month"
    )
    # In the card itself, not only in its hover title.
    assert re.search(r'<span class="slot-text[^"]*">Saturday market stall', month.content.decode())
