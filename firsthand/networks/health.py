"""Checking every connected account's credentials before a post needs them.

Tokens expire and people revoke app passwords. Every CHECK_MINUTES each account's connector refreshes
or checks its credentials; a refusal marks the account "needs reconnecting" and tells the people who
manage accounts, so they hear about it now and not when a scheduled post fails at 7 a.m.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.networks.models import ConnectedAccount

logger = logging.getLogger("firsthand.networks")

CHECK_MINUTES = 30


def check_due(limit: int = 10) -> int:
    now = timezone.now()
    due = (
        ConnectedAccount.objects.connected()
        .filter(health=ConnectedAccount.Health.OK)
        .filter(Q(checked_at=None) | Q(checked_at__lte=now - timedelta(minutes=CHECK_MINUTES)))
        .order_by("checked_at")[:limit]
    )
    checked = 0
    for account in due:
        # Claimed by moving its time, so two workers never refresh the same account at once.
        if ConnectedAccount.objects.filter(pk=account.pk, checked_at=account.checked_at).update(checked_at=now):
            check(account)
            checked += 1
    return checked


def check(account) -> None:
    try:
        fresh = registry.connector(account.network).refresh_credentials(account)
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        else:
            logger.info("could not check %r now: %s", account, error.message)
        return
    if fresh is not None and fresh != account.credentials:
        account.credentials = fresh
        account.save(update_fields=["credentials_encrypted"])
