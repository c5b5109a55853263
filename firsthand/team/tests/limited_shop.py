"""The shop of the per-account access tests: two accounts, a staff member limited to one of them."""

from dataclasses import dataclass

from django.urls import reverse

from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations as publishing
from firsthand.publishing.models import Post
from firsthand.team import operations


@dataclass
class Shop:
    bakery: ConnectedAccount
    personal: ConnectedAccount
    bakery_talk: Conversation
    personal_talk: Conversation
    bakery_post: Post
    personal_post: Post
    both_post: Post


def arrive(account, text, handle):
    customer_says(account, text, handle=handle)
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get(account=account)


def make_shop(team) -> Shop:
    owner = team.membership("owner")
    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    personal = connect_sandbox_account(team.workspace, "owner-personal", by=team.owner)
    operations.limit_accounts(owner, team.membership("staff"), [bakery])
    return Shop(
        bakery=bakery,
        personal=personal,
        bakery_talk=arrive(bakery, "Are you open on Sunday?", "ann"),
        personal_talk=arrive(personal, "Dinner tonight at eight?", "bo"),
        bakery_post=publishing.save_post(owner, accounts=[bakery], text="Fresh rye this morning"),
        personal_post=publishing.save_post(owner, accounts=[personal], text="My holiday photos"),
        both_post=publishing.save_post(owner, accounts=[bakery, personal], text="We are hiring"),
    )


def url(name, team, **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})
