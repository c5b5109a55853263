"""What the in-process benchmarks share: Django on a fresh SQLite data dir, one BLAS thread, a brand account."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_django(name: str) -> None:
    """One thread for numeric code, a throwaway data dir, migrated; call before importing firsthand models."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    os.environ.update(FIRSTHAND_DATA_DIR=tempfile.mkdtemp(prefix=f"firsthand-{name}-"), FIRSTHAND_LOG_LEVEL="ERROR")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "firsthand.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def brand_account():
    """(owner membership, a connected sandbox brand account) in a new workspace."""
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.team.operations import create_owner

    owner = create_owner(name="Bench", email="bench@example.com", password=None, workspace_name="Bench")
    return owner, connect_sandbox_account(owner.workspace, "bench-brand")
