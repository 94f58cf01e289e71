"""Queue tasks for webhooks. They take ids only and call services."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError

from docplatform.logs import request_id_bound
from webhooks import services

logger = logging.getLogger(__name__)


def webhook_deliver(event_id: str) -> None:
    with request_id_bound(event_request_id(event_id)):
        logger.info("webhook event %s: delivering", event_id)
        services.event_deliver(event_id=event_id)


def event_request_id(event_id: str) -> str:
    """The request id of the submit whose job this event is about."""
    from webhooks.models import WebhookEvent

    try:
        found = WebhookEvent.objects.filter(pk=event_id).values_list("job__request_id", flat=True)
        return found.first() or f"event-{event_id}"
    except (ValueError, ValidationError):
        return f"event-{event_id}"


def webhooks_dispatch() -> int:
    return services.events_dispatch_due()
