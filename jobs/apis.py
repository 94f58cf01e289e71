"""The asynchronous inference API, on myBiros' paths."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from docplatform.apis import ServiceApi
from docplatform.errors import (
    ApiError,
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
)
from docplatform.models import Service, ocr_language_problem
from jobs import idempotency, retention, selectors, services
from jobs.extraction.detect import SNIFF_BYTES, detect_content_type
from jobs.extraction.previews import PREVIEW_CONTENT_TYPE
from jobs.models import Document, IdempotencyKey, Job
from jobs.openapi import PREDICTED_DOCUMENT, RESULT_PARAMETERS
from jobs.serializers import (
    DETAILS,
    INCLUDES,
    DocumentReviewInputSerializer,
    DocumentReviewOutputSerializer,
    ErrorResponseSerializer,
    JobSerializer,
    PredictInputSerializer,
    PredictOutputSerializer,
    document_url,
    job_url,
    predicted_document,
)
from review import services as review_services
from webhooks.services import webhook_url_check
from webhooks.targets import TargetRefused

ERRORS = {
    401: ErrorResponseSerializer,
    403: ErrorResponseSerializer,
    404: ErrorResponseSerializer,
    410: ErrorResponseSerializer,
    422: ErrorResponseSerializer,
    429: ErrorResponseSerializer,
}
# Multipart framing around the file: a request longer than the file limit plus this is refused
# before its body is read.
MULTIPART_SLACK = 64 * 1024
RESULT_TTL_HEADER = "x-result-ttl"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class JobPredictApi(ServiceApi):
    @extend_schema(
        operation_id="async_predict",
        summary="Submit a document for asynchronous extraction",
        request={"multipart/form-data": PredictInputSerializer},
        responses={200: PredictOutputSerializer, 413: ErrorResponseSerializer, **ERRORS},
    )
    def post(self, request: Request, service_id: str) -> Response:
        service = self.service(request, service_id)
        upload, content_type = accepted_upload(request, service)
        given = _form_options(request)
        options = {
            "alias": given.get("alias", ""),
            "webhook_url": _webhook_url(given.get("webhook_url", "")),
            "result_ttl_seconds": _result_ttl(request),
            "ocr_language": ocr_language(given.get("ocr_language", "")),
        }
        sha256 = services.upload_sha256(upload)
        key = _idempotency_key(request)
        record = None
        if key is not None:
            outcome = _idempotency_begin(service=service, key=key, sha256=sha256, **options)
            if isinstance(outcome, idempotency.Replay):
                headers = {"Location": outcome.body["status_url"], "Idempotent-Replayed": "true"}
                return Response(outcome.body, status=outcome.status, headers=headers)
            record = outcome
        try:
            submission = services.job_submit(
                service=service,
                api_key=request.auth,
                upload=upload,
                content_type=content_type,
                sha256=sha256,
                **options,
            )
        except BaseException:
            if record is not None:
                idempotency.idempotency_release(record=record)
            raise
        job = submission.job
        self.plan_usage = submission.usage
        status_url = job_url(request, job)
        body = {
            "job": str(job.pk),
            "resource": str(job.document.pk),
            "status": job.status,
            "status_url": status_url,
            "resource_url": document_url(request, job.document),
        }
        if record is not None:
            idempotency.idempotency_complete(
                record=record, job=job, status=status.HTTP_200_OK, body=body
            )
        return Response(body, status=status.HTTP_200_OK, headers={"Location": status_url})


class JobDetailApi(ServiceApi):
    @extend_schema(
        operation_id="job_status",
        summary="Read a job's status",
        description="202 while the job is queued or processing, 200 once completed or failed.",
        responses={200: JobSerializer, 202: JobSerializer, **ERRORS},
    )
    def get(self, request: Request, service_id: str, job_id: str) -> Response:
        service = self.service(request, service_id)
        job = selectors.job_get_for_service(service=service, job_id=job_id)
        if job is None:
            raise NotFound("No such job.", code="job_not_found")
        if job.is_expired:
            raise Gone("This job's result expired or was deleted.")
        code = status.HTTP_200_OK if job.is_finished else status.HTTP_202_ACCEPTED
        return Response(JobSerializer(job, context={"request": request}).data, status=code)


class JobCursorPagination(CursorPagination):
    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class JobListApi(ServiceApi):
    pagination_class = JobCursorPagination

    @extend_schema(
        operation_id="job_list",
        summary="List this service's jobs, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Job.Status.values),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: JobSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, service_id: str) -> Response:
        service = self.service(request, service_id)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in Job.Status.values:
            raise Unprocessable(
                f"status must be one of {', '.join(Job.Status.values)}.",
                code="invalid_status",
                param="status",
            )
        jobs = selectors.job_list_for_service(service=service, status=wanted)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(jobs, request, view=self) or []
        page = selectors.jobs_with_service(jobs=page, service=service)
        data = JobSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class DocumentDetailApi(ServiceApi):
    @extend_schema(
        operation_id="predicted_document",
        summary="Read a predicted document (myBiros' inference result object)",
        description=(
            "200 while the job runs too: `document.status` is `RUNNING` until it is "
            "`COMPLETED` or `FAILED`, and `document_pages` stays empty until then. "
            "`include=ocr` fills each page's `ocr` words, `include=service_fields` the field "
            "catalogue, `include=validation_errors` runs the service's review policy and "
            "attaches each violation to its page; parts not asked for are present, empty. "
            "`document_details=summary` adds `document_summary`."
        ),
        parameters=RESULT_PARAMETERS,
        responses={200: PREDICTED_DOCUMENT, **ERRORS, 400: ErrorResponseSerializer},
    )
    def get(self, request: Request, service_id: str, resource_id: str) -> Response:
        document = self.document(request, service_id, resource_id)
        include, details = result_options(request)
        data = predicted_document(document, request=request, include=include, details=details)
        if document.job.is_finished and document.service.delete_after_fetch:
            retention.document_purge(document=document)
        return Response(data, status=status.HTTP_200_OK)

    @extend_schema(
        operation_id="predicted_document_delete",
        summary="Delete a predicted document",
        description=(
            "Deletes the uploaded file, previews and extracted data at once; the job and "
            "document then answer 410. Refused (409) while the job is queued or processing."
        ),
        responses={204: None, 409: ErrorResponseSerializer, 410: ErrorResponseSerializer, **ERRORS},
    )
    def delete(self, request: Request, service_id: str, resource_id: str) -> Response:
        document = self.document(request, service_id, resource_id)
        if not document.job.is_finished:
            raise Conflict(
                "The document is still being processed; delete it once its job has finished.",
                code="job_not_finished",
            )
        retention.document_delete(document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def document(self, request: Request, service_id: str, resource_id: str) -> Document:
        service = self.service(request, service_id)
        document = selectors.document_get_for_service(service=service, resource_id=resource_id)
        if document is None:
            raise NotFound("No such document.", code="document_not_found")
        if document.job.is_expired:
            raise Gone("This document's files and extracted data expired or were deleted.")
        return document

    @extend_schema(
        operation_id="predicted_document_review",
        summary="Set the revision status of a predicted document, and/or correct fields",
        description=(
            "The body is read as JSON whatever the declared Content-Type (myBiros' own example "
            "sends it as form data). `revision_status` takes every myBiros status; `fields` "
            "(an extension) corrects fields by name (`line_items[0].amount` inside a list), "
            "each value checked by its field's type (422 naming the field). Corrections and "
            "the status change are stored together, each corrected field as a revision "
            "recorded under the API key's name."
        ),
        request={"application/json": DocumentReviewInputSerializer},
        responses={
            200: DocumentReviewOutputSerializer,
            400: ErrorResponseSerializer,
            409: ErrorResponseSerializer,
            **ERRORS,
        },
    )
    def patch(self, request: Request, service_id: str, resource_id: str) -> Response:
        document = self.document(request, service_id, resource_id)
        form = DocumentReviewInputSerializer(data=json_body(request))
        form.is_valid(raise_exception=True)
        revision_status = form.validated_data.get("revision_status")
        values = form.validated_data.get("fields")
        try:
            review_services.document_review_update(
                document=document,
                revision_status=revision_status,
                values=values,
                api_key_name=request.auth.name,
                reason=form.validated_data.get("decision_reason", ""),
                note=form.validated_data.get("note", ""),
            )
        except review_services.ReviewError as error:
            if error.code == "document_not_completed":
                raise Conflict(error.message, code=error.code) from error
            param = f"fields.{error.param}" if error.param else None
            if error.param in ("decision_reason", "note"):
                param = error.param
            raise Unprocessable(error.message, code=error.code, param=param) from error
        updated: dict[str, Any] = {}
        if revision_status is not None:
            updated["revision_status"] = revision_status
        if values:
            corrected = document.review.corrected_fields
            updated["fields"] = {name: corrected.get(name) for name in values}
        for extra in ("decision_reason", "note"):
            if form.validated_data.get(extra):
                updated[extra] = form.validated_data[extra]
        return Response({"message": "Document fields updated.", "fields_updated": updated})


class DocumentPagePreviewApi(ServiceApi):
    @extend_schema(
        operation_id="predicted_document_page_preview",
        summary="A page of a predicted document as an image (WebP, about 150 dpi)",
        responses={(200, "image/webp"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request: Request, service_id: str, resource_id: str, number: int) -> FileResponse:
        service = self.service(request, service_id)
        document = selectors.document_get_for_service(service=service, resource_id=resource_id)
        if document is None:
            raise NotFound("No such document.", code="document_not_found")
        preview = selectors.document_preview_file(document=document, number=number)
        if preview is None:
            raise NotFound("This page has no preview.", code="preview_not_found")
        response = FileResponse(preview, content_type=PREVIEW_CONTENT_TYPE)
        response["Cache-Control"] = "private, max-age=3600"
        return response


def result_options(request: Request) -> tuple[set[str], str]:
    """``include`` (repeated or comma-separated) and ``document_details`` of a result read.

    myBiros v0's ``include_validation_errors=true`` is honoured as ``include=validation_errors``.
    """
    wanted: set[str] = set()
    for value in request.query_params.getlist("include"):
        wanted.update(part.strip() for part in value.split(",") if part.strip())
    unknown = wanted - set(INCLUDES)
    if unknown:
        raise Unprocessable(
            f"Unknown include {sorted(unknown)[0]!r}; use {', '.join(INCLUDES)}.",
            code="invalid_include",
            param="include",
        )
    legacy = request.query_params.get("include_validation_errors", "")
    if legacy.strip().strip('"').lower() in {"true", "1", "yes"}:
        wanted.add("validation_errors")
    details = request.query_params.get("document_details", "pages").strip() or "pages"
    if details not in DETAILS:
        raise Unprocessable(
            f"document_details must be {' or '.join(DETAILS)}.",
            code="invalid_document_details",
            param="document_details",
        )
    return wanted, details


def json_body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, whatever its declared Content-Type; {} when empty."""
    raw = request.body
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ApiError("The body must be a JSON object.", code="malformed_request")
    return data


