"""Queue tasks for webhooks. They take ids only and call services."""

from __future__ import annotations

from webhooks import services


def webhook_deliver(event_id: str) -> None:
    services.event_deliver(event_id=event_id)


def webhooks_dispatch() -> int:
    return services.events_dispatch_due()
