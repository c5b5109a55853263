"""Which of the workspace's accounts a member may see and act on: the one place that answers it.

An owner can limit a staff member or a viewer to some accounts (a part-time helper who only looks after
the bakery's Instagram). Owners and managers are never limited: a manager connects and disconnects
accounts, pauses all publishing and approves everyone's posts, so a limit would be theirs to undo.

Every operation that acts through an account asks `require()`; every list filters with `within()`;
every view that loads one object by id loads it through `within()`, so a conversation or a post on an
account out of reach is a 404, as it is for an outsider. "All accounts" (Membership.all_accounts)
includes ones connected later.

A post goes to several accounts. A limited member sees a post when one of its accounts is theirs (and
only those accounts' copies of it); they may edit, schedule or delete it only when every account it
goes to is theirs, since the text they would change goes out on the others too.
"""

from django.core.exceptions import PermissionDenied

from firsthand.team.permissions import Role

LIMITABLE_ROLES = frozenset({Role.STAFF, Role.VIEWER})

OUT_OF_REACH = (
    "Your access is limited to some of this workspace's accounts, and this isn't one of them. "
    "Ask an owner if you need it."
)
POST_OUT_OF_REACH = (
    "This post also goes to accounts outside your access, so you can't change it. Ask an owner or a manager."
)


class OutOfReach(PermissionDenied):
    """An operation asked for an account the member may not use; the message is shown as is."""


def can_be_limited(membership) -> bool:
    return membership.role in LIMITABLE_ROLES


def account_ids(membership) -> frozenset[int] | None:
    """The ids of the accounts this member may use, or None for every account (ones connected later too).

    Read once per membership object, and a membership is loaded afresh on every request, so a change
    the owner makes holds from the member's next request.
    """
    if membership is None or membership.all_accounts or not can_be_limited(membership) or membership.pk is None:
        return None
    if not hasattr(membership, "_scope_ids"):
        membership._scope_ids = frozenset(membership.limited_to_accounts.values_list("pk", flat=True))
    return membership._scope_ids


def is_limited(membership) -> bool:
    return account_ids(membership) is not None


def may_use(membership, account) -> bool:
    """`account` is a ConnectedAccount or its id."""
    ids = account_ids(membership)
    return ids is None or getattr(account, "pk", account) in ids


def within(membership, queryset, field: str = "account"):
    """The rows of `queryset` this member may see; `field` is the path to the account ("pk" for accounts)."""
    ids = account_ids(membership)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def posts_within(membership, posts):
    """Posts with at least one copy going to an account this member may use."""
    ids = account_ids(membership)
    if ids is None:
        return posts
    from firsthand.publishing.models import Delivery

    return posts.filter(pk__in=Delivery.objects.filter(account_id__in=ids).values("post_id"))


def require(membership, *accounts) -> None:
    """Refuse (403, with the reason) unless the member may use every one of these accounts."""
    if not all(may_use(membership, account) for account in accounts):
        raise OutOfReach(OUT_OF_REACH)


def require_post(membership, post) -> None:
    """Refuse a change to a post unless every account it goes to is within the member's reach."""
    ids = account_ids(membership)
    if ids is None:
        return
    if post.pk and post.deliveries.exclude(account_id__in=ids).exists():
        raise OutOfReach(POST_OUT_OF_REACH)
