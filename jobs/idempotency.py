"""Idempotency-Key for async-predict, as the IETF draft and Stripe describe it.

The first request with a key inserts an ``in_progress`` record in its own short transaction
(one ``INSERT ... ON CONFLICT DO NOTHING``); the unique constraint on (service, key) makes
every concurrent request with the same key insert nothing, and those requests then read the
winner's record: another request (different fingerprint) → refused; still in progress →
conflict; complete → its stored answer is replayed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from docplatform.db import insert_unless_conflict
from docplatform.models import Service
from jobs.models import IdempotencyKey, Job

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(Exception):
    """The key was used for a different request."""


class IdempotencyKeyInProgress(Exception):
    """The first request with this key is still being accepted."""


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict[str, Any]


def request_fingerprint(
    *,
    file_sha256: str,
    alias: str,
    webhook_url: str,
    result_ttl_seconds: int | None,
    ocr_language: str = "",
) -> str:
    """What identifies a submit: the file's bytes and every option that changes the outcome."""
    digest = hashlib.sha256(file_sha256.encode())
    parts = [alias, webhook_url, str(result_ttl_seconds or "")]
    # Only when given, so that the keys of submits without it keep their fingerprints.
    if ocr_language:
        parts.append(ocr_language)
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def idempotency_begin(*, service: Service, key: str, fingerprint: str) -> IdempotencyKey | Replay:
    """Take a key for this request, or say why not.

    Returns the new ``in_progress`` record (go on, then call :func:`idempotency_complete`), or
    a :class:`Replay` of the first answer. Raises :class:`IdempotencyKeyReused` or
    :class:`IdempotencyKeyInProgress`. An in-progress record older than the lock time
    (its request died) is taken over; an expired one is replaced.
    """
    ttl = timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS)
    lock = timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_LOCK_SECONDS)
    for _ in range(3):
        now = timezone.now()
        # One statement in its own (autocommit) transaction, committed before the job's: a
        # concurrent request with the key finds the record; no IntegrityError to recover from.
        pk = insert_unless_conflict(
            IdempotencyKey,
            values={
                "service": service.pk,
                "key": key,
                "fingerprint": fingerprint,
                "state": IdempotencyKey.State.IN_PROGRESS,
                "created_at": now,
                "locked_at": now,
            },
            unique=("service", "key"),
        )
        if pk is not None:
            created = IdempotencyKey(
                pk=pk,
                service=service,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                locked_at=now,
            )
            created._state.adding = False
            return created
        record = IdempotencyKey.objects.filter(service=service, key=key).first()
        if record is None:
            continue  # purged in between: insert again
        if record.created_at < now - ttl:
            IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused
        if record.state == IdempotencyKey.State.COMPLETE:
            return Replay(status=record.response_status or 200, body=record.response_body or {})
        taken = record.locked_at < now - lock and IdempotencyKey.objects.filter(
            pk=record.pk, state=IdempotencyKey.State.IN_PROGRESS, locked_at=record.locked_at
        ).update(locked_at=now)
        if taken:
            record.locked_at = now
            return record
        raise IdempotencyKeyInProgress
    raise IdempotencyKeyInProgress


def idempotency_complete(
    *, record: IdempotencyKey, job: Job, status: int, body: dict[str, Any]
) -> None:
    """Store the answer to replay for this key."""
    IdempotencyKey.objects.filter(pk=record.pk, locked_at=record.locked_at).update(
        state=IdempotencyKey.State.COMPLETE, job=job, response_status=status, response_body=body
    )


def idempotency_release(*, record: IdempotencyKey) -> None:
    """Forget a key whose request failed, so that a retry can use it."""
    IdempotencyKey.objects.filter(
        pk=record.pk, state=IdempotencyKey.State.IN_PROGRESS, locked_at=record.locked_at
    ).delete()


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DOCPLATFORM_IDEMPOTENCY_TTL_SECONDS)
    from jobs.retention import delete_in_batches

    return delete_in_batches(IdempotencyKey.objects.filter(created_at__lt=cutoff))
