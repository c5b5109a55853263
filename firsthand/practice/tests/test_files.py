"""Scenario files: the business's own scenarios in, out, and refused with the line at fault."""

import pytest

from firsthand.practice import catalogue, operations
from firsthand.practice.models import CustomScenario
from firsthand.practice.schema import ScenarioError, dump, parse

pytestmark = pytest.mark.django_db

ONE = """\
scenarios:
  - key: gift-cards
    title: A question about gift cards
    kind: question
    situation: Someone asks if you sell gift cards.
    customers: [Ann]
    opening: ["Do you sell gift cards?"]
    calm: ["Great, thanks!"]
    unsettled: ["So do you or not?"]
    escalate: ["Never mind."]
    good_answer:
      needs:
        - says: says yes and how much
          words: ["yes", "€", "euro"]
"""


def test_an_imported_scenario_can_be_played_and_exported_again_as_it_was(team):
    owner = team.membership("owner")
    operations.import_scenarios(owner, ONE)
    scenario = catalogue.find(team.workspace, "gift-cards")
    assert scenario["title"] == "A question about gift cards" and scenario["custom"]
    run = operations.start(team.membership("staff"), "gift-cards", seed=1)
    mine = operations.answer(team.membership("staff"), run, "Yes! From 10 euro, at the till.")
    assert mine.coaching["reaction"] == "calm"
    assert parse(operations.export(team.workspace)) == parse(ONE)


def test_the_shipped_scenarios_survive_the_round_trip_through_a_file():
    assert parse(dump(list(catalogue.shipped()))) == list(catalogue.shipped())


@pytest.mark.parametrize(
    "change, line, words",
    [
        (("kind: question", "kind: quiz"), 4, "there is no kind “quiz”"),
        (('opening: ["Do you sell gift cards?"]', "opening: []"), 7, "opening must be a list"),
        (("    calm:", "    clam:"), 8, "unknown field “clam”"),
        (("        - says: says yes and how much\n", "        - say: says yes and how much\n"), 13, "each need has"),
        (("key: gift-cards", "key: Gift Cards!"), 2, "small letters, digits and dashes"),
        (('    escalate: ["Never mind."]', '    escalate: ["Never mind."'), 11, "flow sequence that starts on line 10"),
    ],
)
def test_a_malformed_file_names_the_line_and_imports_nothing(team, change, line, words):
    text = ONE.replace(*change)
    with pytest.raises(ScenarioError) as caught:
        operations.import_scenarios(team.membership("owner"), text)
    assert caught.value.line == line and words in str(caught.value), str(caught.value)
    assert str(caught.value).startswith(f"Line {line}:")
    assert not CustomScenario.objects.exists()


def test_a_file_whose_second_scenario_refers_to_a_move_that_does_not_exist_imports_neither(team):
    second = (
        ONE.split("\n", 1)[1]
        .replace("gift-cards", "vouchers")
        .replace("    good_answer:\n", "    good_answer:\n      moves: [call_the_police]\n")
    )
    with pytest.raises(ScenarioError, match="no move “call_the_police”") as caught:
        operations.import_scenarios(team.membership("owner"), ONE + second)
    assert caught.value.line == 25
    assert not CustomScenario.objects.exists()


def test_a_key_used_twice_or_taken_by_a_shipped_scenario_is_refused(team):
    with pytest.raises(ScenarioError, match="used twice"):
        operations.import_scenarios(team.membership("owner"), ONE + ONE.split("\n", 1)[1])
    with pytest.raises(ScenarioError, match="firsthand ships"):
        operations.import_scenarios(team.membership("owner"), ONE.replace("gift-cards", "opening-hours"))
    assert not CustomScenario.objects.exists()


def test_staff_cannot_add_scenarios(team):
    with pytest.raises(operations.PracticeError):
        operations.import_scenarios(team.membership("staff"), ONE)
