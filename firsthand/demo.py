"""Demo data for `firsthand serve --demo`: a bakery with a small team to sign in as.

Later capabilities add their own demo content here (accounts on the
sandbox network, posts, conversations).
"""

import secrets

from django.db import transaction

from firsthand.conf import kept_secret
from firsthand.team.models import Membership, User, Workspace
from firsthand.team.operations import create_invite, create_owner
from firsthand.team.permissions import Role

DEMO_WORKSPACE = "Harbour Bakery (demo)"
DEMO_PEOPLE = [
    # email, name, role
    ("owner@demo.firsthand.example", "Olivia Baker", Role.OWNER),
    ("manager@demo.firsthand.example", "Marco Rossi", Role.MANAGER),
    ("staff@demo.firsthand.example", "Sam Rivera", Role.STAFF),
    ("viewer@demo.firsthand.example", "Vera Lind", Role.VIEWER),
]


class DemoRefused(Exception):
    pass


def real_data_exists() -> bool:
    demo_emails = [email for email, _, _ in DEMO_PEOPLE]
    return Workspace.objects.filter(is_demo=False).exists() or User.objects.exclude(email__in=demo_emails).exists()


def demo_password() -> str:
    from django.conf import settings

    # Kept in the data dir so that every restart prints the same password.
    return kept_secret(settings.DATA_DIR, "demo_password", lambda: "demo-" + secrets.token_urlsafe(9))


def ensure_demo(force: bool = False) -> list[str]:
    """Create the demo once; return the lines to print about signing in."""
    workspace = Workspace.objects.filter(is_demo=True).first()
    if workspace is None:
        if real_data_exists() and not force:
            raise DemoRefused(
                "this database holds real workspaces or people; --demo will not mix demo data into it. "
                "Use another --data-dir, or add --force if you really want the demo here."
            )
        workspace = create_demo(demo_password())
    lines = ["", f"firsthand: demo workspace “{workspace.name}”. Sign in as any of these (password {demo_password()}):"]
    for email, name, role in DEMO_PEOPLE:
        lines.append(f"    {role.label:<8} {name:<14} {email}")
    lines.append("")
    return lines


@transaction.atomic
def create_demo(password: str) -> Workspace:
    email, name, _ = DEMO_PEOPLE[0]
    owner = User.objects.filter(email=email).first()
    if owner is None:
        owner_membership = create_owner(
            name=name, email=email, password=password, workspace_name=DEMO_WORKSPACE, is_demo=True
        )
    else:
        from firsthand.team.operations import create_workspace

        owner_membership = create_workspace(owner, DEMO_WORKSPACE, is_demo=True)
    workspace = owner_membership.workspace
    workspace.timezone = "Europe/London"
    workspace.save(update_fields=["timezone"])
    for email, name, role in DEMO_PEOPLE[1:]:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, name=name
        )
        Membership.objects.create(user=user, workspace=workspace, role=role)
    create_invite(owner_membership, role=Role.STAFF, email="new.baker@demo.firsthand.example")
    add_demo_snippets(owner_membership)
    add_demo_posts(owner_membership, Membership.objects.get(workspace=workspace, role=Role.STAFF))
    add_demo_followers(workspace)
    from firsthand.demo_inbox import settle

    settle(workspace)  # the old replies answered by the team, the fresh ones waiting
    return workspace


def add_demo_snippets(owner) -> None:
    from firsthand.publishing.snippets import save_snippet

    save_snippet(
        owner, kind="text", name="Allergens", text="Contains gluten. Made in a kitchen that uses nuts and sesame."
    )
    save_snippet(owner, kind="text", name="Opening hours", text="Open Tue–Sun, 7:30 till 4. Closed Mondays.")
    save_snippet(owner, kind="hashtags", name="Bread tags", text="sourdough realbread harbourbakery bakerylife")


