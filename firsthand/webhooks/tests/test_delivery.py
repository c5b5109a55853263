"""Deliveries against a real local receiver: signed, retried with backoff, logged, marked failing, never
holding one endpoint up behind another, and refused when the address is not public."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.notices.models import Notice
from firsthand.webhooks import engine, operations, signing
from firsthand.webhooks.models import Delivery, Endpoint
from firsthand.webhooks.states import State

WORKER = "test-worker"


@pytest.fixture
def emit_one(team, django_capture_on_commit_callbacks):
    """Emit as an operation does; deliveries are recorded once the test's transaction "commits"."""

    def emit(kind="post.published", **data):
        with django_capture_on_commit_callbacks(execute=True):
            operations.emit(team.workspace, kind, data or {"post": {"id": 1}})

    return emit


def make_due(endpoint):
    Delivery.objects.filter(endpoint=endpoint, state=State.RETRYING).update(next_attempt_at=timezone.now())


def test_the_receiver_verifies_the_standard_webhooks_signature(team, receiver, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook")
    emit_one("post.published", post={"id": 7, "text": "Fresh rye"})

    assert engine.send_due_now(WORKER) == 1

    (got,) = receiver.at("/hook")
    assert got.verified
    assert got.headers["webhook-id"].startswith("msg_")
    assert abs(int(got.headers["webhook-timestamp"]) - time.time()) < 5
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.payload["type"] == "post.published"
    assert got.payload["data"] == {"workspace": team.workspace.slug, "post": {"id": 7, "text": "Fresh rye"}}
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.state, delivery.response_status, delivery.response_body, delivery.attempts) == (
        State.DELIVERED,
        200,
        "ok",
        1,
    )


def test_a_signature_made_with_another_secret_does_not_verify(team, receiver, endpoint_at, emit_one):
    endpoint_at("/hook")
    receiver.secrets["/hook"] = signing.new_secret()
    emit_one()
    engine.send_due_now(WORKER)
    assert not receiver.at("/hook")[0].verified


def test_signature_matches_the_specs_worked_example_shape():
    # Fixed inputs: the same bytes always give the same signature, and one changed byte of body does not.
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1"}}'
    one = signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert one == signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert one != signing.signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body.replace(b"1", b"2"))
    headers = signing.headers(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signing.verify(secret, headers, body)


def test_only_subscribed_endpoints_get_an_event_and_they_share_its_id(team, receiver, endpoint_at, emit_one):
    endpoint_at("/posts", events=["post.published"])
    endpoint_at("/also", events=["post.published", "post.failed"])
    endpoint_at("/inbox", events=["conversation.created"])
    emit_one("post.published")
    engine.send_due_now(WORKER)
    assert not receiver.at("/inbox")
    assert receiver.at("/posts")[0].headers["webhook-id"] == receiver.at("/also")[0].headers["webhook-id"]


def test_an_event_emitted_in_a_rolled_back_transaction_is_never_sent(team, endpoint_at, emit_one):
    from django.db import transaction

    endpoint_at("/hook")
    with pytest.raises(RuntimeError), transaction.atomic():
        emit_one()
        raise RuntimeError("the change failed")
    assert not Delivery.objects.exists()


def test_a_500_is_retried_with_backoff_then_delivered(team, receiver, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=500, body="database is down")
    emit_one()
    before = timezone.now()
    engine.send_due_now(WORKER)

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == State.RETRYING
    assert (delivery.attempts, delivery.response_status, delivery.response_body) == (1, 500, "database is down")
    assert "Answered 500" in delivery.error
    # The spec's first wait: 5 seconds, give or take the jitter.
    assert timedelta(seconds=3.9) <= delivery.next_attempt_at - before <= timedelta(seconds=6.1)
    assert engine.send_due_now(WORKER) == 0  # not due yet

    make_due(endpoint)
    engine.send_due_now(WORKER)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert timedelta(minutes=3.9) <= delivery.next_attempt_at - timezone.now() <= timedelta(minutes=6.1)

    receiver.routes["/hook"].status = 204
    make_due(endpoint)
    engine.send_due_now(WORKER)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.error) == (State.DELIVERED, 3, "")
    assert len(receiver.at("/hook")) == 3
    assert len({r.headers["webhook-id"] for r in receiver.at("/hook")}) == 1  # one event, however often tried


