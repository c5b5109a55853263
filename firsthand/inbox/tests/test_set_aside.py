"""One item that cannot be filed never stops the inbox: it is set aside with its reason, shown to the
owners on the Accounts page, and filed again after the fault is fixed."""

import pytest
from django.urls import reverse

from firsthand.inbox import filing, ingest
from firsthand.inbox.models import Interaction, RawEvent
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db

POISON = "the text the judge chokes on"


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def many_say(account, texts):
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    for number, text in enumerate(texts):
        SandboxEvent.objects.create(account=remote, kind="mention", author_handle=f"p{number}", text=text)
    ingest.poll(account)


@pytest.fixture
def judge_breaks(monkeypatch):
    """The judge raises on any batch holding the poisoned text, as the featuriser did on U+0000."""
    from firsthand.judge import judges

    real = judges.triage

    def triage(texts):
        if any(POISON in text for text in texts):
            raise ValueError("the featuriser cannot read this text")
        return real(texts)

    monkeypatch.setattr(judges, "triage", triage)
    return lambda: monkeypatch.setattr(judges, "triage", real)


def test_one_text_that_breaks_the_judge_is_set_aside_and_every_other_item_files(team, account, judge_breaks):
    texts = [f"Do you have rye bread number {n}?" for n in range(40)]
    texts[17] = f"Hello {POISON} there"
    many_say(account, texts)
    assert ingest.process_pending() == 40
    assert Interaction.objects.count() == 39
    poisoned = RawEvent.objects.get(payload__text=texts[17])
    assert poisoned.processed_at and "triage could not judge its text" in poisoned.error
    assert "featuriser cannot read" in poisoned.error
    assert not Interaction.objects.filter(raw_event=poisoned).exists()
    assert RawEvent.objects.exclude(error="").count() == 1
    # The next batch is not held up by it either.
    many_say(account, ["Are you open on Sunday?"])
    assert ingest.process_pending() == 1 and Interaction.objects.count() == 40

    # After the fix (a new version, or the judge mended), a retry files it.
    judge_breaks()
    assert filing.retry_set_aside() == 1
    ingest.process_pending()
    assert Interaction.objects.filter(raw_event=poisoned).exists()
    assert not RawEvent.objects.exclude(error="").exists()


def test_owners_see_what_was_set_aside_and_ask_for_it_to_be_filed_again(team, account, judge_breaks, client_for):
    many_say(account, ["Do you deliver?", f"{POISON}!", "Lovely cake"])
    ingest.process_pending()
    page = client_for(team.staff).get(reverse("networks:accounts", args=[team.workspace.slug]))
    assert "1 message from this account could not be filed" in page.content.decode()
    assert "Try filing again" not in page.content.decode()  # staff see it; owners and managers act on it
    retry = reverse("inbox:retry_set_aside", args=[team.workspace.slug])
    assert client_for(team.staff).post(retry).status_code == 403
    assert client_for(team.outsider).post(retry).status_code == 404
    assert RawEvent.objects.exclude(error="").count() == 1

    page = client_for(team.owner).get(reverse("networks:accounts", args=[team.workspace.slug]))
    assert "triage could not judge its text" in page.content.decode() and "Try filing again" in page.content.decode()
    judge_breaks()
    client_for(team.owner).post(retry)
    ingest.process_pending()
    assert Interaction.objects.count() == 3
    page = client_for(team.owner).get(reverse("networks:accounts", args=[team.workspace.slug]))
    assert "could not be filed" not in page.content.decode()


def test_what_was_set_aside_is_tried_again_when_the_worker_starts(team, account, judge_breaks, monkeypatch):
    from firsthand.publishing import engine

    many_say(account, [POISON])
    ingest.process_pending()
    assert RawEvent.objects.exclude(error="").count() == 1
    loop = engine.PublishingLoop("starting")
    monkeypatch.setattr(loop.thread, "start", lambda: None)
    loop.start()
    assert RawEvent.objects.get().processed_at is None


def test_a_database_refusal_for_one_item_sets_only_that_item_aside(team, account, monkeypatch):
    real = filing.insert_rows

    def insert_rows(model, columns, rows, **options):
        if model is Interaction and any("refused" in row[columns.index("text")] for row in rows):
            raise filing.transaction.DatabaseError('invalid byte sequence for encoding "UTF8": 0x00')
        return real(model, columns, rows, **options)

    monkeypatch.setattr(filing, "insert_rows", insert_rows)
    many_say(account, [f"Message {n}" for n in range(9)] + ["this one is refused"] + ["Last one"])
    ingest.process_pending()
    assert Interaction.objects.count() == 10
    assert "could not be saved" in RawEvent.objects.get(payload__text="this one is refused").error


