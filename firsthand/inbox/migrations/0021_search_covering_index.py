"""SQLite: a narrow index of each message's conversation, which the inbox search reads (inbox/search.py).

A common word ("love", "thanks") is in some 20,000 of a million messages; finding their conversations
through the wide message rows took 30 ms, through this index 16 ms. PostgreSQL needs none.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX inbox_interaction_search ON inbox_interaction (id, conversation_id)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS inbox_interaction_search")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0020_hidden_on_network")]

    operations = [migrations.RunPython(forward, backward)]
