"""Reads for webhook deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from docplatform.db import database_now
from webhooks.models import WebhookAttempt, WebhookEvent


def deliveries_stalled(*, now: datetime | None = None) -> bool:
    """Whether the deliveries' lane takes nothing: an event has been due for
    ``DOCPLATFORM_STALL_SECONDS`` while none is being sent and none was tried in that time
    (its cluster wedged, as an extraction cluster can, django-q2#23). A receiver that keeps
    failing is not a stall: its tries are attempts, and its next try is not due yet."""
    now = now or database_now()
    stall = timedelta(seconds=settings.DOCPLATFORM_STALL_SECONDS)
    waiting = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.PENDING, next_attempt_at__lt=now - stall
    ).exists()
    if not waiting:
        return False
    sending = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.SENDING, lease_until__gt=now
    ).exists()
    tried = WebhookAttempt.objects.filter(attempted_at__gt=now - stall).exists()
    return not sending and not tried
