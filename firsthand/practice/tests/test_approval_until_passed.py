"""The workspace setting: a new staff member's answers to real customers wait for approval until they have
passed the chosen practice scenarios. Enforced in the inbox's answer operation, so every door keeps it."""

import pytest

from firsthand.inbox import ingest
from firsthand.inbox import operations as inbox
from firsthand.inbox.models import Conversation, Interaction, PendingAnswer
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.testing import connect_sandbox_account
from firsthand.practice import operations
from firsthand.practice.models import HouseRules
from firsthand.practice.tests.play import GOOD

pytestmark = pytest.mark.django_db
ANSWER = "We're open on Saturday from 9 until 17. See you then!"


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    customer_says(account, "Are you open on Saturday?")
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


@pytest.fixture
def required(team):
    return HouseRules.objects.create(workspace=team.workspace, required_scenarios="opening-hours\nlate-order")


# The setting as the matrix reads it: who waits, with it on, before passing. Viewers never answer at all.
WAITS = {"owner": False, "manager": False, "staff": True}


@pytest.mark.parametrize("persona", sorted(WAITS))
def test_with_the_setting_on_only_staff_who_have_not_passed_wait_for_approval(team, talk, required, persona):
    result = inbox.reply(team.membership(persona), talk, ANSWER)
    assert isinstance(result, PendingAnswer) == WAITS[persona]
    if WAITS[persona]:
        assert any("not yet passed the practice scenarios" in r for r in result.reasons)
        assert "A late order and a growing complaint" in " ".join(result.reasons)
        assert not talk.items.filter(direction="out").exists()


@pytest.mark.parametrize("persona", sorted(WAITS))
def test_with_the_setting_off_nobody_waits_for_practice(team, talk, persona):
    assert isinstance(inbox.reply(team.membership(persona), talk, ANSWER), Interaction)


def test_the_viewer_cannot_answer_whatever_the_setting(team, required):
    assert not team.membership("viewer").can(inbox.Capability.REPLY)


def test_staff_answer_at_once_after_passing_every_chosen_scenario(team, talk, required):
    staff = team.membership("staff")
    operations.answer(staff, operations.start(staff, "opening-hours", seed=1), GOOD["opening-hours"])
    assert operations.still_to_pass(staff) == ["late-order"]
    assert isinstance(inbox.reply(staff, talk, ANSWER), PendingAnswer)  # one still to pass
    failed_run = operations.start(staff, "late-order", seed=1)
    operations.answer(staff, failed_run, "whatever, not our problem")
    operations.answer(staff, failed_run, "whatever")
    assert operations.still_to_pass(staff) == ["late-order"]  # played is not passed
    operations.answer(staff, operations.start(staff, "late-order", seed=2), GOOD["late-order"])
    assert operations.still_to_pass(staff) == []
    assert isinstance(inbox.reply(staff, talk, ANSWER), Interaction)
