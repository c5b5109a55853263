import pytest

from firsthand.api import operations
from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation
from firsthand.networks.sandbox import connector as sandbox_connector
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account


@pytest.fixture(autouse=True)
def repeatable_faults():
    sandbox_connector.chance.seed(1234)


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


@pytest.fixture
def talk(team, account):
    """A customer's question in the inbox, filed as the worker files it."""
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(account.remote_id)),
        kind="message",
        author_handle="tom",
        author_name="Tom",
        text="Do you have gluten-free bread on Saturdays?",
    )
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


@pytest.fixture
def token_for(team):
    """token_for("staff"): the secret of a token with that persona's role, made by the owner (or `by`)."""

    def make(persona: str, role: str | None = None, accounts=None, name="Website chat", by="owner"):
        role = role or team.membership(persona).role
        _token, secret = operations.create(team.membership(by), name=name, role=role, accounts=accounts)
        return secret

    return make


@pytest.fixture
def call(client):
    """call(secret, "post", "/posts", {...}): the API answered, with a JSON body and a bearer token."""

    def send(secret, method, path, body=None, **headers):
        if secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        kwargs = {"content_type": "application/json"} if body is not None else {}
        if isinstance(body, (dict, list)):
            import json

            body = json.dumps(body)
        if body is not None:
            kwargs["data"] = body
        return getattr(client, method)(f"/api/v1{path}", **kwargs, **headers)

    return send
