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
        product_domains="shop.example",
        allowed_domains="shop.example\ncorner.example",
        max_hashtags=2,
        max_mentions=1,
    )
    text = "Cheap and free bread, better than @greggs! https://shop.example/loaf https://elsewhere.example #a #b #c"
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


def test_the_same_text_to_the_same_account_within_a_week_is_flagged(team, brand):
    post = operations.save_post(team.membership("owner"), accounts=[brand], text="Soup of the day: lentil")
    operations.schedule(team.membership("owner"), post, None)
    assert ("duplicate", APPROVAL) in kinds(check("Soup of the day: lentil", brand))


def test_a_flagged_post_from_staff_waits_for_approval_while_an_owners_goes_out(team, brand, client_for):
    from firsthand.publishing.states import State

    text = "Every driver in this city is a f*cking idiot"
    compose = reverse("publishing:compose", kwargs={"slug": team.workspace.slug})
    response = client_for(team.staff).post(compose, {"accounts": [brand.pk], "text": text, "when": "now"}, follow=True)
    assert "Sent to an owner or manager for approval" in response.content.decode()
    staff_post = Post.objects.get(author=team.staff)
    assert staff_post.deliveries.get().state == State.AWAITING_APPROVAL
    assert Finding.objects.get(delivery__post=staff_post).kind == "offensive"

    client_for(team.owner).post(compose, {"accounts": [brand.pk], "text": text + "!", "when": "now"})
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
