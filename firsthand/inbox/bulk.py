"""Writing many rows with one prepared statement each, for the inbox's hot path.

Django's bulk_create builds SQL for every slice of 999 parameters and bulk_update a CASE expression per
row and per field; filing a batch of incoming messages spent more time there than everywhere else
together. These run one prepared INSERT or UPDATE through executemany, on SQLite and PostgreSQL alike.
Only what needs it is converted for the database (JSON, dates and times); the rest goes as it is.
"""

from django.db import connections, router

CONVERTED = {"JSONField", "DateTimeField", "DateField", "TimeField"}


def _preparers(fields, connection):
    def prepare(field):
        if field.get_internal_type() in CONVERTED:
            return lambda value: field.get_db_prep_save(value, connection)
        return lambda value: value

    return [prepare(field) for field in fields]


def insert_objects(model, objects, ignore_conflicts: bool = False) -> None:
    """INSERT unsaved objects, every column the model has but the primary key (so defaults come along).

    With ignore_conflicts, a row that would break a unique constraint is skipped (ON CONFLICT DO NOTHING,
    which SQLite and PostgreSQL both know): another worker made it first, and the caller reads it back.
    """
    objects = list(objects)
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        " ON CONFLICT DO NOTHING" if ignore_conflicts else "",
    )
    preparers = _preparers(fields, connection)
    rows = [[prep(getattr(obj, f.attname)) for prep, f in zip(preparers, fields, strict=True)] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_rows(model, objects, names: list[str]) -> None:
    """UPDATE the named fields of each object (already changed in memory) by primary key."""
    objects = list(objects)
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields, quote = [model._meta.get_field(name) for name in names], connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(model._meta.pk.column)
    )
    preparers = _preparers(fields, connection)
    rows = [
        [prep(getattr(obj, f.attname)) for prep, f in zip(preparers, fields, strict=True)] + [obj.pk] for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
