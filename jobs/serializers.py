"""Output shapes of the inference API (also the source of the OpenAPI schema)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from docplatform.models import Service
from jobs import predictions
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


OCR_LANGUAGE_HELP = (
    "Tesseract's languages for this document's scans, installed ones joined by '+' (\"deu\", "
    "\"eng+deu\"); over the service's and the platform's. Only the tesseract engine reads it "
    "(the default engine reads its languages with one model); not installed: 422 "
    "invalid_ocr_language."
)


class PredictInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "The document: PDF (ZUGFeRD / Factur-X too), PNG, JPEG, TIFF (multi-page too), "
            "WebP, BMP, GIF, HEIC, or an e-invoice XML (XRechnung, UBL or CII)."
        ),
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
    ocr_language = serializers.CharField(
        required=False, allow_blank=True, help_text=OCR_LANGUAGE_HELP
    )


class PredictOutputSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    resource = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Job.Status.values)
    status_url = serializers.URLField()
    resource_url = serializers.URLField()


class ProgressSerializer(serializers.Serializer):
    pages_done = serializers.IntegerField()
    pages_total = serializers.IntegerField(allow_null=True)


class JobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    job = serializers.UUIDField(source="pk")
    resource = serializers.UUIDField(source="document.pk")
    service = serializers.CharField(source="service.public_id")
    status = serializers.ChoiceField(choices=Job.Status.values)
    progress = ProgressSerializer(source="*")
    attempts = serializers.IntegerField()
    alias = serializers.CharField(source="document.alias")
    filename = serializers.CharField(source="document.original_filename")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    expired = serializers.BooleanField(source="is_expired")
    ocr_language = serializers.SerializerMethodField(
        help_text="The OCR language the submit asked for, or null when it named none."
    )
    error = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    resource_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ocr_language(self, job: Job) -> str | None:
        return job.ocr_language or None

    @extend_schema_field(JobErrorSerializer(allow_null=True))
    def get_error(self, job: Job) -> dict[str, str] | None:
        if not job.error_code:
            return None
        return {"code": job.error_code, "message": job.error_message}

    def get_status_url(self, job: Job) -> str:
        return job_url(self.context.get("request"), job)

    def get_resource_url(self, job: Job) -> str:
        return document_url(self.context.get("request"), job.document)


class DocumentReviewInputSerializer(serializers.Serializer):
    revision_status = serializers.ChoiceField(choices=DocumentReview.Status.values, required=False)
    # The JSON body is read whatever its Content-Type, so a form-encoded client is not
    # refused; the schema documents it as JSON.
    fields = serializers.DictField(
        child=serializers.CharField(allow_null=True, allow_blank=True, max_length=5000),
        required=False,
        help_text="Field name (`line_items[0].amount` inside a list) → corrected value.",
    )
    decision_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why the document is approved or rejected (kept in its history).",
    )
    note = serializers.CharField(
        required=False, max_length=5000, help_text="A note added to the document's history."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send revision_status, fields, a note or these.")
        return attrs


class FieldsUpdatedSerializer(serializers.Serializer):
    revision_status = serializers.ChoiceField(choices=DocumentReview.Status.values, required=False)
    fields = serializers.DictField(
        child=serializers.CharField(allow_null=True),
        required=False,
        help_text="Each corrected field with the value stored (normalised; null when cleared).",
    )
    decision_reason = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class DocumentReviewOutputSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Always `Document fields updated.`")
    fields_updated = FieldsUpdatedSerializer(help_text="What the request changed.")


PROCESSING_STATUS = {
    Job.Status.QUEUED: "RUNNING",
    Job.Status.PROCESSING: "RUNNING",
    Job.Status.COMPLETED: "COMPLETED",
    Job.Status.FAILED: "FAILED",
}
PENDING = "pending"
INCLUDES = ("ocr", "service_fields", "validation_errors")
DETAILS = ("pages", "summary")


def naive_iso(moment: datetime | None) -> str | None:
    """myBiros' timestamps: UTC without a zone, microseconds (``2024-09-09T14:55:31.261000``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def service_catalogue(service: Service) -> dict[str, dict[str, Any]]:
    return predictions.service_catalogue(
        kind=service.kind,
        field_schema=list(service.field_schema or []),
        required=list(service.required_fields or []),
    )


