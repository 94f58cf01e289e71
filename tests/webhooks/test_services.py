"""Webhook delivery through the outbox, to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.conf import settings as django_settings
from django_q.models import Schedule

from jobs import services as job_services
from jobs.models import Job
from tests import documents
from tests.webhooks.receiver import Receiver, verify
from webhooks import services
from webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

INVOICE_PDF = documents.text_pdf(["Invoice INV-9", "Total 12.00 EUR"])


@pytest.fixture(autouse=True)
def allow_local_receiver(settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS = 0.2


@pytest.fixture
def endpoint(service, receiver) -> tuple[WebhookEndpoint, str]:
    return services.endpoint_create(service=service, url=receiver.url)


def run_due_deliveries(receiver: Receiver, count: int, *, seconds: float = 30) -> None:
    """Do what the every-minute schedule does, often, until ``count`` requests arrived."""
    deadline = time.monotonic() + seconds
    while len(receiver.received) < count and time.monotonic() < deadline:
        services.events_dispatch_due()
        time.sleep(0.02)


def test_a_completed_job_is_delivered_once_and_verifiably_signed(
    submit, api_client, service, endpoint, receiver
):
    _, secret = endpoint
    job_id = submit("inv.pdf", INVOICE_PDF).json()["job"]
    [delivery] = receiver.received
    assert verify(secret, delivery)
    body = delivery.json()
    event = WebhookEvent.objects.get()
    assert body["id"] == str(event.id) == delivery.headers["webhook-id"]
    assert body["type"] == "job.completed"
    assert delivery.headers["content-type"] == "application/json"
    polled = api_client.get(f"/api/v1/inference/service/{service.public_id}/jobs/{job_id}").json()
    for url in ("status_url", "resource_url"):
        assert (
            body["data"][url]
            == django_settings.DOCPLATFORM_PUBLIC_URL + polled.pop(url)[len("http://testserver") :]
        )
        body["data"].pop(url)
    assert body["data"] == polled
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.DELIVERED, 1)
    # A duplicate task for the delivered event sends nothing.
    services.event_deliver(event_id=event.id)
    assert len(receiver.received) == 1


def test_a_tampered_body_does_not_verify(submit, endpoint, receiver):
    _, secret = endpoint
    submit("inv.pdf", INVOICE_PDF)
    [delivery] = receiver.received
    delivery.body = delivery.body.replace(b"job.completed", b"job.failed")
    assert not verify(secret, delivery)


def test_a_failed_job_sends_job_failed(submit, endpoint, receiver):
    submit("broken.pdf", documents.CORRUPT_PDF)
    [delivery] = receiver.received
    body = delivery.json()
    assert body["type"] == "job.failed"
    assert body["data"]["error"]["code"] == "corrupt_file"


def test_an_event_is_recorded_once_per_job_endpoint_and_type(submit, endpoint, receiver):
    job_id = submit("inv.pdf", INVOICE_PDF).json()["job"]
    assert services.job_event_emit(job_id=job_id, event_type="job.completed")
    assert WebhookEvent.objects.filter(job_id=job_id).count() == 1
    assert len(receiver.received) == 1


def test_a_stale_run_finishing_a_job_emits_no_second_event(api_client, service, endpoint):
    response = api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("inv.pdf", INVOICE_PDF)},
        format="multipart",
    )
    job = Job.objects.get(pk=response.json()["job"])
    token = job_services.job_claim(job_id=job.pk)
    assert job_services.job_complete(job_id=job.pk, run_token=token, result={}, page_count=1)
    assert not job_services.job_fail(job_id=job.pk, run_token=token, code="x", message="late")
    assert list(WebhookEvent.objects.values_list("event_type", flat=True)) == ["job.completed"]


def test_endpoints_only_get_the_events_they_subscribed_to(submit, service, receiver):
    services.endpoint_create(service=service, url=receiver.url, events=["job.failed"])
    submit("inv.pdf", INVOICE_PDF)
    assert WebhookEvent.objects.count() == 0
    assert receiver.received == []


def test_inactive_endpoints_get_nothing(submit, endpoint, receiver):
    WebhookEndpoint.objects.update(is_active=False)
    submit("inv.pdf", INVOICE_PDF)
    assert receiver.received == []


def test_a_failing_receiver_gets_retries_with_growing_delays(submit, service):
    receiver = Receiver(statuses=[500, 503, 500, 204]).start()
    try:
        services.endpoint_create(service=service, url=receiver.url)
        submit("inv.pdf", INVOICE_PDF)
        run_due_deliveries(receiver, 4)
    finally:
        receiver.stop()
    arrivals = [delivery.at for delivery in receiver.received]
    assert len(arrivals) == 4
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert gaps[0] < gaps[1] < gaps[2]
    # Every try carries the same event id and body.
    assert len({(d.headers["webhook-id"], d.body) for d in receiver.received}) == 1
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.DELIVERED
    log = list(event.attempts_log.values_list("response_status", "succeeded"))
    assert log == [(500, False), (503, False), (500, False), (204, True)]
    assert all(a.duration_ms >= 0 for a in event.attempts_log.all())


def test_an_endpoint_is_disabled_when_every_try_of_an_event_fails(submit, service, settings):
    settings.DOCPLATFORM_WEBHOOK_MAX_ATTEMPTS = 3
    settings.DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS = 0.01
    receiver = Receiver(statuses=[500]).start()
    try:
        endpoint, _ = services.endpoint_create(service=service, url=receiver.url)
        submit("inv.pdf", INVOICE_PDF)
        run_due_deliveries(receiver, 3)
        time.sleep(0.1)
        services.events_dispatch_due()
    finally:
        receiver.stop()
    assert len(receiver.received) == 3
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == (WebhookEvent.Status.FAILED, 3)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert str(event.pk) in endpoint.disabled_reason


def test_a_redirect_is_a_failure_and_is_not_followed(submit, service):
    target = Receiver().start()
    redirecting = Receiver(statuses=[302], location="").start()
    redirecting.location = target.url
    try:
        services.endpoint_create(service=service, url=redirecting.url)
        submit("inv.pdf", INVOICE_PDF)
    finally:
        redirecting.stop()
        target.stop()
    assert len(redirecting.received) == 1
    assert target.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_status == 302 and not attempt.succeeded
    assert "redirects are not followed" in attempt.error
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING


def test_a_target_that_became_private_is_refused_at_delivery(submit, endpoint, receiver, settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = []
    submit("inv.pdf", INVOICE_PDF)
    assert receiver.received == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.error.startswith("Refused:") and attempt.response_status is None


def test_redeliver_sends_a_delivered_event_again(submit, endpoint, receiver):
    submit("inv.pdf", INVOICE_PDF)
    event = WebhookEvent.objects.get()
    services.event_redeliver(event=event)
    run_due_deliveries(receiver, 2)
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert event.attempts_log.count() == 2


def test_a_per_request_webhook_url_gets_the_jobs_events_signed_with_the_service_secret(
    submit, service, receiver
):
    submit("inv.pdf", INVOICE_PDF, webhook_url=receiver.url + "?job=mine")
    service.refresh_from_db()
    [delivery] = receiver.received
    assert delivery.path == "/hooks?job=mine"
    assert verify(service.webhook_secret, delivery)
    assert delivery.json()["type"] == "job.completed"


def test_a_private_webhook_url_is_refused_at_submit(api_client, service, settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = []
    response = api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("inv.pdf", INVOICE_PDF), "webhook_url": "http://10.0.0.7/x"},
        format="multipart",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_webhook_url"
    assert Job.objects.count() == 0


def test_document_events_reach_endpoints_subscribed_to_them(
    submit, service, receiver, django_capture_on_commit_callbacks
):
    _, secret = services.endpoint_create(
        service=service, url=receiver.url, events=["document.approved"]
    )
    submit("inv.pdf", INVOICE_PDF)
    document = Job.objects.get().document
    with django_capture_on_commit_callbacks(execute=True):
        services.event_emit(document=document, event_type="document.approved")
        services.event_emit(document=document, event_type="document.approved")
    [delivery] = receiver.received
    assert verify(secret, delivery)
    body = delivery.json()
    assert body["type"] == "document.approved"
    # The predicted document as the API answers it.
    assert body["data"]["document"]["id"] == str(document.pk)
    assert body["data"]["document"]["status"] == "COMPLETED"


def test_an_unknown_event_type_is_rejected(submit, service):
    submit("inv.pdf", INVOICE_PDF)
    with pytest.raises(ValueError):
        services.event_emit(document=Job.objects.get().document, event_type="document.eaten")


def test_secrets_follow_the_standard_webhooks_format(endpoint):
    _, secret = endpoint
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[len("whsec_") :])) >= 24


def test_the_dispatch_schedule_runs_every_minute():
    schedule = Schedule.objects.get(name="webhooks-dispatch")
    assert schedule.func == "webhooks.tasks.webhooks_dispatch"
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)


def test_payload_is_compact_json_with_the_envelope(submit, endpoint, receiver):
    submit("inv.pdf", INVOICE_PDF)
    body = json.loads(receiver.received[0].body)
    assert set(body) == {"id", "type", "created_at", "data"}
    assert body["created_at"].endswith("Z")
