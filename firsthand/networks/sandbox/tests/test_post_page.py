"""Where "View on Sandbox" leads: the sandbox's own page for a published post, for the team only."""

import pytest

from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine, operations

pytestmark = pytest.mark.django_db


def test_view_on_sandbox_opens_the_published_post_for_members_only(team, client_for, django_user_model):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Fresh loaves at eight")
    operations.schedule(team.membership("owner"), post, None, anyway=True)
    from datetime import timedelta

    from django.utils import timezone

    post.deliveries.update(due_at=timezone.now() - timedelta(seconds=1))
    engine.run_once("w1")
    delivery = post.deliveries.get()
    assert delivery.remote_url
    page = client_for(team.viewer).get(delivery.remote_url)
    assert page.status_code == 200 and "Fresh loaves at eight" in page.content.decode()
    assert client_for(team.outsider).get(delivery.remote_url).status_code == 404
