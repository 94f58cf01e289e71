"""A request's own OCR language: checked as a service's setting is, kept on the job, and read by
the worker before the service's and the platform's."""

from __future__ import annotations

import hashlib

import pytest

from jobs import idempotency, services
from jobs.models import Document, Job
from tests import documents

pytestmark = pytest.mark.django_db

PDF = documents.text_pdf(["Rechnung 4711", "Gesamtbetrag 119,00 EUR"])


def post(api_client, service, endpoint: str = "async-predict", headers=None, **fields: str):
    return api_client.post(
        f"/api/v1/inference/service/{service.public_id}/{endpoint}",
        {"file": documents.upload("rechnung.pdf", PDF), **fields},
        format="multipart",
        **(headers or {}),
    )


def test_a_submit_may_name_its_ocr_language_and_the_job_keeps_it(api_client, service):
    response = post(api_client, service, ocr_language="eng+deu")
    assert response.status_code == 200, response.json()
    assert Job.objects.get(pk=response.json()["job"]).ocr_language == "eng+deu"


def test_the_job_status_shows_the_ocr_language_the_submit_named(api_client, service):
    named = post(api_client, service, ocr_language="eng+deu").json()["job"]
    plain = post(api_client, service).json()["job"]
    jobs = f"/api/v1/inference/service/{service.public_id}/jobs"
    assert api_client.get(f"{jobs}/{named}").json()["ocr_language"] == "eng+deu"
    assert api_client.get(f"{jobs}/{plain}").json()["ocr_language"] is None


def test_a_submit_without_ocr_language_keeps_the_job_blank(api_client, service):
    response = post(api_client, service)
    assert response.status_code == 200, response.json()
    assert Job.objects.get(pk=response.json()["job"]).ocr_language == ""


@pytest.mark.parametrize("value", ["klingon", "eng+", "eng+klingon", "+", "osd", "eng+equ"])
def test_a_language_that_is_not_installed_is_refused_and_nothing_is_stored(
    api_client, service, media_root, value
):
    response = post(api_client, service, ocr_language=value)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_ocr_language"
    assert error["param"] == "ocr_language"
    assert "installed: " in error["message"]
    assert not Job.objects.exists() and not Document.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_the_default_engine_completes_a_job_whose_request_named_a_language(submit, settings):
    settings.DOCPLATFORM_OCR_ENGINE = "rapidocr"
    response = submit("rechnung.pdf", PDF, ocr_language="deu")
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == Job.Status.COMPLETED, job.error_code
    assert job.ocr_language == "deu"


def test_the_workers_limits_read_the_requests_language_over_the_services(api_client, service):
    service.settings = {"ocr_engine": "tesseract", "ocr_language": "deu"}
    service.full_clean()
    service.save()
    asked = Job.objects.get(pk=post(api_client, service, ocr_language="eng").json()["job"])
    plain = Job.objects.get(pk=post(api_client, service).json()["job"])

    limits = services.extraction_limits(job=asked, preview_dir="previews")
    assert (limits.ocr_engine, limits.lang) == ("tesseract", "eng")
    assert services.extraction_limits(job=plain, preview_dir="previews").lang == "deu"


def test_without_a_request_or_service_language_the_worker_reads_the_platforms(
    api_client, service, settings
):
    settings.DOCPLATFORM_OCR_LANG = "eng"
    job = Job.objects.get(pk=post(api_client, service).json()["job"])
    assert services.extraction_limits(job=job, preview_dir="previews").lang == "eng"


def test_the_synchronous_predict_keeps_the_requests_language_on_a_pushed_job(api_client, service):
    fields = {"push_result_on_platform": "always", "ocr_language": "deu"}
    response = post(api_client, service, endpoint="predict", **fields)
    assert response.status_code == 200, response.json()
    assert Job.objects.get().ocr_language == "deu"


def test_the_synchronous_predict_refuses_a_language_that_is_not_installed(api_client, service):
    response = post(api_client, service, endpoint="predict", ocr_language="klingon")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_ocr_language"
    assert not Job.objects.exists()


def test_the_same_idempotency_key_with_another_ocr_language_is_refused(api_client, service):
    key = {"HTTP_IDEMPOTENCY_KEY": "order-1"}
    first = post(api_client, service, headers=key, ocr_language="deu")
    again = post(api_client, service, headers=key, ocr_language="deu")
    other = post(api_client, service, headers=key, ocr_language="eng")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Job.objects.count() == 1


def test_a_submit_without_ocr_language_keeps_the_fingerprint_it_had_before():
    digest = hashlib.sha256(b"abc")
    for part in ("alias", "https://example.com/hook", "3600"):
        digest.update(b"\0" + part.encode())
    fingerprint = idempotency.request_fingerprint(
        file_sha256="abc",
        alias="alias",
        webhook_url="https://example.com/hook",
        result_ttl_seconds=3600,
    )
    assert fingerprint == digest.hexdigest()