def fields_in_force(fields: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """The fields with a review's corrections applied (rows added or deleted too); each row
    keeps the index its corrections name as ``_index``."""
    in_force = review_fields.with_corrections(fields, corrected)
    for table in review_fields.table_views(fields, corrected):
        for row, view in zip(in_force.get(table.name) or [], table.rows, strict=False):
            if isinstance(row, dict):
                row["_index"] = view.index
    return in_force


def _review(document: Document) -> DocumentReview | None:
    try:
        return document.review
    except DocumentReview.DoesNotExist:
        return None


def _notes(document: Document) -> list[dict[str, Any]]:
    """The document's notes, newest first (the review pages' and the API's)."""
    from review.selectors import document_notes

    return [
        {"text": note.text, "author": note.author, "created_at": naive_iso(note.created_at)}
        for note in document_notes(document=document)
    ]


def predicted_document(
    document: Document,
    *,
    request: Request | None,
    include: set[str] | frozenset[str] = frozenset(),
    details: str = "pages",
    stored: bool = True,
) -> dict[str, Any]:
    """The inference result object: myBiros' keys, the platform's extensions beside them.

    The same object answers ``predicted-documents``, the synchronous ``predict`` and the
    ``document.*`` webhook bodies. ``stored`` False (a ``predict`` with
    ``push_result_on_platform=never``) leaves out the addresses of what is not kept.
    """
    service = document.service
    job = document.job
    review = _review(document)
    corrected = review.corrected_fields if review else {}
    result = document.result
    fields = fields_in_force((result or {}).get("fields") or {}, corrected)
    catalogue = predictions.catalogue_with_result(service_catalogue(service), fields)
    violations = None
    if "validation_errors" in include and result is not None:
        violations = predictions.policy_violations(
            fields=fields,
            document_errors=result.get("validation_errors") or [],
            required=list(service.required_fields or []),
            threshold=service.review_threshold,
        )

    def preview_url(number: int) -> str | None:
        if not stored:
            return None
        path = reverse("jobs:document-page-preview", args=[service.public_id, document.pk, number])
        return absolute_url(request, path)

    error = {"code": job.error_code, "message": job.error_message} if job.error_code else None
    body: dict[str, Any] = {
        "document": {
            "id": str(document.pk),
            "status": PROCESSING_STATUS[job.status],
            "revision_status": review.revision_status if review else PENDING,
            "category": None,
            "original_name": document.original_filename,
            "content_type": document.content_type,
            "page_count": document.page_count,
            "created_at": naive_iso(document.created_at),
            "job": str(job.pk),
            "job_status": job.status,
            "alias": document.alias,
            "size": document.size,
            "sha256": document.sha256,
            "completed_at": naive_iso(job.completed_at),
            "expires_at": naive_iso(job.expires_at),
            "expired": job.is_expired,
            "error": error,
            "progress": {"pages_done": job.pages_done, "pages_total": job.pages_total},
            "needs_review": None if result is None else bool(result.get("needs_review", False)),
            "validation_errors": list((result or {}).get("validation_errors") or []),
            "reviewed_by": review.reviewer if review else None,
            "reviewed_at": naive_iso(review.reviewed_at) if review else None,
            "decision_reason": (review.decision_reason or None) if review else None,
            "notes": _notes(document) if review else [],
            "stored": stored,
            "url": document_url(request, document) if stored else None,
        },
        "document_pages": predictions.document_pages(
            result=result,
            fields=fields,
            catalogue=catalogue,
            include=set(include),
            violations=violations,
            preview_url=preview_url,
        ),
        "service_fields": catalogue if "service_fields" in include else {},
        "service_categories": {},
        "service": service.public_id,
        "service_name": service.name,
        "current_date": naive_iso(timezone.now()),
    }
    if details == "summary":
        body["document_summary"] = predictions.document_summary(
            result=result, fields=fields, catalogue=catalogue
        )
    return body
