from django.contrib import messages
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from firsthand.inbox import operations, search, together
from firsthand.inbox.clocks import overdue, waited
from firsthand.inbox.models import (
    Conversation,
    Escalation,
    Interaction,
    PendingAnswer,
    ResponseTargets,
    SavedReply,
    SavedView,
    Tag,
)
from firsthand.inbox.window import Window
from firsthand.networks import registry
from firsthand.networks.models import ConnectedAccount
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id, page_number

LABELS = ["question", "complaint", "offensive", "negative", "positive", "spam"]


def labelled(conversations, label: str):
    """Conversations with this label. PostgreSQL answers `labels @> '["question"]'` from a GIN index
    (migration 0019: 6 ms instead of 60–120 ms with a million messages); SQLite has no JSON containment
    operator, and reads the JSON text, where the quotes keep "negative" from matching "not negative"."""
    if connection.vendor == "postgresql":
        return conversations.filter(labels__contains=[label])
    return conversations.filter(labels__icontains=f'"{label}"')


def filtered(membership, params):
    workspace = membership.workspace
    conversations = operations.conversations_for(membership)
    status = params.get("status", "open")
    if status in Conversation.Status.values:
        conversations = conversations.filter(status=status)
    if params.get("label") in LABELS:
        conversations = labelled(conversations, params["label"])
    if an_id(params.get("account", "")):
        conversations = conversations.filter(account_id=an_id(params["account"]))
    if an_id(params.get("post", "")):
        # Replies to one published post (Insights → Posts leads here from a post's reply count).
        conversations = conversations.filter(post_id=an_id(params["post"]))
    if params.get("network"):
        # Any text: an unknown network matches nothing, as an unknown tag does.
        conversations = conversations.filter(account__network=params["network"][:32])
    conversations = Window.from_params(params).conversations(conversations)
    if params.get("escalated") == "1":
        conversations = conversations.filter(escalations__answered_at=None, escalations__isnull=False).distinct()
    if params.get("tag"):
        conversations = conversations.filter(tags__name=params["tag"][:40]).distinct()
    if params.get("q"):
        conversations = search.matching(conversations, params["q"], workspace)
    # Those still waiting for an answer first, the most urgent first (complaints and offensive, then
    # questions), then who has waited longest; answered ones after them, so they leave the top of Open.
    answered = ExpressionWrapper(Q(awaiting_since=None), output_field=BooleanField())
    return conversations.order_by(answered, "priority", "last_inbound_at")


