"""Database helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


def database_now() -> datetime:
    """The database server's current time.

    Several worker machines compare leases against one clock, the database's, so a machine
    whose clock runs ahead cannot take over a job whose lease is still running. SQLite runs on
    the one machine, whose clock it is.
    """
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (now,) = cursor.fetchone()
    return now


def counter_upsert(
    model: type[models.Model],
    *,
    keys: dict[str, Any],
    add: dict[str, int],
    below: dict[str, int] | None = None,
    insert_only: dict[str, Any] | None = None,
) -> tuple[int, ...] | None:
    """Add ``add`` to the counters of ``model``'s row identified by ``keys`` (exactly the fields
    of a unique constraint), inserting the row with ``add`` as its counts (and ``insert_only``)
    when there is none; return the counters after, in ``add``'s order, or None when a counter
    of an existing row was not below its ``below`` ceiling (nothing is written then).

    One statement, ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`` (SQLite >= 3.35,
    PostgreSQL), where an INSERT that ignores conflicts, a conditional UPDATE and a read took
    three. It is as exact under concurrency: both databases check the ceiling on the row they
    hold locked (SQLite's single writer; PostgreSQL's row lock, re-reading the latest version),
    and a concurrent insert of the same row ends in the conflict branch, never in two rows.

    A new row is inserted without checking ``below``: the caller refuses a ceiling under
    ``add`` itself.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    inserted = {**keys, **(insert_only or {})}
    # Prepared by the fields themselves, so that a datetime is written exactly as the ORM
    # writes it (SQLite compares text): the conflict then finds the rows the ORM created.
    values = [
        meta.get_field(name).get_db_prep_save(value, connection) for name, value in inserted.items()
    ]
    counters = [column(name) for name in add]
    sets = ", ".join(f"{counter} = {table}.{counter} + %s" for counter in counters)
    conditions = [f"{table}.{column(name)} < %s" for name in (below or {})]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        f"INSERT INTO {table} ({', '.join([*map(column, inserted), *counters])}) "
        f"VALUES ({', '.join(['%s'] * (len(values) + len(counters)))}) "
        f"ON CONFLICT ({', '.join(map(column, keys))}) DO UPDATE SET {sets}{where} "
        f"RETURNING {', '.join(counters)}"
    )
    params = [*values, *add.values(), *add.values(), *(below or {}).values()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def insert_unless_conflict(
    model: type[models.Model], *, values: dict[str, Any], unique: Sequence[str]
) -> Any | None:
    """Insert a row of ``model`` with ``values`` (the other columns must be nullable) and return
    its primary key, or None when a row with the same ``unique`` fields (a unique constraint's)
    exists.

    ``INSERT ... ON CONFLICT DO NOTHING RETURNING``, one statement: no IntegrityError, so no
    transaction or savepoint of its own to survive one. A concurrent insert of the same row
    makes it wait for that one's outcome, as the unique constraint did.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(params))}) "
        f"ON CONFLICT ({', '.join(quote(meta.get_field(name).column) for name in unique)}) "
        f"DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]
