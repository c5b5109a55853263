"""Helpers for tests and demos: sandbox accounts connected to a workspace."""

from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.connector import SandboxConnector


def connect_sandbox_account(workspace, handle: str, *, by=None, colour: str = "#0f766e", is_brand=True):
    remote = SandboxConnector.sign_up(handle, display_name=handle.replace("-", " ").title())
    account = ConnectedAccount(
        workspace=workspace,
        network="sandbox",
        remote_id=str(remote.pk),
        handle=f"@{handle}",
        display_name=remote.display_name,
        colour=colour,
        is_brand=is_brand,
        connected_by=by,
    )
    account.credentials = SandboxConnector.authorize(remote)
    account.save()
    return account
