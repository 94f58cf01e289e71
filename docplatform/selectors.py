"""Reads for services and API keys."""

from __future__ import annotations

from django.conf import settings

from docplatform.keys import hash_key, split_key, verify_key
from docplatform.models import ApiKey


def api_key_get_usable(*, raw: str) -> ApiKey | None:
    """The active, unexpired key matching ``raw``, or None.

    The hash is computed even when the prefix is unknown, so that timing does not tell which
    prefixes exist.
    """
    prefix = split_key(raw)
    key = ApiKey.objects.select_related("service").filter(prefix=prefix).first() if prefix else None
    if key is None:
        hash_key(raw, iterations=settings.DOCPLATFORM_API_KEY_HASH_ITERATIONS)
        return None
    if not verify_key(raw, key.hashed_key) or not key.is_usable():
        return None
    return key
