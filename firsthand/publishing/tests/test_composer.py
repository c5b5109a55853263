from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def compose_url(team):
    return reverse("publishing:compose", kwargs={"slug": team.workspace.slug})


def form(account, **fields):
    data = {"accounts": [account.pk], "text": "Soup of the day: lentil", "when": "now"}
    data.update(fields)
    return data


def test_compose_publish_now_with_a_variant_for_one_account(team, client_for, account):
    from firsthand.networks.testing import connect_sandbox_account

    second = connect_sandbox_account(team.workspace, "corner-cafe-staff", is_brand=False)
    response = client_for(team.staff).post(
        compose_url(team),
        {
            "accounts": [account.pk, second.pk],
            "text": "Soup of the day: lentil",
            "when": "now",
            f"variant_{second.pk}": "Today's soup is lentil 🍲",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.author == team.staff
    texts = {d.account_id: d.text() for d in post.deliveries.all()}
    assert texts == {account.pk: "Soup of the day: lentil", second.pk: "Today's soup is lentil 🍲"}
    assert set(post.deliveries.values_list("state", flat=True)) == {State.SCHEDULED}


def test_schedule_uses_the_workspace_clock(team, client_for, account):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    day = (timezone.now() + timedelta(days=30)).date()
    client_for(team.owner).post(compose_url(team), form(account, when="schedule", day=day.isoformat(), at="09:00"))
    due = Delivery.objects.get().due_at
    from zoneinfo import ZoneInfo

    assert due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "09:00"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"text": "   "}, "the post is empty"),
        ({"text": "x" * 501}, "1 too long for Sandbox (501 of 500)"),
        ({"accounts": []}, "Choose at least one account"),
        ({"when": "schedule", "day": "2020-01-01", "at": "10:00"}, "already passed"),
        ({"when": "schedule", "day": "", "at": ""}, "Choose the day to publish"),
        ({"when": "schedule", "day": "2031-05-01", "at": "25:00"}, "“25:00” is not a time"),
        ({"when": "schedule", "day": "not-a-date", "at": "10:00"}, "Enter a valid date"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_scheduled(team, client_for, account, fields, message):
    response = client_for(team.owner).post(compose_url(team), form(account, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Delivery.objects.exclude(state=State.DRAFT).exists()


@pytest.mark.parametrize(
    "typed,meant", [("0900", "09:00"), ("930", "09:30"), ("9am", "09:00"), ("5:30 pm", "17:30"), ("17.45", "17:45")]
)
def test_the_time_is_read_as_people_type_it(team, client_for, account, typed, meant):
    # A 12-hour browser's own time picker took "0900" without AM/PM as invalid, so the field is text.
    day = (timezone.now() + timedelta(days=30)).date()
    client_for(team.owner).post(compose_url(team), form(account, when="schedule", day=day.isoformat(), at=typed))
    assert Delivery.objects.get().due_at.strftime("%H:%M") == meant


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"day": "", "at": "09:00"}, "day", "Choose the day to publish."),
        ({"at": ""}, "at", "Choose the time to publish."),
        ({"at": "nine-ish"}, "at", "“nine-ish” is not a time."),
        ({"day": "2020-01-01"}, "at", "That time has already passed."),
        ({"day": "2027-03-28", "at": "02:30"}, "at", "does not exist on 28 March 2027"),
    ],
)
def test_a_time_problem_is_said_beside_its_field_not_at_the_top(team, client_for, account, fields, field, message):
    import re

    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    day = (timezone.now() + timedelta(days=30)).date().isoformat()
    page = client_for(team.owner).post(
        compose_url(team), form(account, **{"when": "schedule", "day": day, "at": "09:00", **fields})
    )
    html = page.content.decode()
    beside = re.search(rf'<input[^>]*name="{field}"[^>]*>\s*<p class="error-text">([^<]*)</p>', html)
    assert beside and message in beside.group(1).replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "alert-error" not in html


