"""/api/v1/media: a real PNG is stored and goes into a post; a non-image and a too large file are refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from firsthand.publishing.media import MAX_BYTES
from firsthand.publishing.models import MediaFile, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client):
    def send(secret, name, content, content_type="application/octet-stream"):
        file = SimpleUploadedFile(name, content, content_type=content_type)
        return client.post("/api/v1/media", {"file": file}, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return send


def png(width=320, height=200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_is_stored_and_attached_to_a_post(team, account, token_for, call, upload):
    secret = token_for("staff")
    response = upload(secret, "loaf.png", png(), "image/png")
    assert response.status_code == 201, response.content
    stored = response.json()
    assert (stored["mime_type"], stored["width"], stored["height"]) == ("image/png", 320, 200)
    assert MediaFile.objects.get(pk=stored["id"]).workspace == team.workspace
    post = call(
        secret,
        "post",
        "/posts",
        {"accounts": [account.pk], "text": "Fresh loaf", "media": [{"id": stored["id"], "alt_text": "A rye loaf"}]},
    )
    assert post.status_code == 201, post.content
    assert post.json()["media"] == [{"id": stored["id"], "alt_text": "A rye loaf"}]


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(team, account, token_for, upload):
    response = upload(token_for("staff"), "menu.png", b"%PDF-1.7 this is a menu, not a picture", "image/png")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "bad_media" and "not an image" in error["message"]
    assert not MediaFile.objects.exists()


def test_an_image_over_the_limit_is_refused_and_a_body_far_over_it_is_413(team, account, token_for, upload):
    secret = token_for("staff")
    # A real PNG padded past 10 MB: the request fits the body limit, the file does not fit the image limit.
    just_over = png() + b"\0" * (MAX_BYTES + 1 - len(png()))
    refused = upload(secret, "huge.png", just_over, "image/png")
    assert refused.status_code == 422 and "at most 10 MB" in refused.json()["error"]["message"]
    far_over = upload(secret, "huger.png", b"\0" * (MAX_BYTES + 200 * 1024), "image/png")
    assert far_over.status_code == 413 and far_over.json()["error"]["code"] == "too_large"
    assert not MediaFile.objects.exists()


def test_a_viewer_token_cannot_upload_and_another_workspaces_upload_is_unknown(team, account, token_for, call, upload):
    assert upload(token_for("viewer"), "loaf.png", png(), "image/png").status_code == 403
    from firsthand.api import operations
    from firsthand.team.models import Membership

    _token, theirs = operations.create(Membership.objects.get(user=team.outsider), name="Theirs", role="owner")
    elsewhere = upload(theirs, "loaf.png", png(), "image/png").json()["id"]
    response = call(
        token_for("staff"), "post", "/posts", {"accounts": [account.pk], "text": "x", "media": [{"id": elsewhere}]}
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "unknown_media"
    assert not Post.objects.exists()
