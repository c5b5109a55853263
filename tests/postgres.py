"""A throwaway PostgreSQL database for tests that run real processes against one."""

import os
import uuid
from contextlib import contextmanager

SERVER_URL = os.environ.get("FIRSTHAND_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def available() -> bool:
    import psycopg

    try:
        with psycopg.connect(SERVER_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def fresh_database():
    """Yield the DATABASE_URL of a new, empty database; drop it afterwards."""
    import psycopg

    name = f"firsthand_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
