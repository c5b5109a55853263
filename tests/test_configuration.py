"""Settings from the environment, as a deployment sets them."""

import stat

import pytest

from tests.support import process_env, run

pytestmark = pytest.mark.process


def check(tmp_path, **env):
    return run("manage", "--data-dir", tmp_path, "check", env=process_env(**env))


def test_a_laptop_needs_no_configuration_and_keeps_its_generated_keys(tmp_path):
    assert check(tmp_path).returncode == 0
    for name in ("secret_key", "encryption_key"):
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = (tmp_path / "secret_key").read_text()
    assert check(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == first


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = check(tmp_path, FIRSTHAND_ENV="production", FIRSTHAND_ENCRYPTION_KEY="k" * 44)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_an_encryption_key(tmp_path):
    result = check(tmp_path, FIRSTHAND_ENV="production", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "FIRSTHAND_ENCRYPTION_KEY" in result.stderr


def test_production_refuses_the_tests_opening_to_private_addresses(tmp_path):
    keys = {"SECRET_KEY": "s" * 50, "FIRSTHAND_ENCRYPTION_KEY": "k" * 44}
    result = check(tmp_path, FIRSTHAND_ENV="production", FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS="127.0.0.0/8", **keys)
    assert result.returncode != 0
    assert "FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS is for tests" in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x" * 60 + "\n")
    key = tmp_path / "key.txt"
    key.write_text("y" * 44)
    result = check(tmp_path, FIRSTHAND_ENV="production", SECRET_KEY_FILE=secret, FIRSTHAND_ENCRYPTION_KEY_FILE=key)
    assert result.returncode == 0, result.stderr
    shown = run(
        "manage",
        "--data-dir",
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY == 'x' * 60, settings.FIRSTHAND_ENCRYPTION_KEYS)",
        env=process_env(FIRSTHAND_ENV="production", SECRET_KEY_FILE=secret, FIRSTHAND_ENCRYPTION_KEY_FILE=key),
    )
    assert shown.stdout.split() == ["True", "['" + "y" * 44 + "']"]


def test_a_missing_secret_file_is_named(tmp_path):
    result = check(tmp_path, SECRET_KEY_FILE=tmp_path / "nope.txt")
    assert result.returncode != 0
    assert "SECRET_KEY_FILE points at" in result.stderr and "nope.txt" in result.stderr


def test_a_malformed_base_url_is_refused(tmp_path):
    result = check(tmp_path, FIRSTHAND_BASE_URL="social.example.com")
    assert result.returncode != 0
    assert "FIRSTHAND_BASE_URL must look like" in result.stderr


def test_the_judge_model_setting_is_checked_at_start(tmp_path):
    refused = check(tmp_path, FIRSTHAND_JUDGE_MODEL="huge")
    assert refused.returncode != 0 and "FIRSTHAND_JUDGE_MODEL must be light or transformer" in refused.stderr
    # The older name still counts.
    refused = check(tmp_path, FIRSTHAND_OFFENSIVE_MODEL="huge")
    assert refused.returncode != 0 and "FIRSTHAND_JUDGE_MODEL must be light or transformer" in refused.stderr
    assert check(tmp_path, FIRSTHAND_JUDGE_MODEL="light").returncode == 0
    assert check(tmp_path).returncode == 0  # the accurate configuration is the default, in every install


def test_the_sentiment_prior_setting_is_checked_at_start(tmp_path):
    refused = check(tmp_path, FIRSTHAND_SENTIMENT_PRIOR="sometimes")
    assert refused.returncode != 0 and "FIRSTHAND_SENTIMENT_PRIOR must be customers or trained" in refused.stderr
    assert check(tmp_path, FIRSTHAND_SENTIMENT_PRIOR="trained").returncode == 0


def test_base_url_sets_allowed_hosts_csrf_origin_and_secure_cookies(tmp_path):
    shown = run(
        "manage",
        "--data-dir",
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS[-1], s.CSRF_TRUSTED_ORIGINS[0], s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        env=process_env(FIRSTHAND_BASE_URL="https://social.example.com"),
    )
    assert shown.stdout.split() == ["social.example.com", "https://social.example.com", "True", "True"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    shown = run(
        "manage",
        "--data-dir",
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection as c; cur = c.cursor(); "
        "print(cur.execute('pragma journal_mode').fetchone()[0], cur.execute('pragma busy_timeout').fetchone()[0])",
    )
    assert shown.stdout.split() == ["wal", "20000"]


def test_a_bad_number_in_the_environment_is_named(tmp_path):
    result = check(tmp_path, FIRSTHAND_SESSION_DAYS="fourteen")
    assert result.returncode != 0
    assert "FIRSTHAND_SESSION_DAYS must be a whole number" in result.stderr


def test_every_model_change_has_its_migration(tmp_path):
    result = run("manage", "--data-dir", tmp_path, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_shared_cache_is_a_redis_address_and_anything_else_is_refused_without_echoing_it(tmp_path):
    assert check(tmp_path, FIRSTHAND_CACHE_URL="redis://127.0.0.1:6379/14").returncode == 0
    refused = check(tmp_path, FIRSTHAND_CACHE_URL="memcached://user:hunter2@cache.example:11211")
    assert refused.returncode != 0 and "FIRSTHAND_CACHE_URL must be a Redis address" in refused.stderr
    assert "hunter2" not in refused.stderr + refused.stdout
