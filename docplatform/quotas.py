"""Spending a plan's budget and a key's request rate: writes, each debit one conditional write.

Every debit adds to a counter only while it is under its ceiling (``... SET used = used + n
WHERE ... used + n <= ceiling``): the database decides, on the row it holds locked, so two
requests can never both take the last unit, whatever the timing. A period's row is created by
an ``INSERT ... ON CONFLICT`` against a unique constraint, so concurrent first requests of a
period cannot create two rows. No value is read and then written back.

A submit's debits and a request's count are single upserts (``INSERT ... ON CONFLICT DO UPDATE
... WHERE used < ceiling RETURNING ...``, SQLite >= 3.35 and PostgreSQL, see
:func:`docplatform.db.counter_upsert`): the row is created or debited in one statement, and
the counts it returns are those of the plan headers and the rate headers, so nothing is read
again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docplatform.db import counter_upsert
from docplatform.models import ApiKey, PlanUsage, RateWindow, Service, ServiceUsage, UsagePlan

RATE_WINDOW = timedelta(minutes=1)
PERIOD_WORDS = {
    UsagePlan.PlanType.TRIAL: "for the trial",
    UsagePlan.PlanType.MONTHLY: "per month",
    UsagePlan.PlanType.ANNUAL: "per year",
}


class QuotaExceeded(Exception):
    """The plan has no budget left for this request (or is outside its subscription)."""

    code = "quota_exceeded"

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit


class RateLimited(Exception):
    """Too many requests now; ``retry_after`` seconds until it is worth trying again."""

    code = "rate_limited"

    def __init__(self, message: str, *, limit: int, reset_seconds: int) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.remaining = 0
        self.reset_seconds = max(1, reset_seconds)


@dataclass(frozen=True, slots=True)
class UsageCounts:
    """What a usage row (a plan's period, or a service's month without a plan) holds after a
    debit: the counts the plan headers report."""

    documents_used: int
    pages_used: int


@dataclass(frozen=True, slots=True)
class RateStatus:
    limit: int
    remaining: int
    reset_seconds: int


def calendar_month_start(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def describe_reset(end: datetime | None) -> str:
    return "it does not reset" if end is None else f"it resets at {end.isoformat()}"


def _check_subscription(plan: UsagePlan, now: datetime) -> None:
    if now < plan.subscription_start:
        raise QuotaExceeded(
            f"The plan {plan.name!r} starts at {plan.subscription_start.isoformat()}.",
            limit="subscription_start",
        )
    if plan.subscription_end is not None and now >= plan.subscription_end:
        raise QuotaExceeded(
            f"The plan {plan.name!r} ended at {plan.subscription_end.isoformat()}.",
            limit="subscription_end",
        )


def _plan_usage_ensure(plan: UsagePlan, period_start: datetime) -> None:
    PlanUsage.objects.bulk_create(
        [PlanUsage(plan=plan, period_start=period_start)], ignore_conflicts=True
    )


def _service_usage_add(
    *, service: Service, plan: UsagePlan | None, period_start: datetime, documents: int, pages: int
) -> UsageCounts:
    """Count a service's usage in its history (never refused: the plan's row is the budget)."""
    counts = counter_upsert(
        ServiceUsage,
        keys={"service": service.pk, "period_start": period_start},
        add={"documents_used": documents, "pages_used": pages},
        # The plan the service had when its period's row was created, as before.
        insert_only={"plan": plan.pk if plan else None},
    )
    if counts is None:  # pragma: no cover - without a ceiling the upsert always writes
        raise RuntimeError("the service usage upsert wrote no row")
    return UsageCounts(documents_used=counts[0], pages_used=counts[1])


def _refusal(plan: UsagePlan, what: str, limit: int, end: datetime | None) -> QuotaExceeded:
    tolerance = f" (plus {plan.tolerance_percent}% tolerance)" if plan.tolerance_percent else ""
    return QuotaExceeded(
        f"The plan's {what} limit is reached: {limit} {what}s {PERIOD_WORDS[plan.plan_type]}"
        f"{tolerance}; {describe_reset(end)}.",
        limit=f"{what}s",
    )


def quota_document_consume(*, service: Service, now: datetime | None = None) -> UsageCounts:
    """Spend one document of the service's plan, or raise :class:`QuotaExceeded`.

    Call inside the transaction that stores the document, so that a refusal or a later error
    rolls the debit back with it. A plan whose pages are spent refuses documents too. Returns
    the plan's usage after the debit (without a plan, the service's month), as the plan
    headers report it.
    """
    now = now or timezone.now()
    plan = service.plan
    if plan is None:
        return _service_usage_add(
            service=service,
            plan=None,
            period_start=calendar_month_start(now),
            documents=1,
            pages=0,
        )
    _check_subscription(plan, now)
    start, end = plan.period_at(now)
    documents_ceiling = plan.ceiling(plan.documents_limit)
    pages_ceiling = plan.ceiling(plan.pages_limit)
    ceilings = {"documents_used": documents_ceiling, "pages_used": pages_ceiling}
    below = {name: ceiling for name, ceiling in ceilings.items() if ceiling is not None}
    counts = None
    # A ceiling of zero refuses even the period's first document, which the upsert would
    # insert unconditionally.
    if all(ceiling >= 1 for ceiling in below.values()):
        counts = counter_upsert(
            PlanUsage,
            keys={"plan": plan.pk, "period_start": start},
            add={"documents_used": 1, "pages_used": 0},
            below=below,
        )
    if counts is None:
        row = PlanUsage.objects.filter(plan=plan, period_start=start).first()
        documents_used = row.documents_used if row else 0
        if documents_ceiling is not None and documents_used >= documents_ceiling:
            raise _refusal(plan, "document", plan.documents_limit or 0, end)
        raise _refusal(plan, "page", plan.pages_limit or 0, end)
    _service_usage_add(service=service, plan=plan, period_start=start, documents=1, pages=0)
    return UsageCounts(documents_used=counts[0], pages_used=counts[1])


def quota_pages_consume(*, service: Service, pages: int, now: datetime | None = None) -> None:
    """Spend ``pages`` processed pages, all or none, or raise :class:`QuotaExceeded`.

    Call inside the transaction that records the result, so the two commit together.
    """
    now = now or timezone.now()
    plan = service.plan
    if plan is None:
        _service_usage_add(
            service=service,
            plan=None,
            period_start=calendar_month_start(now),
            documents=0,
            pages=pages,
        )
        return
    _check_subscription(plan, now)
    start, end = plan.period_at(now)
    _plan_usage_ensure(plan, start)
    ceiling = plan.ceiling(plan.pages_limit)
    usage = PlanUsage.objects.filter(plan=plan, period_start=start)
    if ceiling is not None:
        usage = usage.filter(pages_used__lte=ceiling - pages)
    if not usage.update(pages_used=F("pages_used") + pages):
        used = PlanUsage.objects.get(plan=plan, period_start=start).pages_used
        left = max(0, (ceiling or 0) - used)
        refusal = _refusal(plan, "page", plan.pages_limit or 0, end)
        raise QuotaExceeded(
            f"The document has {pages} pages and {left} remain. {refusal.message}", limit="pages"
        )
    _service_usage_add(service=service, plan=plan, period_start=start, documents=0, pages=pages)


def quota_pages_check(*, service: Service, pages: int, now: datetime | None = None) -> None:
    """Raise :class:`QuotaExceeded` if ``pages`` cannot fit in what is left of the plan now.

    A read, to stop a document that cannot be paid for before it is extracted; the debit in
    :func:`quota_pages_consume` stays the exact check.
    """
    now = now or timezone.now()
    plan = service.plan
    ceiling = plan.ceiling(plan.pages_limit) if plan is not None else None
    if plan is None or ceiling is None:
        return
    start, end = plan.period_at(now)
    row = PlanUsage.objects.filter(plan=plan, period_start=start).first()
    used = row.pages_used if row else 0
    if used + pages > ceiling:
        refusal = _refusal(plan, "page", plan.pages_limit or 0, end)
        left = max(0, ceiling - used)
        raise QuotaExceeded(
            f"The document has {pages} pages and {left} remain. {refusal.message}", limit="pages"
        )


@transaction.atomic
def plan_usage_reset(*, plan: UsagePlan, now: datetime | None = None) -> PlanUsage:
    """Set the plan's current period back to zero. The services' history is kept."""
    now = now or timezone.now()
    start, _ = plan.period_at(now)
    _plan_usage_ensure(plan, start)
    PlanUsage.objects.filter(plan=plan, period_start=start).update(
        documents_used=0, pages_used=0, reset_at=now
    )
    return PlanUsage.objects.get(plan=plan, period_start=start)


def rate_limit_consume(*, api_key: ApiKey, now: datetime | None = None) -> RateStatus | None:
    """Count one request of ``api_key`` in the current minute, or raise :class:`RateLimited`.

    A fixed window per clock minute: one row per key and minute, incremented only while under
    the limit. Returns None when the key's plan sets no rate.
    """
    plan = api_key.service.plan
    limit = plan.requests_per_minute if plan else None
    if limit is None:
        return None
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    reset = math.ceil((start + RATE_WINDOW - now).total_seconds())
    # One upsert counts the request if the window is under the limit and returns the count
    # (the limit's check on the locked row, as for the plans' budgets); a limit of zero
    # refuses even a window's first request, which the upsert would insert unconditionally.
    counted = None
    if limit >= 1:
        counted = counter_upsert(
            RateWindow,
            keys={"api_key": api_key.pk, "window_start": start},
            add={"count": 1},
            below={"count": limit},
        )
    if counted is None:
        raise RateLimited(
            f"Too many requests: this key may make {limit} per minute.",
            limit=limit,
            reset_seconds=reset,
        )
    used = counted[0]
    if used == 1:
        # The window's first request: the key's past windows are never read again.
        RateWindow.objects.filter(api_key=api_key, window_start__lt=start).delete()
    return RateStatus(limit=limit, remaining=max(0, limit - used), reset_seconds=max(1, reset))
