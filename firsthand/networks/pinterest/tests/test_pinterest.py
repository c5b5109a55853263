"""The Pinterest connector against a local API v5 built from Pinterest's documentation (see fake_server.py)."""

import io
import time
import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.pinterest.connector import PinterestConnector
from firsthand.networks.pinterest.tests.fake_server import FakePinterest
from firsthand.networks.testing import connect_through_sign_in
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, MediaFile, Post, PostMedia
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

pinterest = PinterestConnector()


@pytest.fixture
def pins(settings):
    fake = FakePinterest()
    settings.PINTEREST_API_URL = fake.url
    settings.PINTEREST_AUTHORIZE_URL = f"{fake.url}/oauth/"
    yield fake
    fake.stop()


@pytest.fixture
def shop(pins, team, client_for):
    pins.new_board("Breads")
    pins.new_board("Cakes")
    connect_through_sign_in(
        client_for(team.owner), team.workspace, "pinterest", "Pinterest", pins.app_id, pins.app_secret
    )
    return ConnectedAccount.objects.get(network="pinterest")


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_connecting_lists_the_boards_and_the_board_can_be_chosen(pins, shop, team, client_for):
    assert set(shop.credentials["boards"].values()) == {"Breads", "Cakes"}
    cakes = next(b for b, name in pins.boards.items() if name == "Cakes")
    client_for(team.owner).post(
        reverse("networks:update", kwargs={"slug": team.workspace.slug, "account_id": shop.pk}),
        {"colour": shop.colour, "is_brand": "on", "board": cakes},
    )
    shop.refresh_from_db()
    assert shop.credentials["board_id"] == cakes


def test_a_pin_has_title_description_link_alt_text_and_its_images(pins, shop):
    image = Media(path=picture(), mime_type="image/png", alt_text="A rye loaf")
    made = pinterest.publish(
        shop,
        OutgoingPost(text="Rye season\nOur recipe: https://cafe.example/rye.", idempotency_key="p", media=(image,)),
    )
    pin = pins.pins[made.remote_id]
    assert (
        pin["title"] == "Rye season" and pin["link"] == "https://cafe.example/rye" and pin["alt_text"] == "A rye loaf"
    )
    assert pin["image_bytes"] == [default_storage.open(image.path).size]
    two = (image, Media(path=picture(), mime_type="image/png"))
    carousel = pinterest.publish(shop, OutgoingPost(text="Two loaves", idempotency_key="c", media=two))
    assert len(pins.pins[carousel.remote_id]["image_bytes"]) == 2
    with pytest.raises(NetworkError, match="needs an image"):
        pinterest.publish(shop, OutgoingPost(text="words", idempotency_key="w"))


def test_a_lost_answer_is_found_on_the_board_before_retrying(pins, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Exactly one pin")
    image = MediaFile.objects.create(
        workspace=team.workspace, file=picture(), mime_type="image/png", size=100, width=30, height=20
    )
    PostMedia.objects.create(post=post, media=image)
    delivery = Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    pins.lose_next_pin_answer = True
    engine.run_once("w1")
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now(), due_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and len(pins.pins) == 1


def test_tokens_are_renewed_and_a_refused_renewal_asks_to_reconnect(pins, shop):
    shop.credentials = {**shop.credentials, "expires_at": time.time() + 10}
    shop.save()
    old = shop.credentials["access_token"]
    pinterest.publish(
        shop, OutgoingPost(text="Fresh", idempotency_key="f", media=(Media(path=picture(), mime_type="image/png"),))
    )
    shop.refresh_from_db()
    assert shop.credentials["access_token"] != old
    pins.refresh_tokens.clear()
    pins.tokens.clear()
    shop.credentials = {**shop.credentials, "expires_at": time.time() + 10}
    shop.save()
    health.check_due()
    shop.refresh_from_db()
    assert shop.needs_reconnect


def test_deleting_and_what_pinterest_does_not_give(pins, shop):
    made = pinterest.publish(
        shop, OutgoingPost(text="Oops", idempotency_key="d", media=(Media(path=picture(), mime_type="image/png"),))
    )
    pinterest.delete(shop, made.remote_id)
    pinterest.delete(shop, made.remote_id)
    assert pinterest.fetch_post(shop, made.remote_id).exists is False
    assert "no comments" in pinterest.list_interactions(shop).limitation


def test_a_rate_limit_waits_as_long_as_pinterest_says(pins, shop):
    pins.rate_limited = True
    with pytest.raises(NetworkError) as limited:
        pinterest.publish(
            shop, OutgoingPost(text="x", idempotency_key="r", media=(Media(path=picture(), mime_type="image/png"),))
        )
    assert limited.value.transient and limited.value.retry_at.timestamp() > time.time() + 110
