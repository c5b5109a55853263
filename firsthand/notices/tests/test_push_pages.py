"""The "Notifications on this device" page: choices, quiet hours, test, remove; each person sees only their own."""

import pytest
from django.urls import reverse

from firsthand.notices.models import PushSubscription
from firsthand.notices.push import keys
from firsthand.notices.tests.push_service import PushService

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    with PushService(keys.public_key()) as running:
        yield running


@pytest.fixture
def phone(team, service):
    device = service.subscribe()
    subscription = PushSubscription.objects.create(
        workspace=team.workspace,
        user=team.staff,
        endpoint=service.endpoint(device),
        p256dh=device.p256dh,
        auth=device.auth,
        label="Sam's phone",
        kinds=["escalation.answered"],
    )
    return subscription


def address(name, team, phone=None):
    kwargs = {"slug": team.workspace.slug}
    if phone is not None:
        kwargs["subscription_id"] = phone.pk
    return reverse(f"notices:{name}", kwargs=kwargs)


def test_the_page_offers_this_servers_public_key_and_lists_only_my_devices(team, phone, client_for):
    mine = client_for(team.staff).get(address("devices", team)).content.decode()
    assert keys.public_key() in mine and "Sam&#x27;s phone" in mine
    assert phone.endpoint not in mine  # a digest marks this device, not the endpoint
    theirs = client_for(team.owner).get(address("devices", team)).content.decode()
    assert "Sam&#x27;s phone" not in theirs


def test_choosing_kinds_and_quiet_hours_is_saved(team, phone, client_for):
    prefix = f"d{phone.pk}-"
    form = {
        prefix + "label": "Work phone",
        prefix + "kinds": ["escalation.asked", "spike.negative"],
        prefix + "quiet_from": "22:00",
        prefix + "quiet_until": "07:00",
    }
    answer = client_for(team.staff).post(address("device", team, phone), form)
    assert answer.status_code == 302
    phone.refresh_from_db()
    assert phone.label == "Work phone" and phone.kinds == ["escalation.asked", "spike.negative"]
    assert (phone.quiet_from.hour, phone.quiet_until.hour) == (22, 7)


def test_half_quiet_hours_or_an_unknown_kind_is_refused_and_nothing_changes(team, phone, client_for):
    prefix = f"d{phone.pk}-"
    client = client_for(team.staff)
    answer = client.post(address("device", team, phone), {prefix + "quiet_from": "22:00"})
    assert answer.status_code == 400 and "both ends of the quiet hours" in answer.content.decode()
    answer = client.post(address("device", team, phone), {prefix + "kinds": ["everything"]})
    assert answer.status_code == 400
    phone.refresh_from_db()
    assert phone.kinds == ["escalation.answered"] and phone.quiet_from is None


def test_a_test_notification_reaches_the_device(team, phone, service, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(team.staff).post(address("test", team, phone))
    assert answer.status_code == 302
    [pushed] = service.received
    assert pushed.payload["title"] == "Corner Café · A test"
    phone.refresh_from_db()
    assert phone.last_success_at is not None


def test_removing_a_device_stops_its_notifications(team, phone, client_for):
    assert client_for(team.staff).post(address("remove", team, phone)).status_code == 302
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("name", ["device", "test", "remove"])
def test_nobody_else_can_touch_my_device(team, phone, client_for, name):
    for persona in ("owner", "outsider"):
        assert client_for(team.user(persona)).post(address(name, team, phone)).status_code == 404
    assert PushSubscription.objects.filter(pk=phone.pk, label="Sam's phone").exists()


def test_the_vapid_key_is_made_once_into_the_data_dir_readable_by_us_only(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    keys.vapid.cache_clear()
    try:
        first = keys.public_key()
        assert (tmp_path / "vapid_private_key").stat().st_mode & 0o077 == 0
        keys.vapid.cache_clear()
        assert keys.public_key() == first
        settings.VAPID_PRIVATE_KEY = keys.new_private_key()
        keys.vapid.cache_clear()
        assert keys.public_key() != first  # the configured key wins over the kept one
    finally:
        keys.vapid.cache_clear()


def test_someone_removed_from_the_workspace_no_longer_gets_its_pushes(team, phone):
    from firsthand.team.operations import remove_member

    remove_member(team.membership("owner"), team.membership("staff"))
    assert not PushSubscription.objects.filter(pk=phone.pk).exists()
