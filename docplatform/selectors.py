"""Reads for services, API keys and plan usage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
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
    key = None
    if prefix:
        # get(), not first(): the prefix is unique, and first() would order by the model's
        # ordering, which every request paid for in query compilation.
        try:
            key = ApiKey.objects.select_related("service__plan").get(prefix=prefix)
        except ApiKey.DoesNotExist:
            pass
    secrets = api_key_secrets()
    if key is None:
        hash_key(raw, secret=secrets[0])
        return None
    match = verify_key(raw, key.hashed_key, secrets=secrets)
    if match is Match.NONE or not key.is_usable():
        return None
    return key, match


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
