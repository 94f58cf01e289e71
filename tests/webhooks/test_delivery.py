"""Delivery limits: a hard deadline, a lease longer than it, and a lane of its own."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from tests import documents
from webhooks import services
from webhooks.models import EventType, WebhookAttempt, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trickler() -> Iterator[int]:
    """A receiver that answers one byte every half second, forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.recv(65536)
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
                    if stop.is_set():
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(0.5)
            except OSError:
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    server.close()


@pytest.fixture
def event(
    service, settings, submit, trickler, monkeypatch, django_capture_on_commit_callbacks
) -> WebhookEvent:
    """A job.completed event to the trickling receiver, queued (not yet delivered)."""
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.DOCPLATFORM_WEBHOOK_TIMEOUT_SECONDS = 1
    settings.DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS = 2
    job_id = submit("a.pdf", documents.text_pdf(["x"])).json()["job"]
    services.endpoint_create(service=service, url=f"http://127.0.0.1:{trickler}/hook")
    monkeypatch.setattr(Conf, "SYNC", False)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_event_emit(job_id=job_id, event_type=EventType.JOB_COMPLETED)
    return WebhookEvent.objects.get()


def test_a_receiver_trickling_bytes_is_cut_off_at_the_deadline(event):
    started = time.monotonic()
    services.event_deliver(event_id=event.pk)
    took = time.monotonic() - started
    attempt = WebhookAttempt.objects.get(event=event)
    assert not attempt.succeeded
    assert "deadline" in attempt.error
    assert took < 2 + 1.5, took
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PENDING


def test_a_claim_lasts_longer_than_the_deadline_so_no_event_is_sent_twice_at_once(event, settings):
    assert services.event_claim(event_id=event.pk) == 1
    event.refresh_from_db()
    held = (event.lease_until - timezone.now()).total_seconds()
    assert held > settings.DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS + 20
    assert services.event_claim(event_id=event.pk) is None


def test_deliveries_are_queued_in_their_own_lane(event, settings):
    assert list(OrmQ.objects.values_list("key", flat=True)) == [settings.WEBHOOK_CLUSTER]


def test_a_lane_that_takes_no_due_delivery_is_stalled_and_one_that_tries_is_not(event, settings):
    from datetime import timedelta

    from webhooks.selectors import deliveries_stalled

    settings.DOCPLATFORM_STALL_SECONDS = 30
    now = timezone.now()
    # Just due: the lane still has time to take it.
    WebhookEvent.objects.update(next_attempt_at=now - timedelta(seconds=5))
    assert not deliveries_stalled(now=now)
    # Due for longer than the stall period, nothing sending, nothing tried: stalled.
    WebhookEvent.objects.update(next_attempt_at=now - timedelta(seconds=60))
    assert deliveries_stalled(now=now)
    # One being sent under a live lease: the lane works.
    WebhookEvent.objects.update(status=WebhookEvent.Status.SENDING, lease_until=now + timedelta(1))
    assert not deliveries_stalled(now=now)
    # A receiver that keeps failing: tries are being made, so the lane works.
    WebhookEvent.objects.update(status=WebhookEvent.Status.PENDING, lease_until=None)
    WebhookAttempt.objects.create(
        event=event, number=1, attempted_at=now - timedelta(seconds=10), error="refused"
    )
    assert not deliveries_stalled(now=now)
