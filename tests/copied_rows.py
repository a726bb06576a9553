"""Rows captured from one real load of a fixture, written back into a test's database."""


def write_rows(rows) -> None:
    """Insert rows captured by `gwangju_rows` as they were, and move the id sequences past them.

    In one transaction: PostgreSQL checks its (deferred) foreign keys at the end of it, so
    the rows may go in in any order, also in a test that commits (`transactional_db`).
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with transaction.atomic(), connection.constraint_checks_disabled():
        for model, model_rows in rows.items():
            model._base_manager.bulk_create([model(**row) for row in model_rows])
        connection.check_constraints(table_names=[model._meta.db_table for model in rows])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(rows)):
            cursor.execute(sql)