def test_a_payload_the_reader_did_not_foresee_is_set_aside_and_others_file(team, account, monkeypatch):
    real = filing.parse

    def parse(raw):
        if raw.payload.get("text") == "odd":
            raise TypeError("unhashable type: 'list'")
        return real(raw)

    monkeypatch.setattr(filing, "parse", parse)
    many_say(account, ["Hi", "odd", "Hello"])
    ingest.process_pending()
    assert Interaction.objects.count() == 2
    assert "payload could not be read" in RawEvent.objects.get(payload__text="odd").error


def test_a_failure_in_filing_stops_neither_the_overdue_clocks_nor_the_streams(team, monkeypatch):
    from firsthand.guard import approvals
    from firsthand.inbox import clocks
    from firsthand.publishing import engine

    ran = []

    def broken():
        raise RuntimeError("filing fell over")

    monkeypatch.setattr(ingest, "process_pending", broken)
    monkeypatch.setattr(clocks, "tell_overdue", lambda: ran.append("inbox clocks"))
    assert ingest.run_once() == 0
    assert ran == ["inbox clocks"]

    # The worker's loop: the inbox step failing whole still lets approvals' clock and the streams run.
    monkeypatch.setattr(ingest, "run_once", broken)
    monkeypatch.setattr(approvals, "tell_overdue", lambda: ran.append("approval clock"))
    monkeypatch.setattr(engine, "run_once", lambda worker_id: 0)
    monkeypatch.setattr(engine, "close_old_connections", lambda: None)
    monkeypatch.setattr(engine, "connection", type("Away", (), {"close": lambda self: None})())
    loop = engine.PublishingLoop("looping")
    monkeypatch.setattr(loop.streams, "close", lambda: None)

    def tick():
        ran.append("streams")
        loop.stopped.set()

    monkeypatch.setattr(loop.streams, "tick", tick)
    loop.run()
    assert ran[1:] == ["approval clock", "streams"]


def test_an_account_whose_page_cannot_be_read_waits_with_the_reason_and_the_others_are_read(team, account, monkeypatch):
    from firsthand.inbox.models import AccountCursor
    from firsthand.networks.sandbox.connector import SandboxConnector

    other = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    many_say(other, [])  # a cursor for each
    many_say(account, [])
    remote = SandboxAccount.objects.get(pk=int(other.remote_id))
    SandboxEvent.objects.create(account=remote, kind="mention", author_handle="ann", text="Open today?")
    real = SandboxConnector.list_interactions

    def list_interactions(self, connected, cursor=""):
        if connected.pk == account.pk:
            raise KeyError("id")  # the network's answer lacked what its reader expects
        return real(self, connected, cursor)

    monkeypatch.setattr(SandboxConnector, "list_interactions", list_interactions)
    AccountCursor.objects.update(next_poll_at=filing.timezone.now())
    assert ingest.poll_due() == 1
    assert "could not read what the network sent (KeyError)" in AccountCursor.objects.get(account=account).error


def test_a_webhook_entry_its_reader_cannot_read_is_kept_and_set_aside_with_the_reason(team, monkeypatch):
    from firsthand.networks.facebook import webhook
    from firsthand.networks.models import ConnectedAccount, NetworkApp

    app = NetworkApp.objects.create(workspace=team.workspace, network="facebook", client_id="app")
    ConnectedAccount.objects.create(workspace=team.workspace, network="facebook", remote_id="PAGE", handle="bakery")
    comment = {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "c1", "message": "Hi"}}
    payload = {"entry": [{"id": "PAGE", "changes": [comment]}]}

    def broken(entry, page_id):
        raise AttributeError("'int' object has no attribute 'get'")
        yield

    monkeypatch.setattr(webhook, "items_of", broken)
    assert webhook.store(app, payload) == 1
    ingest.process_pending()
    raw = RawEvent.objects.get()
    assert raw.payload["entry"]["changes"] == [comment]  # kept whole
    assert "could not read this delivery from the network (AttributeError)" in raw.error
