"""The worker's side of a job: claim, fencing, failures, crash loops, reconciliation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from docplatform.models import PlanUsage, UsagePlan
from jobs import services
from jobs.models import Job
from tests import documents

pytestmark = pytest.mark.django_db


def queued_job(api_client, service, content: bytes, name: str = "doc.pdf") -> Job:
    """A job accepted by the API but not yet run (its on-commit enqueue is not executed)."""
    response = api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload(name, content)},
        format="multipart",
    )
    return Job.objects.get(pk=response.json()["job"])


def test_processing_a_job_records_its_result(api_client, service):
    job = queued_job(api_client, service, documents.text_pdf(["Hello world from a PDF"]))
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED
    assert job.attempts == 1
    assert job.started_at <= job.completed_at
    assert job.run_token is not None and job.lease_until is None
    assert job.document.page_count == 1
    assert job.document.result["text"] == "Hello world from a PDF"


def test_a_duplicate_delivery_of_a_finished_job_does_nothing(api_client, service):
    job = queued_job(api_client, service, documents.text_pdf(["once"]))
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    completed_at = job.completed_at
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.completed_at == completed_at


def test_only_one_of_two_claims_of_the_same_job_wins(api_client, service):
    job = queued_job(api_client, service, documents.text_pdf(["race"]))
    first = services.job_claim(job_id=job.pk)
    second = services.job_claim(job_id=job.pk)
    assert first is not None
    assert second is None


def test_a_stale_run_cannot_overwrite_the_result_of_the_current_run(api_client, service):
    job = queued_job(api_client, service, documents.text_pdf(["fenced"]))
    stale = services.job_claim(job_id=job.pk)
    # The first worker died: its lease runs out and another worker claims the job.
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    current = services.job_claim(job_id=job.pk)
    assert current is not None and current != stale
    assert not services.job_complete(job_id=job.pk, run_token=stale, result={}, page_count=1)
    assert not services.job_fail(job_id=job.pk, run_token=stale, code="x", message="x")
    assert services.job_complete(
        job_id=job.pk, run_token=current, result={"text": "ok"}, page_count=1
    )
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED
    assert job.attempts == 2
    assert job.document.result == {"text": "ok"}


def test_a_job_that_keeps_killing_its_worker_ends_failed(api_client, service, settings):
    settings.DOCPLATFORM_JOB_MAX_ATTEMPTS = 2
    job = queued_job(api_client, service, documents.text_pdf(["poison"]))
    for _ in range(2):
        assert services.job_claim(job_id=job.pk) is not None
        # The worker is SIGKILLed mid-job: nothing is recorded, the lease expires.
        Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert services.job_claim(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "worker_crashed"
    assert job.attempts == 2


def test_a_corrupt_pdf_fails_its_job_with_a_reason(api_client, service):
    job = queued_job(api_client, service, documents.CORRUPT_PDF)
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "corrupt_file"
    assert job.error_message
    assert job.document.result is None


def test_an_encrypted_pdf_fails_its_job_with_encrypted_pdf(api_client, service):
    job = queued_job(api_client, service, documents.encrypted_pdf(documents.text_pdf(["x"])))
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "encrypted_pdf")


def test_the_page_limit_fails_the_job_with_too_many_pages(api_client, service, settings):
    settings.DOCPLATFORM_MAX_PAGES = 2
    job = queued_job(api_client, service, documents.text_pdf(["a"], ["b"], ["c"]))
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "too_many_pages")


def test_only_the_run_that_records_the_result_spends_its_pages(api_client, service):
    service.plan = UsagePlan.objects.create(
        name="Pages", pages_limit=10, subscription_start=timezone.now() - timedelta(days=1)
    )
    service.save(update_fields=["plan"])
    job = queued_job(api_client, service, documents.text_pdf(["a"], ["b"]))
    stale = services.job_claim(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    current = services.job_claim(job_id=job.pk)
    assert not services.job_complete(job_id=job.pk, run_token=stale, result={}, page_count=2)
    assert services.job_complete(job_id=job.pk, run_token=current, result={}, page_count=2)
    assert not services.job_complete(job_id=job.pk, run_token=current, result={}, page_count=2)
    assert PlanUsage.objects.get(plan=service.plan).pages_used == 2


def test_a_document_with_more_pages_than_the_plan_has_left_fails_before_extraction(
    api_client, service
):
    service.plan = UsagePlan.objects.create(
        name="Pages", pages_limit=2, subscription_start=timezone.now() - timedelta(days=1)
    )
    service.save(update_fields=["plan"])
    job = queued_job(api_client, service, documents.text_pdf(["a"], ["b"], ["c"]))
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (Job.Status.FAILED, "quota_exceeded")
    assert "3 pages and 2 remain" in job.error_message
    # Stopped when the page count was known: no page was extracted or previewed.
    assert job.pages_done == 0
    assert job.document.result is None
    assert not list(Path(job.document.file.path).parent.glob("page-*.webp"))
    assert PlanUsage.objects.get(plan=service.plan).pages_used == 0


@pytest.mark.django_db(transaction=True)
def test_a_submit_writes_its_queue_row_in_the_jobs_own_transaction(
    service, media_root, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_q.conf import Conf
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from docplatform.quotas import QuotaExceeded

    monkeypatch.setattr(Conf, "SYNC", False)  # a real queue: rows a cluster would take
    content = documents.text_pdf(["Queued with its job"])
    with CaptureQueriesContext(connection) as queries:
        job = services.job_submit(
            service=service,
            api_key=None,
            upload=documents.upload("q.pdf", content),
            content_type="application/pdf",
            sha256="0" * 64,
        ).job
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # One transaction, the queue row inside it.
    assert statements.count("COMMIT") == 1
    insert = next(i for i, q in enumerate(queries.captured_queries) if "django_q_ormq" in q["sql"])
    assert insert < statements.index("COMMIT")
    [row] = OrmQ.objects.all()
    assert SignedPackage.loads(row.payload)["args"] == (str(job.pk),)

    # A refused submit leaves neither a job nor a delivery.
    service.plan = UsagePlan.objects.create(
        name="None left", documents_limit=0, subscription_start=timezone.now()
    )
    service.save(update_fields=["plan"])
    with pytest.raises(QuotaExceeded):
        services.job_submit(
            service=service,
            api_key=None,
            upload=documents.upload("r.pdf", content),
            content_type="application/pdf",
            sha256="1" * 64,
        )
    assert OrmQ.objects.count() == 1
    assert Job.objects.count() == 1


@pytest.mark.parametrize("total", [1, 7, 20, 40, 501])
def test_a_documents_progress_is_written_in_steps_not_once_per_page(total):
    due = [done for done in range(total + 1) if services.progress_due(done=done, total=total)]
    assert due[0] == 0 and due[-1] == total
    assert len(due) <= services.PROGRESS_STEPS + 2
    # Short documents still report every page.
    if total <= services.PROGRESS_STEPS:
        assert due == list(range(total + 1))


def test_a_service_can_have_its_scans_read_by_tesseract_in_german(api_client, service):
    from docplatform.selectors import service_ocr_options

    service.settings = {"ocr_engine": "tesseract", "ocr_language": "deu"}
    service.full_clean()
    service.save()
    assert service_ocr_options(service=service).engine == "tesseract"
    job = queued_job(
        api_client, service, documents.scanned_pdf(["Rechnung 4711", "Gesamtbetrag 119,00"])
    )
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.error_code
    assert "4711" in job.document.result["text"]
