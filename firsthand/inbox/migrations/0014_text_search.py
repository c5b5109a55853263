"""A full-text index of what customers and the team wrote, so search stays fast with millions of messages.

SQLite: an FTS5 table over inbox_interaction.text kept in step by triggers. PostgreSQL: a GIN index on
the text's tsvector ('simple' configuration: no language's stemming, since messages come in any
language). firsthand/inbox/search.py queries each.
"""

from django.db import migrations

from firsthand.system.vendor_sql import run_sql_for

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE inbox_interaction_fts USING fts5("
    "text, content='inbox_interaction', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER inbox_interaction_fts_insert AFTER INSERT ON inbox_interaction BEGIN "
    "INSERT INTO inbox_interaction_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER inbox_interaction_fts_delete AFTER DELETE ON inbox_interaction BEGIN "
    "INSERT INTO inbox_interaction_fts(inbox_interaction_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER inbox_interaction_fts_update AFTER UPDATE OF text ON inbox_interaction BEGIN "
    "INSERT INTO inbox_interaction_fts(inbox_interaction_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO inbox_interaction_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO inbox_interaction_fts(inbox_interaction_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS inbox_interaction_fts_insert",
    "DROP TRIGGER IF EXISTS inbox_interaction_fts_delete",
    "DROP TRIGGER IF EXISTS inbox_interaction_fts_update",
    "DROP TABLE IF EXISTS inbox_interaction_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX inbox_interaction_text_search ON inbox_interaction USING GIN (to_tsvector('simple', text))"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS inbox_interaction_text_search"]


class Migration(migrations.Migration):
    dependencies = [("inbox", "0013_likes")]

    operations = [
        run_sql_for(
            {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD},
            {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD},
        )
    ]
