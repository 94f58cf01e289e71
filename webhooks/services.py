"""Writes for webhooks: endpoints and secrets, the outbox, delivery with retries."""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.tasks import async_task

from docplatform.models import Service
from jobs.models import Document, Job
from jobs.serializers import JobSerializer, predicted_document
from webhooks import signing, targets
from webhooks.models import EventType, WebhookAttempt, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

TASK = "webhooks.tasks.webhook_deliver"
USER_AGENT = "docplatform-webhooks/1"


def allowed_targets() -> targets.Allowed:
    return targets.Allowed.parse(settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS)


def webhook_url_check(*, url: str) -> None:
    """Refuse a target that is not a public HTTP(S) host; raises ``targets.TargetRefused``."""
    targets.target_resolve(url, allowed=allowed_targets())


def endpoint_create(
    *, service: Service, url: str, events: list[str] | None = None, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register a receiver; return it with its signing secret (shown to the user once)."""
    webhook_url_check(url=url)
    endpoint = WebhookEndpoint(
        service=service,
        url=url,
        description=description,
        secret=signing.new_secret(),
    )
    if events is not None:
        endpoint.events = [EventType(event).value for event in events]
    endpoint.full_clean()
    endpoint.save()
    return endpoint, endpoint.secret


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> str:
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def service_webhook_secret_rotate(*, service: Service) -> str:
    """A new secret for the deliveries to the per-request ``webhook_url`` of the service's jobs."""
    service.webhook_secret = signing.new_secret()
    service.save(update_fields=["webhook_secret"])
    return service.webhook_secret


def service_webhook_secret_ensure(*, service: Service) -> None:
    """Give a service its per-request webhook secret on first use (an admin action shows a new
    one; until then the receiver cannot verify, which the README explains)."""
    if not service.webhook_secret:
        Service.objects.filter(pk=service.pk, webhook_secret="").update(
            webhook_secret=signing.new_secret()
        )
        service.refresh_from_db(fields=["webhook_secret"])


def _body(*, event_id: uuid.UUID, event_type: str, created_at: datetime, data: Any) -> str:
    envelope = {
        "id": str(event_id),
        "type": event_type,
        "created_at": created_at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"))


def _events_record(
    *, job: Job, event_type: str, data: Any, occurrence: str = ""
) -> list[uuid.UUID]:
    """Write one outbox row per target of ``event_type``; deliver them after commit.

    Runs in the caller's transaction, so the events exist exactly when the state change they
    report does. The unique constraints make a repeated call a no-op.
    """
    wanted: list[tuple[WebhookEndpoint | None, str]] = [
        (endpoint, endpoint.url)
        for endpoint in WebhookEndpoint.objects.filter(service_id=job.service_id, is_active=True)
        if event_type in endpoint.events
    ]
    if job.webhook_url:
        wanted.append((None, job.webhook_url))
    now = timezone.now()
    rows = []
    for endpoint, url in wanted:
        event_id = uuid.uuid4()
        body = _body(event_id=event_id, event_type=event_type, created_at=now, data=data)
        rows.append(
            WebhookEvent(
                id=event_id,
                service_id=job.service_id,
                job=job,
                endpoint=endpoint,
                url=url,
                event_type=event_type,
                occurrence=occurrence,
                payload=body,
                created_at=now,
                next_attempt_at=now,
            )
        )
    if not rows:
        return []
    WebhookEvent.objects.bulk_create(rows, ignore_conflicts=True)
    # Ids of rows the constraints ignored match nothing: their deliveries do nothing.
    ids = [row.id for row in rows]
    transaction.on_commit(lambda: [event_enqueue(event_id=event_id) for event_id in ids])
    return ids


def event_enqueue(*, event_id: uuid.UUID | str) -> None:
    """Queue a delivery in the webhooks' own lane (cluster); a failure is logged, not raised:
    the event is in the outbox, and the dispatcher sends it when it is due."""
    try:
        async_task(TASK, str(event_id), group="webhooks", cluster=settings.WEBHOOK_CLUSTER)
    except Exception:
        logger.exception("webhook event %s: enqueue failed; the dispatcher will send it", event_id)


def job_event_emit(*, job_id: uuid.UUID | str, event_type: str) -> list[uuid.UUID]:
    """Record ``job.completed`` or ``job.failed`` for a job that just finished.

    Call inside the transaction that finished the job; the body is what the job status
    endpoint returns.
    """
    job = Job.objects.select_related("service", "document").get(pk=job_id)
    data = JobSerializer(job, context={"request": None}).data
    return _events_record(job=job, event_type=event_type, data=data)


@transaction.atomic
def event_emit(*, document: Document, event_type: str, occurrence: str = "") -> list[uuid.UUID]:
    """Record a document event (``document.approved``, ``document.rejected``) for delivery.

    The body carries the predicted document as its endpoint returns it (without includes).
    Once per document, target, type and ``occurrence`` (say, the decision's time): emitting
    the same occurrence again does nothing; a new decision is a new event.
    """
    event_type = EventType(event_type).value
    document = Document.objects.select_related("job", "service").get(pk=document.pk)
    data = predicted_document(document, request=None)
    return _events_record(job=document.job, event_type=event_type, data=data, occurrence=occurrence)


def retry_delay(*, attempts: int) -> timedelta:
    """Delay after the ``attempts``-th failed try: exponential (×3) with up to 30 % jitter.

    The jitter spreads retries of many events; it is smaller than the growth, so delays
    still grow from one try to the next.
    """
    base = settings.DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS * 3 ** (attempts - 1)
    return timedelta(seconds=base * (1 + random.uniform(0, 0.3)))


def _lease() -> timedelta:
    """Longer than a delivery can take (its deadline), so no event is sent twice at once."""
    return timedelta(seconds=settings.DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS + 30)


def events_leases_release(*, now: datetime) -> int:
    """Free the events claimed by senders that are known to be dead (see jobs.recovery)."""
    return WebhookEvent.objects.filter(
        status=WebhookEvent.Status.SENDING, lease_until__gt=now
    ).update(lease_until=now)


def event_claim(*, event_id: uuid.UUID | str) -> int | None:
    """Claim a due event for one try; return the try's number, or None if there is none.

    One conditional UPDATE, as for jobs: a duplicate task, an event that is not due yet or one
    already delivered match no row. A claim whose worker died can be taken after its lease.
    """
    now = timezone.now()
    due = Q(status=WebhookEvent.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookEvent.Status.SENDING, lease_until__lt=now
    )
    claimed = WebhookEvent.objects.filter(due, pk=event_id).update(
        status=WebhookEvent.Status.SENDING,
        attempts=F("attempts") + 1,
        lease_until=now + _lease(),
    )
    if not claimed:
        return None
    return WebhookEvent.objects.values_list("attempts", flat=True).get(pk=event_id)


def event_deliver(*, event_id: uuid.UUID | str) -> None:
    """Claim an event, POST it signed, log the attempt and settle the outcome.

    Never raises: failures are logged as attempts and retried through ``next_attempt_at``.
    """
    try:
        uuid.UUID(str(event_id))
    except ValueError:
        return
    number = event_claim(event_id=event_id)
    if number is None:
        return
    event = WebhookEvent.objects.select_related("endpoint", "service").get(pk=event_id)
    endpoint = event.endpoint
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    if endpoint is not None and not endpoint.is_active:
        error = "The endpoint is disabled."
    else:
        secret = endpoint.secret if endpoint is not None else event.service.webhook_secret
        status_code, error = _send(event=event, secret=secret)
    duration_ms = int((time.monotonic() - started) * 1000)
    _settle(
        event=event,
        number=number,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
        final=endpoint is not None and not endpoint.is_active,
    )


def _send(*, event: WebhookEvent, secret: str) -> tuple[int | None, str]:
    body = event.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(
            secret=secret, msg_id=str(event.id), timestamp=int(time.time()), body=body
        ),
    }
    try:
        target = targets.target_resolve(event.url, allowed=allowed_targets())
        status_code = targets.post(
            target,
            body=body,
            headers=headers,
            timeout=settings.DOCPLATFORM_WEBHOOK_TIMEOUT_SECONDS,
            deadline=settings.DOCPLATFORM_WEBHOOK_DEADLINE_SECONDS,
        )
    except targets.TargetRefused as exc:
        return None, f"Refused: {exc}"
    except Exception as exc:  # connection, TLS, timeout, malformed response
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= status_code < 300:
        return status_code, ""
    if 300 <= status_code < 400:
        return status_code, f"HTTP {status_code} (redirects are not followed)"
    return status_code, f"HTTP {status_code}"


@transaction.atomic
def _settle(
    *,
    event: WebhookEvent,
    number: int,
    status_code: int | None,
    error: str,
    duration_ms: int,
    final: bool,
) -> None:
    now = timezone.now()
    succeeded = not error
    WebhookAttempt.objects.create(
        event=event,
        number=number,
        attempted_at=now,
        response_status=status_code,
        duration_ms=duration_ms,
        succeeded=succeeded,
        error=error[:500],
    )
    mine = WebhookEvent.objects.filter(
        pk=event.pk, status=WebhookEvent.Status.SENDING, attempts=number
    )
    if succeeded:
        mine.update(status=WebhookEvent.Status.DELIVERED, delivered_at=now, lease_until=None)
        if event.endpoint_id:
            WebhookEndpoint.objects.filter(pk=event.endpoint_id).update(last_success_at=now)
        return
    if final or number >= settings.DOCPLATFORM_WEBHOOK_MAX_ATTEMPTS:
        if mine.update(status=WebhookEvent.Status.FAILED, lease_until=None, next_attempt_at=None):
            _endpoint_disable_if_failing(event=event, now=now)
        return
    mine.update(
        status=WebhookEvent.Status.PENDING,
        lease_until=None,
        next_attempt_at=now + retry_delay(attempts=number),
    )


def _endpoint_disable_if_failing(*, event: WebhookEvent, now: datetime) -> None:
    """Disable an endpoint that failed every try of an event and had no success since it."""
    if event.endpoint_id is None:
        return
    WebhookEndpoint.objects.filter(pk=event.endpoint_id, is_active=True).filter(
        Q(last_success_at__isnull=True) | Q(last_success_at__lt=event.created_at)
    ).update(
        is_active=False,
        disabled_reason=f"Disabled on {now:%Y-%m-%d %H:%M} UTC: every try of event "
        f"{event.pk} failed.",
    )


def events_dispatch_due(*, limit: int = 500) -> int:
    """Queue the events whose next try is due, and those whose sender died (lease over).

    Runs every minute (a django-q2 schedule); a spare delivery is a no-op thanks to the claim.
    """
    now = timezone.now()
    # A new event was queued when its transaction committed: it is only taken up here when
    # that delivery has not claimed it for a while (lost, or held by a dead cluster).
    fresh_grace = timedelta(seconds=settings.DOCPLATFORM_REDELIVER_SECONDS)
    due = WebhookEvent.objects.filter(
        Q(status=WebhookEvent.Status.PENDING, attempts__gt=0, next_attempt_at__lte=now)
        | Q(status=WebhookEvent.Status.PENDING, attempts=0, next_attempt_at__lte=now - fresh_grace)
        | Q(status=WebhookEvent.Status.SENDING, lease_until__lt=now)
    ).values_list("pk", flat=True)[:limit]
    count = 0
    for event_id in due:
        event_enqueue(event_id=event_id)
        count += 1
    return count


def event_redeliver(*, event: WebhookEvent) -> None:
    """Send an event again now, with a fresh series of tries (the attempt log is kept)."""
    with transaction.atomic():
        WebhookEvent.objects.filter(pk=event.pk).exclude(status=WebhookEvent.Status.SENDING).update(
            status=WebhookEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: event_enqueue(event_id=event.pk))


def events_purge(*, now: datetime | None = None) -> int:
    """Delete delivered and abandoned events (with their attempts) past the history period."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DOCPLATFORM_WEBHOOK_HISTORY_SECONDS)
    from jobs.retention import delete_in_batches

    return delete_in_batches(
        WebhookEvent.objects.filter(
            status__in=[WebhookEvent.Status.DELIVERED, WebhookEvent.Status.FAILED],
            created_at__lt=cutoff,
        )
    )
