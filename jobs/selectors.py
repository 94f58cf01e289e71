"""Reads for jobs and documents. Lookups are always scoped to one service."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.db.models import QuerySet

from docplatform.models import Service
from jobs.models import Document, Job


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def job_get_for_service(*, service: Service, job_id: str) -> Job | None:
    pk = _uuid(job_id)
    if pk is None:
        return None
    return Job.objects.select_related("document").filter(service=service, pk=pk).first()


def document_get_for_service(*, service: Service, resource_id: str) -> Document | None:
    pk = _uuid(resource_id)
    if pk is None:
        return None
    return Document.objects.select_related("job").filter(service=service, pk=pk).first()


def job_list_for_service(*, service: Service, status: str | None = None) -> QuerySet[Job]:
    jobs = Job.objects.filter(service=service).select_related("document")
    if status:
        jobs = jobs.filter(status=status)
    return jobs


def document_preview_path(*, document: Document, number: int) -> Path | None:
    """The preview image of page ``number`` of a completed document, if it was rendered."""
    pages = (document.result or {}).get("pages", [])
    if not 1 <= number <= len(pages):
        return None
    name = pages[number - 1].get("preview")
    if not name or not document.file:
        return None
    path = Path(document.file.path).parent / name
    return path if path.is_file() else None
