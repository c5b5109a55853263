from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from firsthand.system.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, team):
    """/healthz's details are for owners; what outsiders see has its own test."""
    client.force_login(team.owner)
    return client


@pytest.mark.parametrize("who", ["nobody", "manager", "staff", "viewer"])
def test_healthz_tells_anyone_but_an_owner_only_whether_it_is_up(who, team):
    asking = Client()
    if who != "nobody":
        asking.force_login(team.user(who))
    assert asking.get("/healthz").json() == {"status": "degraded"}


def test_healthz_says_the_database_answers_and_no_worker_runs(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["worker"] == {"ok": False, "heartbeat_age_seconds": None, "live_workers": 0}
    assert body["status"] == "degraded"


def test_healthz_reports_the_newest_worker_heartbeat(client):
    WorkerHeartbeat.objects.create(worker_id="old", hostname="a", pid=1, beat_at=timezone.now() - timedelta(minutes=5))
    WorkerHeartbeat.objects.create(worker_id="new", hostname="b", pid=2, beat_at=timezone.now() - timedelta(seconds=3))
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert 2 <= body["worker"]["heartbeat_age_seconds"] < 10
    assert body["worker"]["live_workers"] == 1


def test_healthz_reports_a_stale_worker(client):
    WorkerHeartbeat.objects.create(worker_id="old", hostname="a", pid=1, beat_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["worker"]["ok"] is False and body["worker"]["heartbeat_age_seconds"] >= 300
