"""PostgreSQL: a GIN index on the conversations' labels, for the inbox's label filter (views/pages.labelled)."""

from django.db import migrations

from firsthand.system.vendor_sql import run_sql_for


FORWARD = ["CREATE INDEX inbox_conversation_labels ON inbox_conversation USING GIN (labels jsonb_path_ops)"]
BACKWARD = ["DROP INDEX IF EXISTS inbox_conversation_labels"]


class Migration(migrations.Migration):
    dependencies = [("inbox", "0018_reading_limitation")]

    operations = [run_sql_for({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
