"""Insights → Followers: audit each account's followers and see which look bought."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.insights.followers import figures, operations
from firsthand.insights.followers.models import FollowerAudit
from firsthand.insights.views.common import render_tab
from firsthand.networks.models import ConnectedAccount
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def accounts_of(membership):
    accounts = ConnectedAccount.objects.filter(workspace=membership.workspace).connected().order_by("pk")
    return scope.within(membership, accounts, "pk")


def account_or_404(membership, pk) -> ConnectedAccount:
    try:
        return accounts_of(membership).get(pk=int(pk))
    except (ConnectedAccount.DoesNotExist, ValueError, TypeError):
        raise Http404("No such account.") from None


def audit_or_404(membership, pk) -> FollowerAudit:
    audits = FollowerAudit.objects.select_related("account").filter(workspace=membership.workspace)
    try:
        return scope.within(membership, audits).get(pk=pk)
    except FollowerAudit.DoesNotExist:
        raise Http404("No such audit.") from None


def card(membership, account) -> dict:
    return {"account": account, "audit": figures.latest(account), "why_not": operations.why_not(account)}


def page_url(membership, account) -> str:
    return reverse("insights:followers", args=[membership.workspace.slug]) + f"?account={account.pk}"


@workspace_view(Capability.VIEW)
def followers(request, membership):
    accounts = list(accounts_of(membership))
    chosen = None
    if request.GET.get("account"):
        chosen = account_or_404(membership, request.GET["account"])
    elif accounts:
        chosen = accounts[0]
    context = {
        "accounts": accounts,
        "chosen": chosen,
        "can_audit": membership.can(Capability.MANAGE_ACCOUNTS),
    }
    if chosen:
        context["card"] = card(membership, chosen)
        done = figures.last_done(chosen)
        if done:
            context.update(
                done=done,
                reasons=figures.reasons(done),
                examples=figures.examples(done),
                growth=figures.growth(chosen),
            )
    return render_tab(request, "followers", "insights/followers.html", context)


@workspace_view(Capability.VIEW)
def progress(request, membership, account_id):
    """htmx, every 2 s while an audit runs: its progress; once it has ended, the page again, with results."""
    account = account_or_404(membership, account_id)
    context = card(membership, account)
    if context["audit"] is None or not context["audit"].running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "insights/followers_progress.html",
        {**context, "can_audit": membership.can(Capability.MANAGE_ACCOUNTS), "workspace": membership.workspace},
    )


@require_POST
@workspace_view(Capability.VIEW)
def start(request, membership, account_id):
    account = account_or_404(membership, account_id)
    try:
        audit, new = operations.start_audit(membership, account)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or "You can't audit this account's followers.")
    else:
        if new:
            messages.success(request, f"Reading the followers of {account}. You can leave this page; it goes on.")
        else:
            messages.info(request, f"An audit of the followers of {account} is already running: here is its progress.")
    return redirect(page_url(membership, account))


@require_POST
@workspace_view(Capability.VIEW)
def cancel(request, membership, audit_id):
    audit = audit_or_404(membership, audit_id)
    try:
        if operations.cancel_audit(membership, audit):
            messages.success(request, f"The audit of {audit.account} was cancelled; what it read is kept aside.")
        else:
            messages.info(request, "That audit had already ended.")
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    return redirect(page_url(membership, audit.account))


class Echo:
    def write(self, value):
        return value


@workspace_view(Capability.VIEW)
def export(request, membership, audit_id):
    """Every judged follower of one audit, as CSV, read in chunks so 100,000 rows stay light."""
    audit = audit_or_404(membership, audit_id)
    writer = csv.writer(Echo())
    header = ["handle", "display_name", "profile_url", "label", "score", "reasons"]
    signals = ["followers_count", "following_count", "posts_count", "has_default_avatar"]

    def rows():
        yield writer.writerow(header + signals)
        for row in audit.followers.order_by("pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [safe(row.handle), safe(row.display_name), safe(row.profile_url), row.label, row.score,
                 "; ".join(row.reasons)] + [row.signals.get(key) for key in signals]
            )  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = audit.account.handle.lstrip("@").replace("/", "-") or "account"
    response["Content-Disposition"] = f'attachment; filename="followers-{name}-{audit.pk}.csv"'
    return response


def safe(text: str) -> str:
    """A follower's own words must not run as a spreadsheet formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
