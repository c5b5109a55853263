"""The owner's house rules and the pre-publish check, in the coaching of every answer."""

import pytest

from firsthand.guard.models import BrandRules
from firsthand.practice import operations
from firsthand.practice.models import HouseRules
from firsthand.practice.tests.play import GOOD, failed, points

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(team):
    return HouseRules.objects.create(
        workspace=team.workspace,
        use_words="lovely\nwonderful",
        avoid_words="unfortunately",
        sign_off="– The Corner Café",
        promises="free\ncompensation",
    )


def test_an_answer_that_keeps_the_house_rules_is_coached_as_keeping_them(team, rules):
    staff = team.membership("staff")
    run = operations.start(staff, "opening-hours", seed=1)
    mine = operations.answer(staff, run, GOOD["opening-hours"] + " Have a lovely day! – The Corner Café")
    got = points(mine)
    assert got["house_avoid"] is True and got["house_use"] is True and got["house_sign_off"] is True
    assert "house_promise" not in got


def test_words_to_avoid_a_missing_sign_off_and_a_forbidden_promise_are_each_coached_with_the_reason(team, rules):
    staff = team.membership("staff")
    run = operations.start(staff, "late-order", seed=1)
    mine = operations.answer(staff, run, "Unfortunately it is late. Sorry! I'll send a free cake today.")
    assert {"house_avoid", "house_use", "house_sign_off", "house_promise"} <= failed(mine)
    reasons = {p["key"]: p["reason"] for p in mine.coaching["points"]}
    assert "unfortunately" in reasons["house_avoid"].lower()
    assert "– The Corner Café" in reasons["house_sign_off"]
    assert "“free”" in reasons["house_promise"] and "ask the owner" in reasons["house_promise"]


def test_the_pre_publish_checks_findings_are_in_the_coaching_as_on_a_real_answer(team):
    BrandRules.objects.create(workspace=team.workspace, banned_phrases="cheap", approval_phrases="refund")
    staff = team.membership("staff")
    run = operations.start(staff, "late-order", seed=1)
    mine = operations.answer(staff, run, "Sorry! It's cheap anyway, I'll refund you today.")
    checks = [p for p in mine.coaching["points"] if p["key"].startswith("check_")]
    assert {p["key"] for p in checks} == {"check_banned_phrase", "check_approval_phrase"}
    assert all(p["ok"] is False for p in checks)
    assert any("banned list" in p["reason"] for p in checks)
