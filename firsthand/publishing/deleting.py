"""Taking a published post down from its network, every part of its thread and a first comment that is a
post of its own; its short links then lead nowhere."""

from firsthand.audit.log import record
from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.publishing.models import Delivery
from firsthand.publishing.operations import PublishingError
from firsthand.publishing.shortlinks import codes as shortlink_codes
from firsthand.publishing.states import State
from firsthand.team import scope

# Where a first comment is a post of its own, answering the post (networks/registry.FIRST_COMMENTS).
SELF_REPLY_COMMENTS = {"sandbox", "bluesky", "mastodon", "x"}


def delete_from_network(membership, delivery: Delivery) -> None:
    """Take a published post (every part of its thread) down from the network."""
    delivery = Delivery.objects.select_related("account", "post__workspace").get(pk=delivery.pk)
    scope.require(membership, delivery.account)
    delivery.move(State.DELETED)  # refuses anything that is not published
    account = delivery.account
    connector = registry.connector(account.network)
    try:
        # Replies first, so no part of the thread is left answering a post that is gone. A first comment
        # that is a post of its own (a self-reply) goes too; a comment on Facebook, Instagram, LinkedIn or
        # Threads goes with the post it is under.
        own_reply = delivery.comment_remote_id if account.network in SELF_REPLY_COMMENTS else ""
        for remote_id in [own_reply] * bool(own_reply) + list(reversed(delivery.remote_ids)):
            connector.delete(account, remote_id)
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        raise PublishingError(f"{account.get_network_display()} did not delete it: {error.message}") from None
    Delivery.objects.filter(pk=delivery.pk, state=State.PUBLISHED).update(state=State.DELETED)
    shortlink_codes.remove(delivery)  # its short links now lead nowhere: a 404, as for any unknown code
    record(
        "publishing.deleted",
        f"{membership.user} deleted the post on {account}",
        actor=membership.user,
        workspace=delivery.post.workspace,
        delivery=delivery.pk,
    )