def test_backoff_follows_the_spec_schedule_with_jitter_and_honours_retry_after():
    waits = [engine.retry_delay(n) for n in range(1, engine.MAX_ATTEMPTS)]
    for wait, planned in zip(waits, engine.SCHEDULE_SECONDS, strict=True):
        assert planned * 0.8 <= wait <= planned * 1.2
    assert engine.retry_delay(1, asked=120) == 120  # the endpoint asked for two minutes, not five seconds


def test_a_timeout_is_retried_and_says_so(team, receiver, endpoint_at, settings, emit_one):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    endpoint = endpoint_at("/slow", delay=2.5)
    emit_one()
    engine.send_due_now(WORKER)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == State.RETRYING
    assert delivery.error == "No answer within 1 seconds."
    assert delivery.response_status is None


def test_after_the_last_attempt_the_delivery_fails_with_the_reason(team, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=503)
    emit_one()
    for _ in range(engine.MAX_ATTEMPTS):
        make_due(endpoint)
        engine.send_due_now(WORKER)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == State.FAILED
    assert delivery.attempts == engine.MAX_ATTEMPTS
    assert delivery.error.startswith(f"Gave up after {engine.MAX_ATTEMPTS} attempts. Last answer: Answered 503")


def test_an_endpoint_failing_again_and_again_is_marked_failing_and_the_owners_are_told_once(
    team, endpoint_at, settings, emit_one
):
    settings.WEBHOOK_FAILING_AFTER = 3
    endpoint = endpoint_at("/hook", status=500)
    for _ in range(5):
        emit_one()
    engine.send_due_now(WORKER)

    endpoint.refresh_from_db()
    assert endpoint.failing and endpoint.failures_in_a_row == 5
    assert endpoint.failing_reason == "Answered 500 Internal Server Error."
    told = Notice.objects.filter(workspace=team.workspace, message__contains="are failing")
    assert {n.user for n in told} == {team.owner}
    assert AuditEvent.objects.filter(action="webhooks.endpoint_failing").count() == 1


def test_a_failing_endpoint_that_answers_again_is_back_to_normal(team, receiver, endpoint_at, settings, emit_one):
    settings.WEBHOOK_FAILING_AFTER = 1
    endpoint = endpoint_at("/hook", status=500)
    emit_one()
    engine.send_due_now(WORKER)
    assert Endpoint.objects.get(pk=endpoint.pk).failing
    receiver.routes["/hook"].status = 200
    make_due(endpoint)
    engine.send_due_now(WORKER)
    endpoint.refresh_from_db()
    assert (endpoint.failing, endpoint.failing_reason, endpoint.failures_in_a_row) == (False, "", 0)


def test_410_gone_turns_the_endpoint_off(team, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=410)
    emit_one()
    engine.send_due_now(WORKER)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.failing
    assert "410 Gone" in endpoint.failing_reason
    assert Delivery.objects.get(endpoint=endpoint).state == State.FAILED


def test_a_redirect_is_not_followed(team, receiver, endpoint_at, emit_one):
    endpoint = endpoint_at("/moved", status=301, headers={"Location": receiver.url("/new")})
    receiver.secrets["/new"] = receiver.secrets["/moved"]
    emit_one()
    engine.send_due_now(WORKER)
    assert not receiver.at("/new")
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == State.RETRYING
    assert "Redirects are not followed: change the address to http://127.0.0.1" in delivery.error


def test_a_long_answer_is_kept_truncated(team, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=500, body="x" * 50_000)
    emit_one()
    engine.send_due_now(WORKER)
    assert len(Delivery.objects.get(endpoint=endpoint).response_body) == 2000


@pytest.mark.django_db(transaction=True)
def test_a_slow_endpoint_does_not_hold_up_another(team, receiver, endpoint_at, settings, emit_one):
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    slow = endpoint_at("/slow", events=["post.published"], delay=2.5)
    fast = endpoint_at("/fast", events=["post.published"])
    for _ in range(4):
        emit_one()
    dispatcher = engine.Dispatcher(size=4)
    started = time.monotonic()
    claimed = dispatcher.run_once(WORKER)  # hands out, does not wait

    assert time.monotonic() - started < 1
    # Half the threads at most for either endpoint; the fast one's go on with its next deliveries.
    assert claimed == 4 and dispatcher.per_endpoint == 2
    fast_done = Delivery.objects.filter(endpoint=fast, state=State.DELIVERED)
    deadline = time.monotonic() + 2
    while fast_done.count() < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fast_done.count() == 4
    assert not Delivery.objects.filter(endpoint=slow, state=State.DELIVERED).exists()  # still waiting on it
    assert dispatcher.wait_idle(10)
    dispatcher.run_once(WORKER)
    assert dispatcher.wait_idle(10)
    dispatcher.pool.shutdown()
    assert Delivery.objects.filter(endpoint=slow, state=State.DELIVERED).count() == 4


