"""Mastodon's streaming API brings notifications into the inbox as they happen.

Against the fake server's GET /api/v1/streaming/user/notification, written from
docs.joinmastodon.org/methods/streaming (server-sent events: `event: notification` with the
Notification as `data`, a comment line as heartbeat). The streams run in their own threads, as in
the worker, so these tests use a database the threads see.
"""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.inbox import ingest, streams
from firsthand.inbox.models import AccountCursor, Conversation
from firsthand.inbox.streams import StreamKeeper
from firsthand.networks import registry
from firsthand.publishing.engine import PublishingLoop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def keeper():
    made = []

    def make(worker_id="worker-a"):
        made.append(StreamKeeper(worker_id))
        return made[-1]

    streams.take_rung()
    yield make
    for kept in made:
        kept.close()


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(streams, "RETRY_SECONDS", (0.2,))


def wait_until(condition, what, seconds=15):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def cursor_of(account):
    return AccountCursor.objects.get(account=account)


def test_a_mention_is_read_the_moment_the_stream_tells_of_it(server, shop, keeper):
    brand, account = shop
    customer = server.user("jess", "Jess")
    ingest.poll(account)  # the account's cursor, as the worker's first poll makes it
    keeper().tick()
    wait_until(lambda: cursor_of(account).streaming, "the stream never opened")
    assert server.open_streams == 1
    streams.take_rung()  # the ring on opening, which reads what came while there was no stream

    # With the stream live, polling is only the net under it: every two minutes, not every 15 seconds.
    ingest.poll(account)
    assert cursor_of(account).next_poll_at - timezone.now() > timedelta(seconds=100)

    server.write(customer, "@cornercafe are you open on Boxing Day?", mentions=[brand])
    assert streams.doorbell.wait(15), "the stream did not ring"
    assert ingest.poll_rung() == 1
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.person.handle == "jess" and "question" in talk.labels


def test_the_workers_loop_files_a_streamed_mention_without_waiting_for_the_next_poll(server, shop):
    brand, account = shop
    customer = server.user("ana")
    ingest.poll(account)
    loop = PublishingLoop("worker-loop")
    loop.start()
    try:
        wait_until(lambda: cursor_of(account).streaming, "the worker never opened the stream")
        ingest.poll(account)  # the next poll is now two minutes away
        server.write(customer, "@cornercafe do you have gluten free bread?", mentions=[brand])
        wait_until(lambda: Conversation.objects.filter(person__handle="ana").exists(), "the mention never arrived")
    finally:
        loop.stop()
    wait_until(lambda: server.open_streams == 0, "the stream stayed open after the worker stopped")
    assert cursor_of(account).streamed_by == ""


def test_one_worker_holds_each_stream_and_another_takes_over(server, shop, keeper):
    brand, account = shop
    ingest.poll(account)
    first, second = keeper("worker-a"), keeper("worker-b")
    first.tick()
    second.tick()
    wait_until(lambda: cursor_of(account).streaming, "the stream never opened")
    assert set(first.streams) == {account.pk} and second.streams == {}
    assert server.open_streams == 1

    # worker-a froze: its lease runs out, worker-b takes the account, and worker-a lets it go.
    AccountCursor.objects.filter(account=account).update(stream_until=timezone.now() - timedelta(seconds=1))
    second.tick()
    first.tick()
    assert set(second.streams) == {account.pk} and first.streams == {}
    wait_until(lambda: server.open_streams == 1 and cursor_of(account).streamed_by == "worker-b", "no hand-over")

    # A stopping worker lets its streams go at once.
    second.close()
    wait_until(lambda: server.open_streams == 0, "the stream stayed open")
    assert cursor_of(account).streamed_by == "" and not cursor_of(account).streaming


def test_a_disconnected_account_stops_streaming(server, shop, keeper):
    brand, account = shop
    ingest.poll(account)
    worker = keeper()
    worker.tick()
    wait_until(lambda: server.open_streams == 1, "the stream never opened")
    account.disconnected_at = timezone.now()
    account.save(update_fields=["disconnected_at"])
    worker.tick()
    assert worker.streams == {}
    wait_until(lambda: server.open_streams == 0, "the stream stayed open")


def test_a_broken_stream_says_why_and_comes_back_reading_what_it_missed(
    server, shop, keeper, quick_retries, team, client_for
):
    brand, account = shop
    customer = server.user("tom")
    ingest.poll(account)
    keeper().tick()
    wait_until(lambda: cursor_of(account).streaming, "the stream never opened")

    server.streams_refused = True
    server.drop_streams()
    # It ended, then opening it again is refused: the reason the server gives is what the team reads.
    wait_until(lambda: "Unauthorized" in cursor_of(account).stream_error, "the refusal was not recorded")
    assert not cursor_of(account).streaming
    assert "refused the notification stream (Unauthorized)" in cursor_of(account).stream_error
    page = client_for(team.owner).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug}))
    assert "Live updates are interrupted" in page.content.decode()

    server.write(customer, "@cornercafe my order never came", mentions=[brand])  # while no stream listens
    streams.take_rung()
    server.streams_refused = False
    wait_until(lambda: cursor_of(account).streaming, "the stream never came back")
    assert cursor_of(account).stream_error == ""
    assert streams.doorbell.wait(5), "the stream did not ring on coming back"
    assert ingest.poll_rung() == 1  # what was written while it was away
    page = client_for(team.owner).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug}))
    assert "Live: new mentions and messages arrive as they happen." in page.content.decode()


def test_the_registry_names_exactly_the_networks_whose_connectors_stream():
    streaming = {name for name in registry.CONNECTORS if hasattr(registry.connector(name), "stream")}
    assert streaming == registry.STREAMS
