from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.guard.checks import check as guard_check
from firsthand.guard.verdict import AskFirst
from firsthand.networks import registry
from firsthand.networks.limits import LIMITS
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import library, operations
from firsthand.publishing.checks import check_for_account
from firsthand.publishing.forms import ComposeForm
from firsthand.publishing.links import rewrite_links, utm_params
from firsthand.publishing.models import LinkSettings, MediaFile, Post, Snippet
from firsthand.publishing.shortlinks import codes as shortlink_codes
from firsthand.publishing.states import EDITABLE_STATES, State
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id, ids


def workspace_accounts(membership):
    """The accounts this member's post can go to: not those whose network's API only answers (YouTube),
    nor those outside the member's access."""
    answer_only = [name for name, limits in LIMITS.items() if not limits.publishes]
    found = ConnectedAccount.objects.connected().filter(workspace=membership.workspace)
    found = scope.within(membership, found.exclude(network__in=answer_only), "pk")
    return found.order_by("network", "handle")


def initial_for(post: Post | None):
    if post is None:
        return {}
    initial = {
        "text": post.text,
        "campaign": post.campaign,
        "content_warning": post.content_warning,
        "audience": post.audience,
        "accounts": [d.account_id for d in post.deliveries.all()],
        "when": "draft",
    }
    for n, part in enumerate(post.follow_ups):
        initial[f"follow_up_{n}"] = part
    for delivery in post.deliveries.all():
        initial[f"variant_{delivery.account_id}"] = delivery.variant_text
    return initial


def autosaved_draft(request, membership):
    """The draft an autosave already created for this composer, if the form says so."""
    post_id = an_id(request.POST.get("post_id", ""))
    if post_id is None:
        return None
    post = scope.posts_within(membership, Post.objects.filter(pk=post_id, workspace=membership.workspace)).first()
    if post is None or post.deliveries.exclude(state=State.DRAFT).exists():
        return None
    return post


@workspace_view(Capability.DRAFT)
def compose(request, membership, post_id=None):
    workspace = membership.workspace
    post = autosaved_draft(request, membership) if request.method == "POST" and post_id is None else None
    if post_id is not None:
        post = get_object_or_404(scope.posts_within(membership, Post.objects.all()), pk=post_id, workspace=workspace)
        if post.deliveries.exclude(state__in=EDITABLE_STATES).exists():
            messages.info(request, "This post has gone out (or is going out), so it can no longer be edited.")
            return redirect("publishing:post", slug=workspace.slug, post_id=post.pk)
        try:
            scope.require_post(membership, post)
        except scope.OutOfReach as refusal:
            messages.error(request, str(refusal))
            return redirect("publishing:post", slug=workspace.slug, post_id=post.pk)
    accounts = workspace_accounts(membership)
    form = ComposeForm(request.POST or None, accounts=accounts, workspace=workspace, initial=initial_for(post))
    link_settings = LinkSettings.for_workspace(workspace)
    if request.method == "POST" and form.is_valid():
        saved = save_from_form(request, membership, form, post)
        if saved is not None:
            return redirect("publishing:post", slug=workspace.slug, post_id=saved.pk)
    context = {
        "autosave": post is None or all(d.state == State.DRAFT for d in post.deliveries.all()),
        "active": "compose",
        "form": form,
        "post": post,
        "accounts": accounts,
        "can_publish": membership.can(Capability.PUBLISH),
        "utm_enabled": bool(getattr(link_settings, "utm_enabled", False)),
        "short_links": shortlink_codes.wanted(link_settings),
        "has_mastodon": any(account.network == "mastodon" for account in accounts),
        "has_blog": any(registry.limits_for(account).titled for account in accounts),
        "snippets": Snippet.objects.filter(workspace=workspace),
        "library": list(library.search(membership)[:12]),
        "checks": checks_from(
            request.POST if request.method == "POST" else None, accounts, post, workspace, author=request.user
        ),
        "images": chosen_images(request.POST, workspace)
        if request.method == "POST"
        else stored_images(post)
        if post
        else [],
        **choices_shown(form),
    }
    return render(request, "publishing/compose.html", context, status=400 if form.errors else 200)


def chosen_images(data, workspace) -> list[tuple[MediaFile, str]]:
    """The images the form holds, in order, with their descriptions; only this workspace's."""
    chosen = ids(data.getlist("media"))[:10]
    found = {m.pk: m for m in MediaFile.objects.filter(workspace=workspace, pk__in=chosen)}
    return [(found[pk], data.get(f"alt_{pk}", "").strip()) for pk in chosen if pk in found]


def stored_images(post) -> list[tuple[MediaFile, str]]:
    return [(attachment.media, attachment.alt_text) for attachment in post.attachments.select_related("media")]