def test_two_workers_never_send_one_delivery_twice(team, endpoint_at, emit_one):
    endpoint_at("/hook")
    for _ in range(3):
        emit_one()
    first = engine.claim("worker-a", 10)
    second = engine.claim("worker-b", 10)
    assert first and not set(first) & set(second)
    for pk in first:
        engine.attempt(pk, "worker-b")  # not its claim: nothing sent, nothing written
    assert Delivery.objects.filter(state=State.SENDING, claimed_by="worker-a").count() == len(first)


def test_a_claim_that_ran_out_is_taken_over(team, receiver, endpoint_at, emit_one):
    endpoint_at("/hook")
    emit_one()
    (pk,) = engine.claim("dead-worker", 10)
    Delivery.objects.filter(pk=pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert engine.send_due_now("live-worker") == 1
    assert Delivery.objects.get(pk=pk).state == State.DELIVERED


def test_redelivery_sends_the_same_event_again_as_a_new_delivery(team, receiver, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook")
    emit_one()
    engine.send_due_now(WORKER)
    first = Delivery.objects.get(endpoint=endpoint)

    again = operations.redeliver(team.membership("manager"), first)
    engine.send_due_now(WORKER)

    again.refresh_from_db()
    assert again.state == State.DELIVERED and again.redelivery_of == first
    one, two = receiver.at("/hook")
    assert one.headers["webhook-id"] == two.headers["webhook-id"] and one.body == two.body
    assert two.verified
    assert AuditEvent.objects.filter(action="webhooks.redelivered").exists()


def test_a_delivery_still_being_tried_cannot_be_sent_again(team, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=500)
    emit_one()
    engine.send_due_now(WORKER)
    with pytest.raises(operations.WebhookError, match="still being tried"):
        operations.redeliver(team.membership("owner"), Delivery.objects.get(endpoint=endpoint))


def test_a_private_address_is_refused_at_creation(team, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    for url in ("http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest", "http://[::1]/"):
        with pytest.raises(operations.WebhookError, match="private or local address"):
            operations.create_endpoint(team.membership("owner"), url, ["post.published"])
    with pytest.raises(operations.WebhookError, match="starting with https://"):
        operations.create_endpoint(team.membership("owner"), "ftp://example.com/", ["post.published"])
    for malformed in ("http://[::1", "http://example.com:99999/"):
        with pytest.raises(operations.WebhookError, match="not a web address"):
            operations.create_endpoint(team.membership("owner"), malformed, ["post.published"])
    assert not Endpoint.objects.exists()


def test_a_private_address_is_refused_at_delivery(team, receiver, endpoint_at, settings, emit_one):
    endpoint = endpoint_at("/hook")  # allowed when made (tests open loopback), refused when sent
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    emit_one()
    engine.send_due_now(WORKER)
    assert not receiver.at("/hook")
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == State.RETRYING
    assert delivery.error == "Refused: 127.0.0.1 is not a public internet address."


def test_the_secret_is_stored_encrypted(team, endpoint_at, receiver):
    endpoint = endpoint_at("/hook")
    stored = Endpoint.objects.values_list("secret_encrypted", flat=True).get(pk=endpoint.pk)
    assert receiver.secrets["/hook"].startswith("whsec_")
    assert receiver.secrets["/hook"] not in stored
    assert Endpoint.objects.get(pk=endpoint.pk).secret == receiver.secrets["/hook"]


def test_the_log_keeps_a_month_of_finished_deliveries_and_everything_still_being_tried(team, endpoint_at, emit_one):
    endpoint = endpoint_at("/hook", status=500)
    emit_one()
    emit_one()
    engine.send_due_now(WORKER)
    old_failed, old_retrying = Delivery.objects.filter(endpoint=endpoint)
    Delivery.objects.filter(pk=old_failed.pk).update(state=State.FAILED)
    Delivery.objects.filter(endpoint=endpoint).update(created_at=timezone.now() - timedelta(days=31))
    emit_one()
    assert engine.prune() == 1
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.RETRYING, State.PENDING}
