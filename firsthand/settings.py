"""One settings file, driven by the environment, with defaults that work on a laptop.

See the configuration reference in README.md for every variable.
"""

import importlib.util
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from firsthand.conf import (
    data_dir,
    env,
    env_bool,
    env_int,
    env_list,
    env_secret,
    kept_secret,
    new_encryption_key,
    new_secret_key,
)

DATA_DIR = data_dir()

# "production" refuses to invent secrets: a server whose key is regenerated
# or lost would sign everyone out and lose every encrypted network token.
PRODUCTION = env("FIRSTHAND_ENV", "local").lower() == "production"
DEBUG = env_bool("FIRSTHAND_DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when FIRSTHAND_ENV=production.")
    SECRET_KEY = kept_secret(DATA_DIR, "secret_key", new_secret_key)

# Several keys, newest first, so keys can be rotated (used by networks/ for tokens).
FIRSTHAND_ENCRYPTION_KEYS = [k.strip() for k in env_secret("FIRSTHAND_ENCRYPTION_KEY").split(",") if k.strip()]
if not FIRSTHAND_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "FIRSTHAND_ENCRYPTION_KEY (or FIRSTHAND_ENCRYPTION_KEY_FILE) must be set when "
            "FIRSTHAND_ENV=production; it encrypts the social network tokens."
        )
    FIRSTHAND_ENCRYPTION_KEYS = [kept_secret(DATA_DIR, "encryption_key", new_encryption_key)]

BASE_URL = env("FIRSTHAND_BASE_URL", "").rstrip("/")
_base = urlsplit(BASE_URL) if BASE_URL else None
if _base and (_base.scheme not in ("http", "https") or not _base.hostname):
    raise ImproperlyConfigured(f"FIRSTHAND_BASE_URL must look like https://social.example.com, not {BASE_URL!r}.")
BEHIND_HTTPS = bool(_base and _base.scheme == "https")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if _base and _base.hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_base.hostname)
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"] if _base else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "firsthand.web",
    "firsthand.team",
    "firsthand.audit",
    "firsthand.system",
    "firsthand.networks",
    "firsthand.networks.sandbox",
    "firsthand.networks.mastodon",
    "firsthand.publishing",
    "firsthand.notices",
    "firsthand.guard",
    "firsthand.inbox",
    "firsthand.insights",
    "firsthand.api",
    "firsthand.practice",
    "firsthand.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "firsthand.web.middleware.ContentSecurityPolicyMiddleware",
    "firsthand.web.middleware.NulCharacterMiddleware",  # before anything reads a parameter (CSRF reads the form)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "firsthand.team.devices.DeviceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "firsthand.urls"
WSGI_APPLICATION = "firsthand.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "firsthand.web.context_processors.shell",
                "firsthand.guard.context_processors.crisis",
                "firsthand.publishing.context_processors.undo",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_secret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'firsthand.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages are small queries answered in milliseconds; a parallel plan's workers take 20-30 ms to start
    # (the inbox search for a common word: 25 ms with them, 3 ms without), and on a small server they
    # take the cores other requests need. An `options` given in DATABASE_URL replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c max_parallel_workers_per_gather=0")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    from firsthand.system.private import private_file

    # Made 0600 before SQLite opens it: SQLite would create it 0644 under the usual umask, and gives
    # the WAL and SHM the database file's permissions.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_file(Path(DATABASES["default"]["NAME"]))
    # The web server and the worker write to one file at the same time.
    # WAL lets readers and a writer work together; IMMEDIATE transactions take
    # the write lock up front, so a transaction never has to upgrade a read lock
    # (which fails at once with "database is locked", whatever the timeout);
    # the timeout makes a second writer wait instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if env("DATABASE_CONN_MAX_AGE") == "0" else 600
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------

