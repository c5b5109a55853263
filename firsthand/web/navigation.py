"""The places in the app, in the order the navigation shows them."""

from dataclasses import dataclass

from firsthand.team.permissions import Capability


@dataclass(frozen=True)
class Place:
    key: str
    label: str
    url_name: str
    capability: Capability
    icon: str  # the name of a symbol in web/templates/web/icons.html
    on_phone_bar: bool  # one of the few kept in the phone's bottom bar


PLACES = [
    Place("inbox", "Inbox", "inbox:inbox", Capability.VIEW, "inbox", True),
    Place("compose", "Compose", "publishing:compose", Capability.DRAFT, "compose", True),
    Place("calendar", "Calendar", "publishing:calendar", Capability.VIEW, "calendar", True),
    Place("approvals", "Approvals", "guard:approvals", Capability.APPROVE, "check", False),
    Place("insights", "Insights", "insights:overview", Capability.VIEW, "insights", False),
    Place("practice", "Practice", "practice:home", Capability.REPLY, "practice", False),
    Place("accounts", "Accounts", "networks:accounts", Capability.VIEW, "accounts", False),
    Place("team", "Team", "team:team", Capability.MANAGE_TEAM, "team", False),
    Place("settings", "Settings", "team:settings", Capability.SETTINGS, "settings", False),
]


def places_for(membership) -> list[Place]:
    return [place for place in PLACES if membership.can(place.capability)]