def save_from_form(request, membership, form, post):
    data = form.cleaned_data
    when = data["when"]
    if when != "draft" and not membership.can(Capability.PUBLISH):
        form.add_error(None, "Your role can save drafts but not publish. Save it as a draft.")
        return None
    try:
        # One transaction: a post that cannot be scheduled is not left behind as a stray draft.
        with transaction.atomic():
            saved = operations.save_post(
                membership,
                accounts=list(data["accounts"]),
                text=data["text"],
                follow_ups=form.follow_ups(),
                variants=form.variants(),
                images=chosen_images(request.POST, membership.workspace),
                campaign=data.get("campaign", ""),
                content_warning=data.get("content_warning", ""),
                audience=data.get("audience") or "public",
                post=post,
            )
            anyway = request.POST.get("anyway") == "1"
            if when == "now":
                outcome = operations.schedule(membership, saved, None, anyway=anyway)
                done = "Publishing now. Until it goes out you can still undo it, from any page."
            elif when == "schedule":
                outcome, done = operations.schedule(membership, saved, form.due, anyway=anyway), "Scheduled."
            elif when == "queue":
                outcome, done = operations.add_to_queue(membership, saved, anyway=anyway), "Added to the queue."
            else:
                # A draft is a draft: anything of it waiting to go out waits no longer.
                operations.unschedule(membership, saved)
                outcome, done = None, "Draft saved."
            if outcome == operations.AWAITING:
                done = "Sent to an owner or manager for approval. It goes out once approved."
            messages.success(request, done)
            return saved
    except AskFirst as question:
        # Asked before anything is scheduled, so the undo countdown starts only after the yes.
        form.ask_first = question.findings
        return None
    except (operations.PublishingError, scope.OutOfReach) as error:
        form.add_error("at" if isinstance(error, operations.TimeHasPassed) else None, str(error))
        return None


def checks_from(data, accounts, post=None, workspace=None, author=None):
    """Per chosen account: the count against its limit and any problems, for the live panel and preview."""
    if data is not None:
        chosen_ids = set(ids(data.getlist("accounts")))
        text = data.get("text", "")
        follow_ups = [data.get(f"follow_up_{n}", "") for n in range(3)]
        variants = {a.pk: data.get(f"variant_{a.pk}", "") for a in accounts}
        images = [media for media, _alt in chosen_images(data, workspace)]
    elif post is not None:
        chosen_ids = {d.account_id for d in post.deliveries.all()}
        text, follow_ups = post.text, post.follow_ups
        variants = {d.account_id: d.variant_text for d in post.deliveries.all()}
        images = [media for media, _alt in stored_images(post)]
    else:
        return []
    follow_ups = [part for part in follow_ups if part.strip()]
    link_settings = LinkSettings.for_workspace(workspace) if workspace else None
    campaign = (data.get("campaign", "") if data is not None else post.campaign) or ""
    # Saved as operations.save_post saves it, so the live count is the one publishing will check.
    content_warning = (data.get("content_warning", "") if data is not None else post.content_warning).strip()[:500]
    # Codes already made (a scheduled post being edited) are shown as they are; others as a placeholder as long.
    known = {}
    if post is not None and shortlink_codes.wanted(link_settings):
        known = {d.account_id: shortlink_codes.known_codes(d) for d in post.deliveries.all()}
    results = []
    for account in accounts:
        if account.pk in chosen_ids:
            params = utm_params(link_settings, account, campaign)
            written = [variants.get(account.pk, "").strip() or text, *follow_ups]
            # Counted as they go out (short links and all); checked by the guard where they really lead.
            destinations = [rewrite_links(part, params) for part in written]
            shorten = shortlink_codes.preview_for(link_settings, known.get(account.pk))
            parts = [rewrite_links(part, params, shorten) for part in written] if shorten else destinations
            check = check_for_account(account, parts, images, content_warning)
            findings = [
                found for part in destinations for found in guard_check(part, account, post=post, author=author)
            ]
            shown = list(zip(check.parts, parts, destinations, strict=True))
            results.append((check, shown, images, findings))
    return results


def choices_shown(form):
    """Which accounts are ticked and which optional sections are open, from what was sent or stored."""
    if form.is_bound:
        chosen = set(ids(form.data.getlist("accounts")))
        values = form.data
    else:
        chosen = set(form.initial.get("accounts", []))
        values = form.initial
    return {
        "chosen_ids": chosen,
        "has_follow_ups": any(values.get(f"follow_up_{n}") for n in range(3)),
        "has_variants": any(str(key).startswith("variant_") and value for key, value in values.items()),
    }


@require_POST
@workspace_view(Capability.DRAFT)
def check(request, membership):
    """htmx: the live counts and previews while the author types."""
    accounts = workspace_accounts(membership)
    checks = checks_from(request.POST, accounts, workspace=membership.workspace, author=request.user)
    return render(request, "publishing/_checks.html", {"checks": checks})


@require_POST
@workspace_view(Capability.DRAFT)
def autosave(request, membership):
    """htmx: keep what is being written as a draft, so a closed tab or a dead battery loses nothing."""
    workspace = membership.workspace
    accounts = workspace_accounts(membership)
    chosen = [a for a in accounts if str(a.pk) in request.POST.getlist("accounts")]
    text = request.POST.get("text", "")
    post = autosaved_draft(request, membership)
    if not chosen or not text.strip():
        return render(request, "publishing/_autosave.html", {"post": post, "status": ""})
    try:
        post = operations.save_post(
            membership,
            accounts=chosen,
            text=text,
            follow_ups=[request.POST.get(f"follow_up_{n}", "") for n in range(3)],
            variants={a.pk: request.POST.get(f"variant_{a.pk}", "") for a in chosen},
            images=chosen_images(request.POST, workspace),
            campaign=request.POST.get("campaign", ""),
            content_warning=request.POST.get("content_warning", ""),
            audience=request.POST.get("audience", "public"),
            post=post,
        )
    except (operations.PublishingError, scope.OutOfReach) as error:
        return render(request, "publishing/_autosave.html", {"post": post, "status": str(error)})
    return render(request, "publishing/_autosave.html", {"post": post, "status": "saved"})
