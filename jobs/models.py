"""Jobs (the processing of one upload) and the documents ("resources") they produce."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from docplatform.fields import OrderedJSONField
from docplatform.models import ApiKey, Service


class Job(models.Model):
    """One asynchronous extraction.

    States: ``queued`` → ``processing`` → ``completed`` | ``failed``. A worker claims a job with
    one conditional UPDATE that sets ``processing``, increments ``attempts``, sets a fresh
    ``run_token`` and a lease; only the holder of that token may finish the job. A job whose
    lease ran out (its worker died) can be claimed again until ``attempts`` reaches the limit.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    FINISHED = (Status.COMPLETED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="jobs")
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    run_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The last time a delivery of this job was handed to the queue, or seen waiting in it: the
    # reconciler only looks at jobs whose delivery may have been lost since.
    enqueued_at = models.DateTimeField(default=timezone.now)
    # The last claim by a worker (started_at is the first).
    claimed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Set when the document's files and result were purged (expiry or deletion); the row stays
    # so the API can answer 410 Gone instead of 404.
    expired_at = models.DateTimeField(null=True, blank=True)
    # Asked for by the request (x-result-ttl); else the service's, else the platform default.
    result_ttl_seconds = models.PositiveIntegerField(null=True, blank=True)
    webhook_url = models.URLField(max_length=2000, blank=True)
    # Tesseract's languages asked for by the request ("eng+deu"); blank: the service's, else the
    # platform default. PP-OCR (rapidocr) reads its languages with one model and ignores it.
    ocr_language = models.CharField(max_length=255, blank=True)
    # The submit's request id, bound again by the worker and the webhook deliveries so that one
    # id follows the document through the logs of every machine.
    request_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["service", "-created_at"], name="job_service_created"),
            # The job list's status filter: one service's jobs of one status, newest first.
            models.Index(
                fields=["service", "status", "-created_at"], name="job_service_status_created"
            ),
            models.Index(fields=["status", "created_at"], name="job_status_created"),
            models.Index(fields=["expired_at", "expires_at"], name="job_expiry"),
            models.Index(fields=["status", "enqueued_at"], name="job_status_enqueued"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_expired(self) -> bool:
        return self.expired_at is not None


class WorkerHeartbeat(models.Model):
    """A running ``manage.py worker`` (the supervisor of the queue clusters of one machine).

    Written every few seconds. A supervisor that finds no other live one at start knows that
    every claim and every queue lock it finds belongs to a dead process, and releases them at
    once instead of waiting for leases and locks to run out.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


def document_folder(document: Document) -> str:
    """The storage folder of one document: its upload and everything derived from it."""
    return f"documents/{document.created_at:%Y/%m}/{document.id}"


def document_upload_to(instance: Document, filename: str) -> str:
    # The client's filename never reaches the file system.
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"{document_folder(instance)}/original.{ext}"


class Document(models.Model):
    """The uploaded file of a job and, once the job completes, what was extracted from it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="document")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    alias = models.CharField(max_length=255, blank=True, db_index=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=document_upload_to, max_length=300)
    result = OrderedJSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_filename or self.id}"


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` for async-predict, remembered for 24 hours.

    States: ``in_progress`` (inserted before the job, in its own transaction, so a concurrent
    request with the same key inserts nothing, on the unique constraint) → ``complete`` (the
    answer is stored and replayed). ``fingerprint`` identifies the request, so the same key
    with another file is refused.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETE = "complete"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = OrderedJSONField(null=True, blank=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    locked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="idempotency_key_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
