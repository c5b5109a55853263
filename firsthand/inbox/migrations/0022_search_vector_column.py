"""PostgreSQL: each message's words kept in a stored column (with the GIN index on it), for the inbox search.

The search of migration 0014 indexed an expression, to_tsvector('simple', text); wherever the planner
checks a row instead of asking the index (walking the open conversations in order, a common plan when
the page needs only 31 of them), it worked that expression out again for every message: 260 ms for
"order" among a million messages. A stored column is read, not recomputed. SQLite needs none.
"""

from django.db import migrations

from firsthand.system.vendor_sql import run_sql_for

FORWARD = [
    "ALTER TABLE inbox_interaction ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED",
    "CREATE INDEX inbox_interaction_search_vector ON inbox_interaction USING GIN (search_vector)",
    "DROP INDEX IF EXISTS inbox_interaction_text_search",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS inbox_interaction_text_search ON inbox_interaction "
    "USING GIN (to_tsvector('simple', text))",
    "DROP INDEX IF EXISTS inbox_interaction_search_vector",
    "ALTER TABLE inbox_interaction DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("inbox", "0021_search_covering_index")]

    operations = [run_sql_for({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
