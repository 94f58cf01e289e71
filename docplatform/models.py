"""Services (extraction pipelines), the API keys that call them, and their usage plans."""

from __future__ import annotations

import calendar
import math
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def new_service_id() -> str:
    # 96 random bits, URL-safe: short enough for a URL, too many to guess.
    return "svc_" + secrets.token_urlsafe(12)


OCR_ENGINES = ("rapidocr", "tesseract")


def _ocr_settings_problems(value: object) -> list[str]:
    """What is wrong with a service's OCR settings (see ``Service.settings``)."""
    if not isinstance(value, dict):
        return ['Give an object, e.g. {"ocr_language": "deu"}.']
    problems = []
    engine = value.get("ocr_engine")
    if engine is not None and engine not in OCR_ENGINES:
        problems.append(f"ocr_engine must be one of {', '.join(OCR_ENGINES)}.")
    language = value.get("ocr_language")
    if language is not None:
        problem = ocr_language_problem(language)
        if problem:
            problems.append(problem)
    return problems


def ocr_language_problem(language: object) -> str | None:
    """What is wrong with Tesseract languages such as ``"eng+deu"`` (a service's setting or a
    request's ``ocr_language``), or None when every part is installed."""
    from jobs.extraction.ocr import tesseract_languages

    installed = tesseract_languages()
    parts = language.split("+") if isinstance(language, str) else []
    missing = [part for part in parts if part not in installed]
    if not parts or missing:
        return (
            f"ocr_language must be installed languages joined by '+' "
            f"(installed: {', '.join(sorted(installed))})."
        )
    return None


class Service(models.Model):
    """A named extraction pipeline that API keys submit documents to."""

    class Kind(models.TextChoices):
        TEXT = "text", "Full text"
        INVOICE = "invoice", "Invoice fields"
        RECEIPT = "receipt", "Receipt fields"
        CUSTOM = "custom", "Custom field schema"
        FORM = "form", "PDF form fields"

    public_id = models.CharField(max_length=32, unique=True, default=new_service_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'OCR for this service\'s scans, e.g. {"ocr_engine": "tesseract", "ocr_language": '
            '"deu"}: the engine ("rapidocr" or "tesseract") and Tesseract\'s languages '
            '("eng", "deu", "eng+deu"). Unset: the platform\'s defaults.'
        ),
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive services refuse new documents."
    )
    field_schema = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Custom services only: a list of fields, each "
            '{"name", "label", "type", "required", "anchors": [...], "pattern", "choices"}.'
        ),
    )
    required_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields that must be found, or the document needs review (mandatory labels).",
    )
    # 0.9: the confidence at which the calibration promises 98 % right (see the README).
    review_threshold = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="A field below this confidence makes the document need review (label score).",
    )
    auto_validate = models.BooleanField(
        default=False,
        help_text="Approve documents automatically when they do not need review.",
    )
    plan = models.ForeignKey(
        "UsagePlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        help_text="Without a plan the service is unlimited.",
    )
    result_ttl_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        verbose_name="result time-to-live (seconds)",
        help_text="How long results are kept after a job finishes. Empty: the platform default "
        "(DOCPLATFORM_RESULT_TTL_SECONDS, 24 hours).",
    )
    delete_after_fetch = models.BooleanField(
        default=False,
        verbose_name="delete extracted data when fetched",
        help_text="Delete a document's file and extracted data as soon as it has been read "
        "once it is finished (a 200 answer of predicted-documents).",
    )
    webhook_secret = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="Signs deliveries to the per-request webhook_url of this service's jobs.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    def clean(self) -> None:
        from jobs.extraction.fields import field_names, validate_schema

        errors: dict[str, list[str]] = {}
        if self.kind == self.Kind.CUSTOM:
            if not self.field_schema:
                errors["field_schema"] = ["A custom service needs at least one field."]
            else:
                problems = validate_schema(self.field_schema)
                if problems:
                    errors["field_schema"] = problems
        elif self.field_schema:
            errors["field_schema"] = ["Only custom services have a field schema."]
        if not isinstance(self.required_fields, list) or not all(
            isinstance(name, str) for name in self.required_fields
        ):
            errors["required_fields"] = ['Give a list of field names, e.g. ["total_amount"].']
        elif "field_schema" not in errors:
            known = field_names(self.kind, self.field_schema)
            unknown = [n for n in self.required_fields if known is not None and n not in known]
            if unknown:
                errors["required_fields"] = [
                    f"Unknown field {name!r} for a {self.kind} service; "
                    f"known fields: {', '.join(known or ())}."
                    for name in unknown
                ]
        settings_problems = _ocr_settings_problems(self.settings)
        if settings_problems:
            errors["settings"] = settings_problems
        ttl = self.result_ttl_seconds
        low = settings.DOCPLATFORM_RESULT_TTL_MIN_SECONDS
        high = settings.DOCPLATFORM_RESULT_TTL_MAX_SECONDS
        if ttl is not None and not low <= ttl <= high:
            errors["result_ttl_seconds"] = [f"Choose between {low} and {high} seconds."]
        if errors:
            raise ValidationError(errors)


