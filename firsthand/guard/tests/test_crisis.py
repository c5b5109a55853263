from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.guard import crisis
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine, operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def due_now(team, account, text="Due now"):
    post = operations.save_post(team.membership("owner"), accounts=[account], text=text)
    operations.schedule(team.membership("owner"), post, None)
    return post.deliveries.get()


def test_a_paused_workspace_holds_due_posts_and_publishes_nothing(team, account):
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    delivery = due_now(team, account)
    assert engine.run_once("w1") == 0
    delivery.refresh_from_db()
    assert delivery.state == State.HELD
    assert not SandboxPost.objects.exists()
    assert AuditEvent.objects.filter(action="guard.paused", actor=team.manager).exists()


def test_posts_not_yet_due_wait_and_are_held_only_when_their_time_comes(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Tomorrow")
    operations.schedule(team.membership("owner"), post, timezone.now() + timedelta(days=1))
    crisis.pause(team.membership("owner"), "Checking our posts")
    engine.run_once("w1")
    assert post.deliveries.get().state == State.SCHEDULED


def test_pausing_one_account_leaves_the_others_publishing(team, account):
    other = connect_sandbox_account(team.workspace, "corner-cafe-news")
    crisis.pause(team.membership("owner"), "This account was hacked", account=account)
    held, sent = due_now(team, account, "held"), due_now(team, other, "sent")
    engine.run_once("w1")
    held.refresh_from_db()
    sent.refresh_from_db()
    assert (held.state, sent.state) == (State.HELD, State.PUBLISHED)


def test_held_posts_survive_worker_restarts_and_resume_as_chosen(team, account):
    pause = crisis.pause(team.membership("owner"), "Storm in the news")
    due_now(team, account, "one")
    due_now(team, account, "two")
    engine.run_once("worker-before-restart")
    engine.run_once("worker-after-restart")
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.HELD}

    moved = crisis.resume(team.membership("manager"), pause, overdue="now")
    assert moved == 2
    engine.run_once("w2")
    assert SandboxPost.objects.count() == 2
    resumed = AuditEvent.objects.get(action="guard.resumed", actor=team.manager)
    assert resumed.summary.endswith("resumed all publishing; 2 held posts sent now"), resumed.summary


def test_resuming_can_keep_held_posts_or_move_them_to_a_time(team, account):
    pause = crisis.pause(team.membership("owner"), "Quiet day")
    delivery = due_now(team, account)
    engine.run_once("w1")
    crisis.resume(team.membership("owner"), pause, overdue="keep")
    delivery.refresh_from_db()
    assert delivery.state == State.HELD
    pause = crisis.pause(team.membership("owner"), "Again")
    later = timezone.now() + timedelta(hours=2)
    crisis.resume(team.membership("owner"), pause, overdue="at", when=later)
    delivery.refresh_from_db()
    assert delivery.state == State.SCHEDULED and delivery.due_at == later
    # The audit log shows the summary as written: on the workspace's clock, a sentence, not raw UTC.
    summaries = list(AuditEvent.objects.filter(action="guard.resumed").order_by("pk").values_list("summary", flat=True))
    local = later.astimezone(ZoneInfo(team.workspace.timezone))
    assert summaries[0].endswith("resumed all publishing; the held posts stay held")
    assert summaries[1].endswith(
        f"resumed all publishing; 1 held post moved to {local:%a} {local.day} {local:%b}, {local:%H:%M} "
        f"({team.workspace.timezone})"
    )
    assert "UTC" not in summaries[1] or team.workspace.timezone == "UTC"


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda t, p: crisis.pause(t.membership("owner"), "   "), "Say why"),
        (lambda t, p: crisis.pause(t.membership("owner"), "twice"), "already paused"),
        (lambda t, p: crisis.resume(t.membership("owner"), p, overdue="maybe"), "Choose what happens"),
        (
            lambda t, p: crisis.resume(t.membership("owner"), p, overdue="at", when=timezone.now() - timedelta(1)),
            "in the future",
        ),
    ],
)
def test_bad_requests_are_explained_and_change_nothing(team, account, call, message):
    pause = crisis.pause(team.membership("owner"), "First")
    with pytest.raises(crisis.CrisisError, match=message):
        call(team, pause)
    pause.refresh_from_db()
    assert pause.resumed_at is None


def test_resuming_twice_is_refused(team, account):
    pause = crisis.pause(team.membership("owner"), "Once")
    crisis.resume(team.membership("owner"), pause, overdue="keep")
    with pytest.raises(crisis.CrisisError, match="already resumed"):
        crisis.resume(team.membership("owner"), pause, overdue="now")


def test_every_page_says_publishing_is_paused(team, client_for, account):
    crisis.pause(team.membership("owner"), "Checking a complaint")
    html = client_for(team.staff).get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).content
    assert b"Publishing is paused" in html and b"Checking a complaint" in html


def test_staff_cannot_pull_the_switch(team, client_for, account):
    response = client_for(team.staff).post(
        reverse("guard:pause", kwargs={"slug": team.workspace.slug}), {"reason": "prank"}
    )
    assert response.status_code == 403
    assert not crisis.active_pauses(team.workspace).exists()


