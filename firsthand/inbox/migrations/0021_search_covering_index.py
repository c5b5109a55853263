"""SQLite: a narrow index of each message's conversation, which the inbox search reads (inbox/search.py).

A common word ("love", "thanks") is in some 20,000 of a million messages; finding their conversations
through the wide message rows took 30 ms, through this index 16 ms. PostgreSQL needs none.
"""

from django.db import migrations

from firsthand.system.vendor_sql import run_sql_for


FORWARD = ["CREATE INDEX inbox_interaction_search ON inbox_interaction (id, conversation_id)"]
BACKWARD = ["DROP INDEX IF EXISTS inbox_interaction_search"]


class Migration(migrations.Migration):
    dependencies = [("inbox", "0020_hidden_on_network")]

    operations = [run_sql_for({"sqlite": FORWARD}, {"sqlite": BACKWARD})]
