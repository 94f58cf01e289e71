"""Services (extraction pipelines) and the API keys that call them."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def new_service_id() -> str:
    # 96 random bits, URL-safe: short enough for a URL, too many to guess.
    return "svc_" + secrets.token_urlsafe(12)


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
    settings = models.JSONField(default=dict, blank=True)
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
    review_threshold = models.FloatField(
        default=0.8,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="A field below this confidence makes the document need review (label score).",
    )
    auto_validate = models.BooleanField(
        default=False,
        help_text="Approve documents automatically when they do not need review.",
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
        if errors:
            raise ValidationError(errors)


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
