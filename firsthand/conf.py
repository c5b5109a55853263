"""Reading configuration from the environment.

Every secret can come from a variable or from a file named by `<NAME>_FILE`
(Docker and systemd credentials hand secrets over as files).
"""

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from `NAME`, or from the file named by `NAME_FILE`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {file_name}, which cannot be read: {error.strerror}."
            ) from None
    return os.environ.get(name, "")


def data_dir() -> Path:
    configured = env("FIRSTHAND_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        path = Path.home() / ".local" / "share" / "firsthand"
    from firsthand.system.private import make_private

    make_private(path)  # 0700, and files an older version left readable made 0600
    return path.resolve()


def kept_secret(directory: Path, file_name: str, make) -> str:
    """Read a secret kept in the data dir, creating it (readable by us only) on first use.

    This is what lets `firsthand serve` work on a laptop with no configuration
    while sessions and encrypted tokens survive a restart.
    """
    path = directory / file_name
    if path.exists():
        return path.read_text().strip()
    value = make()
    # O_EXCL: when two processes start at once, the loser reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_encryption_key() -> str:
    # The format of a Fernet key (32 random bytes, URL-safe base64), so the
    # publishing issue's token encryption can use it as is.
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
