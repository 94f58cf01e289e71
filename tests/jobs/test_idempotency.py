"""Idempotency-Key on async-predict: replay, reuse with another request, concurrency, expiry."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from docplatform.services import api_key_create, service_create
from jobs import idempotency, retention
from jobs.models import Document, IdempotencyKey, Job
from tests import documents
from tests.http import request

FIRST_PDF = documents.text_pdf(["First invoice"])
SECOND_PDF = documents.text_pdf(["Second invoice"])


def predict(api_client, service, content: bytes, key: str | None, **fields: str):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("doc.pdf", content), **fields},
        format="multipart",
        **headers,
    )


@pytest.mark.django_db
def test_the_same_key_and_file_replay_the_first_answer_and_create_nothing(api_client, service):
    first = predict(api_client, service, FIRST_PDF, "order-1")
    again = predict(api_client, service, FIRST_PDF, "order-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == Document.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_file_is_refused(api_client, service):
    predict(api_client, service, FIRST_PDF, "order-1")
    response = predict(api_client, service, SECOND_PDF, "order-1")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_alias_is_refused(api_client, service):
    predict(api_client, service, FIRST_PDF, "order-1", alias="a")
    response = predict(api_client, service, FIRST_PDF, "order-1", alias="b")
    assert response.status_code == 422


@pytest.mark.django_db
def test_a_request_while_the_first_is_being_accepted_conflicts(api_client, service):
    fingerprint = idempotency.request_fingerprint(
        file_sha256=hashlib.sha256(FIRST_PDF).hexdigest(),
        alias="",
        webhook_url="",
        result_ttl_seconds=None,
    )
    idempotency.idempotency_begin(service=service, key="order-1", fingerprint=fingerprint)
    response = predict(api_client, service, FIRST_PDF, "order-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_progress"
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_a_key_abandoned_by_a_dead_request_is_taken_over(api_client, service, settings):
    fingerprint = idempotency.request_fingerprint(
        file_sha256=hashlib.sha256(FIRST_PDF).hexdigest(),
        alias="",
        webhook_url="",
        result_ttl_seconds=None,
    )
    idempotency.idempotency_begin(service=service, key="order-1", fingerprint=fingerprint)
    stale = timezone.now() - timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_LOCK_SECONDS + 1)
    IdempotencyKey.objects.update(locked_at=stale)
    assert predict(api_client, service, FIRST_PDF, "order-1").status_code == 200
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_to_a_service(api_client, service, other_service):
    predict(api_client, service, FIRST_PDF, "order-1")
    other = api_client.__class__()
    other.credentials(HTTP_X_API_KEY=api_key_create(service=other_service, name="o")[1])
    assert predict(other, other_service, SECOND_PDF, "order-1").status_code == 200
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_keys_expire_after_a_day(api_client, service, settings):
    first = predict(api_client, service, FIRST_PDF, "order-1").json()
    later = timezone.now() + timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS + 1)
    assert retention.retention_purge(now=later)["idempotency_keys"] == 1
    second = predict(api_client, service, SECOND_PDF, "order-1").json()
    assert second["job"] != first["job"]


@pytest.mark.django_db
def test_an_expired_key_not_yet_purged_is_fresh_again(api_client, service, settings):
    predict(api_client, service, FIRST_PDF, "order-1")
    old = timezone.now() - timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS + 1)
    IdempotencyKey.objects.update(created_at=old)
    assert predict(api_client, service, SECOND_PDF, "order-1").status_code == 200
    assert Job.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256])
def test_empty_and_overlong_keys_are_refused(api_client, service, key):
    response = predict(api_client, service, FIRST_PDF, key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


@pytest.mark.django_db
def test_without_a_key_every_submit_creates_a_job(api_client, service):
    predict(api_client, service, FIRST_PDF, None)
    predict(api_client, service, FIRST_PDF, None)
    assert Job.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_validation_does_not_keep_the_key(api_client, service):
    bad = predict(api_client, service, b"not a document", "order-1")
    assert bad.status_code == 422
    assert predict(api_client, service, FIRST_PDF, "order-1").status_code == 200


@pytest.mark.e2e
def test_twenty_concurrent_submits_with_the_same_key_create_one_job(live_server):
    service = service_create(name="Invoices")
    _, key = api_key_create(service=service, name="concurrent")
    url = f"{live_server.url}/api/v1/inference/service/{service.public_id}/async-predict"

    def submit(_: int):
        return request(
            "POST",
            url,
            headers={"x-api-key": key, "Idempotency-Key": "same-key"},
            files={"file": ("doc.pdf", FIRST_PDF)},
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(submit, range(20)))

    assert {reply.status for reply in replies} <= {200, 409}
    accepted = [reply.json() for reply in replies if reply.status == 200]
    assert accepted
    assert len({body["job"] for body in accepted}) == 1
    assert Job.objects.count() == 1
    assert submit(0).json()["job"] == accepted[0]["job"]
