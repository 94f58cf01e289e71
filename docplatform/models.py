"""Services (extraction pipelines) and the API keys that call them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def new_service_id() -> str:
    # 96 random bits, URL-safe: short enough for a URL, too many to guess.
    return "svc_" + secrets.token_urlsafe(12)


class Service(models.Model):
    """A named extraction pipeline that API keys submit documents to."""

    class Kind(models.TextChoices):
        TEXT = "text", "Full text"

    public_id = models.CharField(max_length=32, unique=True, default=new_service_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive services refuse new documents."
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
        ttl = self.result_ttl_seconds
        low = settings.DOCPLATFORM_RESULT_TTL_MIN_SECONDS
        high = settings.DOCPLATFORM_RESULT_TTL_MAX_SECONDS
        if ttl is not None and not low <= ttl <= high:
            raise ValidationError(
                {"result_ttl_seconds": f"Choose between {low} and {high} seconds."}
            )


class ApiKey(models.Model):
    """A key that lets an application use one service.

    The key itself is never stored: only a lookup ``prefix`` and a salted PBKDF2 hash of the
    whole key. The plaintext is returned once, by ``api_key_create``.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=200, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

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
