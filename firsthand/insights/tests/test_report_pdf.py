"""The PDF report of a period: its figures, read back from the PDF's own text."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from firsthand.inbox.models import Interaction
from firsthand.insights import filters
from firsthand.insights.report import pdf
from firsthand.insights.report.figures import gather
from firsthand.insights.tests.test_posts_page import history, shop  # noqa: F401 # fixtures

pytestmark = pytest.mark.django_db


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


def test_the_pdf_holds_the_periods_messages_posts_and_suggested_slots(team, client_for, history):  # noqa: F811
    first = Interaction.objects.filter(direction="in").first()
    Interaction.objects.create(
        conversation=first.conversation, direction="in", kind="reply", author_handle="eve", text="Later",
        created_at=first.created_at + timedelta(minutes=5),
    )  # fmt: skip
    response = client_for(team.viewer).get(reverse("insights:report_pdf", args=[team.workspace.slug]), {"period": "7"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    report = gather(team.membership("owner"), filters.parse(team.membership("owner"), {"period": "7"}))
    assert "Corner" in text and "social media report" in text
    assert "Customer messages" in text and "Published posts" in text
    assert f"{report.messages['total']}\nmessages" in text and report.messages["total"] == 5
    assert f"{report.posts['inbox_replies']}\nreplies in the inbox" in text and report.posts["inbox_replies"] == 5
    assert f"{report.posts['likes']}\nlikes" in text
    assert "Soup of the day: leek" in text and "Cinnamon buns at 4" in text
    assert "Suggested queue slots: 12:00" in text


def test_an_empty_period_makes_a_pdf_that_says_so(team, client_for, shop):  # noqa: F811
    response = client_for(team.owner).get(
        reverse("insights:report_pdf", args=[team.workspace.slug]), {"since": "2020-01-01", "until": "2020-01-07"}
    )
    text = text_of(response.content)
    assert "Nobody wrote to these accounts" in text and "No posts were published" in text


def test_text_outside_latin_1_is_shown_not_dropped_or_crashing():
    assert pdf.latin("“Café” – ok…") == '"Café" - ok...'
    assert pdf.latin("Cake 🎂 time") == "Cake ? time"
    assert pdf.latin("Ελλάδα")[0] in "ΕE?"
