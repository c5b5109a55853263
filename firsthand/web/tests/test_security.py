import pytest
from django.test import Client
from django.urls import reverse

from firsthand.team.models import Membership

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(team, client_for):
    response = client_for(team.owner).get(reverse("team:team", kwargs={"slug": team.workspace.slug}))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts(team, client_for):
    html = client_for(team.owner).get(reverse("team:team", kwargs={"slug": team.workspace.slug})).content.decode()
    for chunk in html.split("<script")[1:]:
        assert chunk.lstrip().startswith("src=") or ' src="' in chunk.split(">")[0]


def test_hsts_is_sent_when_served_over_https(team, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get(reverse("team:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forged_csrf_is_refused_and_changes_nothing(team):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(team.owner)
    staff = Membership.objects.get(user=team.staff, workspace=team.workspace)
    response = browser.post(
        reverse("team:change_role", kwargs={"slug": team.workspace.slug, "member_id": staff.pk}), {"role": "owner"}
    )
    assert response.status_code == 403
    assert "form had expired" in response.content.decode()
    staff.refresh_from_db()
    assert staff.role == "staff"


def test_session_cookie_is_http_only(team):
    browser = Client()
    browser.post(reverse("team:login"), {"email": "staff@corner.example", "password": "correct horse battery staple"})
    assert browser.cookies["sessionid"]["httponly"]


def test_no_template_comment_leaks_into_a_page(team, client_for):
    """Django's {# #} comments end at the line; one that spans lines is shown to people."""
    from pathlib import Path

    import firsthand

    for template in Path(firsthand.__file__).parent.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            assert "{#" not in line or "#}" in line, f"{template}:{number} opens a comment it does not close"


def test_pages_show_no_raw_template_syntax(team, client_for):
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.publishing import operations

    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    post = operations.save_post(team.membership("staff"), accounts=[account], text="My hangover is brutal lol")
    operations.schedule(team.membership("staff"), post, None)  # goes to the approvers
    client = client_for(team.owner)
    slug = team.workspace.slug
    for url in [
        f"/w/{slug}/",
        f"/w/{slug}/compose/",
        f"/w/{slug}/calendar/",
        f"/w/{slug}/calendar/?view=month",
        f"/w/{slug}/calendar/?view=list",
        f"/w/{slug}/posts/{post.pk}/",
        f"/w/{slug}/approvals/",
        f"/w/{slug}/accounts/",
        f"/w/{slug}/team/",
        f"/w/{slug}/settings/",
        f"/w/{slug}/pause/",
        f"/w/{slug}/settings/brand-rules/",
        f"/w/{slug}/settings/links/",
        f"/w/{slug}/queue-times/",
        f"/w/{slug}/notices/",
        f"/w/{slug}/posts/import/",
        "/account/",
        "/w/",
    ]:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        for raw in ("{%", "%}", "{{", "}}", "{#", "#}"):
            assert raw not in html, f"{url} shows {raw}"
