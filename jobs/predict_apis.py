"""The synchronous inference and the service's information, on myBiros' paths."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from docplatform.apis import ServiceApi
from docplatform.errors import ApiError, Unprocessable
from jobs import predictions, services
from jobs.apis import ERRORS, accepted_upload, ocr_language, result_options
from jobs.models import Job
from jobs.openapi import PREDICTED_DOCUMENT, RESULT_PARAMETERS, SERVICE_INFO
from jobs.serializers import (
    OCR_LANGUAGE_HELP,
    ErrorResponseSerializer,
    naive_iso,
    predicted_document,
    service_catalogue,
)

PUSH_CHOICES = ("never", "always", "only_review")


class SyncPredictInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The document: PDF, PNG, JPEG, TIFF or WebP.")
    push_result_on_platform = serializers.ChoiceField(
        choices=PUSH_CHOICES,
        required=False,
        help_text="never (default): nothing is kept once answered; always: the document stays, "
        "like an async one; only_review: it stays only if the review policy is violated.",
    )
    ocr_language = serializers.CharField(
        required=False, allow_blank=True, help_text=OCR_LANGUAGE_HELP
    )


def _push(request: Request) -> str:
    # myBiros' own example quotes the value (`--form 'push_result_on_platform="never"'`).
    raw = str(request.data.get("push_result_on_platform") or "").strip().strip("\"'").strip()
    value = raw.lower() or "never"
    if value not in PUSH_CHOICES:
        raise Unprocessable(
            f"push_result_on_platform must be {', '.join(PUSH_CHOICES)}.",
            code="invalid_push_result_on_platform",
            param="push_result_on_platform",
        )
    return value


class PredictApi(ServiceApi):
    @extend_schema(
        operation_id="predict",
        summary="Extract a document synchronously and answer the result",
        description=(
            "The same extraction, quotas and rate limits as `async-predict`, answered in the "
            "response within `DOCPLATFORM_PREDICT_SECONDS` (default 60; over it: 504 "
            "`predict_timeout`, use `async-predict`). A document that cannot be extracted "
            "answers 422 with the job's error code. `include` and `document_details` as for "
            "predicted-documents."
        ),
        parameters=RESULT_PARAMETERS,
        request={"multipart/form-data": SyncPredictInputSerializer},
        responses={
            200: PREDICTED_DOCUMENT,
            400: ErrorResponseSerializer,
            413: ErrorResponseSerializer,
            504: ErrorResponseSerializer,
            **ERRORS,
        },
    )
    def post(self, request: Request, service_id: str) -> Response:
        service = self.service(request, service_id)
        include, details = result_options(request)
        upload, content_type = accepted_upload(request, service)
        push = _push(request)
        language = ocr_language(str(request.data.get("ocr_language") or ""))
        legacy = str(request.data.get("include_validation_errors") or "").strip().strip('"')
        if legacy.lower() in {"true", "1", "yes"}:
            include.add("validation_errors")
        document = services.job_predict(
            service=service,
            api_key=request.auth,
            upload=upload,
            content_type=content_type,
            sha256=services.upload_sha256(upload),
            wall_seconds=min(
                settings.DOCPLATFORM_PREDICT_SECONDS, settings.DOCPLATFORM_EXTRACTION_SECONDS
            ),
            ocr_language=language,
        )
        job = document.job
        keep = push == "always" or (push == "only_review" and _violates_policy(document))
        if job.status != Job.Status.COMPLETED:
            if not keep:
                services.job_discard(job=job)
            if job.error_code == "extraction_timeout":
                raise ApiError(
                    "The document took longer than the synchronous limit of "
                    f"{settings.DOCPLATFORM_PREDICT_SECONDS} seconds; submit it to "
                    f"POST /api/v1/inference/service/{service.public_id}/async-predict.",
                    code="predict_timeout",
                    status_code=status.HTTP_504_GATEWAY_TIMEOUT,
                )
            raise Unprocessable(
                job.error_message or "The document could not be extracted.",
                code=job.error_code or "extraction_failed",
                param="file",
            )
        data = predicted_document(
            document, request=request, include=include, details=details, stored=keep
        )
        if not keep:
            services.job_discard(job=job)
        return Response(data, status=status.HTTP_200_OK)


def _violates_policy(document: Any) -> bool:
    service = document.service
    result = document.result or {}
    return bool(
        predictions.policy_violations(
            fields=result.get("fields") or {},
            document_errors=result.get("validation_errors") or [],
            required=list(service.required_fields or []),
            threshold=service.review_threshold,
        )
    )


class ServiceInfoApi(ServiceApi):
    @extend_schema(
        operation_id="service_info",
        summary="The service's information and field catalogue",
        responses={200: SERVICE_INFO, **ERRORS},
    )
    def get(self, request: Request, service_id: str) -> Response:
        service = self.service(request, service_id)
        return Response(
            {
                "service_id": service.public_id,
                "name": service.name,
                "description": service.get_kind_display(),
                "service_fields": service_catalogue(service),
                "service_categories": {},
                "created_at": naive_iso(service.created_at),
                "kind": service.kind,
                "is_active": service.is_active,
            }
        )
