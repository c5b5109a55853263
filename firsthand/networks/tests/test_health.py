import pytest

from firsthand.networks import health
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.models import SandboxAccount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_a_revoked_token_is_found_before_any_post_needs_it_and_managers_hear_of_it(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    assert health.check_due() == 1
    assert health.check_due() == 0  # checked a moment ago: not due again yet
    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(token_revoked=True)
    ConnectedAccount.objects.filter(pk=account.pk).update(checked_at=None)

    health.check_due()
    account.refresh_from_db()
    assert account.needs_reconnect and "revoked" in account.health_reason
    told = set(Notice.objects.values_list("user", flat=True))
    assert told == {team.owner.pk, team.manager.pk}
    health.check_due()  # still broken: nobody is told twice
    assert Notice.objects.count() == 2