def test_a_skipped_dst_time_is_refused(team, client_for, account):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    response = client_for(team.owner).post(
        compose_url(team), form(account, when="schedule", day="2027-03-28", at="02:30")
    )
    assert response.status_code == 400
    assert "does not exist on 28 March 2027" in response.content.decode()
    assert not Post.objects.exists()


def test_a_repeated_dst_time_asks_which_then_takes_the_answer(team, client_for, account):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    client = client_for(team.owner)
    asked = client.post(compose_url(team), form(account, when="schedule", day="2027-10-31", at="02:30"))
    assert asked.status_code == 400 and "happens twice" in asked.content.decode()
    assert 'name="fold" value="1"' in asked.content.decode()
    answered = client.post(compose_url(team), form(account, when="schedule", day="2027-10-31", at="02:30", fold="1"))
    assert answered.status_code == 302
    assert Delivery.objects.get().due_at.isoformat() == "2027-10-31T01:30:00+00:00"


def test_an_account_that_needs_reconnecting_cannot_be_scheduled(team, client_for, account):
    account.mark_needs_reconnect("The token was revoked")
    response = client_for(team.owner).post(compose_url(team), form(account))
    assert response.status_code == 400
    assert "needs reconnecting" in response.content.decode()


def test_live_check_counts_per_account(team, client_for, account):
    response = client_for(team.staff).post(
        reverse("publishing:check", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "👨‍👩‍👧‍👦 family day"},
    )
    html = response.content.decode()
    assert "12 / 500" in html


def test_a_viewer_cannot_use_the_live_check(team, client_for, account):
    response = client_for(team.viewer).post(reverse("publishing:check", kwargs={"slug": team.workspace.slug}), {})
    assert response.status_code == 403


def test_an_outsider_cannot_see_a_post(team, client_for, account):
    client_for(team.owner).post(compose_url(team), form(account, when="draft"))
    post = Post.objects.get()
    url = reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": post.pk})
    assert client_for(team.outsider).get(url).status_code == 404
    own_slug = team.outsider.memberships.get().workspace.slug
    assert client_for(team.outsider).get(url.replace(team.workspace.slug, own_slug)).status_code == 404


