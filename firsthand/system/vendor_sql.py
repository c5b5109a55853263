"""Migration steps in one database's own SQL: the indexes, columns and triggers the ORM cannot describe
(FTS5 on SQLite, GIN and generated columns on PostgreSQL). A database not named runs nothing."""

from django.db import migrations


def run_sql_for(forward: dict[str, list[str]], backward: dict[str, list[str]]) -> migrations.RunPython:
    """A step running forward[vendor]'s statements when applied and backward[vendor]'s when reversed."""

    def runner(statements_for):
        def run(apps, schema_editor):
            for statement in statements_for.get(schema_editor.connection.vendor, []):
                schema_editor.execute(statement)

        return run

    return migrations.RunPython(runner(forward), runner(backward))
