"""A workspace with one of everything a page can be asked about, for the page fuzz test (test_fuzz_pages.py).

The demo bakery's posts and sandbox accounts (firsthand/demo.py), its customers' messages filed into
conversations, and then each thing an address names: a saved view, a saved reply, a note, a question to
the owner, an answer and a post waiting for approval, an invite, a pause, an image, a network app. The
outsider's workspace gets a post, an account and a conversation of its own, so every address can also be
tried with an id that exists but belongs to someone else.
"""

import io
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

NOWHERE = 987_654_321  # an id nothing has
HUGE = 2**63 - 1  # the largest id the database holds: exists nowhere either


@dataclass
class Shop:
    slug: str
    other_slug: str
    real: dict[str, list] = field(default_factory=dict)  # path parameter → values that name this workspace's things
    other: dict[str, object] = field(default_factory=dict)  # path parameter → one naming the outsider's thing


def image_upload(name="loaf.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 150, 90)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def file_customers(account):
    from firsthand.inbox import ingest

    ingest.poll(account)
    ingest.process_pending()


def build(team) -> Shop:
    from firsthand.demo import add_demo_posts
    from firsthand.guard import crisis
    from firsthand.guard.models import ApprovalPolicy
    from firsthand.inbox import escalations, together
    from firsthand.inbox import operations as inbox_operations
    from firsthand.inbox.models import Conversation, Interaction, Person
    from firsthand.networks.models import ConnectedAccount, NetworkApp
    from firsthand.networks.public_media import SALT
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxPost
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.notices.models import PushSubscription
    from firsthand.publishing import media, operations
    from firsthand.publishing.models import Delivery, Post
    from firsthand.publishing.states import State
    from firsthand.team.models import Device, Membership
    from firsthand.team.operations import create_invite

    workspace = team.workspace
    owner, manager, staff = (team.membership(p) for p in ("owner", "manager", "staff"))
    add_demo_posts(owner, staff)
    brand, news = ConnectedAccount.objects.filter(workspace=workspace).order_by("pk")
    for account in (brand, news):
        file_customers(account)
    talk = Conversation.objects.filter(workspace=workspace).order_by("pk").first()
    message = Conversation.objects.filter(workspace=workspace, kind="message").first() or talk

    note = together.add_note(staff, talk, "Tom's cake order: check with the kitchen.")
    saved_reply = together.save_reply(owner, "Opening hours", "We open at 7 every day but Sunday.")
    saved_view = together.save_view(owner, "Complaints", {"label": "complaint", "status": "open"})
    together.add_tag(staff, talk, "cakes")
    asked = escalations.escalate(staff, talk, "Can we promise the cake by Saturday?")
    policy = ApprovalPolicy.for_workspace(workspace)
    policy.staff_answers = policy.staff_posts = True
    policy.save()
    pending_answer = inbox_operations.reply(staff, message, "Yes, we do a gluten-free loaf on Fridays.")
    awaiting = operations.save_post(staff, accounts=[brand], text="New: rye sourdough on Thursdays.")
    operations.schedule(staff, awaiting, None, anyway=True)
    draft = operations.save_post(staff, accounts=[brand, news], text="A draft about croissants.")
    scheduled = Post.objects.filter(workspace=workspace, deliveries__state=State.SCHEDULED).first()
    published = Delivery.objects.filter(post__workspace=workspace, state=State.PUBLISHED).first()
    failed = Delivery.objects.filter(post__workspace=workspace, state=State.FAILED).first()
    pause = crisis.pause(manager, "A complaint going round; hold the news account.", news)
    invite = create_invite(owner, role="staff", email="new.baker@corner.example")
    image = media.store(workspace, team.staff, image_upload())
    app = NetworkApp.objects.create(workspace=workspace, network="facebook", client_id="1234567890")
    item = Interaction.objects.filter(conversation=talk).order_by("pk").first()
    sandbox_post = SandboxPost.objects.filter(account=SandboxAccount.objects.get(pk=int(brand.remote_id))).first()
    device = Device.objects.create(user=team.owner, agent="Firefox on Linux", ip="127.0.0.1")
    from firsthand.api import operations as api_operations

    api_token, _secret = api_operations.create(owner, name="Website chat", role="staff")
    from firsthand.publishing.snippets import save_snippet

    snippet = save_snippet(staff, kind="hashtags", name="Bread tags", text="sourdough realbread")
    from firsthand.publishing.feeds.models import Feed

    feed = Feed.objects.create(workspace=workspace, url="https://blog.example/feed.xml", created_by=team.owner)
    feed.accounts.set([brand])
    from firsthand.practice import operations as practice

    runs = [practice.start(staff, "late-order", seed=1), practice.start(owner, "praise", seed=1)]
    # A documentation address (RFC 5737): refused before any connection, so a fuzzed "send a test" stays here.
    push_keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22, "kinds": ["escalation.asked"]}
    phone = PushSubscription.objects.create(
        workspace=workspace, user=team.owner, endpoint="https://203.0.113.7/push/fuzz", label="Phone", **push_keys
    )
    hook, hook_delivery, their_hook, their_hook_delivery = webhook_rows(workspace, elsewhere_of(team))
    from firsthand.publishing.shortlinks.models import ShortLink

    # A short link of a published post (/l/<code>, open to anyone): followed, it redirects and counts a click.
    short_link = ShortLink.objects.create(delivery=published, code="k7m3q9td", target="https://harbour.example/menu")

    elsewhere = Membership.objects.get(user=team.outsider)
    their_account = connect_sandbox_account(elsewhere.workspace, "elsewhere-ltd", by=team.outsider)
    their_post = operations.save_post(elsewhere, accounts=[their_account], text="Elsewhere's news.")
    from firsthand.networks.sandbox.models import SandboxEvent

    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(their_account.remote_id)),
        kind="mention",
        author_handle="someone",
        author_name="Someone",
        text="@elsewhere-ltd hello",
    )
    file_customers(their_account)
    their_talk = Conversation.objects.get(workspace=elsewhere.workspace)
    their_token, _secret = api_operations.create(elsewhere, name="Their bot", role="viewer")
    their_snippet = save_snippet(elsewhere, kind="text", name="Theirs", text="Elsewhere's sign-off")
    their_feed = Feed.objects.create(
        workspace=elsewhere.workspace, url="https://elsewhere.example/rss", created_by=team.outsider
    )
    their_image = media.store(elsewhere.workspace, team.outsider, image_upload("theirs.png"))
    their_phone = PushSubscription.objects.create(
        workspace=elsewhere.workspace, user=team.outsider, endpoint="https://203.0.113.8/push/fuzz", **push_keys
    )

    members = {p: team.membership(p).pk for p in ("owner", "manager", "staff", "viewer")}
    real = {
        "pause_id": [pause.pk],
        "post_id": [scheduled.pk, awaiting.pk, draft.pk, published.post_id],
        "conversation_id": [talk.pk, message.pk],
        "answer_id": [pending_answer.pk],
        "escalation_id": [asked.pk],
        "item_id": [item.pk],
        "person_id": [Person.objects.filter(workspace=workspace).first().pk],
        "view_id": [saved_view.pk],
        "saved_id": [saved_reply.pk],
        "account_id": [brand.pk, news.pk],
        "media_id": [image.pk],
        "delivery_id": [failed.pk, published.pk, Delivery.objects.filter(post=scheduled).first().pk],
        "device_id": [device.pk],
        "invite_id": [invite.pk],
        "member_id": [members["staff"], members["owner"], members["viewer"]],
        "app_id": [app.pk],
        "handle": ["harbour-bakery"],
        "remote_id": [str(sandbox_post.pk) if sandbox_post else "1"],
        "token": [
            invite.token,
            signing.dumps({"path": image.file.name}, salt=SALT, compress=True),
            default_token_generator.make_token(team.owner),
        ],
        "uidb64": [urlsafe_base64_encode(force_bytes(team.owner.pk))],
        "note_id": [note.pk],
        "token_id": [api_token.pk],
        "snippet_id": [snippet.pk],
        "feed_id": [feed.pk],
        "run_id": [run.pk for run in runs],
        "subscription_id": [phone.pk],
        "endpoint_id": [hook.pk],
        "webhook_delivery_id": [hook_delivery.pk],
        "code": [short_link.code],
    }
    other = {
        "post_id": their_post.pk,
        "conversation_id": their_talk.pk,
        "account_id": their_account.pk,
        "delivery_id": their_post.deliveries.first().pk,
        "member_id": elsewhere.pk,
        "item_id": Interaction.objects.filter(conversation=their_talk).first().pk,
        "person_id": their_talk.person_id,
        "token_id": their_token.pk,
        "snippet_id": their_snippet.pk,
        "feed_id": their_feed.pk,
        "media_id": their_image.pk,
        "run_id": practice.start(elsewhere, "troll", seed=1).pk,
        "subscription_id": their_phone.pk,
        "endpoint_id": their_hook.pk,
        "webhook_delivery_id": their_hook_delivery.pk,
    }
    return Shop(slug=workspace.slug, other_slug=elsewhere.workspace.slug, real=real, other=other)


def elsewhere_of(team):
    from firsthand.team.models import Membership

    return Membership.objects.get(user=team.outsider).workspace


def webhook_rows(workspace, elsewhere):
    """An endpoint with one delivery in each workspace (made directly: creating one through the operations
    resolves its address, and the fuzz test reaches nothing)."""
    from firsthand.webhooks import signing
    from firsthand.webhooks.models import Delivery, Endpoint
    from firsthand.webhooks.states import State

    rows = []
    for place in (workspace, elsewhere):
        endpoint = Endpoint(workspace=place, url="https://hooks.example.com/firsthand", events=["post.published"])
        endpoint.secret = signing.new_secret()
        endpoint.save()
        payload = {"type": "post.published", "timestamp": "2026-12-01T09:00:00Z", "data": {"workspace": place.slug}}
        delivery = Delivery.objects.create(
            endpoint=endpoint, event_id=signing.new_event_id(), kind="post.published", payload=payload,
            state=State.FAILED, attempts=10, response_status=500, error="Answered 500 Internal Server Error.",
        )  # fmt: skip
        rows += [endpoint, delivery]
    return rows
