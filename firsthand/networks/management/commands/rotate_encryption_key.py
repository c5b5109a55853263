from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from firsthand.networks import crypto
from firsthand.networks.mastodon.models import MastodonInstance
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.team.models import TotpDevice
from firsthand.webhooks.models import Endpoint

# Every encrypted column: (rows that have one, its field, how to name a row that cannot be decrypted).
ENCRYPTED = [
    (
        lambda: ConnectedAccount.objects.exclude(credentials_encrypted=""),
        "credentials_encrypted",
        lambda account: f"The credentials of account {account.pk} ({account.handle})",
    ),
    (
        lambda: MastodonInstance.objects.exclude(client_secret_encrypted=""),  # nosec B106 # a column name
        "client_secret_encrypted",
        lambda instance: f"firsthand's app secret on {instance}",
    ),
    (
        lambda: NetworkApp.objects.exclude(client_secret_encrypted=""),  # nosec B106 # a column name
        "client_secret_encrypted",
        lambda app: f"The {app.network} app secret of workspace {app.workspace_id}",
    ),
    (
        lambda: TotpDevice.objects.all(),
        "secret_encrypted",
        lambda device: f"The authenticator app secret of user {device.user_id}",
    ),
    (
        lambda: Endpoint.objects.all(),
        "secret_encrypted",
        lambda endpoint: f"The signing secret of webhook {endpoint.pk} ({endpoint.url})",
    ),
]


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored network credential with the first key of FIRSTHAND_ENCRYPTION_KEY. "
        "Put the new key first (new,old), run this, then drop the old key."
    )

    def handle(self, *args, **options):
        accounts = 0
        with transaction.atomic():  # all or nothing: one unreadable secret changes nothing
            for rows, field, name in ENCRYPTED:
                for row in rows().select_for_update():
                    try:
                        setattr(row, field, crypto.reencrypt(getattr(row, field)))
                    except crypto.CannotDecrypt:
                        raise CommandError(
                            f"{name(row)} cannot be decrypted with any configured key. "
                            "Nothing was changed; add the key it was made with."
                        ) from None
                    row.save(update_fields=[field])
                    accounts += isinstance(row, ConnectedAccount)
        self.stdout.write(f"Re-encrypted the credentials of {accounts} account(s) with the current key.")
