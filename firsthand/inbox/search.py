"""Finding conversations by what was said in them, through the database's own full-text index.

Every word typed must appear (in any form of capitals and accents), the last one as a prefix, so
"refund pol" finds "our refund policy". Text with no words in it (only punctuation) finds by substring.
The index is made by migrations 0014 and 0022 (FTS5 on SQLite; on PostgreSQL a stored tsvector column
with a GIN index).
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from firsthand.inbox.bulk import listed

WORDS = re.compile(r"\w+")
MOST_WORDS = 8
FEW_MATCHES = 3000  # PostgreSQL: up to this many matching messages are looked up first


def words_of(query: str) -> list[str]:
    return WORDS.findall(query.lower())[:MOST_WORDS]


def matching(conversations, query: str, workspace):
    """The conversations among those given in which someone wrote every word of the query, or with a
    person whose name or handle has it ("maya", "@maya_k")."""
    named = Q(person__in=people_named(workspace, query))
    return conversations.filter(Q(pk__in=by_text(conversations, query).values("pk")) | named)


def people_named(workspace, query: str):
    """The people whose name or handle contains what was typed (without a leading @). People are few next
    to messages, so a substring match over them is cheap; the list's other filters still apply."""
    from firsthand.inbox.models import Person

    typed = query.strip().lstrip("@\uff20")[:100]
    if not typed:
        return Person.objects.none()
    people = Person.objects.filter(workspace=workspace)
    return people.filter(Q(name__icontains=typed) | Q(handle__icontains=typed)).values("pk")


def by_text(conversations, query: str):
    words = words_of(query)
    if not words:
        return conversations.filter(items__text__icontains=query[:100]).distinct()
    if connection.vendor == "sqlite":
        # Each word a quoted FTS5 string, so nothing typed is read as FTS5 syntax; the last one a prefix.
        match = " ".join(f'"{word}"' for word in words) + "*"
        # INDEXED BY: the narrow index of migration 0021 answers "which conversation" without reading the
        # wide message rows; the planner would pick the table by its primary key.
        sql = (
            "SELECT conversation_id FROM inbox_interaction INDEXED BY inbox_interaction_search WHERE id IN "
            "(SELECT rowid FROM inbox_interaction_fts WHERE inbox_interaction_fts MATCH %s)"
        )
        return conversations.filter(pk__in=RawSQL(sql, [match]))  # nosec B611 # fixed SQL, the query bound
    if connection.vendor == "postgresql":
        # \w+ words only, so nothing typed is read as tsquery syntax; the last one a prefix.
        match = " & ".join(words[:-1] + [f"{words[-1]}:*"])
        sql = "SELECT conversation_id FROM inbox_interaction WHERE search_vector @@ to_tsquery('simple', %s)"
        # PostgreSQL guesses badly how many messages a prefix matches, and then either walks every open
        # conversation checking each (110 ms for "order*") or hashes them all (30 ms for "refund*", which
        # is in 163 messages). When the matches are few, they are fetched first and given as a list.
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s", [match, FEW_MATCHES + 1])
            rows = cursor.fetchall()
        if not rows:
            return conversations.none()
        if len(rows) <= FEW_MATCHES:
            found = sorted({conversation_id for (conversation_id,) in rows})
            return conversations.filter(pk__in=listed(found, conversations.model))
        return conversations.filter(pk__in=RawSQL(sql, [match]))  # nosec B611 # fixed SQL, the query bound
    return conversations.filter(items__text__icontains=query[:100]).distinct()
