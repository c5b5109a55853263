"""Per-account access: a staff member limited to the bakery's account, at every door.

The shop has two accounts: @bakery (the business) and @owner-personal (the owner's own). The staff
member works on @bakery only; what belongs to @owner-personal is a 404 for them, as it is for an
outsider, or a refusal that says why when they can see part of it (a post to both accounts).
"""

import pytest

from firsthand.audit.models import AuditEvent
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations as publishing
from firsthand.publishing.importer import import_posts
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State
from firsthand.team import operations, scope
from firsthand.team.models import Membership
from firsthand.team.tests.limited_shop import make_shop, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(team):
    return make_shop(team)


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


# --- invites that carry the limit ----------------------------------------------------------------


def test_an_invite_limited_to_one_account_makes_a_member_limited_from_the_first_click(team, shop, client):
    from firsthand.team.models import Invite, User
    from firsthand.team.tests.test_invites import PASSWORD, invite_url

    owner = team.membership("owner")
    invite = operations.create_invite(owner, role="staff", email="nia@corner.example", accounts=[shop.bakery])
    assert not invite.all_accounts and list(invite.limited_to_accounts.all()) == [shop.bakery]
    assert AuditEvent.objects.filter(action="team.invite_created", summary__contains="limited to @bakery").exists()
    page = client.get(invite_url(invite)).content.decode()
    assert "to work on <strong>@bakery</strong>" in page
    client.post(invite_url(invite), {"name": "Nia", "email": "nia@corner.example", "password": PASSWORD})
    nia = Membership.objects.get(user=User.objects.get(email="nia@corner.example"))
    assert not nia.all_accounts and list(nia.limited_to_accounts.all()) == [shop.bakery]
    inbox = client.get(url("inbox:inbox", team)).content.decode()
    assert "Are you open on Sunday?" in inbox and "Dinner tonight" not in inbox
    assert Invite.objects.get(pk=invite.pk).accepted_at


def test_the_team_page_invites_with_a_limit_and_refuses_one_for_a_manager(team, shop, client_for):
    from firsthand.team.models import Invite

    client = client_for(team.owner)
    made = client.post(
        url("team:invite_create", team),
        {"email": "sam@corner.example", "role": "staff", "access": "some", "accounts": [shop.bakery.pk]},
    )
    assert made.status_code == 302
    invite = Invite.objects.get(email="sam@corner.example")
    assert list(invite.limited_to_accounts.all()) == [shop.bakery]
    assert "only <strong>@bakery</strong>" in client.get(url("team:team", team)).content.decode()
    refused = client.post(
        url("team:invite_create", team),
        {"email": "max@corner.example", "role": "manager", "access": "some", "accounts": [shop.bakery.pk]},
    )
    assert refused.status_code == 400 and "Owners and managers always reach every account" in refused.content.decode()
    empty = client.post(
        url("team:invite_create", team), {"email": "x@corner.example", "role": "staff", "access": "some"}
    )
    assert empty.status_code == 400 and "Tick at least one account" in empty.content.decode()
    assert not Invite.objects.filter(email__in=["max@corner.example", "x@corner.example"]).exists()
    everything = client.post(url("team:invite_create", team), {"email": "al@corner.example", "role": "staff"})
    assert everything.status_code == 302 and Invite.objects.get(email="al@corner.example").all_accounts


def test_an_invite_cannot_be_limited_to_another_workspaces_account(team, shop):
    elsewhere = team.outsider.memberships.get().workspace
    foreign = connect_sandbox_account(elsewhere, "elsewhere", by=team.outsider)
    with pytest.raises(operations.TeamError, match="isn't this workspace's"):
        operations.create_invite(team.membership("owner"), role="staff", accounts=[foreign])
