"""The pre-publish check, with the cases that made the seeds ask for it."""

import pytest
from django.urls import reverse

from firsthand.guard.checks import APPROVAL, BLOCK, WARN, check
from firsthand.guard.models import BrandRules, Finding
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine, operations
from firsthand.publishing.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def kinds(found):
    return [(f.kind, f.severity) for f in found]


def test_an_obscene_remark_about_a_citys_drivers_needs_an_approver_and_points_at_the_words(team, brand):
    text = "Every driver in this city is a f*cking idiot, worst drivers on earth"
    found = check(text, brand)
    offensive = [f for f in found if f.kind == "offensive"]
    assert offensive and offensive[0].severity == APPROVAL
    assert any(text[f.start : f.end].lower() == "idiot" for f in offensive if f.start is not None)


def test_with_the_transformer_chosen_the_check_still_points_at_the_words(team, brand, monkeypatch):
    monkeypatch.setenv("FIRSTHAND_JUDGE_MODEL", "transformer")
    text = "Everyone from that town is a thieving moron, stay away"
    offensive = [f for f in check(text, brand) if f.kind == "offensive"]
    assert offensive and offensive[0].severity == APPROVAL
    assert any(text[f.start : f.end].lower() == "moron" for f in offensive if f.start is not None)
    assert not [f for f in check("Fresh croissants at 7, see you there!", brand) if f.kind == "offensive"]


@pytest.mark.parametrize(
    "text",
    [
        "Honestly our customer Mark is too dumb to read a label",  # an insult to a customer, no swear word
        "You lot are pathetic, no wonder your shop is empty",
    ],
)
def test_the_default_check_holds_an_insult_without_a_swear_word(team, brand, monkeypatch, text):
    monkeypatch.delenv("FIRSTHAND_JUDGE_MODEL", raising=False)
    monkeypatch.delenv("FIRSTHAND_OFFENSIVE_MODEL", raising=False)
    offensive = [f for f in check(text, brand) if f.kind == "offensive"]
    assert offensive and offensive[0].severity == APPROVAL


@pytest.mark.parametrize(
    "text",
    [
        "Shoot us a DM and we'll sort it!",
        "Fresh sourdough out at 7, see you there!",
        "Thanks so much for the lovely review, see you on Saturday",
    ],
)
def test_the_default_check_lets_everyday_brand_posts_through(team, brand, monkeypatch, text):
    monkeypatch.delenv("FIRSTHAND_JUDGE_MODEL", raising=False)
    monkeypatch.delenv("FIRSTHAND_OFFENSIVE_MODEL", raising=False)
    assert not [f for f in check(text, brand) if f.kind == "offensive"]


def test_a_personal_weekend_plan_going_to_the_company_account_is_flagged(team, brand):
    found = check("This weekend I'm off to Ibiza with my girlfriend, can't wait!", brand)
    assert ("personal", APPROVAL) in kinds(found)
    personal = connect_sandbox_account(team.workspace, "olive-herself", is_brand=False)
    assert ("personal", APPROVAL) not in kinds(check("This weekend I'm off to Ibiza with my girlfriend", personal))


def test_everyday_business_posts_pass_clean(team, brand):
    for text in ["Fresh croissants at 7!", "Closed Monday for a family wedding.", "We're hiring a weekend baker."]:
        assert check(text, brand) == []


def test_brand_rules_each_give_their_finding_with_the_span(team, brand):
    rules = BrandRules.objects.create(
        workspace=team.workspace,
        banned_phrases="cheap\n",
        approval_phrases="free\nguarantee",
        competitors="Gregg's Bakery\n@greggs",
        disclosure="#ad",
        product_domains="shop.example.com",
        allowed_domains="shop.example.com\ncorner.example.com",
        max_hashtags=2,
        max_mentions=1,
    )
    text = "Cheap and free bread, better than @greggs! https://shop.example.com/loaf https://elsewhere.com #a #b #c"
    found = check(text, brand, rules=rules)
    assert ("banned_phrase", BLOCK) in kinds(found)
    assert ("approval_phrase", APPROVAL) in kinds(found)
    assert ("competitor", APPROVAL) in kinds(found)
    assert ("disclosure", BLOCK) in kinds(found)
    assert ("link_domain", APPROVAL) in kinds(found)
    assert ("too_many_hashtags", WARN) in kinds(found)
    banned = next(f for f in found if f.kind == "banned_phrase")
    assert text[banned.start : banned.end] == "Cheap"
    assert found[0].severity == BLOCK  # most serious first
    assert ("disclosure", BLOCK) not in kinds(check(text + " #ad", brand, rules=rules))


