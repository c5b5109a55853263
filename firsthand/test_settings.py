"""Settings for the test suite: a throwaway data dir, fast hashing, mail kept in memory."""

import os
import tempfile

os.environ.setdefault("FIRSTHAND_DATA_DIR", tempfile.mkdtemp(prefix="firsthand-tests-"))
os.environ.pop("EMAIL_HOST", None)

from firsthand.settings import *  # noqa: E402,F403

# Argon2 is deliberately slow; the suite hashes hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests of the undo window set it themselves; elsewhere "publish now" means now.
UNDO_SECONDS = 0
# The fake networks listen on loopback; tests of the guard itself set this back to [].
OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the in-memory default: in-memory SQLite shared between threads locks whole tables
    # and ignores the busy timeout, so tests with several threads would not see what production sees.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
# Figures follow every change at once; test_kept.py tests the stale window itself.
INSIGHTS_STALE_SECONDS = 0
