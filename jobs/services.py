"""Writes for jobs and documents: submission, the worker's claim, progress, completion."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_q.conf import Conf
from django_q.tasks import async_task

from docplatform.db import database_now
from docplatform.logs import request_id_current
from docplatform.models import ApiKey, Service
from docplatform.quotas import (
    QuotaExceeded,
    RateLimited,
    UsageCounts,
    quota_document_consume,
    quota_pages_check,
    quota_pages_consume,
)
from docplatform.selectors import service_ocr_options
from jobs import recovery
from jobs.errors import public_message
from jobs.extraction import ExtractionError
from jobs.extraction.detect import EXTENSIONS
from jobs.extraction.document import Limits
from jobs.extraction.sandbox import Extraction, SandboxLimits, extract_sandboxed
from jobs.files import document_previews_store, document_scratch
from jobs.models import Document, Job, document_folder
from jobs.results import build_result
from review.learning import learned_knowledge
from review.services import review_init
from webhooks.models import EventType
from webhooks.services import job_event_emit, service_webhook_secret_ensure

logger = logging.getLogger(__name__)

TASK = "jobs.tasks.job_process"
ACTIVE = (Job.Status.QUEUED, Job.Status.PROCESSING)
# How long a client refused for too many active jobs is told to wait: a hint, as no one knows
# when a job will finish.
ACTIVE_JOBS_RETRY_SECONDS = 5


def job_enqueue(*, job_id: uuid.UUID) -> None:
    """Hand a job id to the queue, in the current transaction when the queue lives in the same
    database, else once it commits.

    The queue's own table in the job's database (django-q2's ORM broker on ``default``): the
    delivery row is written in the job's transaction, so the two commit together (one commit,
    one connection per submit) and a worker cannot see one without the other.

    Any other queue: enqueueing before commit would let a worker look for a row it cannot see
    yet, so it is done after commit. The job is committed by then, so a failed enqueue must
    not undo it: it is logged, and the reconciler delivers the job like any lost delivery.
    """
    if transaction.get_connection().in_atomic_block and _queue_in_database():
        async_task(TASK, str(job_id), group="jobs")
        return

    def enqueue() -> None:
        try:
            async_task(TASK, str(job_id), group="jobs")
        except Exception:
            logger.exception("job %s: enqueue failed; the reconciler will deliver it", job_id)

    transaction.on_commit(enqueue)


def _queue_in_database() -> bool:
    """Whether queued tasks are rows of this database (and not run at once, as in tests)."""
    return (
        Conf.ORM == DEFAULT_DB_ALIAS and not Conf.SYNC and not getattr(Conf, "BROKER_CLASS", None)
    )


def upload_sha256(upload: UploadedFile) -> str:
    """The SHA-256 of an upload, read once in chunks (large uploads are temporary files)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Submission:
    """A submitted job, and its plan's usage right after the submit's debit (what the plan
    headers report, so the API need not read it again)."""

    job: Job
    usage: UsageCounts