def test_an_account_of_another_workspace_cannot_be_chosen(team, client_for, account):
    from firsthand.networks.testing import connect_sandbox_account

    elsewhere = connect_sandbox_account(team.outsider.memberships.get().workspace, "elsewhere")
    response = client_for(team.owner).post(compose_url(team), form(elsewhere))
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_failed_delivery_can_be_retried_from_the_post_page(team, client_for, account):
    client_for(team.owner).post(compose_url(team), form(account))
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=State.FAILED, error="The sandbox answered 503.")
    client = client_for(team.owner)
    page = client.get(reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": delivery.post_id}))
    assert "The sandbox answered 503." in page.content.decode() and "Retry now" in page.content.decode()
    client.post(
        reverse(
            "publishing:delivery_action",
            kwargs={"slug": team.workspace.slug, "delivery_id": delivery.pk, "action": "retry"},
        )
    )
    delivery.refresh_from_db()
    assert delivery.state == State.SCHEDULED


def test_state_machine_refuses_moves_it_does_not_know(team, client_for, account):
    from firsthand.publishing.states import InvalidMove, check_move

    for current, target in [
        ("draft", "published"),
        ("published", "scheduled"),
        ("failed", "published"),
        ("deleted", "draft"),
        ("publishing", "draft"),
    ]:
        with pytest.raises(InvalidMove):
            check_move(current, target)
    client_for(team.owner).post(compose_url(team), form(account, when="draft"))
    delivery = Delivery.objects.get()
    response = client_for(team.owner).post(
        reverse(
            "publishing:delivery_action",
            kwargs={"slug": team.workspace.slug, "delivery_id": delivery.pk, "action": "confirm"},
        ),
        follow=True,
    )
    assert "cannot become published" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == State.DRAFT


def test_every_state_a_worker_claims_may_move_to_publishing():
    from firsthand.publishing.states import DUE_STATES, TRANSITIONS, State

    for state in (*DUE_STATES, State.PUBLISHING):
        assert State.PUBLISHING in TRANSITIONS[state]


def test_a_scheduled_post_can_be_moved_and_the_move_is_audited(team, client_for, account):
    from firsthand.audit.models import AuditEvent

    client = client_for(team.owner)
    day = (timezone.now() + timedelta(days=5)).date()
    client.post(compose_url(team), form(account, when="schedule", day=day.isoformat(), at="09:00"))
    post = Post.objects.get()
    new_day = day + timedelta(days=1)
    url = reverse(
        "publishing:post_action", kwargs={"slug": team.workspace.slug, "post_id": post.pk, "action": "reschedule"}
    )
    response = client.post(url, {"day": new_day.isoformat(), "at": "10:15"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 204
    assert Delivery.objects.get().due_at.strftime("%Y-%m-%d %H:%M") == f"{new_day.isoformat()} 10:15"
    assert AuditEvent.objects.filter(action="publishing.rescheduled", actor=team.owner).exists()


def test_moving_a_post_into_the_past_is_refused_with_the_reason(team, client_for, account):
    client = client_for(team.owner)
    day = (timezone.now() + timedelta(days=5)).date()
    client.post(compose_url(team), form(account, when="schedule", day=day.isoformat(), at="09:00"))
    post = Post.objects.get()
    url = reverse(
        "publishing:post_action", kwargs={"slug": team.workspace.slug, "post_id": post.pk, "action": "reschedule"}
    )
    response = client.post(url, {"day": "2020-01-01", "at": "10:00"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and "already passed" in response.content.decode()
    response = client.post(url, {"day": "garbage", "at": "10:00"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and "valid day" in response.content.decode()
    new_day = day + timedelta(days=1)
    response = client.post(url, {"day": new_day.isoformat(), "at": "1015"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 204 and Delivery.objects.get().due_at.strftime("%H:%M") == "10:15"
    response = client.post(url, {"day": day.isoformat(), "at": "half ten"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and "“half ten” is not a time" in response.content.decode()
    assert Delivery.objects.get().due_at.date() == new_day


def test_the_list_view_shows_one_accounts_queue_and_history(team, client_for, account):
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.publishing import engine

    other = connect_sandbox_account(team.workspace, "other-account")
    client = client_for(team.owner)
    client.post(compose_url(team), form(account, text="Goes out now"))
    engine.run_once("w1")
    day = (timezone.now() + timedelta(days=2)).date().isoformat()
    client.post(compose_url(team), form(account, text="Coming later", when="schedule", day=day, at="10:00"))
    client.post(compose_url(team), form(other, text="Someone else's", when="schedule", day=day, at="10:00"))
    url = reverse("publishing:calendar", kwargs={"slug": team.workspace.slug})
    html = client.get(url, {"view": "list", "account": account.pk}).content.decode()
    assert "Goes out now" in html and "Coming later" in html
    assert "Someone else" not in html


def test_autosave_keeps_one_draft_up_to_date_and_the_final_save_uses_it(team, client_for, account):
    client = client_for(team.staff)
    autosave_url = reverse("publishing:autosave", kwargs={"slug": team.workspace.slug})
    first = client.post(autosave_url, {"accounts": [account.pk], "text": "Half a thou"})
    post = Post.objects.get()
    assert f'value="{post.pk}"' in first.content.decode() and "Draft saved" in first.content.decode()
    client.post(autosave_url, {"accounts": [account.pk], "text": "Half a thought, finished", "post_id": post.pk})
    post.refresh_from_db()
    assert post.text == "Half a thought, finished" and Post.objects.count() == 1
    client.post(compose_url(team), form(account, text="The final words", post_id=post.pk))
    assert Post.objects.count() == 1
    post.refresh_from_db()
    assert post.text == "The final words" and post.deliveries.get().state == State.SCHEDULED


def test_autosave_never_touches_a_post_that_is_scheduled(team, client_for, account):
    client = client_for(team.owner)
    client.post(compose_url(team), form(account, text="Going out"))
    post = Post.objects.get()
    client.post(
        reverse("publishing:autosave", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "Changed behind its back", "post_id": post.pk},
    )
    post.refresh_from_db()
    assert post.text == "Going out"


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_at_either_end_of_the_calendar_is_refused_in_words(team, client_for, account, zone, day):
    team.workspace.timezone = zone
    team.workspace.save()
    response = client_for(team.owner).post(compose_url(team), form(account, when="schedule", day=day, at="00:00"))
    assert response.status_code == 400 and "Choose a date between the years" in response.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_calendar_at_either_end_of_the_calendar_shows_today_instead(team, client_for, day):
    url = reverse("publishing:calendar", kwargs={"slug": team.workspace.slug})
    for view in ("week", "month"):
        assert client_for(team.owner).get(url, {"day": day, "view": view}).status_code == 200


def test_the_owners_own_post_with_findings_that_need_approval_asks_publish_anyway_first(team, client_for, account):
    from firsthand.audit.models import AuditEvent
    from firsthand.guard.models import BrandRules

    BrandRules.objects.create(workspace=team.workspace, approval_phrases="refund")
    client = client_for(team.owner)
    asked = client.post(compose_url(team), form(account, text="Refund week: bring your receipt"))
    page = asked.content.decode()
    assert asked.status_code == 200 and "Publish anyway?" in page and "refund" in page.split("Publish anyway?")[1]
    assert 'name="anyway" value="1"' in page
    # Nothing is counting down yet.
    assert not Delivery.objects.exclude(state=State.DRAFT).exists()
    answered = client.post(compose_url(team), form(account, text="Refund week: bring your receipt", anyway="1"))
    assert answered.status_code == 302
    assert Delivery.objects.get().state == State.SCHEDULED
    assert "published anyway" in AuditEvent.objects.get(action="publishing.scheduled").summary


def test_publish_now_from_the_post_page_asks_the_owner_too(team, client_for, account):
    from firsthand.guard.models import BrandRules
    from firsthand.publishing import operations

    BrandRules.objects.create(workspace=team.workspace, approval_phrases="refund")
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Refund week")
    client = client_for(team.owner)
    url = reverse(
        "publishing:post_action", kwargs={"slug": team.workspace.slug, "post_id": post.pk, "action": "publish-now"}
    )
    asked = client.post(url, follow=True)
    assert "Publish anyway?" in asked.content.decode() and 'name="anyway" value="1"' in asked.content.decode()
    assert post.deliveries.get().state == State.DRAFT
    client.post(url, {"anyway": "1"})
    assert post.deliveries.get().state == State.SCHEDULED


def test_undoing_a_schedule_goes_back_only_to_a_path_of_this_site(team, client_for, account):
    client = client_for(team.owner)
    day = (timezone.now() + timedelta(days=5)).date()
    url = reverse(
        "publishing:post_action", kwargs={"slug": team.workspace.slug, "post_id": 0, "action": "unschedule"}
    ).replace("/0/", "/{}/")
    for back, landing in [("abc", "post"), ("https://evil.example/", "post"), ("/account/", "/account/")]:
        client.post(compose_url(team), form(account, when="schedule", day=day.isoformat(), at="09:00"))
        post = Post.objects.latest("pk")
        # "abc" went to redirect(), which read it as a view's name: NoReverseMatch, an HTTP 500.
        response = client.post(url.format(post.pk), {"next": back})
        assert response.status_code == 302
        expected = reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": post.pk})
        assert response["Location"] == (expected if landing == "post" else landing)