class ApiKey(models.Model):
    """A key that lets an application use one service.

    The key itself is never stored: only a lookup ``prefix`` and an HMAC-SHA256 of the whole
    key under a server-side secret (see :mod:`docplatform.keys`). The plaintext is returned
    once, by ``api_key_create``.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="A suspended key is refused until resumed."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, *, now: timezone.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole months, the day clamped to the month's length (Jan 31 → Feb 28)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class UsagePlan(models.Model):
    """What the services on a plan may spend together, and how fast.

    Capacity is counted in processed pages and in submitted documents; the services of a plan
    share one budget per period. A monthly or annual plan starts a new period on the
    anniversary of ``subscription_start`` (the day clamped to short months); a trial has one
    period, from ``subscription_start`` on, that never resets. Any limit left empty is
    unlimited. ``tolerance_percent`` lets usage overrun the page and document limits by that
    share (rounded up) before requests are refused.
    """

    class PlanType(models.TextChoices):
        TRIAL = "TRIAL", "Trial (fixed amount)"
        MONTHLY = "PAID_MONTHLY_QUOTA_RESET", "Paid, monthly reset"
        ANNUAL = "PAID_ANNUAL_QUOTA_RESET", "Paid, annual reset"

    name = models.CharField(max_length=200, unique=True)
    plan_type = models.CharField(max_length=32, choices=PlanType.choices, default=PlanType.MONTHLY)
    pages_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Processed pages per period; empty = unlimited."
    )
    documents_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Submitted documents per period; empty = unlimited."
    )
    tolerance_percent = models.PositiveSmallIntegerField(
        default=0, help_text="How far usage may run over the page and document limits, in %."
    )
    max_file_bytes = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Largest file; the global limit applies if smaller."
    )
    max_pages_per_document = models.PositiveIntegerField(
        null=True, blank=True, help_text="Pages per document; the global limit applies if smaller."
    )
    requests_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="API requests per minute, for each key."
    )
    max_active_jobs = models.PositiveIntegerField(
        null=True, blank=True, help_text="Jobs queued or processing at once, for each service."
    )
    subscription_start = models.DateTimeField(default=timezone.now)
    subscription_end = models.DateTimeField(
        null=True, blank=True, help_text="Requests are refused after this moment."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.subscription_end and self.subscription_end <= self.subscription_start:
            raise ValidationError({"subscription_end": "The end must come after the start."})

    def ceiling(self, limit: int | None) -> int | None:
        """The most that may be used of ``limit`` once the tolerance is added."""
        if limit is None:
            return None
        return limit + math.ceil(limit * self.tolerance_percent / 100)

    def period_at(self, moment: datetime) -> tuple[datetime, datetime | None]:
        """The period containing ``moment``: its start and the moment it resets (None: never).

        Before ``subscription_start`` this is the first period.
        """
        start = self.subscription_start
        if self.plan_type == self.PlanType.TRIAL:
            return start, None
        step = 12 if self.plan_type == self.PlanType.ANNUAL else 1
        if moment < start:
            return start, add_months(start, step)
        elapsed = (moment.year - start.year) * 12 + moment.month - start.month
        index = elapsed // step
        begin = add_months(start, index * step)
        if begin > moment:
            index -= 1
            begin = add_months(start, index * step)
        return begin, add_months(start, (index + 1) * step)


class PlanUsage(models.Model):
    """What a plan's services used together in one period. Written only by conditional UPDATEs."""

    plan = models.ForeignKey(UsagePlan, on_delete=models.CASCADE, related_name="usages")
    period_start = models.DateTimeField()
    documents_used = models.PositiveIntegerField(default=0)
    pages_used = models.PositiveIntegerField(default=0)
    reset_at = models.DateTimeField(
        null=True, blank=True, help_text="When an administrator last set this period back to 0."
    )

    class Meta:
        ordering = ["-period_start"]
        verbose_name = "plan usage"
        verbose_name_plural = "plan usage"
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="plan_usage_period")
        ]

    def __str__(self) -> str:
        return f"{self.plan} from {self.period_start:%Y-%m-%d}"


class ServiceUsage(models.Model):
    """One service's usage in one period: the history, kept when a plan's period is reset.

    Services without a plan are counted by calendar month (UTC).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="usages")
    plan = models.ForeignKey(
        UsagePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period_start = models.DateTimeField()
    documents_used = models.PositiveIntegerField(default=0)
    pages_used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = "service usage"
        verbose_name_plural = "service usage"
        constraints = [
            models.UniqueConstraint(fields=["service", "period_start"], name="service_usage_period")
        ]

    def __str__(self) -> str:
        return f"{self.service} from {self.period_start:%Y-%m-%d}"


class RateWindow(models.Model):
    """Requests of one key in one clock minute (a fixed window), counted by conditional UPDATE."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "window_start"], name="rate_window_key")
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} at {self.window_start:%H:%M}: {self.count}"
