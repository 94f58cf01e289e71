"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.json import JSONExact


class OrderedJSONField(models.JSONField):
    """JSON whose objects keep the order of their keys on PostgreSQL too.

    PostgreSQL's ``jsonb`` (Django's default) stores keys sorted by length, so a result's
    fields would come back in another order than extracted, and a custom schema's fields in
    another order than defined. ``json`` keeps the text as written. Its cost: no containment
    or key lookups in SQL, which the platform does not use on these columns. SQLite keeps the
    text either way.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        adapted = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql":
            from psycopg.types.json import Json, Jsonb

            # Sent as jsonb, the value would be normalised (keys sorted) before the cast.
            if isinstance(adapted, Jsonb):
                return Json(adapted.obj, dumps=adapted.dumps)
        return adapted

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        # psycopg decodes ``json`` columns itself (Django only asks for ``jsonb`` as text).
        if isinstance(value, dict | list):
            return value
        return super().from_db_value(value, expression, connection)


@OrderedJSONField.register_lookup
class OrderedJSONExact(JSONExact):
    """``json`` has no equality operator on PostgreSQL: compare both sides as ``jsonb``."""

    def as_postgresql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs})::jsonb = ({rhs})::jsonb", [*lhs_params, *rhs_params]
