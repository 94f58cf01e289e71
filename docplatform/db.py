"""Database helpers that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
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
