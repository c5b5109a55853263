"""Per-account access: a staff member limited to the bakery's account, at every door.

The shop has two accounts: @bakery (the business) and @owner-personal (the owner's own). The staff
member works on @bakery only; what belongs to @owner-personal is a 404 for them, as it is for an
outsider, or a refusal that says why when they can see part of it (a post to both accounts).
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation, Interaction, Note, SavedView
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice
from firsthand.publishing import operations as publishing
from firsthand.publishing.importer import import_posts
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State
from firsthand.team import operations, scope
from firsthand.team.models import Membership

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def shop(team):
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


# --- the team page ----------------------------------------------------------------------------


def test_owner_limits_a_staff_member_on_the_team_page_and_it_is_audited(team, client_for):
    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    connect_sandbox_account(team.workspace, "owner-personal", by=team.owner)
    staff = team.membership("staff")
    client = client_for(team.owner)
    response = client.post(
        url("team:limit_accounts", team, member_id=staff.pk), {"access": "some", "accounts": [bakery.pk]}
    )
    assert response.status_code == 302
    assert list(staff.limited_to_accounts.all()) == [bakery]
    event = AuditEvent.objects.get(action="team.accounts_limited")
    assert "limited Staff Person to @bakery" in event.summary and event.actor == team.owner
    html = client.get(url("team:team", team)).content.decode()
    assert "Limited to <strong>@bakery</strong>" in html

    client.post(url("team:limit_accounts", team, member_id=staff.pk), {"access": "all"})
    assert not staff.limited_to_accounts.exists()
    assert AuditEvent.objects.filter(action="team.accounts_limited", summary__contains="every account").exists()


def test_the_row_comes_back_alone_to_htmx(team, client_for):
    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    staff = team.membership("staff")
    response = client_for(team.owner).post(
        url("team:limit_accounts", team, member_id=staff.pk),
        {"access": "some", "accounts": [bakery.pk]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<li class="member"')
    assert "Saved: Staff Person now works on @bakery." in html


def test_limiting_to_nothing_is_refused_with_a_reason(team, client_for):
    connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    staff = team.membership("staff")
    response = client_for(team.owner).post(url("team:limit_accounts", team, member_id=staff.pk), {"access": "some"})
    assert response.status_code == 302
    page = client_for(team.owner).get(url("team:team", team)).content.decode()
    assert "Tick at least one account, or choose All accounts." in page
    assert not staff.limited_to_accounts.exists()


@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_owners_and_managers_cannot_be_limited(team, client_for, persona):
    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    target = team.membership(persona)
    with pytest.raises(operations.TeamError, match="always reach every account"):
        operations.limit_accounts(team.membership("owner"), target, [bakery])
    client_for(team.owner).post(
        url("team:limit_accounts", team, member_id=target.pk), {"access": "some", "accounts": [bakery.pk]}
    )
    assert not target.limited_to_accounts.exists()
    assert scope.account_ids(target) is None


@pytest.mark.parametrize("persona", ["manager", "staff", "viewer", "outsider"])
def test_only_owners_set_a_members_accounts(team, client_for, persona):
    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    viewer = team.membership("viewer")
    response = client_for(team.user(persona)).post(
        url("team:limit_accounts", team, member_id=viewer.pk), {"access": "some", "accounts": [bakery.pk]}
    )
    assert response.status_code == (404 if persona == "outsider" else 403)
    assert not viewer.limited_to_accounts.exists()


def test_another_workspaces_account_cannot_be_given(team, client_for):
    elsewhere = team.outsider.memberships.get().workspace
    theirs = connect_sandbox_account(elsewhere, "elsewhere", by=team.outsider)
    staff = team.membership("staff")
    client_for(team.owner).post(
        url("team:limit_accounts", team, member_id=staff.pk), {"access": "some", "accounts": [theirs.pk]}
    )
    assert not staff.limited_to_accounts.exists()
    with pytest.raises(operations.TeamError):
        operations.limit_accounts(team.membership("owner"), staff, [theirs])


def test_becoming_a_manager_drops_the_limit(team, shop):
    staff = team.membership("staff")
    operations.change_role(team.membership("owner"), staff, "manager")
    assert not staff.limited_to_accounts.exists()
    operations.change_role(team.membership("owner"), staff, "staff")
    assert scope.account_ids(Membership.objects.get(pk=staff.pk)) is None


def test_a_change_holds_from_the_members_next_request(team, shop, client_for):
    client = client_for(team.staff)
    assert "Dinner tonight" not in client.get(url("inbox:inbox", team)).content.decode()
    operations.limit_accounts(team.membership("owner"), team.membership("staff"), [])
    assert "Dinner tonight" in client.get(url("inbox:inbox", team)).content.decode()


# --- publishing ---------------------------------------------------------------------------------


def test_composer_offers_only_the_allowed_accounts(team, shop, client_for):
    html = client_for(team.staff).get(url("publishing:compose", team)).content.decode()
    assert f'value="{shop.bakery.pk}"' in html and "@bakery" in html
    assert "@owner-personal" not in html


def test_composer_refuses_a_post_naming_another_account(team, shop, client_for):
    before = Post.objects.count()
    response = client_for(team.staff).post(
        url("publishing:compose", team), {"accounts": [shop.personal.pk], "text": "Sneaky", "when": "draft"}
    )
    assert response.status_code == 400
    assert "outside your access" in response.content.decode()
    assert Post.objects.count() == before
    allowed = client_for(team.staff).post(
        url("publishing:compose", team), {"accounts": [shop.bakery.pk], "text": "Buns at 4", "when": "draft"}
    )
    assert allowed.status_code == 302 and Post.objects.filter(text="Buns at 4").exists()


def test_autosave_ignores_an_account_outside_access(team, shop, client_for):
    client_for(team.staff).post(url("publishing:autosave", team), {"accounts": [shop.personal.pk], "text": "Hi"})
    assert not Post.objects.filter(text="Hi").exists()


def test_the_operation_refuses_whatever_the_door(team, shop):
    staff = team.membership("staff")
    with pytest.raises(scope.OutOfReach):
        publishing.save_post(staff, accounts=[shop.personal], text="From a script")
    with pytest.raises(scope.OutOfReach):  # taking the personal account off a shared post is a change to it too
        publishing.save_post(staff, accounts=[shop.bakery], text="Mine now", post=shop.both_post)
    for operation in (
        lambda post: publishing.schedule(staff, post, None),
        lambda post: publishing.add_to_queue(staff, post),
        lambda post: publishing.unschedule(staff, post),
    ):
        for post in (shop.personal_post, shop.both_post):
            with pytest.raises(scope.OutOfReach):
                operation(post)
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.DRAFT}


def test_a_post_on_another_account_is_a_404(team, shop, client_for):
    client = client_for(team.staff)
    post = shop.personal_post
    delivery = post.deliveries.get()
    assert client.get(url("publishing:post", team, post_id=post.pk)).status_code == 404
    assert client.get(url("publishing:edit", team, post_id=post.pk)).status_code == 404
    assert client.post(url("publishing:post_action", team, post_id=post.pk, action="publish-now")).status_code == 404
    assert client.post(url("publishing:delete", team, post_id=post.pk)).status_code == 404
    for action in ("retry", "release", "delete", "confirm", "again"):
        assert (
            client.post(url("publishing:delivery_action", team, delivery_id=delivery.pk, action=action)).status_code
            == 404
        )
    assert Post.objects.filter(pk=post.pk).exists()
    assert client.get(url("publishing:post", team, post_id=shop.bakery_post.pk)).status_code == 200


def test_a_post_to_both_accounts_shows_only_the_allowed_copy_and_cannot_be_changed(team, shop, client_for):
    client = client_for(team.staff)
    post = shop.both_post
    html = client.get(url("publishing:post", team, post_id=post.pk)).content.decode()
    assert "We are hiring" in html and "@bakery" in html and "@owner-personal" not in html
    assert "also goes to 1 account outside your access" in html
    assert url("publishing:edit", team, post_id=post.pk) not in html

    edit = client.get(url("publishing:edit", team, post_id=post.pk))
    assert edit.status_code == 302
    refused = client.post(url("publishing:post_action", team, post_id=post.pk, action="publish-now"), follow=True)
    assert "also goes to accounts outside your access" in refused.content.decode()
    client.post(url("publishing:delete", team, post_id=post.pk))
    assert Post.objects.filter(pk=post.pk).exists()
    assert set(post.deliveries.values_list("state", flat=True)) == {State.DRAFT}


def test_calendar_and_lists_show_only_the_allowed_accounts_posts(team, shop, client_for):
    owner = team.membership("owner")
    publishing.schedule(owner, shop.personal_post, None)
    publishing.schedule(owner, shop.bakery_post, None)
    calendar = client_for(team.staff).get(url("publishing:calendar", team)).content.decode()
    assert "Fresh rye" in calendar and "We are hiring" in calendar  # the bakery's copy of the shared post
    assert "My holiday photos" not in calendar and "@owner-personal" not in calendar
    listing = client_for(team.staff).get(url("publishing:calendar", team) + "?view=list").content.decode()
    assert "Fresh rye" in listing and "My holiday photos" not in listing
    assert "My holiday photos" in client_for(team.viewer).get(url("publishing:calendar", team)).content.decode()


def test_csv_import_refuses_a_row_for_another_account(team, shop):
    content = "account,time,text\n@bakery,2099-01-01 10:00,Rye\n@owner-personal,2099-01-01 11:00,Mine\n"
    report = import_posts(team.membership("staff"), content.encode())
    assert not report.ok and report.imported == 0
    assert "outside your access" in report.rows[1].errors[0]
    assert not report.rows[0].errors
    assert not Post.objects.filter(text__in=["Rye", "Mine"]).exists()


# --- the inbox ---------------------------------------------------------------------------------


def test_inbox_list_search_and_badge_hold_only_the_allowed_accounts(team, shop, client_for):
    response = client_for(team.staff).get(url("inbox:inbox", team))
    html = response.content.decode()
    assert "Are you open on Sunday?" in html and "Dinner tonight" not in html
    assert response.context["waiting_conversations"] == "1"
    searched = client_for(team.staff).get(url("inbox:inbox", team) + "?q=dinner").content.decode()
    assert "Dinner tonight" not in searched
    named = client_for(team.staff).get(url("inbox:inbox", team) + f"?account={shop.personal.pk}").content.decode()
    assert "Dinner tonight" not in named
    assert client_for(team.viewer).get(url("inbox:inbox", team)).context["waiting_conversations"] == "2"


def test_saved_views_about_another_account_are_not_offered(team, shop, client_for):
    SavedView.objects.create(workspace=team.workspace, name="Private", query=f"account={shop.personal.pk}")
    SavedView.objects.create(workspace=team.workspace, name="Bakery", query=f"account={shop.bakery.pk}")
    html = client_for(team.staff).get(url("inbox:inbox", team)).content.decode()
    assert "Bakery" in html and "Private" not in html
    assert "Private" in client_for(team.manager).get(url("inbox:inbox", team)).content.decode()


def conversation_doors(team, talk):
    """Every door onto one conversation, as (method, url, data)."""
    item = Interaction.objects.filter(conversation=talk).first()
    return [
        ("get", url("inbox:conversation", team, conversation_id=talk.pk), {}),
        ("post", url("inbox:conversation", team, conversation_id=talk.pk), {"text": "Hello"}),
        ("post", url("inbox:change", team, conversation_id=talk.pk, what="done"), {}),
        ("post", url("inbox:change", team, conversation_id=talk.pk, what="hide"), {}),
        ("post", url("inbox:change", team, conversation_id=talk.pk, what="assign"), {}),
        ("post", url("inbox:escalate", team, conversation_id=talk.pk), {"question": "Refund?"}),
        ("post", url("inbox:note", team, conversation_id=talk.pk), {"note": "Called her"}),
        ("post", url("inbox:tag", team, conversation_id=talk.pk, action="add"), {"tag": "vip"}),
        ("post", url("inbox:presence", team, conversation_id=talk.pk), {}),
        ("post", url("inbox:like", team, conversation_id=talk.pk, item_id=item.pk), {}),
        ("post", url("inbox:hide_item", team, conversation_id=talk.pk, item_id=item.pk), {}),
        ("get", url("inbox:person", team, person_id=talk.person_id), {}),
    ]


def test_every_door_onto_another_accounts_conversation_is_a_404(team, shop, client_for):
    client = client_for(team.staff)
    for method, address, data in conversation_doors(team, shop.personal_talk):
        assert getattr(client, method)(address, data).status_code == 404, address
    talk = Conversation.objects.get(pk=shop.personal_talk.pk)
    assert talk.status == Conversation.Status.OPEN and not talk.notes.exists() and not talk.tags.exists()
    assert not talk.items.filter(direction="out").exists()


def test_every_door_onto_the_allowed_accounts_conversation_opens(team, shop, client_for):
    client = client_for(team.staff)
    for method, address, data in conversation_doors(team, shop.bakery_talk):
        assert getattr(client, method)(address, data).status_code in (200, 302), address
    assert Note.objects.filter(conversation=shop.bakery_talk).exists()


def test_a_conversation_is_assigned_only_to_someone_who_can_open_it(team, shop, client_for):
    staff = team.membership("staff")
    client_for(team.manager).post(
        url("inbox:change", team, conversation_id=shop.personal_talk.pk, what="assign"),
        {"member": staff.pk},
        follow=True,
    )
    assert Conversation.objects.get(pk=shop.personal_talk.pk).assignee is None
    client_for(team.manager).post(
        url("inbox:change", team, conversation_id=shop.bakery_talk.pk, what="assign"), {"member": staff.pk}
    )
    assert Conversation.objects.get(pk=shop.bakery_talk.pk).assignee == team.staff


def test_a_note_does_not_tell_a_member_who_cannot_open_the_conversation(team, shop, client_for):
    client_for(team.manager).post(
        url("inbox:note", team, conversation_id=shop.personal_talk.pk), {"note": "@staff look"}
    )
    assert not Notice.objects.filter(user=team.staff).exists()
    client_for(team.manager).post(url("inbox:note", team, conversation_id=shop.bakery_talk.pk), {"note": "@staff look"})
    assert Notice.objects.filter(user=team.staff).exists()


# --- accounts, the home page, accounts connected later --------------------------------------------


def test_accounts_page_and_home_count_only_the_allowed_accounts(team, shop, client_for):
    accounts = client_for(team.staff).get(url("networks:accounts", team)).content.decode()
    assert "@bakery" in accounts and "@owner-personal" not in accounts
    assert client_for(team.staff).get(url("web:workspace_home", team)).context["account_count"] == 1
    assert client_for(team.viewer).get(url("web:workspace_home", team)).context["account_count"] == 2


def test_an_account_connected_later_reaches_all_accounts_members_but_not_limited_ones(team, shop, client_for):
    later = connect_sandbox_account(team.workspace, "new-shop", by=team.owner)
    talk = arrive(later, "Do you deliver?", "cy")
    viewer, staff = client_for(team.viewer), None
    assert viewer.get(url("inbox:conversation", team, conversation_id=talk.pk)).status_code == 200
    staff = client_for(team.staff)
    assert staff.get(url("inbox:conversation", team, conversation_id=talk.pk)).status_code == 404
    assert "@new-shop" not in staff.get(url("publishing:compose", team)).content.decode()
    assert scope.may_use(team.membership("viewer"), later) and not scope.may_use(team.membership("staff"), later)


def test_a_limited_viewer_sees_only_their_accounts(team, shop, client_for):
    operations.limit_accounts(team.membership("owner"), team.membership("viewer"), [shop.personal])
    html = client_for(team.viewer).get(url("inbox:inbox", team)).content.decode()
    assert "Dinner tonight" in html and "Are you open on Sunday?" not in html


def test_an_image_of_another_accounts_post_is_not_served(team, shop, client_for, settings, tmp_path):
    from firsthand.publishing import media
    from firsthand.publishing.tests.test_media import image_file

    settings.MEDIA_ROOT = tmp_path
    owner = team.membership("owner")
    private = media.store(team.workspace, team.owner, image_file("beach.png"))
    shared = media.store(team.workspace, team.owner, image_file("loaf.png"))
    publishing.save_post(owner, accounts=[shop.personal], text="Beach", images=[(private, "")])
    publishing.save_post(owner, accounts=[shop.bakery], text="Loaf", images=[(shared, "")])
    staff = client_for(team.staff)
    assert staff.get(url("publishing:media", team, media_id=private.pk)).status_code == 404
    assert staff.get(url("publishing:media", team, media_id=shared.pk)).status_code == 200
    assert client_for(team.viewer).get(url("publishing:media", team, media_id=private.pk)).status_code == 200


def test_an_overdue_conversation_is_not_told_to_an_assignee_limited_to_other_accounts(team, shop):
    from datetime import time

    from firsthand.inbox.clocks import tell_overdue
    from firsthand.inbox.models import ResponseTargets

    ResponseTargets.objects.update_or_create(
        workspace=team.workspace,
        defaults={"open_days": "0123456", "opens_at": time(0), "closes_at": time(23, 59, 59)},
    )
    long_ago = shop.personal_talk.awaiting_since.replace(year=2020)
    Conversation.objects.filter(pk=shop.personal_talk.pk).update(assignee=team.staff, awaiting_since=long_ago)
    Conversation.objects.filter(pk=shop.bakery_talk.pk).update(overdue_told_at=long_ago)
    assert tell_overdue() == 1
    assert not Notice.objects.filter(user=team.staff).exists()
    assert Notice.objects.filter(user=team.owner).exists()


def test_the_home_page_counts_and_lists_only_the_allowed_accounts(team, shop, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from firsthand.web.today import today_for

    owner = team.membership("owner")
    soon = timezone.now() + timedelta(days=1)
    publishing.schedule(owner, shop.bakery_post, soon)
    publishing.schedule(owner, shop.personal_post, soon)
    staff_today, owner_today = today_for(team.membership("staff")), today_for(owner)
    assert staff_today.inbox.waiting == "1" and owner_today.inbox.waiting == "2"
    assert [going.post for going in staff_today.next_posts] == [shop.bakery_post]
    home = client_for(team.staff).get(url("web:workspace_home", team)).content.decode()
    assert "Fresh rye this morning" in home and "My holiday photos" not in home
