"""Documents in S3-compatible object storage: a real S3 server (moto's, over HTTP) holds the
uploads and previews; nothing is written to the local media folder."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from jobs import retention
from jobs.models import Job
from tests import documents
from tests.conftest import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]

INVOICE_PDF = documents.text_pdf(["Invoice INV-77", "Total 12.50 EUR"])


def base(service) -> str:
    return f"/api/v1/inference/service/{service.public_id}"


def local_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_an_upload_and_its_previews_go_to_the_bucket_and_nothing_to_the_disk(
    s3_storage, submit, service, media_root
):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    job = Job.objects.select_related("document").get(pk=ids["job"])
    assert job.status == Job.Status.COMPLETED, job.error_message
    folder = f"platform/documents/{job.document.created_at:%Y/%m}/{job.document.id}"
    assert s3_storage.names() == [f"{folder}/original.pdf", f"{folder}/page-1.webp"]
    assert s3_storage.read(f"{folder}/original.pdf") == INVOICE_PDF
    assert local_files(media_root) == []


def test_a_preview_is_served_by_the_api_from_the_bucket(s3_storage, submit, api_client, service):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    response = api_client.get(
        f"{base(service)}/predicted-documents/{ids['resource']}/pages/1/preview"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    (name,) = [n for n in s3_storage.names() if n.endswith("page-1.webp")]
    assert b"".join(response.streaming_content) == s3_storage.read(name)


def test_a_missing_preview_object_answers_404_not_500(s3_storage, submit, api_client, service):
    ids = submit("inv.pdf", INVOICE_PDF).json()
    (name,) = [n for n in s3_storage.names() if n.endswith("page-1.webp")]
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=name)
    response = api_client.get(
        f"{base(service)}/predicted-documents/{ids['resource']}/pages/1/preview"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "preview_not_found"


def test_delete_removes_the_documents_objects_from_the_bucket(
    s3_storage, submit, api_client, service
):
    kept = submit("other.pdf", INVOICE_PDF).json()
    ids = submit("inv.pdf", INVOICE_PDF).json()
    assert len(s3_storage.names()) == 4
    url = f"{base(service)}/predicted-documents/{ids['resource']}"
    assert api_client.delete(url).status_code == 204
    remaining = s3_storage.names()
    assert len(remaining) == 2
    assert all(kept["resource"] in name for name in remaining)
    assert api_client.get(url).status_code == 410


def test_retention_removes_expired_documents_from_the_bucket(s3_storage, submit):
    submit("inv.pdf", INVOICE_PDF)
    assert s3_storage.names()
    purged = retention.jobs_purge_expired(now=timezone.now() + timedelta(days=2))
    assert purged == 1
    assert s3_storage.names() == []
    assert Job.objects.get().expired_at is not None