# Each process keeps what it worked out in its own memory, unless several web processes share Redis
# (firsthand/system/cache.py says why and what happens when Redis is down).
CACHE_URL = env_secret("FIRSTHAND_CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "FIRSTHAND_CACHE_URL must be a Redis address: redis://host:6379/0, rediss:// or unix://."
        )
    CACHES = {
        "default": {
            "BACKEND": "firsthand.system.cache.SharedCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "firsthand",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# --- Background work --------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
WORKER_HEARTBEAT_SECONDS = env_int("FIRSTHAND_WORKER_HEARTBEAT_SECONDS", 10)
# How long a worker holds a due post before another may assume it died.
PUBLISH_CLAIM_SECONDS = env_int("FIRSTHAND_PUBLISH_CLAIM_SECONDS", 60)
# "Publish now" waits this long, so a post sent by mistake can be taken back.
UNDO_SECONDS = env_int("FIRSTHAND_UNDO_SECONDS", 30)
# Requests one API token may make in a minute (counted in the database, across every web process).
API_REQUESTS_PER_MINUTE = env_int("FIRSTHAND_API_REQUESTS_PER_MINUTE", 120)
# The first wait before retrying a post after a passing failure; it doubles with each attempt.
PUBLISH_RETRY_BASE_SECONDS = env_int("FIRSTHAND_PUBLISH_RETRY_BASE_SECONDS", 5)
# Outgoing webhooks (webhooks/engine.py): how long an endpoint has to answer, how many deliveries are in flight
# at once per worker, and after how many failed attempts in a row an endpoint is marked failing.
WEBHOOK_TIMEOUT_SECONDS = env_int("FIRSTHAND_WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_CONCURRENCY = env_int("FIRSTHAND_WEBHOOK_CONCURRENCY", 8)
WEBHOOK_FAILING_AFTER = env_int("FIRSTHAND_WEBHOOK_FAILING_AFTER", 5)

# --- Networks ----------------------------------------------------------------------

# Where Bluesky handles are resolved and DIDs looked up. The defaults are the public network;
# a self-hosted or test network (`firsthand serve --demo --bluesky-url`) points both elsewhere.
BLUESKY_SERVICE_URL = env("FIRSTHAND_BLUESKY_SERVICE_URL", "https://bsky.social").rstrip("/")
BLUESKY_PLC_URL = env("FIRSTHAND_BLUESKY_PLC_URL", "https://plc.directory").rstrip("/")
# With `serve --demo`, a pretend customer writes to the demo bakery about this often.
DEMO_CUSTOMER_SECONDS = env_int("FIRSTHAND_DEMO_CUSTOMER_SECONDS", 45)

# The judgements' configuration for the pre-publish check, answers and `firsthand judge`: "transformer" (the
# default: the sentence encoder and the fine-tuned offensive MiniLM, run by onnxruntime) or "light" (n-grams and
# cues only, several times faster, less accurate). The inbox files every incoming message with the light heads
# and relabels with the accurate ones in the background. FIRSTHAND_OFFENSIVE_MODEL is its older name.
# firsthand.judge reads the same variables, so the command line and the app agree.
JUDGE_MODEL = (env("FIRSTHAND_JUDGE_MODEL", "") or env("FIRSTHAND_OFFENSIVE_MODEL", "transformer")).strip().lower()
if JUDGE_MODEL not in ("light", "transformer"):
    raise ImproperlyConfigured(f"FIRSTHAND_JUDGE_MODEL must be light or transformer, not {JUDGE_MODEL!r}.")
if JUDGE_MODEL == "transformer" and not all(map(importlib.util.find_spec, ("onnxruntime", "tokenizers"))):
    raise ImproperlyConfigured(
        "FIRSTHAND_JUDGE_MODEL=transformer needs onnxruntime and tokenizers (reinstall firsthand: pip install -e .)."
    )
# How sentiment reads customers' messages (the inbox, `firsthand judge sentiment`): "customers" (the default)
# under the class shares estimated for customers writing to a business, mostly negative; "trained" as the heads
# were trained, for an inbox that is mostly thanks. firsthand.judge reads the same variable.
SENTIMENT_PRIOR = env("FIRSTHAND_SENTIMENT_PRIOR", "customers").strip().lower()
if SENTIMENT_PRIOR not in ("customers", "trained"):
    raise ImproperlyConfigured(f"FIRSTHAND_SENTIMENT_PRIOR must be customers or trained, not {SENTIMENT_PRIOR!r}.")
# Every call to a network gives up after this many seconds (a publish then counts as "maybe sent").
NETWORK_TIMEOUT_SECONDS = env_int("FIRSTHAND_NETWORK_TIMEOUT_SECONDS", 20)
# Addresses a person's URL (a link card, a Mastodon server) may reach besides public ones: none. Only tests
# open loopback, for their local fakes (test_settings.py, and the browser tests' processes through the
# environment); a production server never does. See networks/safe_http.py.
OUTBOUND_ALLOWED_NETWORKS = env_list("FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS")
if PRODUCTION and OUTBOUND_ALLOWED_NETWORKS:
    raise ImproperlyConfigured(
        "FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS is for tests: with it, anyone who can write a link could "
        "make this server fetch its own private addresses."
    )
# X's API and sign-in page (a local fake's in tests).
X_API_URL = env("FIRSTHAND_X_API_URL", "https://api.x.com")
X_AUTHORIZE_URL = env("FIRSTHAND_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
# Meta's Graph API and Facebook Login dialog (a local fake's in tests).
FACEBOOK_GRAPH_URL = env("FIRSTHAND_FACEBOOK_GRAPH_URL", "https://graph.facebook.com")
FACEBOOK_DIALOG_URL = env("FIRSTHAND_FACEBOOK_DIALOG_URL", "https://www.facebook.com")
# LinkedIn's REST API and sign-in (a local fake's in tests).
LINKEDIN_API_URL = env("FIRSTHAND_LINKEDIN_API_URL", "https://api.linkedin.com")
LINKEDIN_AUTH_URL = env("FIRSTHAND_LINKEDIN_AUTH_URL", "https://www.linkedin.com")
# Google's sign-in and the YouTube Data API (a local fake's in tests).
GOOGLE_AUTHORIZE_URL = env("FIRSTHAND_GOOGLE_AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth")
GOOGLE_TOKEN_URL = env("FIRSTHAND_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token")
YOUTUBE_API_URL = env("FIRSTHAND_YOUTUBE_API_URL", "https://youtube.googleapis.com/")
# The Threads API and Threads' sign-in page (a local fake's in tests).
THREADS_API_URL = env("FIRSTHAND_THREADS_API_URL", "https://graph.threads.net")
THREADS_AUTHORIZE_URL = env("FIRSTHAND_THREADS_AUTHORIZE_URL", "https://threads.net/oauth/authorize")
# Pinterest's API and sign-in page (a local fake's in tests).
PINTEREST_API_URL = env("FIRSTHAND_PINTEREST_API_URL", "https://api.pinterest.com")
PINTEREST_AUTHORIZE_URL = env("FIRSTHAND_PINTEREST_AUTHORIZE_URL", "https://www.pinterest.com/oauth/")
# How long a published post is watched for replies on networks that only tell post by post.
WATCH_HOURS = env_int("FIRSTHAND_WATCH_HOURS", 72)
# How long Insights may show a page's figures as they were while it works them out again (insights.kept).
INSIGHTS_STALE_SECONDS = env_int("FIRSTHAND_INSIGHTS_STALE_SECONDS", 30)

# --- Accounts and sessions -------------------------------------------------------

AUTH_USER_MODEL = "team.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "team:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "team:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

SESSION_COOKIE_AGE = env_int("FIRSTHAND_SESSION_DAYS", 14) * 24 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BEHIND_HTTPS
CSRF_COOKIE_SECURE = BEHIND_HTTPS
CSRF_FAILURE_VIEW = "firsthand.web.views.csrf_failure"

# Sign-in throttling (team/throttle.py): failures for one email from one address, and from one address
# across emails, within the window; either locks that address only.
LOGIN_FAILURES_PER_EMAIL = env_int("FIRSTHAND_LOGIN_FAILURES_PER_EMAIL", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("FIRSTHAND_LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

INVITE_VALID_DAYS = env_int("FIRSTHAND_INVITE_VALID_DAYS", 7)
EMAIL_CHANGE_VALID_HOURS = env_int("FIRSTHAND_EMAIL_CHANGE_VALID_HOURS", 24)

# --- Security headers ------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_HTTPS:
    SECURE_HSTS_SECONDS = env_int("FIRSTHAND_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Email ---------------------------------------------------------------------------

EMAIL_HOST = env("EMAIL_HOST")
EMAIL_CONFIGURED = bool(EMAIL_HOST)
if EMAIL_CONFIGURED:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 15)
else:
    # Without SMTP nothing can be delivered; mail is kept in the data dir so
    # that an administrator can still read a password-reset message.
    EMAIL_BACKEND = "firsthand.system.mail.PrivateFileBackend"  # 0600: it holds password-reset links
    EMAIL_FILE_PATH = str(DATA_DIR / "unsent-mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "firsthand <firsthand@localhost>")
# Web Push (notices/push/): the VAPID private key signing every push, made once into the data dir unless
# given; the subject (mailto: or https:) tells a push service's operator whom to contact about them.
VAPID_PRIVATE_KEY = env_secret("FIRSTHAND_VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env("FIRSTHAND_VAPID_SUBJECT", "")

# --- Uploaded images ------------------------------------------------------------------

# Kept under the data dir, or in S3-compatible storage when FIRSTHAND_S3_BUCKET is set
# (install firsthand[s3]). Either way they are served only through views that check membership.
MEDIA_ROOT = DATA_DIR
# Whatever the umask: only firsthand's own user reads the uploads (Django's default is 0644).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("FIRSTHAND_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("FIRSTHAND_S3_BUCKET"),
            "endpoint_url": env("FIRSTHAND_S3_ENDPOINT_URL") or None,
            "region_name": env("FIRSTHAND_S3_REGION") or None,
            "access_key": env_secret("FIRSTHAND_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("FIRSTHAND_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Static files, i18n ----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env("FIRSTHAND_STATIC_ROOT") or None  # only for `collectstatic` behind another web server
# WhiteNoise serves straight from the apps' static folders, so a laptop
# install needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No token, secret or password in a log line, whoever wrote it (httpx logs every URL it calls); an
    # ordinary refusal (403) is one line, without a traceback.
    "filters": {
        "redact_secrets": {"()": "firsthand.system.logs.RedactSecrets"},
        "refusals": {"()": "firsthand.web.logging.RefusalsWithoutTraceback"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals", "redact_secrets"]}
    },
    "root": {"handlers": ["console"], "level": env("FIRSTHAND_LOG_LEVEL", "INFO")},
    "loggers": {
        "waitress.queue": {"level": "ERROR"},
        "django_tasks_db": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Behind a reverse proxy, sign-in throttling counts the address the proxy saw.
BEHIND_PROXY = env_bool("FIRSTHAND_BEHIND_PROXY", BEHIND_HTTPS)
