"""Writes for result retention: purge of expired results, deletion on request, old records."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.models import Task

from jobs.files import storage_folder_delete
from jobs.idempotency import idempotency_keys_purge
from jobs.models import Document, Job, document_folder
from webhooks.services import events_purge

logger = logging.getLogger(__name__)


def document_purge(*, document: Document, now: datetime | None = None) -> None:
    """Delete a document's folder (upload, previews, anything derived), its result and every
    copy of extracted values (corrections, their history, stored webhook bodies), and mark its
    job expired. The job and document rows stay, so the API answers 410 Gone for them and the
    review pages show the document as deleted and read-only.

    Files go first: if the process dies in between, the next purge finds the job unexpired and
    removes what is left.
    """
    from review.models import DocumentReview, DocumentSearch, FieldRevision, ReviewEvent
    from webhooks.models import WebhookEvent

    now = now or timezone.now()
    storage_folder_delete(document_folder(document))
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(result=None, file="")
        FieldRevision.objects.filter(document=document).delete()
        DocumentReview.objects.filter(document=document).update(
            corrected_fields={}, decision_reason=""
        )
        # Decisions stay in the history (who, when, which status); their texts and notes go.
        ReviewEvent.objects.filter(document=document).update(text="")
        DocumentSearch.objects.filter(document=document).delete()
        # Undelivered events are dropped with their bodies: they would carry the values.
        WebhookEvent.objects.filter(
            job_id=document.job_id,
            status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.SENDING],
        ).update(status=WebhookEvent.Status.FAILED, next_attempt_at=None, lease_until=None)
        WebhookEvent.objects.filter(job_id=document.job_id).update(payload="")
        Job.objects.filter(pk=document.job_id, expired_at__isnull=True).update(expired_at=now)


def document_delete(*, document: Document) -> None:
    """Delete a document's files and extracted data now, at the client's request."""
    now = timezone.now()
    document_purge(document=document, now=now)
    Job.objects.filter(pk=document.job_id).update(expires_at=now)


def jobs_purge_expired(*, now: datetime | None = None, limit: int = 500) -> int:
    """Purge the documents of jobs whose ``expires_at`` has passed; return how many."""
    now = now or timezone.now()
    expired = Document.objects.filter(
        job__expired_at__isnull=True, job__expires_at__lte=now
    ).order_by("job__expires_at")[:limit]
    count = 0
    for document in expired:
        document_purge(document=document, now=now)
        count += 1
    return count


def delete_in_batches(queryset: QuerySet[Any], *, batch: int = 500) -> int:
    """Delete the rows of ``queryset`` a batch at a time, each batch its own transaction, so a
    large purge never holds the database's write lock for long."""
    deleted = 0
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        count, _ = queryset.model.objects.filter(pk__in=ids).delete()
        deleted += count


def queue_history_purge(*, now: datetime | None = None) -> int:
    """Delete django-q2 task and failure records older than the queue history period."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DOCPLATFORM_QUEUE_HISTORY_SECONDS)
    return delete_in_batches(Task.objects.filter(stopped__lt=cutoff))


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Everything retention removes, in one scheduled run (every 10 minutes)."""
    now = now or timezone.now()
    counts = {
        "documents": jobs_purge_expired(now=now),
        "idempotency_keys": idempotency_keys_purge(now=now),
        "queue_history": queue_history_purge(now=now),
        "webhook_events": events_purge(now=now),
    }
    if any(counts.values()):
        logger.info("retention purge: %s", counts)
    return counts
