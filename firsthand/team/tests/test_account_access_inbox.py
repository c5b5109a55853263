"""Per-account access in the inbox, on the accounts page and the home page (see test_account_access.py):
the staff member limited to @bakery sees, counts and is told nothing of @owner-personal's conversations.
"""

import pytest

from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation, Interaction, Note, SavedView
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice
from firsthand.publishing import operations as publishing
from firsthand.team import operations, scope
from firsthand.team.tests.limited_shop import arrive, make_shop, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(team):
    return make_shop(team)


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


def test_tags_and_the_relabel_backlog_come_only_from_the_allowed_accounts(team, shop, client_for):
    from firsthand.inbox import relabel, together

    together.add_tag(team.membership("owner"), shop.personal_talk, "lawyer")
    together.add_tag(team.membership("owner"), shop.bakery_talk, "sunday")
    staff, owner = team.membership("staff"), team.membership("owner")
    assert together.workspace_tags(staff) == ["sunday"]
    assert together.workspace_tags(owner) == ["lawyer", "sunday"]
    for number in range(60):  # a spike on the owner's own account only
        customer_says(shop.personal, f"Message {number}", handle=f"fan{number}")
    ingest.poll(shop.personal)
    ingest.process_pending()
    assert relabel.waiting(team.workspace, membership=staff) == 1  # the bakery's one message
    staff_page = client_for(team.staff).get(url("inbox:inbox", team)).content.decode()
    assert "lawyer" not in staff_page and "are being checked again" not in staff_page
    owner_page = client_for(team.owner).get(url("inbox:inbox", team)).content.decode()
    assert "#lawyer" in owner_page and "are being checked again" in owner_page


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
