"""Reading and writing many rows with few statements and little Python, for the inbox's hot path.

Django's bulk_create builds SQL for every slice of 999 parameters and bulk_update a CASE expression per
row and per field; filing a batch of incoming messages spent more time there than everywhere else
together. These write rows given as tuples (or unsaved objects), converting only what needs it for the
database (JSON, dates and times), on SQLite and PostgreSQL alike.

Inserts go as multi-row VALUES statements, not one statement per row: on SQLite each statement that
fires the full-text trigger makes FTS5 flush its pending terms to a new segment (it syncs at every
statement savepoint), which cost 45 µs a message one by one and 5 µs in statements of 500 rows.
"""

import json
import sqlite3
from datetime import UTC, datetime
from itertools import chain

import orjson
from django.conf import settings
from django.db import connections, router
from django.db.models.expressions import RawSQL

CONVERTED = {"JSONField", "DateTimeField", "DateField", "TimeField"}
POSTGRESQL_MAX_PARAMETERS = 65_535
MAX_ROWS_PER_STATEMENT = 500
# What both databases give back as Python needs it (fetch_rows reads these, dates, times and JSON).
AS_STORED = {"AutoField", "BigAutoField", "CharField", "TextField", "ForeignKey", "OneToOneField"}
AS_STORED |= {"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField"}
AS_STORED |= {"PositiveSmallIntegerField", "PositiveBigIntegerField"}


def _preparers(fields, connection):
    return [_preparer(field, connection) for field in fields]


def _preparer(field, connection):
    """None for a value that goes as it is, else a function making it what the database stores."""
    kind = field.get_internal_type()
    if kind not in CONVERTED:
        return None

    def django(value):
        return field.get_db_prep_save(value, connection)

    if connection.vendor != "sqlite":
        return django
    # SQLite stores text. Django's own conversion goes through several layers per value (7 µs for an
    # aware datetime); these give the same text for the common case and leave the rest to Django.
    if kind == "DateTimeField" and settings.USE_TZ:

        def aware_datetime(value):
            if isinstance(value, datetime) and value.tzinfo is not None:
                return str(value.astimezone(UTC).replace(tzinfo=None))
            return django(value)

        return aware_datetime
    if kind == "JSONField" and field.encoder is None:
        return json_text
    return django


def json_text(value) -> str:
    """JSON as text, by orjson (a tenth of the standard library's time for a network's payload)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # an integer beyond 64 bits, say: the standard library writes it
        return json.dumps(value)


def _prepared(rows, preparers) -> list:
    return _converted(rows, list(enumerate(preparers)))


def _converted(rows, converters) -> list:
    """Each row as a tuple, with converters [(column, function or None)] applied to its values (None,
    SQL's NULL, stays as it is)."""
    converters = [(n, convert) for n, convert in converters if convert is not None]
    if not converters:
        return [tuple(row) for row in rows]
    done = []
    for row in rows:
        row = list(row)
        for n, convert in converters:
            if row[n] is not None:
                row[n] = convert(row[n])
        done.append(tuple(row))
    return done


def _max_parameters(connection) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()  # the compiled-in limit: 32,766 since SQLite 3.32, 999 before
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return POSTGRESQL_MAX_PARAMETERS


def insert_rows(model, names: list[str], rows, ignore_conflicts: bool = False) -> None:
    """INSERT rows (sequences of Python values in the order of `names`, attribute names such as
    "conversation_id"); columns not named take the database default, so name every column without one.

    With ignore_conflicts, a row that would break a unique constraint is skipped (ON CONFLICT DO NOTHING,
    which SQLite and PostgreSQL both know): another worker made it first, and the caller reads it back.
    """
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in names]
    rows = _prepared(rows, _preparers(fields, connection))
    if not rows:
        return
    quote = connection.ops.quote_name
    per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, _max_parameters(connection) // len(fields)))
    one_row = "({})".format(", ".join(["%s"] * len(fields)))

    def statement(count: int) -> str:
        return "INSERT INTO {} ({}) VALUES {}{}".format(  # nosec B608 # table and column names from the model, values bound
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join([one_row] * count),
            " ON CONFLICT DO NOTHING" if ignore_conflicts else "",
        )

    full, rest = divmod(len(rows), per_statement)
    with connection.cursor() as cursor:
        if full:
            chunks = (rows[n * per_statement : (n + 1) * per_statement] for n in range(full))
            cursor.executemany(statement(per_statement), [list(chain.from_iterable(chunk)) for chunk in chunks])
        if rest:
            cursor.execute(statement(rest), list(chain.from_iterable(rows[full * per_statement :])))


def insert_objects(model, objects, ignore_conflicts: bool = False) -> None:
    """INSERT unsaved objects, every column the model has but the primary key (so defaults come along)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [[getattr(obj, f.attname) for f in fields] for obj in objects]
    insert_rows(model, [f.attname for f in fields], rows, ignore_conflicts=ignore_conflicts)


def update_rows(model, objects, names: list[str]) -> None:
    """UPDATE the named fields of each object (already changed in memory) by primary key."""
    objects = list(objects)
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields, quote = [model._meta.get_field(name) for name in names], connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # nosec B608 # table and column names from the model, values bound
        quote(model._meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(model._meta.pk.column)
    )
    rows = _prepared(
        ([getattr(obj, f.attname) for f in fields] + [obj.pk] for obj in objects), _preparers(fields, connection)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def fetch_rows(queryset, names: list[str]) -> list[tuple]:
    """queryset.values_list(*names), with dates, times and JSON read by one small function each rather
    than Django's converter chain (a conversation's four timestamps cost 6 µs that way)."""
    model, connection = queryset.model, connections[queryset.db]
    fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]
    sql, params = queryset.values_list(*names).query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _converted(rows, [(n, _reader(field, connection)) for n, field in enumerate(fields)])


def _reader(field, connection):
    kind = field.get_internal_type()
    if kind == "DateTimeField" and settings.USE_TZ:
        zone = connection.timezone  # SQLite keeps naive text in this zone; PostgreSQL gives aware values

        def aware(value):
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
            return value if value.tzinfo is not None else value.replace(tzinfo=zone)

        return aware
    if kind == "JSONField" and field.decoder is None:
        return lambda value: json.loads(value) if isinstance(value, str | bytes) else value
    if kind not in AS_STORED:
        raise ValueError(f"fetch_rows does not read {kind} {field.name}; use values_list")
    return None


def listed(values, model) -> RawSQL:
    """Values for an __in lookup as one parameter (a JSON array on SQLite, an array on PostgreSQL):
    Django prepares each listed value on its own, 6 ms for a batch's 1,000 conversation keys."""
    values = list(values)
    if not values:
        raise ValueError("listed() needs at least one value")
    if connections[router.db_for_read(model)].vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    array = "bigint[]" if all(isinstance(value, int) for value in values) else "text[]"
    return RawSQL(f"SELECT unnest(%s::{array})", [values])  # nosec B611 # a fixed type name, values bound
