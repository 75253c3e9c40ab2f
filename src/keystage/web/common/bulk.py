"""Many new rows of one model at once: PostgreSQL's COPY, elsewhere Django's bulk_create.

Django's bulk_create on PostgreSQL sends each column as one array parameter, which psycopg,
binding on the client, quotes value by value in Python; for a file's pupils, whose data is JSON,
that was a third of a worker's time at national size (benchmarks/national.py). COPY streams the
rows as they are, in order (so ids still follow the order given), and the server parses less.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

BATCH = 1000


def insert(rows: Sequence[Model]) -> None:
    """Inserts `rows` (new instances of one model) in the current transaction. Unlike
    bulk_create it does not set their primary keys: callers read them back if they need them."""
    if not rows:
        return
    model = type(rows[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            # As bulk_create prepares each value: defaults, then the field's database form
            # (a JSONField's Jsonb, a date), which psycopg writes in COPY's own escaping.
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])