def accepted_upload(request: Request, service: Service) -> tuple[Any, str]:
    """The request's file and its detected type, or the API error that refuses it."""
    if not service.is_active:
        raise Forbidden("This service is suspended.", code="service_suspended")
    limit = max_upload_bytes(service)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(_too_large(limit), param="file")
    upload = request.FILES.get("file")
    if upload is None:
        raise Unprocessable(
            "Send the document as the multipart form field 'file'.",
            code="file_missing",
            param="file",
        )
    if not upload.size:
        raise Unprocessable("The file is empty.", code="file_empty", param="file")
    if upload.size > limit:
        raise PayloadTooLarge(_too_large(limit), param="file")
    content_type = detect_content_type(_head(upload))
    if content_type is None:
        raise Unprocessable(
            "Unsupported file type: send a PDF, PNG, JPEG, TIFF, WebP, BMP, GIF or HEIC file, "
            "or an e-invoice XML.",
            code="unsupported_file_type",
            param="file",
        )
    return upload, content_type


def _form_options(request: Request) -> dict[str, Any]:
    """The submit's optional form fields, validated by :class:`PredictInputSerializer`.

    Most submits send the file alone, which :func:`accepted_upload` has already checked
    (present, named, not empty): the serializer could find nothing more to refuse, and
    building it (DRF deep-copies its fields per instance) cost about a tenth of a millisecond.
    """
    if not request.data.keys() - {"file"}:
        return {}
    form = PredictInputSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    return form.validated_data


