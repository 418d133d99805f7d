"""The signature's INSERT and its confirmation-mail task, written by hand for the busiest path.

A viral petition's only write is this one, so it is worth doing in as few round trips as the
database allows: on PostgreSQL one statement (a data-modifying CTE, its own transaction), on
SQLite two statements in one transaction. What the two rows hold is exactly what the ORM and
django-tasks-db would have written: the values come from unsaved model instances through each
field's own `pre_save`/`get_db_prep_save`, and the task row gets the library's `pre_save`
handlers. With any other task backend the ORM path is taken. tests/test_insert.py compares the
rows with the library's own.
"""

import datetime
import json
from functools import cache

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .models import Signature


def insert_signature(signature: Signature, *, task=None) -> int | None:
    """Insert `signature` unless its address has already signed this petition, and, in the
    same transaction, enqueue `task(signature_id)` when given. Returns the new row's id, or
    None when the address had signed already (nothing is written then)."""
    backend = task_backends[task.backend] if task is not None else None
    if backend is not None and not isinstance(backend, DatabaseBackend):
        return _insert_with_orm(signature, task)
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    values = _values(db, signature, _signature_fields())
    if db.vendor == "postgresql":
        signature.pk = _insert_postgresql(db, values, task, backend)
    else:
        signature.pk = _insert_in_two_statements(db, values, task, backend)
    if signature.pk is not None:
        signature._state.adding, signature._state.db = False, db.alias
    return signature.pk


def _insert_postgresql(db, values: list, task, backend) -> int | None:
    task_values = _values(db, _task_row(task, backend), _task_fields()) if task else []
    with db.cursor() as cursor:
        cursor.execute(_postgresql_sql(bool(task)), values + task_values)
        row = cursor.fetchone()
    return row[0] if row else None


def _insert_in_two_statements(db, values: list, task, backend) -> int | None:
    # No savepoint: signing runs inside the caller's transaction, and a failure here fails it.
    with transaction.atomic(savepoint=False), db.cursor() as cursor:
        cursor.execute(_signature_sql(), values)
        row = cursor.fetchone()
        if row is None or task is None:
            return row[0] if row else None
        task_row = _task_row(task, backend, signature_id=row[0])
        cursor.execute(_task_sql(), _values(db, task_row, _all_task_fields()))
    return row[0]


def insert_batch(signatures: list[Signature], *, task) -> None:
    """Insert a batch, skipping addresses that have signed (in the database or earlier in the
    batch), and enqueue `task(signature_id)` for each new one that is not held; in the current
    transaction. Each new one gets its pk; `created_at` is kept as given. On PostgreSQL it is
    one statement, on SQLite two."""
    if not signatures:
        return
    db = connections[DEFAULT_DB_ALIAS]
    backend = task_backends[task.backend]
    fields = _signature_fields()
    in_database = isinstance(backend, DatabaseBackend)
    if db.vendor == "postgresql" and in_database:
        template = _values(db, _task_row(task, backend), _task_fields(with_id=False))
        # The rows as one JSON document: a statement of fixed size whatever the batch's, and
        # json.dumps (in C) prepares it several times faster than psycopg quotes the items of
        # one array per column. PostgreSQL casts each value to its column's type
        # (tests/test_insert.py compares the rows with the ORM's).
        now = timezone.now()
        for signature in signatures:
            signature.created_at = signature.created_at or now
        rows = [{field.column: getattr(s, field.attname) for field in fields} for s in signatures]
        sql, params = _batch_postgresql_sql(), [json.dumps(rows, default=_json_default), *template]
    else:
        values = [
            value
            for signature in signatures
            for value in _values(db, signature, fields, add=signature.created_at is None)
        ]
        sql, params = _batch_signature_sql(len(signatures)), values
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        new = {(petition_id, email): pk for pk, petition_id, email in cursor.fetchall()}
    for signature in signatures:
        pk = new.pop((signature.petition_id, signature.email), None)
        if pk is not None:
            signature.pk, signature._state.adding, signature._state.db = pk, False, db.alias
    queued = [s.pk for s in signatures if s.pk is not None and s.held_at is None]
    if not queued or (db.vendor == "postgresql" and in_database):
        return
    if not in_database:
        for signature_id in queued:
            task.enqueue(signature_id)
        return
    with db.cursor() as cursor:
        cursor.executemany(
            _task_sql(),
            [_values(db, _task_row(task, backend, pk), _all_task_fields()) for pk in queued],
        )


def _batch_signature_sql(rows: int) -> str:
    """The signature INSERT for `rows` rows, returning each new row's id, petition and email."""
    row = f"({_placeholders(_signature_fields())})"
    pk, petition, email = (
        _quoted(Signature._meta.get_field(name).column) for name in ("id", "petition", "email")
    )
    return (
        _signature_sql()
        .replace(f"VALUES {row}", "VALUES " + ", ".join([row] * rows))
        .replace(f"RETURNING {pk}", f"RETURNING {pk}, {petition}, {email}")
    )


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()  # aware (USE_TZ): the offset keeps it exact
    raise TypeError(f"{type(value).__name__} is not a signature column's type")


