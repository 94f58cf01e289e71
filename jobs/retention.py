"""Writes for result retention: purge of expired results, deletion on request, old records."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_q.models import Task

from jobs.idempotency import idempotency_keys_purge
from jobs.models import Document, Job, document_folder
from webhooks.services import events_purge

logger = logging.getLogger(__name__)


def document_purge(*, document: Document, now: datetime | None = None) -> None:
    """Delete a document's folder (upload, previews, anything derived) and its result, and mark
    its job expired. The job and document rows stay, so the API answers 410 Gone for them.

    Files go first: if the process dies in between, the next purge finds the job unexpired and
    removes what is left.
    """
    now = now or timezone.now()
    folder = Path(default_storage.path(document_folder(document)))
    shutil.rmtree(folder, ignore_errors=True)
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(result=None, file="")
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


def queue_history_purge(*, now: datetime | None = None) -> int:
    """Delete django-q2 task and failure records older than the queue history period."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DOCPLATFORM_QUEUE_HISTORY_SECONDS)
    deleted, _ = Task.objects.filter(stopped__lt=cutoff).delete()
    return deleted


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
