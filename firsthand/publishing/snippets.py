"""Snippets and hashtag groups: text the team saves once and puts into posts from the composer.

Shared by the whole workspace like the inbox's saved replies: anyone who drafts may save one; its author,
an owner or a manager may change or delete it. Each shows how long it is on every network the workspace
posts to, counted by that network's own rule, so "#bread #sourdough #bakerylife …" is seen to eat a
third of a post on X before it is inserted.
"""

from dataclasses import dataclass

import regex
from django.db import IntegrityError, transaction

from firsthand.audit.log import record
from firsthand.networks import registry
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import counting
from firsthand.publishing.models import Snippet
from firsthand.team.access import require
from firsthand.team.permissions import Capability

MAX_TEXT = 2000
# A hashtag as the networks take one: letters, digits, underscores and joiners, not only digits.
HASHTAG = regex.compile(r"^#(?=[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_])[\p{L}\p{M}\p{N}_\u200c\u200d]{1,100}$")


class SnippetError(Exception):
    """A snippet that cannot be saved as it is, with the reason to show."""


@dataclass(frozen=True)
class Fit:
    network: str
    label: str
    length: int
    limit: int

    @property
    def share(self) -> int:
        """How much of a post it takes, in percent (at most 100 for the bar)."""
        return min(100, round(100 * self.length / self.limit)) if self.limit else 100

    @property
    def fits(self) -> bool:
        return self.length <= self.limit


def hashtags(text: str) -> str:
    """'bread, #Sourdough  bakerylife' → '#bread #Sourdough #bakerylife', or a SnippetError naming the bad one."""
    words = [word for word in regex.split(r"[\s,;]+", text) if word]
    tags = []
    for word in words:
        tag = word if word.startswith("#") else "#" + word
        if not HASHTAG.match(tag):
            raise SnippetError(f"“{word[:40]}” can't be a hashtag: use letters, digits and _ only, not only digits.")
        if tag.casefold() not in {seen.casefold() for seen in tags}:
            tags.append(tag)
    if not tags:
        raise SnippetError("A hashtag group needs at least one hashtag.")
    return " ".join(tags)


def cleaned(kind: str, name: str, text: str) -> tuple[str, str, str]:
    if kind not in Snippet.Kind.values:
        raise SnippetError("Choose a snippet or a hashtag group.")
    name, text = name.strip(), text.replace("\x00", "").strip()
    if not name:
        raise SnippetError("Give it a name the team will recognise, such as “Allergens” or “Sourdough tags”.")
    if len(name) > 80:
        raise SnippetError("Keep the name under 80 characters.")
    if not text:
        raise SnippetError("Write the text it puts into a post.")
    if len(text) > MAX_TEXT:
        raise SnippetError(f"Keep it under {MAX_TEXT:,} characters; it is {len(text):,}.")
    if kind == Snippet.Kind.HASHTAGS:
        text = hashtags(text)
    return kind, name, text


def save_snippet(membership, *, kind: str, name: str, text: str, snippet: Snippet | None = None) -> Snippet:
    """Create a snippet, or change `snippet`."""
    require(membership, Capability.DRAFT)
    kind, name, text = cleaned(kind, name, text)
    if snippet is not None and not may_change(membership, snippet):
        raise SnippetError("Only its author, an owner or a manager can change this snippet.")
    try:
        with transaction.atomic():
            if snippet is None:
                snippet = Snippet.objects.create(
                    workspace=membership.workspace, kind=kind, name=name, text=text, created_by=membership.user
                )
                action, verb = "publishing.snippet_added", "saved"
            else:
                snippet.kind, snippet.name, snippet.text = kind, name, text
                snippet.save(update_fields=["kind", "name", "text"])
                action, verb = "publishing.snippet_changed", "changed"
    except IntegrityError:
        raise SnippetError(f"There is already a snippet called “{name}”.") from None
    record(
        action,
        f"{membership.user} {verb} the {snippet.get_kind_display().lower()} “{name}”",
        actor=membership.user,
        workspace=membership.workspace,
        snippet_id=snippet.pk,
    )
    return snippet


def may_change(membership, snippet: Snippet) -> bool:
    return snippet.created_by_id == membership.user.pk or membership.can(Capability.APPROVE)


def delete_snippet(membership, snippet: Snippet) -> None:
    require(membership, Capability.DRAFT)
    if not may_change(membership, snippet):
        raise SnippetError("Only its author, an owner or a manager can delete this snippet.")
    snippet.delete()
    record(
        "publishing.snippet_deleted",
        f"{membership.user} deleted the {snippet.get_kind_display().lower()} “{snippet.name}”",
        actor=membership.user,
        workspace=membership.workspace,
    )


def fits(text: str, accounts) -> list[Fit]:
    """Its length on each network among `accounts`, by that network's rule (the strictest limit per network)."""
    strictest: dict[str, object] = {}
    for account in accounts:
        limits = registry.limits_for(account)
        if not limits.publishes:
            continue
        if account.network not in strictest or limits.max_length < strictest[account.network].max_length:
            strictest[account.network] = limits
    return [
        Fit(network, limits.label, counting.count(text, limits.counting, limits.max_length).length, limits.max_length)
        for network, limits in sorted(strictest.items(), key=lambda item: item[1].label)
    ]


def for_composer(membership) -> list[tuple[Snippet, list[Fit]]]:
    """Every snippet with its length on the networks of the accounts this member posts to."""
    from firsthand.team import scope

    accounts = list(
        scope.within(membership, ConnectedAccount.objects.connected().filter(workspace=membership.workspace), "pk")
    )
    return [
        (snippet, fits(snippet.text, accounts)) for snippet in Snippet.objects.filter(workspace=membership.workspace)
    ]
