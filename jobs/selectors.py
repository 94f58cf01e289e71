"""Reads for jobs and documents. Lookups are always scoped to one service."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet

from docplatform.models import Service
from jobs.files import document_preview_name
from jobs.models import Document, Job


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def job_request_id(job_id: str) -> str:
    """The request id a job was submitted with, for the logs of whoever works on it."""
    pk = _uuid(job_id)
    found = Job.objects.filter(pk=pk).values_list("request_id", flat=True).first() if pk else None
    return found or f"job-{job_id}"


def _jobs(service: Service) -> QuerySet[Job]:
    """The service's jobs with their documents, without the documents' results: a status or a
    list never shows them, and a result's JSON can run to megabytes."""
    return Job.objects.filter(service=service).select_related("document").defer("document__result")


def jobs_with_service(*, jobs: Iterable[Job], service: Service) -> list[Job]:
    """``jobs`` (all the service's) with ``service`` set on them and on their documents, so
    serialising them does not look the service up once per row."""
    found = list(jobs)
    for job in found:
        job.service = service
        job.document.service = service
    return found


def job_get_for_service(*, service: Service, job_id: str) -> Job | None:
    pk = _uuid(job_id)
    if pk is None:
        return None
    job = _jobs(service).filter(pk=pk).first()
    return jobs_with_service(jobs=[job], service=service)[0] if job else None


def document_get_for_service(*, service: Service, resource_id: str) -> Document | None:
    pk = _uuid(resource_id)
    if pk is None:
        return None
    return Document.objects.select_related("job").filter(service=service, pk=pk).first()


def job_list_for_service(*, service: Service, status: str | None = None) -> QuerySet[Job]:
    """Newest first (index ``job_service_status_created`` serves the status filter); pass the
    page through :func:`jobs_with_service`."""
    jobs = _jobs(service)
    if status:
        jobs = jobs.filter(status=status)
    return jobs


def document_preview_file(*, document: Document, number: int) -> File | None:
    """Page ``number``'s preview image of a completed document, opened from the storage, if it
    was rendered. Served through the application only: the storage is never public."""
    name = document_preview_name(document=document, number=number)
    if name is None:
        return None
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError:
        return None
