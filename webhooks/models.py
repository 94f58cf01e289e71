"""Webhook endpoints, the outbox of events to deliver, and the log of delivery attempts."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from docplatform.models import Service
from jobs.models import Job


class EventType(models.TextChoices):
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    DOCUMENT_APPROVED = "document.approved"
    DOCUMENT_REJECTED = "document.rejected"


def default_events() -> list[str]:
    return [EventType.JOB_COMPLETED.value, EventType.JOB_FAILED.value]


class WebhookEndpoint(models.Model):
    """A receiver registered for one service; it gets the events it subscribed to.

    ``secret`` (``whsec_…``) signs every delivery as Standard Webhooks specifies. It has to be
    stored in clear to compute signatures; the admin shows it once, when it is created.
    An endpoint is disabled (``is_active`` off, ``disabled_reason`` set) when an event
    exhausts its retries without any delivery to the endpoint succeeding in the meantime.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=default_events)
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["service", "url"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One event for one target: the outbox row, written with the state change it reports.

    States: ``pending`` (due at ``next_attempt_at``) → ``sending`` (claimed by a worker until
    ``lease_until``) → ``delivered`` | back to ``pending`` (failed try, later
    ``next_attempt_at``) | ``failed`` (tries exhausted, endpoint disabled or target refused).
    ``id`` is the ``webhook-id`` receivers deduplicate on; ``payload`` is the exact body, so
    every try sends the same bytes.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DELIVERED = "delivered"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="webhook_events")
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events_sent",
        help_text="Empty for the job's own webhook_url.",
    )
    url = models.URLField(max_length=2000)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    # Tells apart repeated events of one type about one job: empty for job events (a job
    # finishes once), the decision's time for document decisions (a document may be approved,
    # reopened and approved again).
    occurrence = models.CharField(max_length=64, blank=True, default="")
    payload = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One event per subject, target, type and occurrence, however often the job is
            # retried.
            models.UniqueConstraint(
                fields=["job", "endpoint", "event_type", "occurrence"],
                condition=Q(endpoint__isnull=False),
                name="webhook_event_once_per_endpoint",
            ),
            models.UniqueConstraint(
                fields=["job", "url", "event_type", "occurrence"],
                condition=Q(endpoint__isnull=True),
                name="webhook_event_once_per_url",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_event_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.url}"


class WebhookAttempt(models.Model):
    """One try to deliver an event: what came back and how long it took."""

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="attempts_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField(default=timezone.now)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["event", "attempted_at"]

    def __str__(self) -> str:
        return f"#{self.number} {self.response_status or self.error}"
