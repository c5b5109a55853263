"""`firsthand manage reset_two_factor EMAIL`: the way back in for a person who lost every second factor.

Only whoever runs the server can do this (nobody in the web app can, owners included): a stolen owner
session must not be able to strip someone's second factor. The reset is in the audit log.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from firsthand.audit.log import record
from firsthand.team.models import RecoveryCode, TotpDevice, User


class Command(BaseCommand):
    help = "Remove a person's authenticator app, passkeys and recovery codes, so their password alone signs in."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the email {email}.")
        with transaction.atomic():
            TotpDevice.objects.filter(user=user).delete()
            user.passkeys.all().delete()
            RecoveryCode.objects.filter(user=user).delete()
            summary = f"The server's administrator reset {user}'s two-factor sign-in"
            record("team.two_factor_reset", summary, target=user.email)
        self.stdout.write(f"Two-factor sign-in is off for {user.email}; their password alone signs in now.")
