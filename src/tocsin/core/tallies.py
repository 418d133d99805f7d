"""Adding to counter rows: serialised by an advisory lock, added with one statement per batch,
so no concurrent refresh ever reads-then-writes a counter row."""

from functools import cache

from django.db import connection

UPSERT_BATCH = 500


def advisory_lock(lock_id: int) -> None:
    """Serialise this transaction with any other holding `lock_id` (PostgreSQL; SQLite
    serialises writers by itself). Raw SQL: the ORM has no advisory locks."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def add_counts(model, key_fields: list[str], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET count = count + new, amount likewise, on PostgreSQL
    and SQLite alike. Each row is the key's values, then the values of the fields to add.
    Raw SQL: bulk_create(update_conflicts=True) can only overwrite a value, not add to it."""
    if not rows:
        return
    fields = _fields(model, tuple(key_fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_BATCH):
            batch = rows[start : start + UPSERT_BATCH]
            params = [
                field.get_db_prep_save(value, connection)
                for row in batch
                for field, value in zip(fields, row, strict=True)
            ]
            cursor.execute(_upsert_sql(model, tuple(key_fields), len(batch)), params)


@cache
def _fields(model, key_fields: tuple[str, ...]) -> list:
    meta = model._meta
    add_fields = [f for f in ("count", "amount") if f in {x.name for x in meta.fields}]
    return [meta.get_field(name) for name in [*key_fields, *add_fields]]


def _upsert_sql(model, key_fields: tuple[str, ...], rows: int) -> str:
    meta = model._meta
    fields = _fields(model, key_fields)
    add_columns = [f.column for f in fields[len(key_fields) :]]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    conflict = ", ".join(quote(meta.get_field(name).column) for name in key_fields)
    updates = ", ".join(
        f"{quote(name)} = {table}.{quote(name)} + EXCLUDED.{quote(name)}" for name in add_columns
    )
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Identifiers come from the model, values go as parameters.
    return (
        f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
        + ", ".join([placeholders] * rows)
        + f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
