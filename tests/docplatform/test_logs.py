"""Request ids: answered to the client, stored on the job, and in the worker's JSON log lines."""

from __future__ import annotations

import json
import logging

import pytest

from docplatform.logs import RequestIdFilter, request_id_bound
from docplatform.services import api_key_create, service_create
from jobs.models import Job
from tests import documents
from tests.http import request
from webhooks import services as webhooks

PDF = documents.text_pdf(["Invoice L-1", "Total 2.00 EUR"])


def post(api_client, service, request_id: str):
    return api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("a.pdf", PDF)},
        format="multipart",
        HTTP_X_REQUEST_ID=request_id,
    )


def test_a_clients_request_id_is_answered_and_stored_on_its_job(api_client, service):
    response = post(api_client, service, "order-42-abcdef")
    assert response["X-Request-ID"] == "order-42-abcdef"
    assert Job.objects.get().request_id == "order-42-abcdef"


def test_an_unusable_request_id_is_replaced_by_a_fresh_one(api_client, service):
    response = post(api_client, service, "bad id; with spaces")
    fresh = response["X-Request-ID"]
    assert len(fresh) == 32 and "\n" not in fresh
    assert Job.objects.get().request_id == fresh


def test_log_records_carry_the_bound_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    with request_id_bound("req-123456"):
        RequestIdFilter().filter(record)
    assert record.request_id == "req-123456"
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {"DOCPLATFORM_LOG_FORMAT": "json", "DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}


@pytest.mark.e2e
def test_one_request_id_follows_a_document_from_submit_to_worker_to_webhook(
    live_server, worker, receiver, settings
):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    service = service_create(name="Traced")
    _, key = api_key_create(service=service, name="k")
    webhooks.endpoint_create(service=service, url=receiver.url)
    reply = request(
        "POST",
        f"{live_server.url}/api/v1/inference/service/{service.public_id}/async-predict",
        headers={"x-api-key": key, "X-Request-ID": "trace-0001-submit"},
        files={"file": ("inv.pdf", PDF)},
    )
    assert reply.status == 200, reply.body
    assert len(receiver.wait_for(1)) == 1
    log = settings.MEDIA_ROOT.parent / "qcluster.log"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    traced = {line["logger"] for line in lines if line.get("request_id") == "trace-0001-submit"}
    assert {"jobs.tasks", "webhooks.tasks"} <= traced
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