def test_a_link_without_https_is_a_link_to_the_allowed_list_too(team, brand):
    rules = BrandRules.objects.create(workspace=team.workspace, allowed_domains="shop.example.com")
    text = "Order at elsewhere.com/bread or shop.example.com"
    found = [f for f in check(text, brand, rules=rules) if f.kind == "link_domain"]
    assert [text[f.start : f.end] for f in found] == ["elsewhere.com/bread"]


def test_the_same_text_to_the_same_account_within_a_week_is_flagged(team, brand):
    post = operations.save_post(team.membership("owner"), accounts=[brand], text="Soup of the day: lentil")
    operations.schedule(team.membership("owner"), post, None)
    assert ("duplicate", APPROVAL) in kinds(check("Soup of the day: lentil", brand))


def test_a_flagged_post_from_staff_waits_for_approval_while_an_owner_is_asked_and_hers_goes_out(
    team, brand, client_for
):
    from firsthand.publishing.states import State

    text = "Every driver in this city is a f*cking idiot"
    compose = reverse("publishing:compose", kwargs={"slug": team.workspace.slug})
    response = client_for(team.staff).post(compose, {"accounts": [brand.pk], "text": text, "when": "now"}, follow=True)
    assert "Sent to an owner or manager for approval" in response.content.decode()
    staff_post = Post.objects.get(author=team.staff)
    assert staff_post.deliveries.get().state == State.AWAITING_APPROVAL
    findings = Finding.objects.filter(delivery__post=staff_post)
    assert [f.kind for f in findings] == ["offensive", "offensive"]  # "f*cking" and "idiot", each with its span

    # The owner is asked "Publish anyway?" with the findings first; with her yes it goes out without approval.
    owner = client_for(team.owner)
    asked = owner.post(compose, {"accounts": [brand.pk], "text": text + "!", "when": "now"})
    assert "Publish anyway?" in asked.content.decode() and not Post.objects.filter(author=team.owner).exists()
    owner.post(compose, {"accounts": [brand.pk], "text": text + "!", "when": "now", "anyway": "1"})
    owner_post = Post.objects.get(author=team.owner)
    assert owner_post.deliveries.get().state == State.SCHEDULED


def test_a_blocked_post_is_refused_for_everyone(team, brand, client_for):
    BrandRules.objects.create(workspace=team.workspace, banned_phrases="competitor prices")
    response = client_for(team.owner).post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {"accounts": [brand.pk], "text": "We beat competitor prices!", "when": "now"},
    )
    assert response.status_code == 400 and "can&#x27;t go out" in response.content.decode()
    engine.run_once("w1")
    assert not Post.objects.exists()


def test_the_composer_shows_findings_as_you_type(team, brand, client_for):
    response = client_for(team.staff).post(
        reverse("publishing:check", kwargs={"slug": team.workspace.slug}),
        {"accounts": [brand.pk], "text": "my hangover is brutal today lol"},
    )
    html = response.content.decode()
    assert "Needs approval" in html and "Reads as personal" in html


def test_invalid_rules_are_explained_and_not_saved(team, client_for):
    url = reverse("guard:brand_rules", kwargs={"slug": team.workspace.slug})
    response = client_for(team.owner).post(url, {"product_domains": "not a domain", "banned_phrases": "x"})
    assert response.status_code == 400
    assert "Not a domain: not a domain" in response.content.decode()
    assert "#ad" in response.content.decode()
    assert not BrandRules.objects.exists()
    assert client_for(team.staff).get(url).status_code == 403


def test_a_brand_post_that_mentions_the_authors_own_account_asks_first(team, brand, client_for):
    from firsthand.team.models import User

    User.objects.filter(pk=team.staff.pk).update(personal_handles="@sam_bakes\n  \nsam@mastodon.social")
    team.staff.refresh_from_db()
    text = "Shoutout to @Sam_Bakes for the sourdough tips! Also @sam@mastodon.social"
    found = [f for f in check(text, brand, author=team.staff) if f.kind == "own_handle"]
    assert [text[f.start : f.end] for f in found] == ["@Sam_Bakes", "@sam@mastodon.social"]
    assert all(f.severity == APPROVAL and "your own account" in f.reason for f in found)
    assert not [f for f in check("Thanks @sam_bakery!", brand, author=team.staff) if f.kind == "own_handle"]
    assert not [f for f in check(text, brand, author=team.manager) if f.kind == "own_handle"]  # not the manager's

    # A personal account the author connected here counts too, and the composer shows the finding live.
    connect_sandbox_account(team.workspace, "olive-at-home", by=team.owner, is_brand=False)
    page = client_for(team.owner).post(
        reverse("publishing:check", kwargs={"slug": team.workspace.slug}),
        {"accounts": [brand.pk], "text": "Big news from @olive-at-home today"},
    )
    assert "your own account" in page.content.decode()


