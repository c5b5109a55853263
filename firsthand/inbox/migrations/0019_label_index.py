"""PostgreSQL: a GIN index on the conversations' labels, for the inbox's label filter (views/pages.labelled)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX inbox_conversation_labels ON inbox_conversation USING GIN (labels jsonb_path_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS inbox_conversation_labels")


class Migration(migrations.Migration):
    dependencies = [("inbox", "0018_reading_limitation")]

    operations = [migrations.RunPython(forward, backward)]
