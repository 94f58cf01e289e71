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
from review.models import DocumentReview, FieldRevision, ReviewEvent, ServiceMembership
from review.search import search_filter

Status = DocumentReview.Status
Role = ServiceMembership.Role
# The pseudo-status of the queue for both statuses that wait for a person.
WAITING = "waiting"
# What each role may do; a role includes the ones before it.
ROLE_RANK = {Role.VIEWER: 0, Role.REVIEWER: 1, Role.MANAGER: 2}


def services_for_user(*, user: AbstractBaseUser) -> QuerySet[Service]:
    """The services a user reviews: their memberships; all of them for superusers and users
    with the explicit ``review.review_every_service`` permission (staff status alone is only
    access to the admin)."""
    if not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    if user.has_perm("review.review_every_service"):
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


def roles_for_user(*, user: AbstractBaseUser) -> dict[int, str]:
    """Service id → the user's role there. Superusers and holders of
    ``review.review_every_service`` manage every service; staff status alone changes nothing."""
    if not user.is_authenticated or not user.is_active:
        return {}
    roles = dict(ServiceMembership.objects.filter(user=user).values_list("service_id", "role"))
    if user.has_perm("review.review_every_service"):
        for service_id in services_for_user(user=user).values_list("pk", flat=True):
            roles[service_id] = Role.MANAGER
    return roles


def role_for(*, user: AbstractBaseUser, service: Service) -> str | None:
    return roles_for_user(user=user).get(service.pk)


def role_allows(role: str | None, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (viewer < reviewer < manager)."""
    return role is not None and ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]


def services_with_role(*, user: AbstractBaseUser, needed: str) -> QuerySet[Service]:
    roles = roles_for_user(user=user)
    allowed = [pk for pk, role in roles.items() if role_allows(role, needed)]
    return services_for_user(user=user).filter(pk__in=allowed)


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
    if status and filters.revision_status == WAITING:
        documents = documents.filter(review__revision_status__in=DocumentReview.WAITING)
    elif status and filters.revision_status:
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
        # The full-text index has names, text and values; an id or a part of a file name or
        # alias (not a whole word) is found too.
        found = search_filter(documents, filters.q).values("pk")
        search = (
            Q(pk__in=found)
            | Q(alias__icontains=filters.q)
            | Q(original_filename__icontains=filters.q)
        )
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
    """Documents per revision status under every filter but the status itself.

    ``all`` counts every document, also those without a review yet (queued, processing or
    failed: ``none``), so "All" always matches the list beside it.
    """
    rows = (
        _filtered(documents_for_user(user=user), filters, status=False)
        .order_by()
        .values("review__revision_status")
        .annotate(n=Count("pk"))
    )
    counts = {value: 0 for value in Status.values}
    counts["none"] = 0
    for row in rows:
        key = row["review__revision_status"] or "none"
        counts[key] = counts.get(key, 0) + row["n"]
    counts[WAITING] = sum(counts[value] for value in DocumentReview.WAITING)
    counts["all"] = sum(counts[value] for value in (*Status.values, "none"))
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


def document_notes(*, document: Document) -> QuerySet[ReviewEvent]:
    return ReviewEvent.objects.filter(document=document, kind=ReviewEvent.Kind.NOTE).select_related(
        "user"
    )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a document's history: a correction, a row added or deleted, a decision or a
    note, newest first."""

    at: datetime
    author: str
    kind: str  # correction, row_added, row_deleted, decision, note
    field: str = ""
    old: Any = None
    new: Any = None
    status: str = ""
    status_label: str = ""
    text: str = ""


def document_history(*, document: Document) -> list[HistoryEntry]:
    entries = []
    for revision in document_revisions(document=document):
        kind = "correction"
        if revision.new_value == review_fields.ROW_ADDED and "." not in revision.field:
            kind = "row_added"
        elif revision.new_value == review_fields.ROW_DELETED and "." not in revision.field:
            kind = "row_deleted"
        entries.append(
            HistoryEntry(
                at=revision.created_at,
                author=revision.author,
                kind=kind,
                field=revision.field,
                old=revision.old_value,
                new=revision.new_value,
            )
        )
    labels = dict(Status.choices)
    for event in ReviewEvent.objects.filter(document=document).select_related("user"):
        entries.append(
            HistoryEntry(
                at=event.created_at,
                author=event.author,
                kind=event.kind,
                status=event.revision_status,
                status_label=labels.get(event.revision_status, ""),
                text=event.text,
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def document_reasons(*, document: Document) -> list[review_fields.Reason]:
    """Why the document needs review (empty when it does not)."""
    if document.result is None:
        return []
    service = document.service
    return review_fields.review_reasons(
        result=document.result,
        required_fields=list(service.required_fields or []),
        threshold=service.review_threshold,
    )


# The key fields the queue shows as columns, by service kind.
KEY_FIELDS = {
    "issuer": ("issuer", "merchant"),
    "number": ("invoice_number",),
    "date": ("invoice_date", "date"),
    "total": ("total_amount", "total"),
}


def document_key_fields(*, document: Document) -> dict[str, str]:
    """Issuer, number, date and total (with its currency) of a document, where it has them."""
    result = document.result or {}
    review = document_review(document=document)
    values = review_fields.values(
        result.get("fields") or {}, review.corrected_fields if review else {}
    )
    shown = {}
    for key, names in KEY_FIELDS.items():
        value = next((values[n] for n in names if values.get(n) not in (None, "")), None)
        shown[key] = "" if value is None or isinstance(value, list) else str(value)
    if shown["total"] and values.get("currency"):
        shown["total"] = f"{shown['total']} {values['currency']}"
    return shown


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
        Document.objects.filter(
            service=service, review__revision_status=Status.APPROVED, job__expired_at__isnull=True
        )
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
