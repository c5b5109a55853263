"""Each person sees the browsers they are signed in on and signs any of them out; owners sign anyone out."""

import pytest
from django.test import Client
from django.urls import reverse

from firsthand.conftest import PASSWORD
from firsthand.team.models import Device

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def signed_in(user, agent, ip):
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post(reverse("team:login"), {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.get(reverse("team:account"))  # the first signed-in request records the device
    return client


def can_open_account(client) -> bool:
    return client.get(reverse("team:account")).status_code == 200


@pytest.mark.django_db
def test_a_person_sees_their_devices_and_signs_one_out(team):
    laptop = signed_in(team.staff, FIREFOX, "192.0.2.10")
    phone = signed_in(team.staff, IPHONE, "198.51.100.7")
    page = laptop.get(reverse("team:account")).content.decode()
    assert "Firefox on Linux" in page and "Safari on iPhone" in page and "198.51.100.7" in page
    phone_device = Device.objects.get(user=team.staff, agent="Safari on iPhone")
    assert laptop.post(reverse("team:end_device", args=[phone_device.pk])).status_code == 302
    assert not can_open_account(phone)
    assert can_open_account(laptop)
    assert "Safari on iPhone" not in laptop.get(reverse("team:account")).content.decode()


@pytest.mark.django_db
def test_nobody_signs_out_another_persons_device(team):
    staff = signed_in(team.staff, FIREFOX, "192.0.2.10")
    viewer = signed_in(team.viewer, IPHONE, "198.51.100.7")
    viewers_device = Device.objects.get(user=team.viewer)
    assert staff.post(reverse("team:end_device", args=[viewers_device.pk])).status_code == 404
    assert can_open_account(viewer)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["team:sign_out_member", "team:remove_member"])
def test_an_owner_signing_out_or_removing_a_person_ends_their_sessions_at_once(team, action):
    owner = signed_in(team.owner, FIREFOX, "192.0.2.1")
    staff = signed_in(team.staff, IPHONE, "198.51.100.7")
    assert can_open_account(staff)
    url = reverse(action, kwargs={"slug": team.workspace.slug, "member_id": team.membership("staff").pk})
    assert owner.post(url).status_code == 302
    assert not can_open_account(staff)
    assert not Device.objects.filter(user=team.staff).exists()
    assert can_open_account(owner)


@pytest.mark.django_db
@pytest.mark.parametrize("persona,status", [("manager", 403), ("staff", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_sign_others_out(team, persona, status):
    other = signed_in(team.user(persona), FIREFOX, "192.0.2.1")
    target_persona = "viewer" if persona == "staff" else "staff"
    target = signed_in(team.user(target_persona), IPHONE, "198.51.100.7")
    member = team.membership(target_persona)
    url = reverse("team:sign_out_member", kwargs={"slug": team.workspace.slug, "member_id": member.pk})
    assert other.post(url).status_code == status
    assert can_open_account(target)
