"""`firsthand manage rebuild_insights [--workspace SLUG]`: build Insights' rollups again from the raw
interactions (hourly counts, answer counts, waits and their histograms).

The worker keeps them current by itself; this is for after a restore from a backup, a bulk import made
past the worker, or a doubt. Pages stay exact meanwhile: without rollups they count live (slowly).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from firsthand.insights.rollups import engine
from firsthand.team.models import Workspace


class Command(BaseCommand):
    help = "Build Insights' rollups again from the raw interactions, for one workspace or all."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", help="the workspace's slug (default: every workspace)")

    def handle(self, workspace=None, **options):
        ids = None
        if workspace:
            ids = list(Workspace.objects.filter(slug=workspace).values_list("pk", flat=True))
            if not ids:
                raise CommandError(f"No workspace has the slug {workspace}.")
        started = time.perf_counter()
        engine.rebuild(ids)
        self.stdout.write(f"Insights' rollups built again in {time.perf_counter() - started:.1f} s.")
