"""Spending a plan's budget and a key's request rate: writes, each debit one conditional UPDATE.

Every debit is ``UPDATE ... SET used = used + n WHERE id = ? AND used + n <= ceiling``: the
database decides, so two requests can never both take the last unit, whatever the timing. A
period's row is created with ``INSERT ... ON CONFLICT DO NOTHING`` (``ignore_conflicts``)
against a unique constraint, so concurrent first requests of a period cannot create two rows.
No value is read and then written back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

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
) -> None:
    ServiceUsage.objects.bulk_create(
        [ServiceUsage(service=service, plan=plan, period_start=period_start)],
        ignore_conflicts=True,
    )
    ServiceUsage.objects.filter(service=service, period_start=period_start).update(
        documents_used=F("documents_used") + documents, pages_used=F("pages_used") + pages
    )


def _refusal(plan: UsagePlan, what: str, limit: int, end: datetime | None) -> QuotaExceeded:
    tolerance = f" (plus {plan.tolerance_percent}% tolerance)" if plan.tolerance_percent else ""
    return QuotaExceeded(
        f"The plan's {what} limit is reached: {limit} {what}s {PERIOD_WORDS[plan.plan_type]}"
        f"{tolerance}; {describe_reset(end)}.",
        limit=f"{what}s",
    )


def quota_document_consume(*, service: Service, now: datetime | None = None) -> None:
    """Spend one document of the service's plan, or raise :class:`QuotaExceeded`.

    Call inside the transaction that stores the document, so that a refusal or a later error
    rolls the debit back with it. A plan whose pages are spent refuses documents too.
    """
    now = now or timezone.now()
    plan = service.plan
    if plan is None:
        _service_usage_add(
            service=service,
            plan=None,
            period_start=calendar_month_start(now),
            documents=1,
            pages=0,
        )
        return
    _check_subscription(plan, now)
    start, end = plan.period_at(now)
    _plan_usage_ensure(plan, start)
    documents_ceiling = plan.ceiling(plan.documents_limit)
    pages_ceiling = plan.ceiling(plan.pages_limit)
    usage = PlanUsage.objects.filter(plan=plan, period_start=start)
    if documents_ceiling is not None:
        usage = usage.filter(documents_used__lt=documents_ceiling)
    if pages_ceiling is not None:
        usage = usage.filter(pages_used__lt=pages_ceiling)
    if not usage.update(documents_used=F("documents_used") + 1):
        row = PlanUsage.objects.get(plan=plan, period_start=start)
        if documents_ceiling is not None and row.documents_used >= documents_ceiling:
            raise _refusal(plan, "document", plan.documents_limit or 0, end)
        raise _refusal(plan, "page", plan.pages_limit or 0, end)
    _service_usage_add(service=service, plan=plan, period_start=start, documents=1, pages=0)


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
    with transaction.atomic():
        RateWindow.objects.bulk_create(
            [RateWindow(api_key=api_key, window_start=start)], ignore_conflicts=True
        )
        counted = RateWindow.objects.filter(
            api_key=api_key, window_start=start, count__lt=limit
        ).update(count=F("count") + 1)
        if not counted:
            raise RateLimited(
                f"Too many requests: this key may make {limit} per minute.",
                limit=limit,
                reset_seconds=reset,
            )
        # Past windows are never read again.
        RateWindow.objects.filter(api_key=api_key, window_start__lt=start).delete()
        used = RateWindow.objects.get(api_key=api_key, window_start=start).count
    return RateStatus(limit=limit, remaining=max(0, limit - used), reset_seconds=max(1, reset))
