import random

import pytest

from firsthand.demo_customers import BRAND, write_one
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxPost

pytestmark = pytest.mark.django_db


def test_without_the_demo_nobody_writes():
    assert write_one(random.Random(1)) is False and not SandboxEvent.objects.exists()


def test_customers_write_mentions_replies_to_the_latest_post_and_direct_messages():
    brand = SandboxAccount.objects.create(handle=BRAND)
    SandboxPost.objects.create(account=brand, text="old post")
    latest = SandboxPost.objects.create(account=brand, text="Fresh croissants!")
    SandboxPost.objects.create(account=brand, text="a private answer", direct_to="ana-r")  # not a post to reply to
    chance = random.Random(7)
    for _ in range(60):
        assert write_one(chance)
    events = list(SandboxEvent.objects.all())
    assert {e.kind for e in events} == {"mention", "reply", "message"}
    assert all(e.post == latest for e in events if e.kind == "reply")
    assert all(e.text.startswith(f"@{BRAND} ") for e in events if e.kind == "mention")
    assert len({e.author_handle for e in events}) > 5
