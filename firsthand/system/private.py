"""The data dir is the business's alone: 0700, and its files 0600, whatever the umask.

It holds the SQLite database (customers' messages, encrypted tokens), its WAL and SHM, the uploaded
media, the keys, and `unsent-mail`, where password-reset links wait when no SMTP is set up. With the
usual umask 022 all of these were created 0644 in a 0755 dir, readable by every account on the
machine. Each is now created private where it is made, and what an older version left readable is
made private at start. Only the names firsthand writes are touched: the data dir may be a folder the
administrator also keeps other things in.

No Django here: settings use it before Django starts.
"""

import os
import stat
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
# What firsthand keeps in the data dir (media/ is FileSystemStorage's upload_to, publishing.models).
OURS = ("firsthand.sqlite3", "firsthand.sqlite3-wal", "firsthand.sqlite3-shm", "firsthand.sqlite3-journal")
KEYS = ("secret_key", "encryption_key")
TREES = ("media", "unsent-mail")


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    tighten(path, DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create the file empty and 0600 if it is missing (SQLite then opens it as a new database, and makes
    its WAL and SHM with the database file's own permissions); tighten it if it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    tighten(path, FILE_MODE)
    return path


def tighten(path: Path, mode: int) -> None:
    """Take away group's and others' access; never widen, and leave alone what is not ours to change."""
    try:
        current = stat.S_IMODE(os.lstat(path).st_mode)
        if current & 0o077 and not stat.S_ISLNK(os.lstat(path).st_mode):
            os.chmod(path, current & mode)
    except (FileNotFoundError, PermissionError):
        pass  # gone meanwhile, or owned by another user (a shared mount): nothing firsthand can do


def make_private(data_dir: Path) -> None:
    """At start: the data dir, and whatever of firsthand's an older version left readable in it."""
    private_dir(data_dir)
    for name in (*OURS, *KEYS):
        tighten(data_dir / name, FILE_MODE)
    for name in TREES:
        top = data_dir / name
        if not top.is_dir() or top.is_symlink():
            continue
        tighten(top, DIRECTORY_MODE)
        for root, dirs, files in os.walk(top):
            for name in dirs:
                tighten(Path(root) / name, DIRECTORY_MODE)
            for name in files:
                tighten(Path(root) / name, FILE_MODE)
