"""Webhooks for real: a live server, a real qcluster worker and a real receiver."""

from __future__ import annotations

import time

import pytest

from docplatform.models import Service
from docplatform.services import api_key_create, service_create
from jobs.models import Job
from tests import documents
from tests.http import request
from tests.webhooks.receiver import verify
from webhooks import services
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {"DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}


def test_a_job_completion_reaches_a_registered_receiver_once_verifiably_signed(
    live_server, worker, receiver, settings
):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    service = service_create(name="Invoices")
    _, key = api_key_create(service=service, name="e2e")
    _, secret = services.endpoint_create(service=service, url=receiver.url)
    base = f"{live_server.url}/api/v1/inference/service/{service.public_id}"

    reply = request(
        "POST",
        f"{base}/async-predict",
        headers={"x-api-key": key},
        fields={"webhook_url": receiver.url + "/per-request"},
        files={"file": ("inv.pdf", documents.text_pdf(["Invoice 4711"]))},
    )
    assert reply.status == 200, reply.body
    job_id = reply.json()["job"]

    deliveries = receiver.wait_for(2)
    assert len(deliveries) == 2, worker.poll()
    by_path = {delivery.path: delivery for delivery in deliveries}
    registered, per_request = by_path["/hooks"], by_path["/hooks/per-request"]
    assert verify(secret, registered)
    assert verify(Service.objects.get(pk=service.pk).webhook_secret, per_request)
    for delivery in deliveries:
        body = delivery.json()
        assert body["type"] == "job.completed"
        assert body["data"]["job"] == job_id
        assert body["data"]["status"] == "completed"
    assert Job.objects.get(pk=job_id).status == Job.Status.COMPLETED
    events = WebhookEvent.objects.filter(job_id=job_id)
    # The receiver answers before the worker records the delivery: give it a moment.
    deadline = time.monotonic() + 15
    while events.exclude(status="delivered").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(events.values_list("status", "attempts")) == [("delivered", 1)] * 2
    assert len(receiver.received) == 2
