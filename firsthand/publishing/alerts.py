from django.urls import reverse

from firsthand.notices.send import notify
from firsthand.team.permissions import Capability


def tell_about_failure(delivery, reason: str) -> None:
    """The author and everyone who approves posts hear about a post that did not go out."""
    workspace = delivery.post.workspace
    approvers = [m.user for m in workspace.memberships.select_related("user") if m.can(Capability.APPROVE)]
    url = reverse("publishing:post", kwargs={"slug": workspace.slug, "post_id": delivery.post_id})
    notify(
        workspace,
        [delivery.post.author, *approvers],
        f"A post to {delivery.account} did not go out: {reason}",
        url,
        kind="post.failed",
    )
