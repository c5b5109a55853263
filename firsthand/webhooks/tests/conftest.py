import pytest

from firsthand.webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def endpoint_at(team, receiver):
    """endpoint_at(path, events=...): an endpoint of the team's workspace at the receiver, its secret known to it."""
    from firsthand.webhooks import operations
    from firsthand.webhooks.events import EVENTS

    def make(path="/hook", events=tuple(EVENTS), **route):
        from firsthand.webhooks.tests.receiver import Route

        endpoint, secret = operations.create_endpoint(team.membership("owner"), receiver.url(path), list(events))
        receiver.secrets[path] = secret
        if route:
            receiver.routes[path] = Route(**route)
        return endpoint

    return make