def _webhook_url(url: str) -> str:
    if url:
        try:
            webhook_url_check(url=url)
        except TargetRefused as exc:
            raise Unprocessable(str(exc), code="invalid_webhook_url", param="webhook_url") from None
    return url


def ocr_language(value: str) -> str:
    """A request's Tesseract languages ("eng+deu"), checked as a service's setting is; "" when
    not given."""
    value = value.strip()
    if not value:
        return ""
    problem = ocr_language_problem(value)
    if problem is None and len(value) > Job._meta.get_field("ocr_language").max_length:
        problem = "ocr_language is too long."
    if problem:
        raise Unprocessable(problem, code="invalid_ocr_language", param="ocr_language")
    return value


def _result_ttl(request: Request) -> int | None:
    raw = request.headers.get(RESULT_TTL_HEADER)
    if raw is None:
        return None
    low = settings.DOCPLATFORM_RESULT_TTL_MIN_SECONDS
    high = settings.DOCPLATFORM_RESULT_TTL_MAX_SECONDS
    value = raw.strip()
    # isdigit() alone accepts digits int() refuses, such as superscripts ("¹").
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise Unprocessable(
            f"{RESULT_TTL_HEADER} must be a number of seconds from {low} to {high}.",
            code="invalid_result_ttl",
            param=RESULT_TTL_HEADER,
        )
    return int(value)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key or len(key) > idempotency.MAX_KEY_LENGTH:
        raise Unprocessable(
            f"{IDEMPOTENCY_HEADER} must have 1 to {idempotency.MAX_KEY_LENGTH} characters.",
            code="invalid_idempotency_key",
            param=IDEMPOTENCY_HEADER,
        )
    return key