def test_pause_and_resume_through_the_pages(team, client_for, account):
    client = client_for(team.owner)
    client.post(reverse("guard:pause", kwargs={"slug": team.workspace.slug}), {"reason": "Viral complaint"})
    delivery = due_now(team, account)
    engine.run_once("w1")
    pause = crisis.active_pauses(team.workspace).get()
    page = client.get(reverse("guard:resume", kwargs={"slug": team.workspace.slug, "pause_id": pause.pk}))
    assert b"1 post held while paused" in page.content
    client.post(reverse("guard:resume", kwargs={"slug": team.workspace.slug, "pause_id": pause.pk}), {"overdue": "now"})
    delivery.refresh_from_db()
    assert delivery.state == State.SCHEDULED


def test_publish_now_waits_for_the_undo_window_and_can_be_taken_back_from_any_page(team, client_for, account, settings):
    settings.UNDO_SECONDS = 30
    client = client_for(team.staff)
    client.post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "Oops, wrong account", "when": "now"},
    )
    delivery = Delivery.objects.get()
    assert delivery.due_at > timezone.now() + timedelta(seconds=25)
    assert engine.run_once("w1") == 0  # not before the window closes
    inbox = client.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "Oops, wrong account" in inbox and ">Undo</button>" in inbox
    undo = reverse(
        "publishing:post_action",
        kwargs={"slug": team.workspace.slug, "post_id": delivery.post_id, "action": "unschedule"},
    )
    response = client.post(undo, {"next": reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})})
    assert response["Location"] == reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    delivery.refresh_from_db()
    assert delivery.state == State.DRAFT
    Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert engine.run_once("w1") == 0 and not SandboxPost.objects.exists()


def held_post(team, account):
    crisis.pause(team.membership("owner"), "A complaint is going viral")
    delivery = due_now(team, account, text="Weekend offer")
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.HELD
    return delivery


def test_a_held_post_can_be_edited_moved_to_drafts_and_deleted(team, client_for, account):
    delivery = held_post(team, account)
    post, client = delivery.post, client_for(team.owner)
    slug = team.workspace.slug
    page = client.get(reverse("publishing:post", kwargs={"slug": slug, "post_id": post.pk})).content.decode()
    assert reverse("publishing:edit", kwargs={"slug": slug, "post_id": post.pk}) in page
    assert "Move back to drafts" in page and "Delete held post" in page
    edited = operations.save_post(
        team.membership("owner"), accounts=[account], text="Weekend offer, changed", post=post
    )
    assert edited.text == "Weekend offer, changed"
    operations.unschedule(team.membership("owner"), post)
    delivery.refresh_from_db()
    assert delivery.state == State.DRAFT


def test_a_held_post_can_be_deleted_without_going_out(team, client_for, account):
    delivery = held_post(team, account)
    client_for(team.owner).post(
        reverse("publishing:delete", kwargs={"slug": team.workspace.slug, "post_id": delivery.post_id})
    )
    assert not Delivery.objects.filter(pk=delivery.pk).exists() and not SandboxPost.objects.exists()


def test_once_resumed_a_post_kept_back_no_longer_says_publishing_is_paused(team, client_for, account):
    delivery = held_post(team, account)
    crisis.resume(team.membership("owner"), crisis.active_pauses(team.workspace).get(), overdue="keep")
    page = client_for(team.owner).get(
        reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": delivery.post_id})
    )
    assert "held because publishing is paused" not in page.content.decode()
    assert "kept back when publishing resumed" in page.content.decode()


def test_a_viewer_is_not_shown_the_undo_bar_they_could_not_use(team, client_for, account, settings):
    settings.UNDO_SECONDS = 30
    client_for(team.staff).post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "Oops, wrong account", "when": "now"},
    )
    inbox = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert ">Undo</button>" in client_for(team.manager).get(inbox).content.decode()
    assert ">Undo</button>" not in client_for(team.viewer).get(inbox).content.decode()


def test_the_banner_and_the_resume_message_read_as_sentences(team, client_for, account):
    client = client_for(team.owner)
    client.post(reverse("guard:pause", kwargs={"slug": team.workspace.slug}), {"reason": "A complaint is going viral"})
    page = client.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "All accounts: “<bdi>A complaint is going viral</bdi>” — due posts are held." in page
    assert "everything:" not in page
    paused = crisis.active_pauses(team.workspace).get()
    done = client.post(
        reverse("guard:resume", kwargs={"slug": team.workspace.slug, "pause_id": paused.pk}),
        {"overdue": "now"},
        follow=True,
    )
    assert "Publishing resumed." in done.content.decode() and "0 held post" not in done.content.decode()


def test_while_everything_is_paused_the_pause_page_offers_only_resume(team, client_for, account):
    client = client_for(team.owner)
    url = reverse("guard:pause", kwargs={"slug": team.workspace.slug})
    assert "Pause publishing now" in client.get(url).content.decode()
    client.post(url, {"reason": "A complaint is going viral"})
    page = client.get(url).content.decode()
    assert "Resume…" in page and "Pause publishing now" not in page


def test_the_pause_page_is_its_own_place_in_the_navigation_not_settings(team, client_for):
    html = client_for(team.owner).get(reverse("guard:pause", kwargs={"slug": team.workspace.slug})).content.decode()
    assert 'class="pause-link active"' in html and 'aria-current="page"' in html
    settings_link = reverse("team:settings", kwargs={"slug": team.workspace.slug})
    assert f'<a href="{settings_link}" class="active">' not in html
