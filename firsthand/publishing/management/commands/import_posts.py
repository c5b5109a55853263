from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firsthand.publishing.importer import import_posts
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability


class Command(BaseCommand):
    help = "Schedule many posts from a CSV file (columns: account, time, text). All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="the workspace's short name, as in /w/NAME/")
        parser.add_argument("--as", dest="email", required=True, help="the email of the person the posts are from")

    def handle(self, *args, file, workspace, email, **options):
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(workspace__slug=workspace, user__email__iexact=email)
            .first()
        )
        if membership is None:
            raise CommandError(f"{email} is not a member of a workspace called {workspace!r}.")
        if not membership.can(Capability.PUBLISH):
            raise CommandError(f"{email} is {membership.role} in {workspace} and may not schedule posts.")
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        report = import_posts(membership, content)
        for problem in report.errors:
            self.stderr.write(problem)
        for row in report.rows:
            for problem in row.errors:
                self.stderr.write(f"line {row.line}: {problem}")
        if not report.ok:
            raise CommandError("Nothing was imported; fix the lines above and run it again.")
        self.stdout.write(f"Scheduled {report.imported} post(s).")
