"""The inference API: statuses, error codes and service isolation."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from docplatform.services import api_key_create, api_key_revoke, service_create
from jobs.models import Document, Job
from tests import documents

pytestmark = pytest.mark.django_db

INVOICE_PDF = documents.text_pdf(["Invoice number INV-77", "Total 99.50 EUR"])


def predict_url(service_id: str) -> str:
    return f"/api/v1/inference/service/{service_id}/async-predict"


def test_submit_answers_at_once_with_job_and_resource_ids(api_client, service, media_root):
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("inv.pdf", INVOICE_PDF), "alias": "order-7"},
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    job = Job.objects.get(pk=body["job"])
    assert str(job.document.pk) == body["resource"]
    assert body["status"] == "queued"
    assert response["Location"].endswith(f"/jobs/{job.pk}")
    # Stored, not processed: the request path never extracts.
    assert job.status == Job.Status.QUEUED
    document = job.document
    assert document.alias == "order-7"
    assert document.content_type == "application/pdf"
    assert document.original_filename == "inv.pdf"
    assert document.size == len(INVOICE_PDF)
    assert Document.objects.get(pk=body["resource"]).file.read() == INVOICE_PDF


def test_submitted_job_is_processed_when_the_transaction_commits(submit, api_client, service):
    response = submit("inv.pdf", INVOICE_PDF)
    job_id = response.json()["job"]
    status = api_client.get(f"/api/v1/inference/service/{service.public_id}/jobs/{job_id}")
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "completed"
    assert body["progress"] == {"pages_done": 1, "pages_total": 1}
    assert body["error"] is None
    assert body["expires_at"] is not None


def test_job_status_is_202_while_queued(api_client, service):
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("inv.pdf", INVOICE_PDF)},
        format="multipart",
    )
    url = f"/api/v1/inference/service/{service.public_id}/jobs/{response.json()['job']}"
    status = api_client.get(url)
    assert status.status_code == 202
    assert status.json()["status"] == "queued"
    document = api_client.get(
        f"/api/v1/inference/service/{service.public_id}/predicted-documents/"
        f"{response.json()['resource']}?include=ocr"
    )
    # myBiros answers 200 while the job runs, with a partial body.
    assert document.status_code == 200
    body = document.json()
    assert body["document"]["status"] == "RUNNING"
    assert body["document"]["revision_status"] == "pending"
    assert body["document_pages"] == []
    assert body["service_fields"] == {}


def test_predicted_document_includes_text_and_word_boxes_on_request(submit, api_client, service):
    resource = submit("inv.pdf", INVOICE_PDF).json()["resource"]
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{resource}"
    plain = api_client.get(url).json()
    page = plain["document_pages"][0]
    # Parts not asked for are present, empty.
    assert (page["ocr"], page["text"], plain["service_fields"]) == ([], "", {})
    assert page["source"] == "text-layer"
    full = api_client.get(url + "?include=ocr&include=service_fields").json()
    page = full["document_pages"][0]
    assert "INV-77" in page["text"]
    inv = next(w for w in page["ocr"] if w["Text"] == "INV-77")
    (left, top), (right, top_right), (right_bottom, bottom), (left_bottom, _) = inv["BoundingBox"]
    assert 0 <= left < right <= page["width"] and 0 <= top < bottom <= page["height"]
    assert (top_right, right_bottom, left_bottom) == (top, right, left)
    assert 0 < inv["Confidence"] <= 100
    # A text service's one field is the whole text.
    assert full["service_fields"]["text"]["tag_multiple_values"] is False
    assert page["entities"]["text"]["value"] == page["text"]
    assert page["entities"]["text"]["band"] == "high"


def test_unknown_include_is_refused(submit, api_client, service):
    resource = submit("inv.pdf", INVOICE_PDF).json()["resource"]
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{resource}"
    response = api_client.get(url + "?include=everything")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_include"


def test_missing_api_key_is_401(service):
    response = APIClient().post(predict_url(service.public_id), {}, format="multipart")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"
    assert "WWW-Authenticate" in response


def test_unknown_api_key_is_401(service):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY="dpk_000000000000.not-a-real-key")
    response = client.get(f"/api/v1/inference/service/{service.public_id}/jobs")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_a_key_with_a_wrong_secret_is_401(service, api_key):
    key, raw = api_key
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw[:-2] + "xx")
    assert client.get(f"/api/v1/inference/service/{service.public_id}/jobs").status_code == 401


def test_revoked_key_is_401(api_client, service, api_key):
    api_key_revoke(api_key=api_key[0])
    response = api_client.get(f"/api/v1/inference/service/{service.public_id}/jobs")
    assert response.status_code == 401


def test_expired_key_is_401(service):
    _, raw = api_key_create(
        service=service, name="old", expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    assert client.get(f"/api/v1/inference/service/{service.public_id}/jobs").status_code == 401


def test_unknown_service_is_404(api_client):
    response = api_client.post(
        predict_url("svc_doesnotexist"),
        {"file": documents.upload("a.pdf", INVOICE_PDF)},
        format="multipart",
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "service_not_found"


def test_a_key_of_one_service_cannot_see_another_services_job(submit, service, other_service):
    job_id = submit("inv.pdf", INVOICE_PDF).json()["job"]
    resource = Job.objects.get(pk=job_id).document.pk
    _, other_raw = api_key_create(service=other_service, name="other")
    other = APIClient()
    other.credentials(HTTP_X_API_KEY=other_raw)
    # Through its own service id: the job is not there.
    mine = f"/api/v1/inference/service/{other_service.public_id}"
    assert other.get(f"{mine}/jobs/{job_id}").status_code == 404
    assert other.get(f"{mine}/predicted-documents/{resource}").status_code == 404
    assert other.get(f"{mine}/jobs").json()["results"] == []
    # Through the owner's service id: the service is not its own, and says nothing more.
    theirs = f"/api/v1/inference/service/{service.public_id}"
    response = other.get(f"{theirs}/jobs/{job_id}")
    assert response.status_code == 404
    assert other.get(f"{theirs}/predicted-documents/{resource}").status_code == 404
    assert response.json() == other.get(f"{theirs}/jobs/{uuid.uuid4()}").json()


def test_unknown_or_malformed_job_id_is_404(api_client, service):
    base = f"/api/v1/inference/service/{service.public_id}"
    assert api_client.get(f"{base}/jobs/{uuid.uuid4()}").status_code == 404
    response = api_client.get(f"{base}/jobs/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "job_not_found"
    assert api_client.get(f"{base}/predicted-documents/nope").status_code == 404


def test_missing_file_is_422(api_client, service):
    response = api_client.post(predict_url(service.public_id), {"alias": "x"}, format="multipart")
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "file_missing",
        "message": "Send the document as the multipart form field 'file'.",
        "param": "file",
    }


def test_empty_file_is_422(api_client, service):
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("empty.pdf", b"")},
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "file_empty"


def test_unsupported_file_type_is_422_whatever_its_name(api_client, service):
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("invoice.pdf", b"PK\x03\x04 this is a zip archive")},
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_file_type"
    assert not Job.objects.exists()


def test_file_over_the_size_limit_is_413(api_client, service, settings):
    settings.DOCPLATFORM_MAX_UPLOAD_BYTES = 1000
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 2000)},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert not Job.objects.exists()


def test_oversized_request_is_refused_before_its_body_is_read(api_client, service, settings):
    settings.DOCPLATFORM_MAX_UPLOAD_BYTES = 1000
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 200_000)},
        format="multipart",
    )
    assert response.status_code == 413


def test_job_list_is_newest_first_paginated_and_filterable(submit, api_client, service):
    ids = [submit(f"doc{i}.pdf", INVOICE_PDF).json()["job"] for i in range(3)]
    Job.objects.filter(pk=ids[0]).update(status=Job.Status.FAILED, error_code="corrupt_file")
    base = f"/api/v1/inference/service/{service.public_id}/jobs"
    first = api_client.get(base + "?page_size=2").json()
    assert [j["id"] for j in first["results"]] == [ids[2], ids[1]]
    second = api_client.get(first["next"]).json()
    assert [j["id"] for j in second["results"]] == [ids[0]]
    assert second["next"] is None
    failed = api_client.get(base + "?status=failed").json()["results"]
    assert [j["id"] for j in failed] == [ids[0]]
    assert failed[0]["error"]["code"] == "corrupt_file"
    bad = api_client.get(base + "?status=exploded")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_status"


def test_unknown_api_path_answers_json_404(api_client):
    response = api_client.get("/api/v1/inference/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_schema_and_swagger_ui_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/inference/service/{service_id}/async-predict" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI is served from our own static files, not a CDN.
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_each_page_has_a_preview_image_for_its_own_service_only(
    submit, api_client, service, other_service
):
    content = documents.text_pdf(["Page one of two"], ["Page two of two"])
    resource = submit("two.pdf", content).json()["resource"]
    base = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{resource}"
    pages = api_client.get(base).json()["document_pages"]
    assert [p["preview_url"].endswith(f"/pages/{p['page']}/preview") for p in pages] == [
        True,
        True,
    ]
    response = api_client.get(f"{base}/pages/2/preview")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    # A4 at about 150 dpi.
    assert image.format == "WEBP"
    assert 1200 <= image.height <= 1800
    assert api_client.get(f"{base}/pages/3/preview").status_code == 404
    _, other_raw = api_key_create(service=other_service, name="other")
    other = APIClient()
    other.credentials(HTTP_X_API_KEY=other_raw)
    assert other.get(f"{base}/pages/1/preview").status_code == 404
    mine = f"/api/v1/inference/service/{other_service.public_id}/predicted-documents/{resource}"
    assert other.get(f"{mine}/pages/1/preview").status_code == 404


def _jobs_with_results(service, count: int) -> None:
    for number in range(count):
        job = Job.objects.create(service=service, status=Job.Status.COMPLETED)
        Document.objects.create(
            service=service,
            job=job,
            original_filename=f"d{number}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            result={"pages": [{"text": "x" * 1000}]},
        )


def test_listing_jobs_takes_as_many_queries_for_forty_rows_as_for_two(
    api_client, service, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/api/v1/inference/service/{service.public_id}/jobs"
    _jobs_with_results(service, 2)
    with CaptureQueriesContext(connection) as two:
        assert len(api_client.get(url).json()["results"]) == 2
    _jobs_with_results(service, 38)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(api_client.get(url).json()["results"]) == 40


def test_status_and_list_reads_never_load_a_result(api_client, service):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _jobs_with_results(service, 3)
    job = Job.objects.filter(service=service).first()
    base = f"/api/v1/inference/service/{service.public_id}/jobs"
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(f"{base}?status=completed").status_code == 200
        assert api_client.get(f"{base}/{job.pk}").status_code == 200
    document_reads = [q["sql"] for q in queries.captured_queries if "jobs_document" in q["sql"]]
    assert document_reads
    assert not any('"jobs_document"."result"' in sql for sql in document_reads)


def test_the_status_filter_of_the_job_list_is_served_by_an_index(service):
    from django.db import connection

    from jobs.selectors import job_list_for_service

    jobs = job_list_for_service(service=service, status=Job.Status.QUEUED)[:51]
    sql, params = jobs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # PostgreSQL plans by its statistics: on an empty table any index will do. Give it
            # the backlog the index is for: thousands of queued jobs, this service's and
            # another's, behind their finished ones.
            other = service_create(name="Other")
            Job.objects.bulk_create(
                Job(service=owner, status=Job.Status.QUEUED if n % 2 else Job.Status.COMPLETED)
                for owner in (service, other)
                for n in range(4000)
            )
            cursor.execute("ANALYZE jobs_job")
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "job_service_status_created" in plan
    assert "TEMP B-TREE" not in plan  # no sort: the index gives the order


@pytest.fixture
def queue_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in production: a submit only inserts the queue's row; no task runs here."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)


def _submit_statements(api_client, service, **headers: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(
            predict_url(service.public_id),
            {"file": documents.upload("inv.pdf", INVOICE_PDF)},
            format="multipart",
            **headers,
        )
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_submit_reads_only_its_api_key_and_writes_its_rows_in_one_transaction(
    api_client, service, queue_only
):
    # The first request of a minute also records the key's last use: not counted here.
    _submit_statements(api_client, service)
    statements = _submit_statements(api_client, service)
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "docplatform_apikey" in reads[0]
    # The key, the transaction's two ends, one usage upsert and the job, document and queue
    # rows: the plan headers come from the upsert's RETURNING, not from a read.
    assert len(statements) <= 7, statements


def test_a_submit_with_an_idempotency_key_adds_only_the_keys_insert_and_its_completion(
    api_client, service, queue_only
):
    _submit_statements(api_client, service)
    plain = _submit_statements(api_client, service)
    keyed = _submit_statements(api_client, service, HTTP_IDEMPOTENCY_KEY="order-1")
    assert len(keyed) <= len(plain) + 2, keyed


def test_a_submits_optional_fields_are_still_validated_and_trimmed(api_client, service):
    url = predict_url(service.public_id)
    too_long = api_client.post(
        url,
        {"file": documents.upload("inv.pdf", INVOICE_PDF), "alias": "x" * 256},
        format="multipart",
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["param"] == "alias"
    not_a_url = api_client.post(
        url,
        {"file": documents.upload("inv.pdf", INVOICE_PDF), "webhook_url": "not a url"},
        format="multipart",
    )
    assert not_a_url.status_code == 422
    assert not_a_url.json()["error"]["param"] == "webhook_url"
    trimmed = api_client.post(
        url,
        {"file": documents.upload("inv.pdf", INVOICE_PDF), "alias": "  order-8  "},
        format="multipart",
    )
    assert Document.objects.get(pk=trimmed.json()["resource"]).alias == "order-8"


def test_a_submit_of_the_file_alone_has_no_alias_webhook_or_ocr_language(api_client, service):
    response = api_client.post(
        predict_url(service.public_id),
        {"file": documents.upload("inv.pdf", INVOICE_PDF)},
        format="multipart",
    )
    job = Job.objects.get(pk=response.json()["job"])
    assert (job.document.alias, job.webhook_url, job.ocr_language) == ("", "", "")
