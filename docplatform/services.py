"""Writes for services and API keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from docplatform.keys import Match, generate_key, hash_key
from docplatform.models import ApiKey, Service
from docplatform.selectors import api_key_match, api_key_secrets

# last_used_at is informative; writing it on every request would serialise all requests on
# SQLite's single writer.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def service_create(
    *, name: str, kind: str = Service.Kind.TEXT, settings_json: dict | None = None
) -> Service:
    service = Service(name=name, kind=kind, settings=settings_json or {})
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def api_key_create(
    *, service: Service, name: str, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Create a key; return it with its plaintext, which is not stored and is shown once."""
    generated = generate_key()
    key = ApiKey.objects.create(
        service=service,
        name=name,
        prefix=generated.prefix,
        hashed_key=hash_key(generated.raw, secret=api_key_secrets()[0]),
        expires_at=expires_at,
    )
    return key, generated.raw


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(*, raw: str) -> ApiKey | None:
    """The usable key matching ``raw``, or None; a key stored under the former PBKDF2 scheme or
    a former secret key is rewritten under the current HMAC secret on this first use."""
    found = api_key_match(raw=raw)
    if found is None:
        return None
    key, match = found
    if match is Match.STALE:
        current = hash_key(raw, secret=api_key_secrets()[0])
        ApiKey.objects.filter(pk=key.pk, hashed_key=key.hashed_key).update(hashed_key=current)
        key.hashed_key = current
    return key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record that a key was used, at most once per minute per key."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def api_key_suspend(*, api_key: ApiKey) -> ApiKey:
    """Refuse the key's requests until it is resumed (unlike revoking, this can be undone)."""
    if api_key.suspended_at is None:
        api_key.suspended_at = timezone.now()
        api_key.save(update_fields=["suspended_at"])
    return api_key


def api_key_resume(*, api_key: ApiKey) -> ApiKey:
    if api_key.suspended_at is not None:
        api_key.suspended_at = None
        api_key.save(update_fields=["suspended_at"])
    return api_key


def service_set_active(*, service: Service, active: bool) -> Service:
    """Suspend (``active=False``) or resume a service. A suspended service refuses new
    documents; its jobs and documents stay readable."""
    if service.is_active != active:
        service.is_active = active
        service.save(update_fields=["is_active"])
    return service
