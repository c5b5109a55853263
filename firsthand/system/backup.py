"""`firsthand backup FILE` and `firsthand restore FILE`: a live SQLite database, the uploads and a note of the keys.

The database is copied with SQLite's online backup API, page by page, so a
running `firsthand serve` keeps working and the copy is consistent. The
network tokens inside stay encrypted; the keys (secret_key, encryption_key)
stay out of the file unless asked for, so a stolen backup is not a stolen
account. On PostgreSQL the database is pg_dump's job (see the README).
"""

import io
import os
import sqlite3
import tarfile
import tempfile
import time
from pathlib import Path

DATABASE = "firsthand.sqlite3"
KEYS = ("secret_key", "encryption_key")
NOTE = "KEYS-NEEDED.txt"
# The live database's own files: the backup API's copy stands for them.
SKIPPED = {DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal"}


class BackupError(Exception):
    pass


def backup(data_dir: Path, database: str, target: Path, *, include_keys: bool, env_keys: bool) -> list[str]:
    """Write the backup to `target`; return the names it holds."""
    if target.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError("write the backup outside the data dir, or it would hold itself.")
    names = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / DATABASE
        source = sqlite3.connect(database)
        destination = sqlite3.connect(copy)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds everything: ours only
        with os.fdopen(fd, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            archive.add(copy, arcname=DATABASE)
            names.append(DATABASE)
            for path in sorted(data_dir.rglob("*")):
                relative = path.relative_to(data_dir)
                if not path.is_file() or str(relative) in SKIPPED:
                    continue
                if str(relative) in KEYS and not include_keys:
                    continue
                archive.add(path, arcname=str(relative))
                names.append(str(relative))
            _add_text(archive, NOTE, _note(include_keys, env_keys))
            names.append(NOTE)
    return names


def _note(include_keys: bool, env_keys: bool) -> str:
    where = (
        "This backup holds them (you asked with --include-keys): keep it as safe as the keys themselves."
        if include_keys
        else "They are NOT in this backup. Keep them apart from it; without encryption_key the "
        "connected accounts' tokens cannot be read and every account must be connected again."
    )
    if env_keys:
        where += (
            " This server reads them from the environment (SECRET_KEY, FIRSTHAND_ENCRYPTION_KEY): give the same values."
        )
    return (
        f"firsthand backup, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n\n"
        "To use this backup you need the keys of the server it came from:\n"
        "  encryption_key (or FIRSTHAND_ENCRYPTION_KEY): reads the networks' tokens, which stay encrypted here\n"
        "  secret_key (or SECRET_KEY): keeps people signed in and links in sent emails working (optional)\n\n"
        f"{where}\n"
        "Put them in the restored data dir as files named encryption_key and secret_key (mode 0600), "
        "or set the environment variables.\n"
    )


def _add_text(archive: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    archive.addfile(info, io.BytesIO(data))


def restore(source: Path, data_dir: Path, *, force: bool) -> list[str]:
    """Unpack a backup into `data_dir`; refuse a non-empty one unless forced."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    if data_dir.exists() and any(data_dir.iterdir()) and not force:
        raise BackupError(f"{data_dir} is not empty: restore into an empty data dir, or add --force to overwrite it.")
    try:
        archive = tarfile.open(source, mode="r:gz")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{source} is not a firsthand backup ({error.__class__.__name__}).") from None
    with archive:
        members = archive.getmembers()
        if DATABASE not in {member.name for member in members}:
            raise BackupError(f"{source} is not a firsthand backup: it holds no {DATABASE}.")
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(data_dir, 0o700)
        for name in SKIPPED:  # an old WAL beside the restored database would be replayed into it
            (data_dir / name).unlink(missing_ok=True)
        # The data filter refuses absolute paths, "..", links out of the dir and device files.
        archive.extractall(data_dir, filter="data")
    for path in data_dir.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o600)
    return [member.name for member in members if member.isfile()]