def job_submit(
    *,
    service: Service,
    api_key: ApiKey | None,
    upload: UploadedFile,
    content_type: str,
    sha256: str,
    alias: str = "",
    result_ttl_seconds: int | None = None,
    webhook_url: str = "",
    ocr_language: str = "",
    enqueue: bool = True,
) -> Submission:
    """Store an upload, insert its job and document, and queue the job. Extracts nothing.

    ``enqueue`` False leaves the job to the caller (the synchronous predict runs
    :func:`job_process` itself); should that caller die, ``jobs_reconcile`` queues it.

    In the same transaction: the plan's cap on active jobs is checked (:class:`RateLimited`)
    and one document is spent from its budget (:class:`QuotaExceeded`). A refusal rolls
    everything back and deletes the stored file, so nothing is kept.

    A ``webhook_url`` (checked by the caller) gets this job's events, signed with the service's
    webhook secret, which is created on first use. An ``ocr_language`` (checked by the caller)
    is read by Tesseract instead of the service's or the platform's languages.
    """
    if webhook_url:
        service_webhook_secret_ensure(service=service)
    document = Document(
        service=service,
        alias=alias,
        original_filename=Path(upload.name or "").name[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=sha256,
    )
    document.file.save(f"original.{EXTENSIONS[content_type]}", upload, save=False)
    try:
        with transaction.atomic():
            job_active_limit_check(service=service)
            usage = quota_document_consume(service=service)
            job = Job.objects.create(
                service=service,
                api_key=api_key,
                result_ttl_seconds=result_ttl_seconds,
                webhook_url=webhook_url,
                ocr_language=ocr_language,
                request_id=request_id_current(),
            )
            document.job = job
            document.save()
            if enqueue:
                job_enqueue(job_id=job.id)
    except BaseException:
        document.file.delete(save=False)
        _folder_remove_if_empty(document=document)
        raise
    return Submission(job=job, usage=usage)


def _folder_remove_if_empty(*, document: Document) -> None:
    """Remove the document's folder of a refused submit (storages with real folders only)."""
    try:
        folder = Path(default_storage.path(document_folder(document)))
    except NotImplementedError:
        return
    try:
        folder.rmdir()
    except OSError:
        pass


def job_active_limit_check(*, service: Service) -> None:
    """Raise :class:`RateLimited` if the service already has its plan's cap of active jobs.

    Precondition: called inside the transaction that creates the job. The count is exact
    because no other submit of the service can commit between it and the insert: on SQLite
    the transaction is IMMEDIATE, so it holds the database's single write lock from its first
    statement; on PostgreSQL the service row is locked (SQLite ignores ``FOR UPDATE``).
    Workers only ever move jobs out of the active states, so they cannot push the count up.
    """
    cap = service.plan.max_active_jobs if service.plan else None
    if cap is None:
        return
    list(Service.objects.select_for_update().filter(pk=service.pk).values_list("pk"))
    active = Job.objects.filter(service=service, status__in=ACTIVE).count()
    if active >= cap:
        raise RateLimited(
            f"This service already has {active} jobs queued or processing; its plan allows "
            f"{cap} at once.",
            limit=cap,
            reset_seconds=ACTIVE_JOBS_RETRY_SECONDS,
        )


def _expires_at(*, job_id: uuid.UUID | str, now: datetime) -> datetime:
    """When a job finishing now expires: the request's TTL, else the service's, else the
    platform default."""
    ttl = (
        Job.objects.filter(pk=job_id)
        .values_list(Coalesce("result_ttl_seconds", "service__result_ttl_seconds"), flat=True)
        .first()
    )
    return now + timedelta(seconds=ttl or settings.DOCPLATFORM_RESULT_TTL_SECONDS)


def job_claim(*, job_id: uuid.UUID | str) -> uuid.UUID | None:
    """Claim a job for this worker and return the run token, or None if there is nothing to do.

    One conditional UPDATE: a duplicate delivery, a finished job or a job another worker holds
    all match zero rows. A job that was claimed ``DOCPLATFORM_JOB_MAX_ATTEMPTS`` times
    without finishing (its worker was killed each time) is failed here, so a file that crashes
    workers cannot loop forever.
    """
    # Leases are set and compared on the database's clock: workers on several machines agree
    # on when one expired even if their own clocks differ.
    now = database_now()
    token = uuid.uuid4()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.PROCESSING, lease_until__lt=now)
    max_attempts = settings.DOCPLATFORM_JOB_MAX_ATTEMPTS
    claimed = Job.objects.filter(claimable, pk=job_id, attempts__lt=max_attempts).update(
        status=Job.Status.PROCESSING,
        attempts=F("attempts") + 1,
        run_token=token,
        lease_until=now + recovery.lease(),
        claimed_at=now,
        started_at=Coalesce(F("started_at"), Value(now)),
        pages_done=0,
    )
    if claimed:
        return token
    with transaction.atomic():
        failed = Job.objects.filter(claimable, pk=job_id, attempts__gte=max_attempts).update(
            status=Job.Status.FAILED,
            error_code="worker_crashed",
            error_message=public_message("worker_crashed"),
            completed_at=now,
            expires_at=_expires_at(job_id=job_id, now=now),
            run_token=None,
            lease_until=None,
        )
        if failed:
            job_event_emit(job_id=job_id, event_type=EventType.JOB_FAILED)
    return None


# A long document's progress is written in about this many steps, not once per page.
PROGRESS_STEPS = 20


