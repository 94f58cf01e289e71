"""Verify a webhook delivery: delegated to the ``standardwebhooks`` library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def verify_webhook(payload: bytes | str, headers: Mapping[str, str], *, secret: str) -> Any:
    """The delivery's event (parsed JSON) if its signature is valid for ``secret``.

    Raises ``standardwebhooks.WebhookVerificationError`` for a forged, altered or stale
    delivery. Needs the ``webhooks`` extra.
    """
    from standardwebhooks import Webhook

    names = ("webhook-id", "webhook-timestamp", "webhook-signature")
    lowered = {key.lower(): value for key, value in headers.items()}
    return Webhook(secret).verify(payload, {name: lowered.get(name, "") for name in names})