def add_demo_followers(workspace) -> None:
    """The bakery's sandbox account has 1,200 followers, about 30% of them bought, and an audit from a
    month ago (860 followers then), so the Followers page shows growth once the visitor audits it."""
    from datetime import timedelta

    from django.utils import timezone

    from firsthand.insights.followers.models import FollowerAudit, FollowerSnapshot
    from firsthand.insights.followers.states import AuditState
    from firsthand.networks.sandbox.models import SandboxAccount

    brand = workspace.accounts.get(handle="@harbour-bakery")
    SandboxAccount.objects.filter(pk=int(brand.remote_id)).update(followers_total=1200, bought_share=0.3)
    then = timezone.now() - timedelta(days=30)
    earlier = FollowerAudit.objects.create(
        workspace=workspace, account=brand, state=AuditState.DONE, created_at=then, started_at=then,
        finished_at=then, fetched=860, judged=860, bought=245, total_expected=860,
    )  # fmt: skip
    FollowerSnapshot.objects.create(audit=earlier, account=brand, taken_at=then, followers=860, real=615, bought=245)


WEEK_OF_POSTS = [
    "Sourdough is out of the oven at 7. Come early, it goes fast!",
    "This week's special: cardamom buns, baked every morning.",
    "We're hiring a weekend baker. Know someone who loves early mornings?",
    "Rainy day? Hot chocolate and a cinnamon roll for £4 until noon.",
    "Behind the scenes: 48 hours from flour to our rye loaf.",
    "Saturday market stall: find us at Harbour Square from 9.",
    "Thank you for 10 years of mornings together. Cake on the house today!",
]


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def add_demo_posts(owner, staff) -> None:
    """Sandbox accounts, a week of scheduled posts, a few already published, and one that failed."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from firsthand.networks.base import OutgoingPost
    from firsthand.networks.sandbox.connector import SandboxConnector
    from firsthand.networks.sandbox.models import SandboxPost
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.publishing import operations
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    workspace = owner.workspace
    brand = connect_sandbox_account(workspace, "harbour-bakery", by=owner.user, colour="#b45309")
    news = connect_sandbox_account(workspace, "harbour-bakery-news", by=owner.user, colour="#0f766e")
    zone = ZoneInfo(workspace.timezone)
    today = datetime.now(zone).date()
    # Queue times, so "Add to queue" works from the first minute: weekdays and Saturday, morning and late afternoon.
    from firsthand.publishing.models import QueueSlot

    QueueSlot.objects.bulk_create(
        QueueSlot(account=account, weekday=weekday, at=at)
        for account in (brand, news)
        for weekday in range(6)
        for at in (time(9, 0), time(17, 30))
    )
    for day, text in enumerate(WEEK_OF_POSTS, start=1):
        on = today + timedelta(days=day)
        named = [n for n, name in enumerate(WEEKDAYS) if text.startswith(name)]
        if named:
            # A post that names its day goes out on that day ("Saturday market stall" on a Saturday).
            on = today + timedelta(days=(named[0] - today.weekday() - 1) % 7 + 1)
        when = datetime.combine(on, time(8 if day % 2 else 12, 30), tzinfo=zone)
        post = operations.save_post(staff if day % 3 else owner, accounts=[brand, news], text=text)
        operations.schedule(owner, post, when, anyway=True)

    connector = SandboxConnector()
    for days_ago, text in [
        (1, "Fresh croissants, still warm. See you soon!"),
        (2, "Closed Monday for a family wedding."),
    ]:
        post = operations.save_post(owner, accounts=[brand], text=text)
        delivery = post.deliveries.get()
        published = connector.publish(brand, OutgoingPost(text=text, idempotency_key=delivery.part_key(0)))
        moment = timezone.now() - timedelta(days=days_ago)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=State.PUBLISHED,
            due_at=moment,
            published_at=moment,
            remote_ids=[published.remote_id],
            remote_url=published.url,
        )
    add_demo_post_history(owner, brand, news)
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent

    remote = SandboxAccount.objects.get(pk=int(brand.remote_id))
    first_post = SandboxPost.objects.filter(account=remote).order_by("pk").first()
    for kind, handle, text, post in [
        ("mention", "jess-m", "@harbour-bakery are you open on Boxing Day?", None),
        (
            "reply",
            "tom-h",
            "Ordered a birthday cake for Saturday and still no confirmation email. Worried!",
            first_post,
        ),
        ("message", "ana-r", "Hi! Do you do gluten free loaves? My son can't have wheat.", None),
        ("mention", "leith-local", "Best cinnamon buns in town, thank you @harbour-bakery", None),
    ]:
        SandboxEvent.objects.create(
            account=remote,
            kind=kind,
            author_handle=handle,
            author_name=handle.replace("-", " ").title(),
            text=text,
            post=post,
        )
    failed = operations.save_post(staff, accounts=[news], text="Our new opening hours start next week.")
    Delivery.objects.filter(post=failed).update(
        state=State.FAILED,
        due_at=timezone.now() - timedelta(hours=3),
        error="The sandbox refused the post: content not allowed. (A demo failure: press Retry now.)",
    )
    # Told as a real failure is told, so it is among the owner's notices too.
    from firsthand.publishing.alerts import tell_about_failure

    failed_delivery = Delivery.objects.get(post=failed)
    tell_about_failure(failed_delivery, failed_delivery.error)


PAST_POSTS = [
    # (days ago, local hour, account: 0 the bakery, 1 its news, text, replies customers wrote)
    (3, 8, 0, "Pumpkin loaves are back for the season. Only 20 a day!", 6),
    (5, 12, 1, "Lunch menu this week: leek soup, rye toast and a brownie for £7.", 2),
    (6, 18, 0, "Which cake should we bake for Friday: lemon drizzle or carrot? Tell us below.", 9),
    (8, 7, 0, "Doors open at 7 tomorrow for the early birds. Coffee is on.", 1),
    (10, 13, 1, "Our flour now comes from a mill 20 miles away: https://example.com/our-flour", 3),
    (12, 19, 0, "Photo of the day: the first croissants of winter.", 5),
    (15, 9, 1, "Reminder: card only at the market stall this weekend.", 0),
    (18, 17, 0, "We're closed for a private event on Thursday evening. Sorry!", 4),
    # Mornings a week apart, so Queue times has enough of the bakery's own history to suggest best times.
    (10, 8, 0, "Sourdough and seeded rye out at 8 today.", 3),
    (17, 8, 0, "Cinnamon buns are back on the counter this morning.", 4),
    (20, 18, 0, "Tomorrow's bake: a new spelt loaf. Who wants to try it first?", 5),
]
PAST_REPLIES = [
    "Can I order one for Saturday?",
    "Lemon drizzle, every time.",
    "Do you have a gluten-free option?",
    "Looks wonderful!",
    "What time do you close?",
    "Carrot cake please!",
]


def add_demo_post_history(owner, brand, news) -> None:
    """Three weeks of published posts with customers' replies at the hours people answer, so Insights →
    Posts has figures from the first minute (the worker reads their likes and reposts from the sandbox)."""
    import random
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from firsthand.networks.base import OutgoingPost
    from firsthand.networks.sandbox.connector import SandboxConnector
    from firsthand.networks.sandbox.models import SandboxEvent, SandboxPost
    from firsthand.publishing import operations
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    chance = random.Random(18)  # nosec B311 # the demo's made-up replies, the same on every demo
    zone = ZoneInfo(owner.workspace.timezone)
    today = datetime.now(zone).date()
    connector = SandboxConnector()
    customers = ["jess-m", "tom-h", "ana-r", "priya-k", "sam-o", "marta-b", "dev-n", "holly-w"]
    for days_ago, hour, which, text, replies in PAST_POSTS:
        account = (brand, news)[which]
        post = operations.save_post(owner, accounts=[account], text=text)
        delivery = post.deliveries.get()
        published = connector.publish(account, OutgoingPost(text=text, idempotency_key=delivery.part_key(0)))
        moment = datetime.combine(today - timedelta(days=days_ago), time(hour, 5), tzinfo=zone)
        SandboxPost.objects.filter(remote_id=published.remote_id).update(created_at=moment, like_count=replies * 2)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=State.PUBLISHED, due_at=moment, published_at=moment,
            remote_ids=[published.remote_id], remote_url=published.url,
        )  # fmt: skip
        remote_post = SandboxPost.objects.get(remote_id=published.remote_id)
        for n in range(replies):
            handle = customers[n % len(customers)]
            SandboxEvent.objects.create(
                account=remote_post.account, kind="reply", post=remote_post, author_handle=handle,
                author_name=handle.split("-")[0].title(), text=chance.choice(PAST_REPLIES),
                created_at=moment + timedelta(minutes=chance.randint(10, 240)),
            )  # fmt: skip
