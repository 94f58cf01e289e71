"""Reads of the review pages. Every lookup goes through the user's services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from docplatform.models import Service
from jobs.models import Document, Job
from review import fields as review_fields
from review.models import DocumentReview, FieldRevision

Status = DocumentReview.Status


def services_for_user(*, user: AbstractBaseUser) -> QuerySet[Service]:
    """The services a user reviews: their memberships; staff see all of them."""
    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    if user.is_staff:
        return Service.objects.all()
    return Service.objects.filter(memberships__user=user)


def documents_for_user(*, user: AbstractBaseUser) -> QuerySet[Document]:
    return Document.objects.filter(service__in=services_for_user(user=user)).select_related(
        "job", "service", "review", "review__reviewed_by"
    )


def document_get_for_user(*, user: AbstractBaseUser, document_id: Any) -> Document | None:
    """The document if one of the user's services owns it; None for everything else."""
    try:
        pk = uuid.UUID(str(document_id))
    except ValueError:
        return None
    return documents_for_user(user=user).filter(pk=pk).first()


def service_get_for_user(*, user: AbstractBaseUser, public_id: str) -> Service | None:
    return services_for_user(user=user).filter(public_id=public_id).first()


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """The queue's filters; empty values do not filter."""

    service: str = ""
    revision_status: str = ""
    job_status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    alias: str = ""
    q: str = ""
    oldest_first: bool = False


def _filtered(
    documents: QuerySet[Document], filters: QueueFilters, *, status: bool = True
) -> QuerySet[Document]:
    if filters.service:
        documents = documents.filter(service__public_id=filters.service)
    if status and filters.revision_status:
        documents = documents.filter(review__revision_status=filters.revision_status)
    if filters.job_status:
        documents = documents.filter(job__status=filters.job_status)
    if filters.date_from:
        documents = documents.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        documents = documents.filter(created_at__date__lte=filters.date_to)
    if filters.alias:
        documents = documents.filter(alias__icontains=filters.alias)
    if filters.q:
        search = Q(alias__icontains=filters.q) | Q(original_filename__icontains=filters.q)
        try:
            search |= Q(pk=uuid.UUID(filters.q))
        except ValueError:
            pass
        documents = documents.filter(search)
    return documents


def queue_documents(*, user: AbstractBaseUser, filters: QueueFilters) -> QuerySet[Document]:
    order = ("created_at", "pk") if filters.oldest_first else ("-created_at", "-pk")
    return _filtered(documents_for_user(user=user), filters).order_by(*order)


def queue_counts(*, user: AbstractBaseUser, filters: QueueFilters) -> dict[str, int]:
    """Documents per revision status under every filter but the status itself."""
    rows = (
        _filtered(documents_for_user(user=user), filters, status=False)
        .order_by()
        .values("review__revision_status")
        .annotate(n=Count("pk"))
    )
    counts = {value: 0 for value in Status.values}
    for row in rows:
        if row["review__revision_status"] in counts:
            counts[row["review__revision_status"]] = row["n"]
    return counts


def queue_next_for_review(
    *, user: AbstractBaseUser, filters: QueueFilters, after: Document
) -> Document | None:
    """The next document still waiting for review, in the queue's order, after ``after``.

    Wraps around to the start of the queue, so documents skipped earlier are not lost.
    """
    waiting = queue_documents(user=user, filters=filters).filter(
        review__revision_status__in=DocumentReview.WAITING
    )
    waiting = waiting.exclude(pk=after.pk)
    if filters.oldest_first:
        later = Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
    else:
        later = Q(created_at__lt=after.created_at) | Q(created_at=after.created_at, pk__lt=after.pk)
    return waiting.filter(later).first() or waiting.first()


def document_revisions(*, document: Document) -> QuerySet[FieldRevision]:
    return FieldRevision.objects.filter(document=document).select_related("user")


def document_field_views(*, document: Document) -> list[review_fields.FieldView]:
    review = getattr(document, "review", None)
    corrected = review.corrected_fields if review else {}
    return review_fields.field_views((document.result or {}).get("fields") or {}, corrected)


def document_review(*, document: Document) -> DocumentReview | None:
    try:
        return document.review
    except DocumentReview.DoesNotExist:
        return None


# --- Dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceStats:
    service: Service
    processed: int
    waiting: int
    approved: int
    not_approved: int
    failed: int
    per_day: list[tuple[date, int, int]]  # (day, completed, failed)


def dashboard_stats(
    *, user: AbstractBaseUser, days: int = 30, now: datetime | None = None
) -> list[ServiceStats]:
    """Per service, over the last ``days`` days (by submission date): documents processed,
    waiting for review, approved, rejected, failed, and processed/failed per day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - timedelta(days=days - 1)
    since = now - timedelta(days=days)
    stats = []
    for service in services_for_user(user=user).order_by("name"):
        documents = Document.objects.filter(service=service, created_at__gte=since)
        totals = documents.aggregate(
            processed=Count("pk", filter=Q(job__status=Job.Status.COMPLETED)),
            failed=Count("pk", filter=Q(job__status=Job.Status.FAILED)),
            waiting=Count("pk", filter=Q(review__revision_status__in=DocumentReview.WAITING)),
            approved=Count("pk", filter=Q(review__revision_status=Status.APPROVED)),
            not_approved=Count("pk", filter=Q(review__revision_status=Status.NOT_APPROVED)),
        )
        daily = {
            row["day"]: (row["completed"], row["failed"])
            for row in documents.annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(
                completed=Count("pk", filter=Q(job__status=Job.Status.COMPLETED)),
                failed=Count("pk", filter=Q(job__status=Job.Status.FAILED)),
            )
            .order_by("day")
        }
        per_day = [
            (day, *daily.get(day, (0, 0)))
            for day in (first_day + timedelta(days=n) for n in range(days))
        ]
        stats.append(ServiceStats(service=service, per_day=per_day, **totals))
    return stats


# --- Export ------------------------------------------------------------------------------


def export_rows(*, service: Service) -> tuple[list[str], list[dict[str, Any]]]:
    """Approved documents of a service: the field columns, and one row per document."""
    documents = (
        Document.objects.filter(service=service, review__revision_status=Status.APPROVED)
        .select_related("review", "review__reviewed_by")
        .order_by("created_at", "pk")
    )
    columns: list[str] = []
    rows = []
    for document in documents:
        review = document.review
        values = review_fields.values(
            (document.result or {}).get("fields") or {}, review.corrected_fields
        )
        for name in values:
            if name not in columns:
                columns.append(name)
        rows.append(
            {
                "resource": str(document.pk),
                "alias": document.alias,
                "filename": document.original_filename,
                "created_at": document.created_at.isoformat(),
                "reviewed_by": review.reviewer,
                "reviewed_at": review.reviewed_at.isoformat() if review.reviewed_at else None,
                "fields": values,
            }
        )
    return columns, rows