@cache
def _batch_postgresql_sql() -> str:
    """One statement: the signatures, from a JSON array of rows keyed by column, and a task
    for each new one that is not held. The task ids come from gen_random_uuid(), as the task
    model's own default is a random UUID."""
    fields = _signature_fields()
    held = _quoted(Signature._meta.get_field("held_at").column)
    pk, petition, email = (
        _quoted(Signature._meta.get_field(name).column) for name in ("id", "petition", "email")
    )
    unique = [Signature._meta.get_field(name).column for name in ("petition", "email")]
    table = _quoted(Signature._meta.db_table)
    arguments = _quoted(DBTaskResult._meta.get_field("args_kwargs").column)
    task_id = _quoted(DBTaskResult._meta.pk.column)
    return (
        f"WITH new_signature AS (INSERT INTO {table} ({_columns(fields)}) "  # noqa: S608
        f"SELECT {_columns(fields)} FROM json_populate_recordset(NULL::{table}, %s::json) "
        f"ON CONFLICT ({', '.join(map(_quoted, unique))}) DO NOTHING "
        f"RETURNING {pk}, {petition}, {email}, {held}), "
        f"new_task AS (INSERT INTO {_quoted(DBTaskResult._meta.db_table)} "
        f"({_columns(_task_fields(with_id=False))}, {task_id}, {arguments}) "
        f"SELECT {_placeholders(_task_fields(with_id=False))}, gen_random_uuid(), "
        f"jsonb_build_object('args', jsonb_build_array({pk}), 'kwargs', '{{}}'::jsonb) "
        f"FROM new_signature WHERE {held} IS NULL) "
        f"SELECT {pk}, {petition}, {email} FROM new_signature"
    )


def _insert_with_orm(signature: Signature, task) -> int | None:
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
            task.enqueue(signature.pk)
    except IntegrityError:
        return None
    return signature.pk


def _task_row(task, backend, signature_id=None) -> DBTaskResult:
    """The row django-tasks-db's `enqueue` would create (see its `_task_to_db_task`)."""
    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [signature_id], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(DBTaskResult, instance=row, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    return row


def _values(db, instance, fields, add=True) -> list:
    # add=False keeps a given created_at (auto_now_add fills it in only when adding).
    return [field.get_db_prep_save(field.pre_save(instance, add), db) for field in fields]


@cache
def _signature_fields() -> list:
    return [field for field in Signature._meta.concrete_fields if not field.primary_key]


@cache
def _task_fields(with_id: bool = True) -> list:
    """Every column but the arguments, which carry the signature's id once it exists."""
    return [
        field
        for field in DBTaskResult._meta.concrete_fields
        if field.name != "args_kwargs" and (with_id or not field.primary_key)
    ]


@cache
def _all_task_fields() -> list:
    return [*_task_fields(), DBTaskResult._meta.get_field("args_kwargs")]


@cache
def _task_sql() -> str:
    fields = _all_task_fields()
    return (
        f"INSERT INTO {_quoted(DBTaskResult._meta.db_table)} ({_columns(fields)}) "  # noqa: S608
        f"VALUES ({_placeholders(fields)})"
    )


@cache
def _signature_sql() -> str:
    unique = [Signature._meta.get_field(name).column for name in ("petition", "email")]
    return (
        f"INSERT INTO {_quoted(Signature._meta.db_table)} ({_columns(_signature_fields())}) "  # noqa: S608
        f"VALUES ({_placeholders(_signature_fields())}) "
        f"ON CONFLICT ({', '.join(map(_quoted, unique))}) DO NOTHING "
        f"RETURNING {_quoted(Signature._meta.pk.column)}"
    )


@cache
def _postgresql_sql(with_task: bool) -> str:
    pk = _quoted(Signature._meta.pk.column)
    sql = f"WITH new_signature AS ({_signature_sql()})"
    if with_task:
        arguments = _quoted(DBTaskResult._meta.get_field("args_kwargs").column)
        sql += (
            f", new_task AS (INSERT INTO {_quoted(DBTaskResult._meta.db_table)} "  # noqa: S608
            f"({_columns(_task_fields())}, {arguments}) "
            f"SELECT {_placeholders(_task_fields())}, "
            f"jsonb_build_object('args', jsonb_build_array({pk}), 'kwargs', '{{}}'::jsonb) "
            "FROM new_signature)"
        )
    return f"{sql} SELECT {pk} FROM new_signature"  # noqa: S608


# Every name in these statements comes from the models' metadata and every value is a
# parameter: the S608 warnings above are about string-built SQL, not about input.
def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(fields) -> str:
    return ", ".join(_quoted(field.column) for field in fields)


def _placeholders(fields) -> str:
    return ", ".join(["%s"] * len(fields))