def shown(ids: list[int]) -> list[Conversation]:
    """The conversations with these ids, in this order, with what each row shows, in one query.

    Chosen first by id, then dressed: a search for a common word matches thousands of conversations, and
    SQLite would otherwise work out the last message of every one of them before sorting (40 ms → 5 ms).
    """
    latest = Interaction.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = Conversation.objects.filter(pk__in=ids).select_related("person", "account", "assignee")
    rows = rows.annotate(
        last_text=Subquery(latest.values("text")[:1]),
        asking_owner=Exists(Escalation.objects.filter(conversation=OuterRef("pk"), answered_at=None)),
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


PAGE = 30
LATE_FIRST = 10  # at most this many overdue conversations pulled up above the first page


def page_of(membership, params, targets, now) -> tuple[list, int | None]:
    """One page of the list, and the next page's number when there is more.

    The first page starts with up to ten conversations already past their response target, whatever
    their label, the longest waiting first (an indexed query), so an overdue thank-you is not buried
    under thirty fresh questions; they may show again further down, in their place.
    """
    workspace = membership.workspace
    page = page_number(params.get("page"))
    ids = list(filtered(membership, params).values_list("pk", flat=True)[(page - 1) * PAGE : page * PAGE + 1])
    more = page + 1 if len(ids) > PAGE else None
    ids = ids[:PAGE]
    # Only the open list: a search is for finding, not for what is late, and done or hidden conversations
    # wait for nobody (looking among 700,000 done ones for a clock cost 20 ms).
    if page == 1 and not params.get("q") and params.get("status", "open") == "open":
        longest = filtered(membership, params).exclude(awaiting_since=None).order_by("awaiting_since")[:LATE_FIRST]
        late_ids = [c.pk for c in longest if overdue(c, targets, workspace.timezone, now)]
        ids = late_ids + [pk for pk in ids if pk not in late_ids]
    rows = shown(ids)
    tags = {}
    for conversation_id, name in Tag.objects.filter(conversation__in=rows).values_list("conversation_id", "name"):
        tags.setdefault(conversation_id, []).append(name)
    # What each row shows, worked out here once rather than by template filters thirty times over: the
    # list is the page the team opens most, and its rendering was most of its time with a big history.
    link = reverse("inbox:conversation", kwargs={"slug": workspace.slug, "conversation_id": 0}).removesuffix("0/")
    for conversation in rows:
        conversation.overdue = overdue(conversation, targets, workspace.timezone, now)
        conversation.tag_names = tags.get(conversation.pk, [])
        conversation.href = f"{link}{conversation.pk}/"
        conversation.excerpt = excerpt(conversation.last_text or "")
        conversation.initial = initial(conversation.person.handle)
        conversation.waited = waited(conversation.awaiting_since, now) if conversation.awaiting_since else ""
    return rows, more


def initial(handle: str) -> str:
    """The avatar's letter: the first letter or digit, so a handle starting with "@" or a direction mark
    (U+202E) still gets one."""
    return next((char.upper() for char in handle if char.isalnum()), "?")


def excerpt(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@workspace_view(Capability.VIEW)
def inbox(request, membership):
    workspace = membership.workspace
    targets, now = ResponseTargets.for_workspace(workspace), timezone.now()
    conversations, next_page = page_of(membership, request.GET, targets, now)
    more_query, first_query = request.GET.copy(), request.GET.copy()
    more_query["page"] = next_page or ""
    first_query.pop("page", None)
    listing = {
        "next_page_query": more_query.urlencode() if next_page else "",
        "first_page_query": first_query.urlencode(),
        "page_size": PAGE,
        "conversations": conversations,
        "filters": request.GET,
    }
    window = Window.from_params(request.GET)
    if request.htmx:
        # Filters, searches and the five-second refresh replace the list only: no page frame, so none of
        # the frame's context processors (counts, pauses, the undo bar) run for it.
        return HttpResponse(render_to_string("inbox/_list.html", listing))
    context = listing | {
        "active": "inbox",
        "targets": targets,
        "labels": LABELS,
        "known_tags": together.workspace_tags(membership),
        "saved_views": views_for(membership),
        "current_query": request.GET.urlencode(),
        "accounts": reachable_accounts(membership),
        "sandbox_accounts": reachable_accounts(membership).filter(network="sandbox"),
        "can_simulate": membership.can(Capability.REPLY),
        "can_approve": membership.can(Capability.APPROVE),
        "relabel_backlog": relabel_backlog(membership),
        "window": window.describe(workspace) if window else "",
        "without_window": without(request.GET, "since", "until", "kind", "by", "weekday", "hour"),
        "network_filter": request.GET.get("network", "")[:32],
        "without_network": without(request.GET, "network"),
        "post_filter": post_filter(membership, request.GET.get("post", "")),
        "without_post": without(request.GET, "post"),
    }
    return render(request, "inbox/inbox.html", context)


def post_filter(membership, raw: str) -> str:
    """The chip's words for the `post` filter: the start of the post's text, if the member may see it."""
    from firsthand.publishing.models import Delivery

    if not an_id(raw):
        return ""
    delivery = scope.within(membership, Delivery.objects.filter(post__workspace=membership.workspace))
    found = delivery.select_related("post").filter(pk=an_id(raw)).first()
    return f"Replies to “{Truncator(found.text()).chars(40)}”" if found else "Replies to a post"


def without(params, *keys) -> str:
    """The address's query less these filters: where a chip's × leads."""
    rest = params.copy()
    for key in (*keys, "page"):
        rest.pop(key, None)
    return rest.urlencode()


def reachable_accounts(membership):
    return scope.within(membership, ConnectedAccount.objects.connected().filter(workspace=membership.workspace), "pk")


def views_for(membership) -> list:
    """The workspace's saved views, less those about one account outside this member's access."""
    from urllib.parse import parse_qs

    saved = list(SavedView.objects.filter(workspace=membership.workspace))
    if not scope.is_limited(membership):
        return saved
    return [
        view
        for view in saved
        if all(scope.may_use(membership, an_id(value)) for value in parse_qs(view.query).get("account", []))
    ]


def relabel_backlog(membership) -> str:
    """ "" in the ordinary case; during a spike, how many of this member's messages wait for the accurate judgements."""
    from firsthand.inbox.relabel import waiting

    # Counted up to a bound: the exact size of a backlog of 100,000 matters less than a fast page.
    count = waiting(membership.workspace, limit=RELABEL_SHOWN_FROM * 100, membership=membership)
    if count < RELABEL_SHOWN_FROM:
        return ""  # a few seconds' work at a shop's normal load: not worth a word
    return f"{count:,}" if count < RELABEL_SHOWN_FROM * 100 else f"over {count - 1:,}"


RELABEL_SHOWN_FROM = 50


def timeline(talk) -> list[tuple[str, object]]:
    """Every message, answer, note and question to the owner of a conversation, in the order they happened.

    A question to the owner takes its place when it was asked; its answer is shown with it.
    """
    events = [
        (item.created_at, 0, "item", item)
        for item in talk.items.select_related("author", "approved_by", "liked_by", "hidden_on_network_by")
    ]
    events += [(note.created_at, 1, "note", note) for note in talk.notes.select_related("author")]
    events += [
        (asked.asked_at, 2, "escalation", asked) for asked in talk.escalations.select_related("asked_by", "answered_by")
    ]
    events.sort(key=lambda event: (event[0], event[1], event[3].pk))
    return [(kind, thing) for _when, _order, kind, thing in events]


@workspace_view(Capability.VIEW)
def conversation(request, membership, conversation_id):
    workspace = membership.workspace
    talk = get_object_or_404(
        operations.conversations_for(membership).select_related(
            "person", "account", "post__post", "assignee", "workspace"
        ),
        pk=conversation_id,
    )
    error, draft, collision, status, paused_ask = "", "", [], 200, ""
    marks = together.seen_marks(talk)
    if request.method == "POST":
        if not membership.can(Capability.REPLY):
            return render(request, "web/403.html", {"reason": "Viewers can't reply to conversations."}, status=403)
        draft = request.POST.get("text", "")
        # Someone else answered since this page was opened: show it and ask, so the customer never gets two answers.
        seen = [an_id(request.POST.get(name, ""), zero=True) for name in marks]
        if None not in seen:
            collision = together.answered_since(talk, *seen, request.user)
    if request.method == "POST" and collision and request.POST.get("send_anyway") != "1":
        status = 409
    elif request.method == "POST":
        try:
            result = operations.reply(
                membership,
                talk,
                draft,
                done=request.POST.get("done") == "1",
                while_paused=request.POST.get("while_paused") == "1",
            )
        except operations.PausedAsk as problem:
            paused_ask, status = problem.pause, 409
        except operations.ReplyError as problem:
            error = str(problem)
        else:
            if isinstance(result, PendingAnswer):
                messages.success(
                    request, "Sent to an owner or manager for approval. It goes to the customer once approved."
                )
            elif request.POST.get("done") == "1":
                messages.success(request, "Answered and marked done.")
                return redirect("inbox:inbox", slug=workspace.slug)
            else:
                messages.success(request, "Answered.")
            return redirect("inbox:conversation", slug=workspace.slug, conversation_id=talk.pk)
    history = operations.conversations_for(membership).filter(person=talk.person).exclude(pk=talk.pk).count()
    context = {
        "active": "inbox",
        "talk": talk,
        "timeline": timeline(talk),
        "error": error,
        "draft": draft,
        "history": history,
        "team": [
            member
            for member in Membership.objects.filter(workspace=workspace).select_related("user")
            if scope.may_use(member, talk.account_id)
        ],
        "pending_answers": talk.pending_answers.exclude(state=PendingAnswer.State.SENT).select_related(
            "author", "decided_by"
        ),
        "is_owner": membership.role == "owner",
        "answers_privately": talk.kind == "message",
        "can_reply": membership.can(Capability.REPLY),
        "can_hide_on_network": operations.can_hide_on_network(talk.account),
        "hideable_kinds": operations.HIDEABLE,
        "network_label": registry.limits_for(talk.account).label,
        "can_approve": membership.can(Capability.APPROVE),
        "collision": collision,
        "paused_ask": paused_ask,
        "marks": marks,
        "saved_replies": SavedReply.objects.filter(workspace=workspace),
        "others": together.others_here(talk, request.user),
        "tags": talk.tags.all(),
        "known_tags": together.workspace_tags(membership),
    }
    return render(request, "inbox/conversation.html", context, status=400 if error else status)
