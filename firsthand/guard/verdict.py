"""What publishing asks before it schedules anything: may this post go out, as this person?"""

from django.db import transaction

from firsthand.guard import checks
from firsthand.guard.approvals import reasons_to_ask
from firsthand.guard.models import BrandRules, Finding
from firsthand.team.permissions import Capability


class Refused(Exception):
    """The check says no (or not without an approver); the message says why, in plain words."""


class AskFirst(Exception):
    """An owner or manager's own post has findings that would need an approver's yes from anyone else: they are
    asked "Publish anyway?" with the findings, before anything is scheduled (and before the undo countdown)."""

    def __init__(self, findings: list[str]):
        self.findings = findings
        super().__init__("Publish anyway? The check found: " + "; ".join(findings) + ".")


def review(membership, post, deliveries, *, anyway: bool = False) -> list[str]:
    """Check every delivery's outgoing text, keep the findings with the post, and refuse what must not go.

    Returns why the post must wait for an approver (empty when it may go out as it is). An approver's own
    post with findings that need approval raises AskFirst unless they already said `anyway`.
    """
    rules = BrandRules.for_workspace(post.workspace)
    blocked, needs_approval = [], []
    with transaction.atomic():
        # Each entry: (delivery, its parts) or (delivery, its parts, its first comment), which is checked
        # like a part, its findings saying they are about the comment.
        for delivery, parts, *comment in deliveries:
            Finding.objects.filter(delivery=delivery).delete()
            texts = [(part, "") for part in parts] + [(text, "In the first comment: ") for text in comment if text]
            for part, where in texts:
                for found in checks.check(part, delivery.account, rules=rules, post=post):
                    reason = where + found.reason
                    Finding.objects.create(
                        delivery=delivery,
                        kind=found.kind,
                        severity=found.severity,
                        reason=reason[:500],
                        start=None if where else found.start,
                        end=None if where else found.end,
                    )
                    target = blocked if found.severity == checks.BLOCK else needs_approval
                    if found.severity != checks.WARN:
                        target.append(f"{delivery.account.handle}: {reason}")
    if blocked:
        raise Refused("This post can't go out: " + "; ".join(dict.fromkeys(blocked)) + ".")
    needs_approval = list(dict.fromkeys(needs_approval))
    if needs_approval and not anyway and membership.can(Capability.APPROVE):
        raise AskFirst(needs_approval)
    return reasons_to_ask(membership, needs_approval)
