"""The accurate judgements follow the fast ones in the background and move the inbox's order."""

import pytest

from firsthand.inbox import ingest, relabel
from firsthand.inbox.models import Conversation, Interaction
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def say(account, texts):
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    for number, text in enumerate(texts):
        SandboxEvent.objects.create(account=remote, kind="mention", author_handle=f"p{number}", text=text)
    ingest.poll(account)
    ingest.process_pending()


def test_filing_leaves_every_message_waiting_and_the_worker_relabels_them_newest_first(team, account, monkeypatch):
    say(account, [f"Lovely loaf number {n}, thank you" for n in range(5)])
    assert relabel.waiting(team.workspace) == 5
    seen = []
    from firsthand.judge import judges

    real = judges.triage
    monkeypatch.setattr(
        judges, "triage", lambda texts, accurate=False: seen.append(list(texts)) or real(texts, accurate)
    )
    assert relabel.relabel_some(batch=2) == 2
    assert seen[0] == ["Lovely loaf number 4, thank you", "Lovely loaf number 3, thank you"]
    assert relabel.waiting(team.workspace) == 3
    assert relabel.relabel_some() == 3 and relabel.relabel_some() == 0
    assert relabel.waiting() == 0
    assert not Interaction.objects.filter(relabelled_at=None, direction="in").exists()


def test_an_accurate_complaint_label_moves_the_conversation_up_and_keeps_spam(team, account, monkeypatch):
    say(account, ["The cake I ordered for Saturday came squashed", "Nice photo"])
    from firsthand.judge import judges

    def accurate(texts, accurate=False):
        return [
            {
                "offensive": "ok",
                "sentiment": "negative" if "squashed" in text else "neutral",
                "complaint": "complaint" if "squashed" in text else "other",
                "question": "other",
            }
            for text in texts
        ]

    squashed = Conversation.objects.get(items__text__contains="squashed")
    Interaction.objects.filter(conversation=squashed).update(labels=["spam"])  # as if the spam rule had said so
    Conversation.objects.filter(pk=squashed.pk).update(labels=["spam"], priority=3)
    monkeypatch.setattr(judges, "triage", accurate)
    assert relabel.relabel_some() == 2
    squashed.refresh_from_db()
    assert squashed.labels == ["complaint", "negative", "spam"] and squashed.priority == 0
    item = squashed.items.get()
    assert item.labels == ["complaint", "negative", "spam"] and item.relabelled_at is not None
    other = Conversation.objects.get(items__text="Nice photo")
    assert other.labels == [] and other.priority == 3


def test_a_message_another_worker_claims_between_the_read_and_the_claim_is_skipped(team, account, monkeypatch):
    say(account, ["Are you open on Sunday?", "Do you deliver?"])
    from django.utils import timezone

    from firsthand.judge import judges

    read = relabel.fetch_rows
    first = Interaction.objects.order_by("id").first()

    def read_then_lose_one(queryset, names):
        rows = list(read(queryset, names))
        Interaction.objects.filter(pk=first.pk).update(relabelled_at=timezone.now())  # the other worker
        return rows

    judged = []
    real = judges.triage
    monkeypatch.setattr(relabel, "fetch_rows", read_then_lose_one)
    monkeypatch.setattr(judges, "triage", lambda texts, accurate=False: judged.extend(texts) or real(texts, accurate))
    assert relabel.relabel_some() == 1
    assert judged == ["Do you deliver?"]


def test_the_real_accurate_judgements_label_a_complaint_about_a_cake(team, account):
    say(account, ["I ordered a birthday cake for Saturday and it still hasn't arrived. Nobody answers the phone."])
    relabel.relabel_some()
    conversation = Conversation.objects.get()
    assert "complaint" in conversation.labels and conversation.priority == 0


def test_a_backlog_of_relabelling_is_said_on_the_inbox_and_goes_when_done(team, account, client_for, monkeypatch):
    from django.urls import reverse

    from firsthand.judge import judges

    say(account, [f"Hello number {n}" for n in range(60)])
    page = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert "60 new messages are filed with the quick judgements" in client_for(team.staff).get(page).content.decode()
    light = judges.triage
    monkeypatch.setattr(judges, "triage", lambda texts, accurate=False: light(texts))  # fast, for the test
    while relabel.relabel_some():
        pass
    assert "quick judgements" not in client_for(team.staff).get(page).content.decode()