def progress_due(*, done: int, total: int) -> bool:
    """Whether ``done`` of ``total`` pages is worth an UPDATE: the start, the end and about
    every 1/PROGRESS_STEPS of the document in between."""
    step = max(1, total // PROGRESS_STEPS)
    return done == 0 or done >= total or done % step == 0


def job_progress(*, job_id: uuid.UUID | str, run_token: uuid.UUID, done: int, total: int) -> None:
    Job.objects.filter(pk=job_id, run_token=run_token, status=Job.Status.PROCESSING).update(
        pages_done=done, pages_total=total
    )


@transaction.atomic
def job_complete(
    *, job_id: uuid.UUID | str, run_token: uuid.UUID, result: dict[str, Any], page_count: int
) -> bool:
    """Record a result. Only the run that holds ``run_token`` can; returns whether it did.

    The pages are spent from the plan in the same transaction; if they do not fit in what is
    left, :class:`QuotaExceeded` is raised and nothing is recorded.

    The ``job.completed`` webhook events are written in the same transaction, only by the run
    that finished the job, and delivered by the worker after commit.
    """
    now = timezone.now()
    finished = Job.objects.filter(
        pk=job_id, run_token=run_token, status=Job.Status.PROCESSING
    ).update(
        status=Job.Status.COMPLETED,
        completed_at=now,
        expires_at=_expires_at(job_id=job_id, now=now),
        pages_done=page_count,
        pages_total=page_count,
        lease_until=None,
        error_code="",
        error_message="",
    )
    if finished:
        service = Service.objects.select_related("plan").get(jobs=job_id)
        quota_pages_consume(service=service, pages=page_count)
        Document.objects.filter(job_id=job_id).update(result=result, page_count=page_count)
        review_init(document=Document.objects.select_related("service", "job").get(job_id=job_id))
        job_event_emit(job_id=job_id, event_type=EventType.JOB_COMPLETED)
    return bool(finished)


@transaction.atomic
def job_fail(*, job_id: uuid.UUID | str, run_token: uuid.UUID, code: str, message: str) -> bool:
    """Fail a job for good with a machine-readable ``code``; fenced like :func:`job_complete`."""
    now = timezone.now()
    failed = Job.objects.filter(
        pk=job_id, run_token=run_token, status=Job.Status.PROCESSING
    ).update(
        status=Job.Status.FAILED,
        error_code=code,
        error_message=message[:2000],
        completed_at=now,
        expires_at=_expires_at(job_id=job_id, now=now),
        lease_until=None,
    )
    if failed:
        job_event_emit(job_id=job_id, event_type=EventType.JOB_FAILED)
    return bool(failed)


def service_field_spec(*, service: Service) -> dict[str, Any]:
    """What the sandboxed extractor needs to know of a service to extract and judge fields."""
    return {
        "kind": service.kind,
        "schema": service.field_schema if service.kind == Service.Kind.CUSTOM else None,
        "required": service.required_fields,
        "threshold": service.review_threshold,
        "today": timezone.localdate().isoformat(),
        # What this service's reviewers taught (never another service's).
        "learned": learned_knowledge(service=service),
    }


def job_process(*, job_id: uuid.UUID | str, wall_seconds: int | None = None) -> None:
    """Claim a job, extract its document in a sandboxed child process, and record the outcome.

    Every failure ends in ``job_fail`` with a reason; nothing propagates to the queue, which
    would otherwise redeliver a deterministic failure.
    """
    token = job_claim(job_id=job_id)
    if token is None:
        return
    job = Job.objects.select_related("service__plan", "document").get(pk=job_id)
    document = job.document

    def progress(done: int, total: int) -> None:
        if done == 0:
            # The page count is known before any page is read: a document the plan cannot
            # pay for stops here rather than after its extraction.
            quota_pages_check(service=job.service, pages=total)
        if progress_due(done=done, total=total):
            job_progress(job_id=job_id, run_token=token, done=done, total=total)

    try:
        with recovery.lease_kept(job_id=job_id, run_token=token):
            extraction = _extract(
                job=job, document=document, progress=progress, wall_seconds=wall_seconds
            )
        if not extraction.pages:
            raise ExtractionError("empty_document", "The document has no pages.")
        result = build_result(kind=job.service.kind, extraction=extraction)
    except ExtractionError as exc:
        # The detail may quote a parser (and an internal path): the log keeps it, the client
        # gets the code's fixed text.
        logger.info("job %s failed: %s (%s)", job_id, exc.code, exc.message)
        job_fail(job_id=job_id, run_token=token, code=exc.code, message=public_message(exc.code))
        return
    except QuotaExceeded as exc:
        logger.info("job %s failed: %s (%s)", job_id, exc.code, exc.message)
        job_fail(job_id=job_id, run_token=token, code=exc.code, message=exc.message)
        return
    except Exception:
        logger.exception("job %s: unexpected error during extraction", job_id)
        job_fail(
            job_id=job_id,
            run_token=token,
            code="internal_error",
            message=public_message("internal_error"),
        )
        return
    try:
        job_complete(
            job_id=job_id, run_token=token, result=result, page_count=len(extraction.pages)
        )
    except QuotaExceeded as exc:
        logger.info("job %s refused: %s", job_id, exc.message)
        job_fail(job_id=job_id, run_token=token, code=exc.code, message=exc.message)


def _extract(
    *,
    job: Job,
    document: Document,
    progress: Callable[[int, int], None],
    wall_seconds: int | None = None,
) -> Extraction:
    # The sandbox reads a private local copy, wherever the original is stored.
    with document_scratch(document) as scratch:
        extraction = extract_sandboxed(
            scratch.original,
            content_type=document.content_type,
            limits=extraction_limits(job=job, preview_dir=str(scratch.previews)),
            sandbox=SandboxLimits(
                wall_seconds=wall_seconds or settings.DOCPLATFORM_EXTRACTION_SECONDS,
                cpu_seconds=settings.DOCPLATFORM_EXTRACTION_SECONDS,
                memory_bytes=settings.DOCPLATFORM_EXTRACTION_MEMORY_MB * 1024 * 1024,
                jobs_per_child=settings.DOCPLATFORM_EXTRACTION_CHILD_JOBS,
                idle_seconds=settings.DOCPLATFORM_EXTRACTION_CHILD_IDLE_SECONDS,
            ),
            fields=service_field_spec(service=job.service),
            on_progress=progress,
        )
        # Previews live beside the original, so removing the folder removes both.
        document_previews_store(document=document, folder=scratch.previews)
    return extraction


def extraction_limits(*, job: Job, preview_dir: str) -> Limits:
    """What the extraction of a job may do and how it reads scans: the OCR languages are the
    request's, else the service's, else the platform's."""
    ocr = service_ocr_options(service=job.service, language=job.ocr_language)
    return Limits(
        max_pages=max_pages(job.service),
        ocr_dpi=settings.DOCPLATFORM_OCR_DPI,
        lang=ocr.language,
        ocr_engine=ocr.engine,
        preview_dir=preview_dir,
        preview_dpi=settings.DOCPLATFORM_PREVIEW_DPI,
    )


def max_pages(service: Service) -> int:
    """The global page limit, or the plan's when it is smaller."""
    limit = settings.DOCPLATFORM_MAX_PAGES
    plan_limit = service.plan.max_pages_per_document if service.plan else None
    return limit if plan_limit is None else min(limit, plan_limit)


def job_predict(
    *,
    service: Service,
    api_key: ApiKey | None,
    upload: UploadedFile,
    content_type: str,
    sha256: str,
    wall_seconds: int,
    ocr_language: str = "",
) -> Document:
    """The synchronous inference: the same job, quotas and sandbox as an asynchronous one,
    run in this process within ``wall_seconds``. Returns the document, its job finished."""
    job = job_submit(
        service=service,
        api_key=api_key,
        upload=upload,
        content_type=content_type,
        sha256=sha256,
        ocr_language=ocr_language,
        enqueue=False,
    ).job
    job_process(job_id=job.pk, wall_seconds=wall_seconds)
    return Document.objects.select_related("job", "service", "review").get(job_id=job.pk)


def job_discard(*, job: Job) -> None:
    """Remove a job without a trace but its usage: files, result, review and pending webhook
    events (a synchronous prediction not pushed to the platform)."""
    from jobs import retention

    retention.document_purge(document=job.document)
    Job.objects.filter(pk=job.pk).delete()
