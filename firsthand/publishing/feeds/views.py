"""Settings → Feeds: follow a blog's or a supplier's feed; each new entry becomes a draft or a queued post."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.networks.models import ConnectedAccount
from firsthand.publishing.feeds import operations, reading
from firsthand.publishing.feeds.models import Feed, FeedEntry
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import IdsField

SHOWN_ENTRIES = 5


class FeedForm(forms.Form):
    url = forms.URLField(label="Feed address", max_length=2000, assume_scheme="https",
                         help_text="The RSS or Atom address, often ending in /feed or /rss.xml.")  # fmt: skip
    accounts = IdsField(queryset=None, label="Post to", widget=forms.CheckboxSelectMultiple)
    mode = forms.ChoiceField(
        choices=Feed.Mode.choices, initial=Feed.Mode.DRAFT, widget=forms.RadioSelect, label="New entries go"
    )
    template = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), initial="{title}\n\n{link}", max_length=1000,
        help_text="{title}, {link} and {excerpt} are filled in from each entry.",
    )  # fmt: skip

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = ConnectedAccount.objects.connected().filter(workspace=workspace)
        self.fields["accounts"].error_messages["invalid_choice"] = "One of those accounts isn't connected here."
        self.fields["accounts"].error_messages["invalid_pk_value"] = "One of those accounts isn't connected here."
        self.fields["accounts"].error_messages["required"] = "Choose at least one account the feed's posts go to."


def page(request, membership, form=None, status=200):
    workspace = membership.workspace
    feeds = list(Feed.objects.filter(workspace=workspace).prefetch_related("accounts"))
    for feed in feeds:
        feed.recent = list(
            FeedEntry.objects.filter(feed=feed)
            .select_related("post")
            .order_by("-published_at", "-seen_at")[:SHOWN_ENTRIES]
        )
        for entry in feed.recent:
            entry.preview = reading.render(feed.template, entry)
    context = {
        "active": "settings",
        "feeds": feeds,
        "form": form or FeedForm(workspace=workspace),
        "can_manage": membership.can(Capability.SETTINGS),
    }
    return render(request, "publishing/feeds.html", context, status=status)


@workspace_view(Capability.SETTINGS)
def feeds(request, membership):
    if request.method != "POST":
        return page(request, membership)
    form = FeedForm(request.POST, workspace=membership.workspace)
    if not form.is_valid():
        return page(request, membership, form, status=400)
    try:
        feed = operations.add_feed(membership, **form.cleaned_data)
    except (operations.FeedProblem, reading.FeedError) as problem:
        form.add_error(None, str(problem))
        return page(request, membership, form, status=400)
    messages.success(
        request,
        f"Following “{feed}”. The {feed.entries.count()} entries already in it are remembered, not posted; "
        "new ones are checked for every 15 minutes.",
    )
    return redirect(operations.page_url(feed))


@require_POST
@workspace_view(Capability.SETTINGS)
def feed_action(request, membership, feed_id, action):
    feed = get_object_or_404(Feed, pk=feed_id, workspace=membership.workspace)
    if action == "check":
        made = operations.check_now(membership, feed)
        feed.refresh_from_db()
        if feed.last_error:
            messages.error(request, f"“{feed}” could not be read: {feed.last_error}")
        else:
            messages.success(
                request, f"Checked “{feed}”: {made} new {'entry' if made == 1 else 'entries'} became posts."
            )
    elif action == "remove":
        operations.remove_feed(membership, feed)
        messages.success(request, f"Stopped following “{feed}”. Posts already made from it stay as they are.")
        return redirect("publishing:feeds", slug=membership.workspace.slug)
    else:
        raise Http404("No such action.")
    return redirect(operations.page_url(feed))
