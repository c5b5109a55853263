"""The demo is ready for "Add to queue" from the first minute."""

import pytest

from firsthand import demo
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import operations
from firsthand.publishing.models import Post
from firsthand.team.models import Membership
from firsthand.team.permissions import Role

pytestmark = pytest.mark.django_db


def test_add_to_queue_works_on_the_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workspace = demo.create_demo("a long enough demo password")
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER)
    accounts = list(ConnectedAccount.objects.filter(workspace=workspace))
    post = operations.save_post(owner, accounts=accounts[:1], text="Rye loaves back on Thursday")
    assert operations.add_to_queue(owner, post) == operations.SCHEDULED
    assert Post.objects.get(pk=post.pk).scheduled_for is not None


def test_the_demos_saturday_post_is_on_a_saturday_and_its_failed_post_is_among_the_owners_notices(settings, tmp_path):
    from zoneinfo import ZoneInfo

    from firsthand.notices.models import Notice
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    settings.MEDIA_ROOT = tmp_path
    workspace = demo.create_demo("a long enough demo password")
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    market = Post.objects.get(workspace=workspace, text__startswith="Saturday market stall")
    assert market.scheduled_for.astimezone(ZoneInfo(workspace.timezone)).strftime("%A") == "Saturday"
    failed = Delivery.objects.get(post__workspace=workspace, state=State.FAILED)
    assert Notice.objects.filter(user=owner, url__contains=f"/posts/{failed.post_id}/").exists()
