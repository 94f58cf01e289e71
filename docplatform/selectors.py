"""Reads for services, API keys and plan usage."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from docplatform.keys import Match, hash_key, key_secret, split_key, verify_key
from docplatform.models import ApiKey, PlanUsage, Service, ServiceUsage, UsagePlan
from docplatform.quotas import calendar_month_start


@dataclass(frozen=True, slots=True)
class OcrOptions:
    engine: str
    language: str


def service_ocr_options(*, service: Service, language: str = "") -> OcrOptions:
    """The OCR engine and (Tesseract's) languages for the service's scans: its own settings
    where it has them, else the platform's (``DOCPLATFORM_OCR_ENGINE``/``_LANG``). A request's
    ``language`` (a job's ``ocr_language``) comes before both."""
    own = service.settings if isinstance(service.settings, dict) else {}
    return OcrOptions(
        engine=own.get("ocr_engine") or settings.DOCPLATFORM_OCR_ENGINE,
        language=language or own.get("ocr_language") or settings.DOCPLATFORM_OCR_LANG,
    )


def api_key_secrets() -> list[bytes]:
    """The API-key hashing secrets: the current one first, then those of former secret keys."""
    return [key_secret(settings.SECRET_KEY)] + [
        key_secret(former) for former in getattr(settings, "SECRET_KEY_FALLBACKS", [])
    ]


def api_key_match(*, raw: str) -> tuple[ApiKey, Match] | None:
    """The active, unexpired key matching ``raw`` and how its stored hash matched, or None.

    The hash is computed even when the prefix is unknown, so that timing does not tell which
    prefixes exist.
    """
    prefix = split_key(raw)
    key = api_key_by_prefix(prefix=prefix) if prefix else None
    secrets = api_key_secrets()
    if key is None:
        hash_key(raw, secret=secrets[0])
        return None
    match = verify_key(raw, key.hashed_key, secrets=secrets)
    if match is Match.NONE or not key.is_usable():
        return None
    return key, match


# The models of the key lookup's row, in the order of its columns: the key, its service, the
# service's plan (LEFT JOIN: all NULL when it has none).
_KEY_ROW = (ApiKey, Service, UsagePlan)


@dataclass(frozen=True, slots=True)
class _RowPart:
    """One model's columns in the key lookup's row, with the converters the ORM applies."""

    model: type[models.Model]
    start: int
    attnames: list[str]
    converters: list[tuple[int, Any, list[Callable[..., Any]]]]  # (index, column, converters)

    def instance(self, row: Sequence[Any], db: BaseDatabaseWrapper) -> models.Model:
        values = list(row[self.start : self.start + len(self.attnames)])
        for index, column, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], column, db)
        return self.model.from_db(db.alias, self.attnames, values)


@dataclass(frozen=True, slots=True)
class _KeyLookup:
    sql: str
    parts: tuple[_RowPart, ...]


# One per database connection (they are per thread): the converters are the connection's.
_key_lookups: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _KeyLookup] = (
    weakref.WeakKeyDictionary()
)


def _key_lookup(db: BaseDatabaseWrapper) -> _KeyLookup:
    """``ApiKey.objects.select_related("service__plan").filter(prefix=...)``, prepared once.

    Every API request runs this lookup, and the ORM compiled its three-table join anew each
    time: about 0.5 ms of CPU, eight times the query itself. The columns are the models'
    concrete fields and their values go through the ORM's converters and ``from_db``, so the
    instances are those ``select_related`` returns, whatever fields a migration adds.
    """
    found = _key_lookups.get(db)
    if found is not None:
        return found
    quote = db.ops.quote_name
    columns, parts, start = [], [], 0
    for model in _KEY_ROW:
        table = model._meta.db_table
        fields = model._meta.concrete_fields
        columns += [f"{quote(table)}.{quote(field.column)}" for field in fields]
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            found_converters = [*db.ops.get_db_converters(column), *field.get_db_converters(db)]
            if found_converters:
                converters.append((index, column, found_converters))
        parts.append(
            _RowPart(
                model=model,
                start=start,
                attnames=[field.attname for field in fields],
                converters=converters,
            )
        )
        start += len(fields)
    key, service, plan = (quote(model._meta.db_table) for model in _KEY_ROW)

    def column(model: type[models.Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    sql = (
        f"SELECT {', '.join(columns)} FROM {key} "
        f"INNER JOIN {service} ON ({key}.{column(ApiKey, 'service')} = "
        f"{service}.{column(Service, 'id')}) "
        f"LEFT OUTER JOIN {plan} ON ({service}.{column(Service, 'plan')} = "
        f"{plan}.{column(UsagePlan, 'id')}) "
        f"WHERE {key}.{column(ApiKey, 'prefix')} = %s"
    )
    lookup = _KeyLookup(sql=sql, parts=tuple(parts))
    _key_lookups[db] = lookup
    return lookup


def api_key_by_prefix(*, prefix: str) -> ApiKey | None:
    """The key with this lookup prefix, its service and the service's plan loaded, or None;
    whether it may be used is the caller's question. One query, as with ``select_related``."""
    db = connections[DEFAULT_DB_ALIAS]
    lookup = _key_lookup(db)
    with db.cursor() as cursor:
        cursor.execute(lookup.sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    key_part, service_part, plan_part = lookup.parts
    key = key_part.instance(row, db)
    service = service_part.instance(row, db)
    # The plan's id is NULL exactly when the service has none (LEFT JOIN).
    plan_id = row[plan_part.start + plan_part.attnames.index("id")]
    plan = None if plan_id is None else plan_part.instance(row, db)
    # What select_related leaves on the instances: following them runs no query.
    ApiKey._meta.get_field("service").set_cached_value(key, service)
    Service._meta.get_field("plan").set_cached_value(service, plan)
    return key  # type: ignore[return-value]


def api_key_get_usable(*, raw: str) -> ApiKey | None:
    """The active, unexpired key matching ``raw``, or None."""
    found = api_key_match(raw=raw)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """A service's plan and what its services used in the current period."""

    plan: UsagePlan | None
    period_start: datetime
    period_end: datetime | None
    documents_used: int
    pages_used: int

    @property
    def pages_limit(self) -> int | None:
        return self.plan.pages_limit if self.plan else None

    @property
    def documents_limit(self) -> int | None:
        return self.plan.documents_limit if self.plan else None


def plan_status_get(*, service: Service, now: datetime | None = None) -> PlanStatus:
    """Current usage of the service's plan; without a plan, the service's calendar month."""
    now = now or timezone.now()
    plan = service.plan
    if plan is None:
        start = calendar_month_start(now)
        row = ServiceUsage.objects.filter(service=service, period_start=start).first()
        return PlanStatus(
            plan=None,
            period_start=start,
            period_end=None,
            documents_used=row.documents_used if row else 0,
            pages_used=row.pages_used if row else 0,
        )
    return plan_status_for_plan(plan=plan, now=now)


def plan_status_for_plan(*, plan: UsagePlan, now: datetime | None = None) -> PlanStatus:
    start, end = plan.period_at(now or timezone.now())
    row = PlanUsage.objects.filter(plan=plan, period_start=start).first()
    return PlanStatus(
        plan=plan,
        period_start=start,
        period_end=end,
        documents_used=row.documents_used if row else 0,
        pages_used=row.pages_used if row else 0,
    )
