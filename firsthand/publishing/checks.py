"""What the composer checks against each network's rules before anything is saved for publishing."""

from dataclasses import dataclass

from firsthand.networks import registry
from firsthand.publishing.counting import count, fit


@dataclass(frozen=True)
class PartCheck:
    index: int
    length: int
    limit: int
    kept: str = ""  # what the network would show
    cut: str = ""  # what goes past its limit

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


def check_for_account(account, parts: list[str], images=(), content_warning: str = "") -> AccountCheck:
    """`images` are MediaFile rows attached to the first part; the content warning goes with every part."""
    limits = registry.limits_for(account)
    checked = []
    problems = []
    for index, text in enumerate(parts):
        measured = count(text, limits.counting, limits.max_length, content_warning)
        kept, cut = (text, "") if measured.fits else fit(text, limits.counting, limits.max_length, content_warning)
        checked.append(PartCheck(index=index, length=measured.length, limit=limits.max_length, kept=kept, cut=cut))
        where = "The post" if index == 0 else f"Part {index + 1} of the thread"
        if not text.strip():
            problems.append(f"{where} is empty.")
        elif not measured.fits:
            problems.append(
                f"{where} is {measured.length - limits.max_length} too long for {limits.label} "
                f"({measured.length} of {limits.max_length})."
            )
    if limits.titled and parts and parts[0].strip():
        title = parts[0].strip().splitlines()[0].strip()
        if limits.max_title and len(title) > limits.max_title:
            problems.append(
                f"The title (the first line) is {len(title) - limits.max_title} too long for {limits.label} "
                f"({len(title)} of {limits.max_title})."
            )
    if len(parts) > 1 and not limits.supports_threads:
        problems.append(f"{limits.label} does not take threads.")
    if limits.requires_media and not images:
        problems.append(f"{limits.label} needs at least one image.")
    if len(images) > limits.max_images:
        problems.append(f"{limits.label} takes at most {limits.max_images} images; this post has {len(images)}.")
    for image in images:
        if image.mime_type not in limits.image_types:
            problems.append(f"{limits.label} does not take {image.extension.upper()} images ({image.original_name}).")
        elif image.size > limits.max_image_bytes:
            problems.append(
                f"{image.original_name} is {image.size / 1048576:.1f} MB; "
                f"{limits.label} takes images up to {limits.max_image_bytes / 1048576:.0f} MB."
            )
    if account.needs_reconnect:
        problems.append(f"{account} needs reconnecting before it can post: {account.health_reason}")
    return AccountCheck(account=account, parts=checked, problems=problems)
