"""Output shapes of the inference API (also the source of the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request

from jobs.models import Document, Job
from review import fields as review_fields
from review.models import DocumentReview


def absolute_url(request: Request | None, path: str) -> str:
    """An absolute URL: from the request, or from DOCPLATFORM_PUBLIC_URL outside requests
    (webhook bodies are built by the worker)."""
    if request is None:
        return settings.DOCPLATFORM_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def job_url(request: Request | None, job: Job) -> str:
    return absolute_url(request, reverse("jobs:job-detail", args=[job.service.public_id, job.pk]))


def document_url(request: Request | None, document: Document) -> str:
    return absolute_url(
        request, reverse("jobs:document-detail", args=[document.service.public_id, document.pk])
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    param = serializers.CharField(required=False)


class ErrorResponseSerializer(serializers.Serializer):
    error = ErrorSerializer()


class PredictInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The document: PDF, PNG, JPEG, TIFF (multi-page too) or WebP."
    )
    alias = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="Your own reference."
    )
    webhook_url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Also send this job's events here, signed with the service's webhook secret.",
    )


class PredictOutputSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    resource = serializers.UUIDField()
    status = serializers.CharField()
    status_url = serializers.URLField()
    resource_url = serializers.URLField()


class ProgressSerializer(serializers.Serializer):
    pages_done = serializers.IntegerField()
    pages_total = serializers.IntegerField(allow_null=True)


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    job = serializers.UUIDField(source="pk")
    resource = serializers.UUIDField(source="document.pk")
    service = serializers.CharField(source="service.public_id")
    status = serializers.CharField()
    progress = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    alias = serializers.CharField(source="document.alias")
    filename = serializers.CharField(source="document.original_filename")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    expired = serializers.BooleanField(source="is_expired")
    error = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    resource_url = serializers.SerializerMethodField()

    def get_progress(self, job: Job) -> dict[str, Any]:
        return {"pages_done": job.pages_done, "pages_total": job.pages_total}

    def get_error(self, job: Job) -> dict[str, str] | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_message}

    def get_status_url(self, job: Job) -> str:
        return job_url(self.context.get("request"), job)

    def get_resource_url(self, job: Job) -> str:
        return document_url(self.context.get("request"), job.document)


class PageSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    width = serializers.FloatField()
    height = serializers.FloatField()
    unit = serializers.CharField()
    source = serializers.ChoiceField(choices=["text-layer", "ocr"])
    confidence = serializers.FloatField(allow_null=True)
    preview_url = serializers.URLField(allow_null=True)


class DocumentReviewInputSerializer(serializers.Serializer):
    revision_status = serializers.ChoiceField(choices=DocumentReview.Status.values, required=False)
    fields = serializers.DictField(
        child=serializers.CharField(allow_null=True, allow_blank=True, max_length=5000),
        required=False,
        help_text="Field name (`line_items[0].amount` inside a list) → corrected value.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send revision_status, fields or both.")
        return attrs


class DocumentSerializer(serializers.Serializer):
    """A predicted document. ``ocr`` and ``service_fields`` appear when asked with ``include``."""

    id = serializers.UUIDField(source="pk")
    resource = serializers.UUIDField(source="pk")
    job = serializers.UUIDField(source="job.pk")
    service = serializers.CharField(source="service.public_id")
    status = serializers.CharField(source="job.status")
    alias = serializers.CharField()
    filename = serializers.CharField(source="original_filename")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(source="job.completed_at", allow_null=True)
    expires_at = serializers.DateTimeField(source="job.expires_at", allow_null=True)
    expired = serializers.BooleanField(source="job.is_expired")
    error = serializers.SerializerMethodField()
    needs_review = serializers.SerializerMethodField()
    validation_errors = serializers.SerializerMethodField()
    revision_status = serializers.SerializerMethodField(
        help_text="to_review, review_required, approved or not_approved; null until completed."
    )
    reviewed_by = serializers.SerializerMethodField(
        help_text="Who approved or rejected it: a username, api-key:<name> or auto-validation."
    )
    reviewed_at = serializers.SerializerMethodField()
    pages = serializers.SerializerMethodField()
    ocr = serializers.SerializerMethodField()
    service_fields = serializers.SerializerMethodField(
        help_text=(
            "Each field's value in force (corrected if a reviewer changed it), with "
            "`predicted_value` and `corrected` beside it."
        )
    )

    def _include(self) -> set[str]:
        return self.context.get("include", set())

    def _review(self, document: Document) -> DocumentReview | None:
        try:
            return document.review
        except DocumentReview.DoesNotExist:
            return None

    def get_revision_status(self, document: Document) -> str | None:
        review = self._review(document)
        return review.revision_status if review else None

    def get_reviewed_by(self, document: Document) -> str | None:
        review = self._review(document)
        return review.reviewer if review else None

    def get_reviewed_at(self, document: Document) -> str | None:
        review = self._review(document)
        return review.reviewed_at.isoformat() if review and review.reviewed_at else None

    def get_error(self, document: Document) -> dict[str, str] | None:
        job = document.job
        return {"code": job.error_code, "message": job.error_message} if job.error_code else None

    def get_needs_review(self, document: Document) -> bool | None:
        return None if document.result is None else document.result.get("needs_review", False)

    def get_validation_errors(self, document: Document) -> list[dict[str, Any]]:
        return (document.result or {}).get("validation_errors", [])

    def get_pages(self, document: Document) -> list[dict[str, Any]]:
        request = self.context.get("request")
        pages = []
        for page in (document.result or {}).get("pages", []):
            summary = {k: v for k, v in page.items() if k not in ("text", "words", "preview")}
            summary["preview_url"] = (
                absolute_url(
                    request,
                    reverse(
                        "jobs:document-page-preview",
                        args=[document.service.public_id, document.pk, page["number"]],
                    ),
                )
                if page.get("preview")
                else None
            )
            pages.append(summary)
        return pages

    def get_ocr(self, document: Document) -> dict[str, Any] | None:
        if "ocr" not in self._include() or document.result is None:
            return None
        result = document.result
        return {
            "text": result.get("text", ""),
            "pages": [
                {
                    "number": page["number"],
                    "source": page["source"],
                    "text": page["text"],
                    "words": page["words"],
                }
                for page in result.get("pages", [])
            ],
        }

    def get_service_fields(self, document: Document) -> dict[str, Any] | None:
        if "service_fields" not in self._include() or document.result is None:
            return None
        review = self._review(document)
        corrected = review.corrected_fields if review else {}
        return review_fields.with_corrections(document.result.get("fields") or {}, corrected)

    def to_representation(self, instance: Document) -> dict[str, Any]:
        data = super().to_representation(instance)
        include = self._include()
        for optional in ("ocr", "service_fields"):
            if optional not in include:
                data.pop(optional)
        return data
