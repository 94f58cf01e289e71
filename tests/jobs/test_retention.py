"""Result retention: time-to-live, purge of expired files, 410 Gone, deletion on request."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.models import Schedule, Task

from docplatform.services import api_key_create
from jobs import retention
from jobs.models import Job
from tests import documents

pytestmark = pytest.mark.django_db

INVOICE_PDF = documents.text_pdf(["Invoice INV-31", "Total 5.00 EUR"])


def base(service) -> str:
    return f"/api/v1/inference/service/{service.public_id}"


def test_results_expire_after_the_platform_default(submit, settings):
    submit("inv.pdf", INVOICE_PDF)
    job = Job.objects.get()
    expected = timedelta(seconds=settings.DOCPLATFORM_RESULT_TTL_SECONDS)
    assert job.expires_at - job.completed_at == expected


def test_a_service_ttl_replaces_the_default(submit, service):
    service.result_ttl_seconds = 600
    service.save()
    submit("inv.pdf", INVOICE_PDF)
    job = Job.objects.get()
    assert job.expires_at - job.completed_at == timedelta(seconds=600)


def test_the_request_ttl_header_replaces_the_service_ttl(
    api_client, service, django_capture_on_commit_callbacks
):
    service.result_ttl_seconds = 600
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"{base(service)}/async-predict",
            {"file": documents.upload("inv.pdf", INVOICE_PDF)},
            format="multipart",
            HTTP_X_RESULT_TTL="3600",
        )
    assert response.status_code == 200
    job = Job.objects.get()
    assert job.status == Job.Status.COMPLETED
    assert job.expires_at - job.completed_at == timedelta(hours=1)


@pytest.mark.parametrize("value", ["abc", "-5", "5", "99999999999", "1.5", "", "¹", "٣٦٠٠"])
def test_a_ttl_outside_the_limits_is_refused(api_client, service, value):
    response = api_client.post(
        f"{base(service)}/async-predict",
        {"file": documents.upload("inv.pdf", INVOICE_PDF)},
        format="multipart",
        HTTP_X_RESULT_TTL=value,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_result_ttl"
    assert Job.objects.count() == 0


def test_a_service_ttl_outside_the_limits_does_not_validate(service):
    service.result_ttl_seconds = 1
    with pytest.raises(ValidationError):
        service.full_clean()


def test_purge_removes_the_documents_folder_and_answers_410(
    submit, api_client, service, media_root
):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    job = Job.objects.get(pk=ids["job"])
    original = Path(job.document.file.path)
    preview = original.parent / "preview-1.png"
    preview.write_bytes(b"preview")
    assert original.is_file()

    assert retention.jobs_purge_expired(now=job.expires_at - timedelta(seconds=1)) == 0
    assert original.is_file()
    assert retention.jobs_purge_expired(now=job.expires_at) == 1

    assert not original.parent.exists()
    assert not preview.exists()
    job.refresh_from_db()
    assert job.is_expired and job.status == Job.Status.COMPLETED
    assert job.document.result is None and not job.document.file
    for url in (
        f"{base(service)}/jobs/{ids['job']}",
        f"{base(service)}/predicted-documents/{ids['resource']}",
    ):
        response = api_client.get(url)
        assert response.status_code == 410
        assert response.json()["error"]["code"] == "expired"
    listed = api_client.get(f"{base(service)}/jobs").json()["results"][0]
    assert listed["expired"] is True


def test_unknown_ids_and_ids_of_other_services_stay_404_after_expiry(
    submit, api_client, service, other_service
):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    retention.jobs_purge_expired(now=timezone.now() + timedelta(days=2))
    assert api_client.get(f"{base(service)}/jobs/{uuid.uuid4()}").status_code == 404
    _, other_key = api_key_create(service=other_service, name="other")
    api_client.credentials(HTTP_X_API_KEY=other_key)
    response = api_client.get(f"{base(other_service)}/jobs/{ids['job']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "job_not_found"


def test_delete_removes_a_documents_files_at_once(submit, api_client, service):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    folder = Path(Job.objects.get().document.file.path).parent
    url = f"{base(service)}/predicted-documents/{ids['resource']}"
    assert api_client.delete(url).status_code == 204
    assert not folder.exists()
    assert api_client.get(url).status_code == 410
    assert api_client.delete(url).status_code == 410
    job = Job.objects.get()
    assert job.expires_at == job.expired_at


def test_delete_waits_for_the_job_to_finish(api_client, service):
    ids = api_client.post(
        f"{base(service)}/async-predict",
        {"file": documents.upload("inv.pdf", INVOICE_PDF)},
        format="multipart",
    ).json()
    response = api_client.delete(f"{base(service)}/predicted-documents/{ids['resource']}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "job_not_finished"
    assert Path(Job.objects.get().document.file.path).is_file()


def test_delete_after_fetch_removes_the_result_once_it_was_read(submit, api_client, service):
    service.delete_after_fetch = True
    service.save()
    ids = submit("inv.pdf", INVOICE_PDF).json()
    folder = Path(Job.objects.get().document.file.path).parent
    url = f"{base(service)}/predicted-documents/{ids['resource']}?include=ocr"
    first = api_client.get(url)
    assert first.status_code == 200
    assert "INV-31" in first.json()["document_pages"][0]["text"]
    assert not folder.exists()
    assert api_client.get(url).status_code == 410


def test_old_queue_history_is_purged(settings):
    now = timezone.now()
    old = now - timedelta(seconds=settings.DOCPLATFORM_QUEUE_HISTORY_SECONDS + 60)
    for name, stopped in (("old", old), ("recent", now)):
        Task.objects.create(
            id=uuid.uuid4().hex,
            name=name,
            func="jobs.tasks.job_process",
            started=stopped,
            stopped=stopped,
            success=name == "old",
        )
    Task.objects.create(
        id=uuid.uuid4().hex,
        name="old-failure",
        func="jobs.tasks.job_process",
        started=old,
        stopped=old,
        success=False,
    )
    counts = retention.retention_purge(now=now)
    assert counts["queue_history"] == 2
    assert list(Task.objects.values_list("name", flat=True)) == ["recent"]


def test_the_retention_schedule_exists():
    schedule = Schedule.objects.get(name="retention-purge")
    assert schedule.func == "jobs.tasks.retention_purge"
    assert schedule.schedule_type == Schedule.MINUTES
