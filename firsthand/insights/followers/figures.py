"""What the Followers page shows of an account's audits: read-only figures from the stored runs."""

from dataclasses import dataclass

from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.followers.states import AuditState

EXAMPLES = 20


@dataclass
class Growth:
    when: object
    followers: int
    real: int
    bought: int
    gained: int | None  # since the audit before; None for the first
    gained_bought: int | None

    @property
    def gained_real(self):
        return None if self.gained is None else self.gained - self.gained_bought


def latest(account) -> FollowerAudit | None:
    return FollowerAudit.objects.filter(account=account).order_by("-created_at", "-pk").first()


def last_done(account) -> FollowerAudit | None:
    return FollowerAudit.objects.filter(account=account, state=AuditState.DONE).order_by("-finished_at").first()


def growth(account) -> list[Growth]:
    """Each finished audit with what changed since the one before, newest first."""
    points, before = [], None
    for snap in FollowerSnapshot.objects.filter(account=account).order_by("taken_at", "pk"):
        points.append(
            Growth(
                when=snap.taken_at,
                followers=snap.followers,
                real=snap.real,
                bought=snap.bought,
                gained=None if before is None else snap.followers - before.followers,
                gained_bought=None if before is None else snap.bought - before.bought,
            )
        )
        before = snap
    return points[::-1]


def reasons(audit: FollowerAudit) -> list[tuple[str, int]]:
    return sorted(audit.reason_counts.items(), key=lambda item: (-item[1], item[0]))


def examples(audit: FollowerAudit) -> list[AuditedFollower]:
    """The followers that look most surely bought: the ones to check by hand first."""
    return list(audit.followers.filter(label="fake").order_by("-score", "pk")[:EXAMPLES])