def _idempotency_begin(
    *, service: Service, key: str, sha256: str, **options: Any
) -> IdempotencyKey | idempotency.Replay:
    fingerprint = idempotency.request_fingerprint(file_sha256=sha256, **options)
    try:
        return idempotency.idempotency_begin(service=service, key=key, fingerprint=fingerprint)
    except idempotency.IdempotencyKeyReused:
        raise Unprocessable(
            "This Idempotency-Key was used for a different request.",
            code="idempotency_key_reused",
            param=IDEMPOTENCY_HEADER,
        ) from None
    except idempotency.IdempotencyKeyInProgress:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry later.",
            code="idempotency_key_in_progress",
            param=IDEMPOTENCY_HEADER,
        ) from None


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def max_upload_bytes(service: Service) -> int:
    """The global file limit, or the plan's when it is smaller."""
    limit = settings.DOCPLATFORM_MAX_UPLOAD_BYTES
    plan_limit = service.plan.max_file_bytes if service.plan else None
    return limit if plan_limit is None else min(limit, plan_limit)


def _too_large(limit: int) -> str:
    if limit >= 1024 * 1024:
        size = f"{limit / (1024 * 1024):g} MB"
    elif limit >= 1024:
        size = f"{limit / 1024:g} KB"
    else:
        size = f"{limit} bytes"
    return f"The file is larger than the limit of {size}."
