from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.guard.models import SpikeAlert
from firsthand.guard.spikes import check_account
from firsthand.inbox.models import Conversation, Interaction, Person
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe")


def messages(account, when, count, labels=("complaint",)):
    person, _ = Person.objects.get_or_create(workspace=account.workspace, network="sandbox", handle="crowd")
    talk, _ = Conversation.objects.get_or_create(
        account=account,
        key="public:crowd",
        defaults={
            "workspace": account.workspace,
            "person": person,
            "kind": "mention",
            "first_inbound_at": when,
            "last_inbound_at": when,
        },
    )
    Interaction.objects.bulk_create(
        [
            Interaction(
                conversation=talk,
                direction="in",
                kind="mention",
                author_handle="crowd",
                text=f"Terrible service, message {n}",
                labels=list(labels),
                created_at=when,
            )
            for n in range(count)
        ]
    )


def usual_fortnight(account, now):
    # A steady account: one or two complaints in some hours over two weeks.
    for hours_ago in range(2, 14 * 24, 3):
        messages(account, now - timedelta(hours=hours_ago), 1 + hours_ago % 2)


def test_a_synthetic_spike_alerts_the_owners_and_managers_once(team, account):
    now = timezone.now()
    usual_fortnight(account, now)
    messages(account, now - timedelta(minutes=20), 25)
    alert = check_account(account, now)
    assert alert is not None and alert.count == 25
    told = set(Notice.objects.values_list("user__email", flat=True))
    assert told == {"owner@corner.example", "manager@corner.example"}
    assert "Terrible service" in Notice.objects.first().message and "pausing" in Notice.objects.first().message
    assert check_account(account, now) is None and SpikeAlert.objects.count() == 1


def test_an_ordinary_hour_does_not_alert(team, account):
    now = timezone.now()
    usual_fortnight(account, now)
    messages(account, now - timedelta(minutes=20), 2)
    assert check_account(account, now) is None


def test_a_naturally_busy_account_needs_far_more_than_its_usual(team, account):
    now = timezone.now()
    for hours_ago in range(2, 14 * 24):
        messages(account, now - timedelta(hours=hours_ago), 8 + hours_ago % 5)
    messages(account, now - timedelta(minutes=20), 12)  # busy, but normal for this account
    assert check_account(account, now) is None


def test_praise_does_not_count(team, account):
    now = timezone.now()
    messages(account, now - timedelta(minutes=10), 40, labels=("positive",))
    assert check_account(account, now) is None
