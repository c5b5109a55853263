"""What the composer checks against each network's rules before anything is saved for publishing."""

from dataclasses import dataclass

from firsthand.networks import registry
from firsthand.publishing.counting import count


@dataclass(frozen=True)
class PartCheck:
    index: int
    length: int
    limit: int

    @property
    def fits(self) -> bool:
        return self.length <= self.limit

    @property
    def remaining(self) -> int:
        return self.limit - self.length


@dataclass(frozen=True)
class AccountCheck:
    account: object
    parts: list[PartCheck]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_for_account(account, parts: list[str], media_count: int = 0) -> AccountCheck:
    limits = registry.limits(account.network)
    checked = []
    problems = []
    for index, text in enumerate(parts):
        measured = count(text, limits.counting, limits.max_length)
        checked.append(PartCheck(index=index, length=measured.length, limit=limits.max_length))
        where = "The post" if index == 0 else f"Part {index + 1} of the thread"
        if not text.strip():
            problems.append(f"{where} is empty.")
        elif not measured.fits:
            problems.append(
                f"{where} is {measured.length - limits.max_length} too long for {limits.label} "
                f"({measured.length} of {limits.max_length})."
            )
    if len(parts) > 1 and not limits.supports_threads:
        problems.append(f"{limits.label} does not take threads.")
    if limits.requires_media and media_count == 0:
        problems.append(f"{limits.label} needs at least one image.")
    if account.needs_reconnect:
        problems.append(f"{account} needs reconnecting before it can post: {account.health_reason}")
    return AccountCheck(account=account, parts=checked, problems=problems)
