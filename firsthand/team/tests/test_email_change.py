"""Changing one's email: the password, then a link to the new address; the old one stays until it is opened."""

import io
import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.conftest import PASSWORD
from firsthand.team.models import EmailChange, User

pytestmark = pytest.mark.django_db

NEW = "stella@new.example"


def ask(client, email=NEW, password=PASSWORD):
    return client.post(
        reverse("team:account"),
        {"profile-name": "Staff Person", "profile-email": email, "profile-current_password": password},
    )


def link_in_mail() -> str:
    confirm = next(m for m in mail.outbox if m.to == [NEW])
    return re.search(r"http://testserver(/account/email/confirm/\S+/)", confirm.body).group(1)


def email_of(user) -> str:
    user.refresh_from_db()
    return user.email


def test_asking_mails_a_link_to_the_new_address_and_a_notice_to_the_old(team, client_for):
    client = client_for(team.staff)
    assert ask(client).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["staff@corner.example", NEW]
    notice = next(m for m in mail.outbox if m.to == ["staff@corner.example"])
    assert NEW in notice.body and "/account/email/confirm/" not in notice.body  # the old inbox can't confirm
    assert email_of(team.staff) == "staff@corner.example"
    page = client.get(reverse("team:account")).content.decode()
    assert f"Waiting for confirmation at <strong>{NEW}</strong>" in page and "Cancel the change" in page
    assert AuditEvent.objects.filter(action="team.email_change_asked", actor=team.staff).exists()


def test_the_link_changes_the_address_once_and_is_audited(team, client_for):
    client = client_for(team.staff)
    ask(client)
    link = link_in_mail()
    assert email_of(team.staff) == "staff@corner.example"
    assert client.get(link).status_code == 302
    assert email_of(team.staff) == NEW
    event = AuditEvent.objects.get(action="team.email_changed", actor=team.staff)
    assert event.data == {"old": "staff@corner.example", "new": NEW}
    again = client.get(link)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert "Waiting for confirmation" not in client.get(reverse("team:account")).content.decode()


def test_a_link_opened_signed_out_works_after_signing_in(team, client):
    client.force_login(team.staff)
    ask(client)
    link = link_in_mail()
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and "/signin/" in response["Location"]
    assert email_of(team.staff) == "staff@corner.example"
    client.force_login(team.staff)
    assert client.get(link).status_code == 302
    assert email_of(team.staff) == NEW


def test_expired_and_tampered_links_are_refused_with_a_clear_page(team, client_for):
    client = client_for(team.staff)
    ask(client)
    link = link_in_mail()
    tampered = client.get(link[:-4] + ("AA/" if not link.endswith("AA/") else "BB/"))
    assert tampered.status_code == 400 and "isn&#x27;t valid" in tampered.content.decode()
    EmailChange.objects.filter(user=team.staff).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(link)
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert "Your email has not changed" in expired.content.decode()
    assert email_of(team.staff) == "staff@corner.example"


def test_a_link_past_its_signature_age_is_refused(team, client_for, settings):
    client = client_for(team.staff)
    ask(client)
    link = link_in_mail()
    settings.EMAIL_CHANGE_VALID_HOURS = 0  # the signature's own max_age, whatever the row says
    response = client.get(link)
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert email_of(team.staff) == "staff@corner.example"


def test_another_persons_link_is_refused(team, client_for):
    ask(client_for(team.staff))
    link = link_in_mail()
    other = Client()
    other.force_login(team.manager)
    response = other.get(link)
    assert response.status_code == 403 and "another account" in response.content.decode()
    assert email_of(team.staff) == "staff@corner.example"
    assert email_of(team.manager) == "manager@corner.example"


def test_an_address_in_use_is_refused_without_saying_whose(team, client_for):
    response = ask(client_for(team.staff), email="Outsider@Elsewhere.example")
    page = response.content.decode()
    assert response.status_code == 400 and "can&#x27;t use that address" in page
    assert "Out Sider" not in page and not mail.outbox
    assert not EmailChange.objects.exists()


def test_an_address_taken_before_the_link_is_opened_is_refused(team, client_for):
    client = client_for(team.staff)
    ask(client)
    User.objects.create_user(email=NEW, password=PASSWORD, name="Quick")
    response = client.get(link_in_mail())
    assert response.status_code == 409 and "can&#x27;t use that address" in response.content.decode()
    assert email_of(team.staff) == "staff@corner.example"
    assert not EmailChange.objects.filter(user=team.staff).exists()


def test_resend_replaces_the_link_and_cancel_ends_it(team, client_for):
    client = client_for(team.staff)
    ask(client)
    first = link_in_mail()
    too_soon = client.post(reverse("team:resend_email_change"), follow=True).content.decode()
    assert "You can send it again in" in too_soon
    EmailChange.objects.filter(user=team.staff).update(sent_at=timezone.now() - timedelta(minutes=2))
    mail.outbox.clear()
    client.post(reverse("team:resend_email_change"))
    assert [m.to for m in mail.outbox] == [[NEW]]  # the old address was told once already
    second = link_in_mail()
    assert second != first
    assert client.get(first).status_code == 410
    client.post(reverse("team:cancel_email_change"))
    assert client.get(second).status_code == 410
    assert email_of(team.staff) == "staff@corner.example"
    assert AuditEvent.objects.filter(action="team.email_change_cancelled", actor=team.staff).exists()


def test_resend_and_cancel_need_a_post(team, client_for):
    client = client_for(team.staff)
    assert client.get(reverse("team:resend_email_change")).status_code == 405
    assert client.get(reverse("team:cancel_email_change")).status_code == 405


def test_the_confirmation_token_never_reaches_a_log_line(team, client):
    """At DEBUG, through the filter settings.LOGGING puts on its handler: the link used, reused, mangled,
    opened by another person and opened signed out."""
    from firsthand.system.logs import RedactSecrets

    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(next(f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, RedactSecrets)))
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        client.force_login(team.staff)
        ask(client)
        link = link_in_mail()
        client.get(link[:-3] + "xx/")
        client.get(link)
        client.get(link)
        other = Client()
        other.force_login(team.manager)
        other.get(link)
        Client().get(link)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    token = link.rstrip("/").rsplit("/", 1)[1]
    logged = captured.getvalue()
    assert "Gone" in logged or "Forbidden" in logged  # the refusals were logged, without the token
    for piece in (token, token[:-2], token.split(":")[0]):
        assert piece not in logged
