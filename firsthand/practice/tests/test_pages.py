"""The Practice pages: played through the web, labelled Practice, each person's runs their own."""

import pytest
from django.test import Client
from django.urls import reverse

from firsthand.practice import operations
from firsthand.practice.models import CustomScenario, HouseRules, PracticeRun
from firsthand.practice.tests.play import GOOD
from firsthand.practice.tests.test_files import ONE

pytestmark = pytest.mark.django_db


def url(team, name, **kwargs):
    return reverse(f"practice:{name}", kwargs={"slug": team.workspace.slug, **kwargs})


def test_staff_play_a_scenario_through_the_pages_and_see_the_coaching(team, client_for):
    client = client_for(team.staff)
    home = client.get(url(team, "home"))
    assert home.status_code == 200 and "A late order and a growing complaint" in home.content.decode()
    started = client.post(url(team, "start"), {"scenario": "late-order"})
    run = PracticeRun.objects.get(user=team.staff)
    assert started.url == url(team, "run", run_id=run.pk)
    page = client.get(started.url).content.decode()
    assert "Practice" in page and "simulated customer" in page
    answered = client.post(started.url, {"text": GOOD["late-order"]}, follow=True).content.decode()
    assert "Coaching" in answered and "A concrete next step" in answered and "Scenario done" in answered


def test_an_empty_answer_is_refused_with_a_reason_and_nothing_is_lost(team, client_for):
    client = client_for(team.staff)
    run = operations.start(team.membership("staff"), "praise", seed=1)
    response = client.post(url(team, "run", run_id=run.pk), {"text": "  ", "moves": ["ask_owner"]})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(url(team, "run", run_id=run.pk), {"text": "Thanks!", "moves": ["teleport"]})
    assert response.status_code == 400 and "Thanks!" in response.content.decode()
    assert not run.messages.filter(who="trainee").exists()


def test_someone_elses_run_is_a_404_and_an_outsider_sees_no_practice(team, client_for):
    run = operations.start(team.membership("owner"), "praise", seed=1)
    assert client_for(team.staff).get(url(team, "run", run_id=run.pk)).status_code == 404
    assert client_for(team.outsider).get(url(team, "home")).status_code == 404


def test_the_owner_sees_the_teams_progress_and_staff_only_their_own(team, client_for):
    staff = team.membership("staff")
    operations.answer(staff, operations.start(staff, "late-order", seed=1), "whatever, not our problem")
    owner_page = client_for(team.owner).get(url(team, "home")).content.decode()
    assert "The team's progress" in owner_page and "Apology (1×)" in owner_page
    staff_client = Client()
    staff_client.force_login(team.staff)
    staff_page = staff_client.get(url(team, "home")).content.decode()
    assert "The team's progress" not in staff_page and "Keeps going wrong" in staff_page


def test_the_owner_imports_a_file_and_a_broken_one_is_refused_naming_the_line(team, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(team.owner)
    broken = SimpleUploadedFile("s.yaml", ONE.replace("kind: question", "kind: quiz").encode())
    response = client.post(url(team, "import"), {"file": broken})
    assert response.status_code == 400 and "Nothing was imported. Line 4:" in response.content.decode()
    assert not CustomScenario.objects.exists()
    response = client.post(url(team, "import"), {"file": SimpleUploadedFile("s.yaml", ONE.encode())})
    assert response.status_code == 302 and CustomScenario.objects.filter(key="gift-cards").exists()
    exported = client.get(url(team, "export"))
    assert exported["Content-Disposition"].startswith("attachment") and b"gift-cards" in exported.content


def test_the_owner_writes_a_scenario_on_the_page(team, client_for):
    data = {
        "title": "Parking",
        "kind": "question",
        "situation": "Someone asks where to park.",
        "opening": "Where can I park?",
        "needs": "says where to park: car park, behind, street",
        "calm": "Thanks!",
        "unsettled": "So where?",
        "escalate": "Forget it.",
        "customers": "Ann",
    }
    assert client_for(team.owner).post(url(team, "write"), data).status_code == 302
    staff = team.membership("staff")
    run = operations.start(staff, "own-parking", seed=1)
    mine = operations.answer(staff, run, "There's a car park behind the shop, free for customers.")
    assert mine.coaching["reaction"] == "calm"


def test_the_owner_sets_house_rules_and_the_approval_setting_staff_cannot(team, client_for):
    data = {
        "avoid_words": "unfortunately",
        "sign_off": "– Corner",
        "language": "English",
        "required_scenarios": ["opening-hours"],
    }
    assert client_for(team.staff).post(url(team, "rules"), data).status_code == 403
    assert client_for(team.owner).post(url(team, "rules"), data).status_code == 302
    rules = HouseRules.objects.get()
    assert rules.required_scenarios == "opening-hours" and rules.avoid_words == "unfortunately"
    page = client_for(team.staff).get(url(team, "home")).content.decode()
    assert "Your answers to real customers wait for approval" in page and "Required" in page


def test_with_no_scenarios_of_its_own_the_export_is_every_scenario_as_an_example_to_start_from(team, client_for):
    from firsthand.practice.schema import parse

    exported = client_for(team.owner).get(url(team, "export"))
    assert 'filename="practice-scenarios-all.yaml"' in exported["Content-Disposition"]
    assert len(parse(exported.content.decode())) == 12
