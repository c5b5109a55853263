"""The demo's inbox as a team that uses firsthand leaves it: three weeks of customers' replies answered.

The demo's past posts (demo.add_demo_post_history) brought about thirty replies over three weeks. Left
alone, a new demo would open on thirty unanswered old messages, "29 past the response target" and a notice
for each: a business that never answers, not one that uses firsthand. So the demo files them at once, as
the worker would, and the team answers them the way it answers any message, through
inbox.operations.reply (its checks, the sandbox, the authorship ledger, the audit log), each by a named
teammate. An answer then gets the moment it would have had, a while after the customer wrote and within
opening hours, so the response times in Insights are real figures of real answers. Praise is marked done
without a word, as a busy bakery does.

What stays waiting is fresh: the messages customers write as the demo starts (a complaint, questions,
praise), and one question from a few days ago left overdue, so the home page shows what late looks like.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

# What the team answers to each of the demo's past replies (demo.PAST_REPLIES); None: praise, marked done.
ANSWERS = {
    "Can I order one for Saturday?": (
        "Yes! Send us a message with your name and how many, and we'll keep them at the counter."
    ),
    "Lemon drizzle, every time.": "Lemon drizzle is winning so far. Thank you for voting!",
    "Do you have a gluten-free option?": (
        "We bake a gluten-free seeded loaf on Fridays and Saturdays. It's made in a kitchen that uses wheat, "
        "so sadly not for coeliacs."
    ),
    "Looks wonderful!": None,
    "What time do you close?": "We close at 4, Tuesday to Sunday. Closed Mondays.",
    "Carrot cake please!": "Carrot cake it is, then: on the counter from 10 on Friday.",
}


def answer_moment(asked: datetime, zone: ZoneInfo, chance: random.Random, opens: time, closes: time) -> datetime:
    """When a small team would have answered: 10–80 minutes later in its opening hours (the response
    targets'); an evening or night message the next morning after opening, so no answer times 0 minutes."""
    local = asked.astimezone(zone)
    if local.time() >= closes:
        start = datetime.combine(local.date() + timedelta(days=1), opens, tzinfo=zone)
    elif local.time() < opens:
        start = datetime.combine(local.date(), opens, tzinfo=zone)
    else:
        start = local
    return start + timedelta(minutes=chance.randint(10, 80))


def settle(workspace) -> None:
    """File what the demo's customers wrote, answer the old messages, leave the fresh ones waiting."""
    from firsthand.inbox import ingest, operations
    from firsthand.inbox.models import Conversation, Interaction, ResponseTargets
    from firsthand.networks.sandbox.models import SandboxPost
    from firsthand.team.models import Membership
    from firsthand.team.permissions import Role

    for account in workspace.accounts.all():
        ingest.poll(account)
    ingest.process_pending()
    team = {m.role: m for m in Membership.objects.filter(workspace=workspace).select_related("user", "workspace")}
    answerers = [team[Role.STAFF], team[Role.MANAGER], team[Role.STAFF], team[Role.OWNER]]
    zone = ZoneInfo(workspace.timezone)
    targets = ResponseTargets.for_workspace(workspace)  # unsaved, it holds the defaults as text ("09:00")
    opens, closes = (time.fromisoformat(str(value)) for value in (targets.opens_at, targets.closes_at))
    chance = random.Random(21)  # nosec B311 # the demo's answer delays, the same on every demo
    now = timezone.now()
    old = list(
        Conversation.objects.filter(workspace=workspace, last_inbound_at__lt=now - timedelta(days=1))
        .select_related("account", "person", "workspace")
        .order_by("last_inbound_at")
    )
    texts = dict(
        Interaction.objects.filter(conversation__in=old, direction=Interaction.Direction.IN).values_list(
            "conversation_id", "text"
        )
    )
    # The newest old question stays unanswered: the one overdue wait.
    overdue = next((c for c in reversed(old) if "question" in c.labels), None)
    for n, conversation in enumerate(old):
        if conversation == overdue:
            continue
        text = texts.get(conversation.pk, "")
        answer = ANSWERS.get(text)
        member = answerers[n % len(answerers)]
        if answer is None:
            operations.set_status(member, conversation, Conversation.Status.DONE)
            continue
        sent = operations.reply(member, conversation, answer, done=True)
        if not isinstance(sent, Interaction):
            continue  # held for approval: it waits, as it would for the team
        # The answer went out just now; it gets the moment the team would have sent it, and so does its
        # copy on the sandbox, so the response times and the network's thread read as a real history.
        moment = answer_moment(conversation.last_inbound_at, zone, chance, opens, closes)
        moment = min(moment, now - timedelta(minutes=5))
        Interaction.objects.filter(pk=sent.pk).update(created_at=moment)
        Conversation.objects.filter(pk=conversation.pk).update(first_response_at=moment, last_response_at=moment)
        SandboxPost.objects.filter(remote_id=sent.remote_id).update(created_at=moment)
