from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from firsthand.networks import crypto
from firsthand.networks.mastodon.models import MastodonInstance
from firsthand.networks.models import ConnectedAccount, NetworkApp


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored network credential with the first key of FIRSTHAND_ENCRYPTION_KEY. "
        "Put the new key first (new,old), run this, then drop the old key."
    )

    def handle(self, *args, **options):
        done = 0
        with transaction.atomic():
            for account in ConnectedAccount.objects.select_for_update().exclude(credentials_encrypted=""):
                try:
                    account.credentials_encrypted = crypto.reencrypt(account.credentials_encrypted)
                except crypto.CannotDecrypt:
                    raise CommandError(
                        f"The credentials of account {account.pk} ({account.handle}) cannot be decrypted with any "
                        "configured key. Nothing was changed; add the key they were made with."
                    ) from None
                account.save(update_fields=["credentials_encrypted"])
                done += 1
            for instance in MastodonInstance.objects.select_for_update():
                try:
                    instance.client_secret_encrypted = crypto.reencrypt(instance.client_secret_encrypted)
                except crypto.CannotDecrypt:
                    raise CommandError(
                        f"firsthand's app secret on {instance} cannot be decrypted with any configured key. "
                        "Nothing was changed; add the key it was made with."
                    ) from None
                instance.save(update_fields=["client_secret_encrypted"])
            for app in NetworkApp.objects.select_for_update().exclude(client_secret_encrypted=""):
                try:
                    app.client_secret_encrypted = crypto.reencrypt(app.client_secret_encrypted)
                except crypto.CannotDecrypt:
                    raise CommandError(
                        f"The {app.network} app secret of workspace {app.workspace_id} cannot be decrypted with "
                        "any configured key. Nothing was changed; add the key it was made with."
                    ) from None
                app.save(update_fields=["client_secret_encrypted"])
        self.stdout.write(f"Re-encrypted the credentials of {done} account(s) with the current key.")
