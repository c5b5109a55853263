"""The data dir is 0700 and its files 0600 whatever the umask, and what an older version left readable
is made private at start."""

import os
import stat
import subprocess
import sys
import textwrap

from firsthand import conf


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_under_umask_022_a_new_data_dir_and_everything_in_it_are_private(tmp_path):
    data = tmp_path / "data"
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from django.core.mail import send_mail
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from firsthand.team.models import Workspace
        Workspace.objects.create(name="Corner Café")
        send_mail("Reset your password", "https://example.test/reset/abc", "a@example.test", ["b@example.test"])
        default_storage.save("media/1/photo.jpg", ContentFile(b"not really a jpeg"))
        # SQLite removes the WAL and SHM when the last connection closes: look while they are open.
        import os, stat
        from django.conf import settings
        for name in ("firsthand.sqlite3-wal", "firsthand.sqlite3-shm"):
            print(name, oct(stat.S_IMODE(os.stat(settings.DATA_DIR / name).st_mode)))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIRSTHAND_", "EMAIL_", "DATABASE_URL"))}
    env.update(FIRSTHAND_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="firsthand.settings")
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.stdout.split() == ["firsthand.sqlite3-wal", "0o600", "firsthand.sqlite3-shm", "0o600"]
    assert mode(data) == 0o700
    made = {path.relative_to(data).as_posix(): mode(path) for path in data.rglob("*")}
    for name in ("firsthand.sqlite3", "secret_key", "encryption_key"):
        assert made.pop(name) == 0o600, name
    assert made.pop("unsent-mail") == 0o700 and made.pop("media") == 0o700 and made.pop("media/1") == 0o700
    assert made.pop("media/1/photo.jpg") == 0o600
    mails = [name for name in made if name.startswith("unsent-mail/")]
    assert mails and all(made.pop(name) == 0o600 for name in mails)
    assert all(value == 0o600 for value in made.values()), made  # anything else firsthand left there


def test_what_an_older_version_left_readable_is_made_private_at_start(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "media" / "3").mkdir(parents=True)
    (data / "unsent-mail").mkdir()
    readable = [
        data / "firsthand.sqlite3",
        data / "firsthand.sqlite3-wal",
        data / "media" / "3" / "cake.png",
        data / "unsent-mail" / "20261201-1.log",
    ]
    for path in readable:
        path.write_text("x")
    mine = data / "notes-of-the-admin.txt"  # not firsthand's: left as it is
    mine.write_text("x")
    for path in [data, data / "media", data / "media" / "3", data / "unsent-mail", *readable, mine]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    monkeypatch.setenv("FIRSTHAND_DATA_DIR", str(data))
    assert conf.data_dir() == data.resolve()
    assert mode(data) == mode(data / "media") == mode(data / "media" / "3") == mode(data / "unsent-mail") == 0o700
    assert {mode(path) for path in readable} == {0o600}
    assert mode(mine) == 0o644
