import getpass
import os
import sys
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from firsthand.team import operations
from firsthand.team.models import TIMEZONE_CHOICES, User


class Command(BaseCommand):
    help = "Create a person who owns a new workspace, for scripted setups."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--workspace", required=True, help="the business's name")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--password-file", help="else $FIRSTHAND_OWNER_PASSWORD, else asked for")

    def handle(self, *args, email, name, workspace, timezone, password_file=None, **options):
        if timezone not in dict(TIMEZONE_CHOICES):
            raise CommandError(f"Unknown time zone {timezone!r}; use a name like Europe/Berlin.")
        password = self.read_password(password_file)
        try:
            password_validation.validate_password(password, User(email=email, name=name))
        except ValidationError as error:
            raise CommandError("The password is not good enough: " + " ".join(error.messages)) from None
        try:
            membership = operations.create_owner(
                name=name, email=email, password=password, workspace_name=workspace, timezone_name=timezone
            )
        except operations.TeamError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Created {membership.user.email}, owner of {membership.workspace} (/w/{membership.workspace.slug}/)."
        )

    def read_password(self, password_file):
        if password_file:
            try:
                return Path(password_file).read_text().strip()
            except OSError as error:
                raise CommandError(f"Cannot read {password_file}: {error.strerror}") from None
        if os.environ.get("FIRSTHAND_OWNER_PASSWORD"):
            return os.environ["FIRSTHAND_OWNER_PASSWORD"]
        if not sys.stdin.isatty():
            raise CommandError("No password given: use --password-file or FIRSTHAND_OWNER_PASSWORD.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise CommandError("The two passwords differ.")
        return first
