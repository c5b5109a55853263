"""Test personas, like healthchecks' hc/test.py: every role, plus an outsider with a workspace of their own."""

from dataclasses import dataclass

import pytest

from firsthand.team.models import Membership, User, Workspace
from firsthand.team.permissions import Role

PASSWORD = "correct horse battery staple"


@dataclass
class Team:
    workspace: Workspace
    owner: User
    manager: User
    staff: User
    viewer: User
    outsider: User  # owns another workspace, has nothing to do with this one

    def user(self, persona: str) -> User:
        return getattr(self, persona)

    def membership(self, persona: str) -> Membership:
        return Membership.objects.get(workspace=self.workspace, user=self.user(persona))


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=name)


@pytest.fixture
def team(db) -> Team:
    workspace = Workspace.objects.create(name="Corner Café")
    people = {}
    for role in Role:
        user = make_user(f"{role.value}@corner.example", f"{role.label} Person")
        Membership.objects.create(user=user, workspace=workspace, role=role)
        people[role.value] = user
    outsider = make_user("outsider@elsewhere.example", "Out Sider")
    elsewhere = Workspace.objects.create(name="Elsewhere Ltd")
    Membership.objects.create(user=outsider, workspace=elsewhere, role=Role.OWNER)
    return Team(workspace=workspace, outsider=outsider, **people)


@pytest.fixture
def client_for(client):
    """client_for(user): the test client signed in as that person."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def empty_cache():
    """Rows are rolled back between tests and their ids reused, so nothing cached may outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