def test_the_profile_page_keeps_the_personal_handles(team, client_for):
    client = client_for(team.staff)
    response = client.post(
        reverse("team:account"),
        {"profile-name": "Sam", "profile-email": team.staff.email, "profile-personal_handles": "@sam_bakes"},
    )
    assert response.status_code in (200, 302)
    team.staff.refresh_from_db()
    assert team.staff.personal_handles == "@sam_bakes"


def test_a_post_in_another_language_than_the_account_usually_uses_is_pointed_out(team, brand):
    from django.utils import timezone

    from firsthand.guard.language import detect
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    usual = [
        "Fresh bread is out of the oven and the coffee is on",
        "We are open on Sunday from 9 to 1, see you there",
        "Thank you for the lovely reviews this week",
        "Our new cake is here and it is the best we have made",
        "What is your favourite pastry? Tell us in the comments",
    ]
    for text in usual:
        post = Post.objects.create(workspace=team.workspace, author=team.owner, text=text)
        Delivery.objects.create(post=post, account=brand, state=State.PUBLISHED, published_at=timezone.now())
    german = "Heute gibt es frisches Brot und der Kaffee ist für euch bereit"
    assert detect(german) == "German" and detect(usual[0]) == "English"
    found = [f for f in check(german, brand) if f.kind == "language"]
    assert found and found[0].severity == WARN
    assert found[0].reason == "Reads as German; @corner-cafe usually posts in English"
    assert not [f for f in check("Fresh rolls at 7 and the coffee is hot for you", brand) if f.kind == "language"]
    assert detect("Merci!") is None  # too short to tell: nothing is claimed


@pytest.mark.parametrize(
    "written, word",
    [("f*cking", "fucking"), ("1d10t", "idiot"), ("stuuupid", "stupid"), ("$h1t", "shit"), ("Idiot", "idiot")],
)
def test_a_disguised_word_is_found_where_it_is_written(written, word):
    from firsthand.guard.checks import disguised_span

    text = f"Honestly, what a {written} thing to say."
    start, end = disguised_span(text, word)
    assert text[start:end] == written
    assert disguised_span("a stupidity test", "stupid") is None  # part of another word: not it


def test_the_obscene_remark_points_at_the_masked_word_too(team, brand):
    text = "Every driver in this city is a f*cking idiot"
    spans = [text[f.start : f.end] for f in check(text, brand) if f.kind == "offensive" and f.start is not None]
    assert "idiot" in spans and "f*cking" in spans  # the model names "fucking"; the span is what was typed


def test_a_brand_post_in_the_authors_own_voice_is_pointed_out(team, brand):
    from django.utils import timezone

    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    own = connect_sandbox_account(team.workspace, "sam-at-home", by=team.staff, is_brand=False)
    mine = [
        "omg lol this is sooo good haha",
        "cant even lol, sooo tired today haha",
        "lol my cat is sooo weird omg",
        "haha omg sooo much rain lol",
        "ok lol that was sooo funny haha",
    ]
    theirs = [
        "Fresh bread at 7. Come early!",
        "We are open Sunday, 9 to 1.",
        "New today: lemon tart. Come and try it.",
        "Thank you for a wonderful week. See you Monday.",
        "Our ovens are on. Coffee is ready.",
    ]
    for author, account, texts in ((team.staff, own, mine), (team.owner, brand, theirs)):
        for text in texts:
            post = Post.objects.create(workspace=team.workspace, author=author, text=text)
            Delivery.objects.create(post=post, account=account, state=State.PUBLISHED, published_at=timezone.now())

    flagged = [f for f in check("omg lol the new cake is sooo good haha", brand, author=team.staff)]
    assert ("own_style", WARN) in kinds(flagged)
    clean = check("New this week: carrot cake. Come and try it.", brand, author=team.staff)
    assert ("own_style", WARN) not in kinds(clean)
    assert ("own_style", WARN) not in kinds(check("omg lol sooo good haha today", own, author=team.staff))
