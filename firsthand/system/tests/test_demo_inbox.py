"""A new demo opens on a business that answers its customers: old replies answered by named teammates
(through the inbox's operations, so the ledger and the response times are real), a handful of fresh ones
waiting, one of them overdue, and notices only about recent things."""

from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand import demo
from firsthand.audit.models import AuditEvent
from firsthand.inbox.clocks import overdue, tell_overdue
from firsthand.inbox.models import Conversation, Interaction, ResponseTargets
from firsthand.notices.models import Notice
from firsthand.team.models import Membership
from firsthand.team.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workspace = demo.create_demo("a long enough demo password")
    tell_overdue()  # the worker's first tick
    return workspace


def test_old_replies_are_answered_by_named_teammates_and_few_fresh_ones_wait(fresh_demo):
    workspace = fresh_demo
    conversations = Conversation.objects.filter(workspace=workspace)
    assert conversations.count() >= 25  # three weeks of replies and the fresh messages all filed
    waiting = list(conversations.exclude(awaiting_since=None).filter(status="open"))
    assert 3 <= len(waiting) <= 6
    targets, now = ResponseTargets.for_workspace(workspace), timezone.now()
    late = [c for c in waiting if overdue(c, targets, workspace.timezone, now)]
    assert len(late) == 1 and late[0].last_inbound_at < now - timedelta(days=1)
    fresh = [c for c in waiting if c not in late]
    assert all(c.last_inbound_at > now - timedelta(hours=1) for c in fresh)
    labels = {label for c in fresh for label in c.labels}
    assert {"complaint", "question"} <= labels

    answers = Interaction.objects.filter(conversation__workspace=workspace, direction="out")
    authors = set(answers.values_list("author__name", flat=True))
    assert authors == {"Sam Rivera", "Marco Rossi", "Olivia Baker"}
    assert AuditEvent.objects.filter(workspace=workspace, action="inbox.replied").count() == answers.count()
    for answer in answers.select_related("conversation"):
        asked = answer.conversation.items.filter(direction="in").order_by("created_at").last().created_at
        assert timedelta(minutes=10) <= answer.created_at - asked <= timedelta(hours=40)
        assert answer.created_at < now and answer.conversation.first_response_at == answer.created_at


def test_a_new_demo_has_notices_only_for_recent_things(fresh_demo):
    owner = Membership.objects.get(workspace=fresh_demo, role=Role.OWNER).user
    notices = list(Notice.objects.filter(user=owner, workspace=fresh_demo))
    assert 1 <= len(notices) <= 4, [n.message for n in notices]
    assert sum("waited past your response target" in n.message for n in notices) == 1


def test_the_demos_insights_overview_shows_who_answered_instead_of_an_empty_promise(fresh_demo, client):
    from django.urls import reverse

    owner = Membership.objects.get(workspace=fresh_demo, role=Role.OWNER).user
    client.force_login(owner)
    body = client.get(reverse("insights:overview", args=[fresh_demo.slug])).content.decode()
    assert "Who answered customers" in body and "Sam Rivera" in body and "Marco Rossi" in body
    assert "Those figures appear once conversations come in" not in body
