"""API key material: generation, hashing and constant-time verification. No database here.

Keys carry 256 random bits, so a keyed fast hash is the standard for storing them: HMAC-SHA256
with a server-side secret (derived from Django's secret key). Guessing a key from a stolen
database is hopeless without the secret, and with it still 2^256 work; a slow hash (PBKDF2)
would only cost every request milliseconds of CPU. Keys stored under the former PBKDF2 scheme
are still recognised, once, and rewritten (see ``api_key_authenticate``).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

KEY_PREFIX = "dpk_"
_ALGORITHM = "hmac_sha256"
_LEGACY_ALGORITHM = "pbkdf2_sha256"


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    prefix: str
    raw: str  # shown to the user once, never stored


class Match(enum.Enum):
    NONE = "none"
    # Verified under the current secret and scheme.
    CURRENT = "current"
    # Verified, but stored under the former scheme or a former secret: rewrite it.
    STALE = "stale"


def generate_key() -> GeneratedKey:
    """A new key ``dpk_<prefix>.<secret>``: the prefix finds the row, the secret proves it."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return GeneratedKey(prefix=prefix, raw=f"{KEY_PREFIX}{prefix}.{secret}")


def split_key(raw: str) -> str | None:
    """The lookup prefix of a presented key, or None if it is not shaped like one of ours."""
    if not raw.startswith(KEY_PREFIX) or "." not in raw or len(raw) > 200:
        return None
    prefix, _, secret = raw[len(KEY_PREFIX) :].partition(".")
    if len(prefix) != 12 or not secret:
        return None
    return prefix


def key_secret(secret_key: str) -> bytes:
    """The hashing secret for API keys, derived from a Django secret key for this use only."""
    return hmac.new(secret_key.encode(), b"docplatform.api-key", hashlib.sha256).digest()


def hash_key(raw: str, *, secret: bytes) -> str:
    digest = hmac.new(secret, raw.encode(), hashlib.sha256).digest()
    return f"{_ALGORITHM}${base64.b64encode(digest).decode()}"


def hash_key_pbkdf2(raw: str, *, iterations: int, salt: str | None = None) -> str:
    """The former scheme, kept to recognise keys stored before HMAC (and to test that)."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", raw.encode(), salt.encode(), iterations)
    encoded = base64.b64encode(digest).decode()
    return f"{_LEGACY_ALGORITHM}${iterations}${salt}${encoded}"


def verify_key(raw: str, hashed: str, *, secrets: Sequence[bytes]) -> Match:
    """Whether ``raw`` is the key ``hashed`` was made from.

    ``secrets``: the current hashing secret first, then former ones (Django's
    ``SECRET_KEY_FALLBACKS``); a match under a former secret or the former scheme is STALE.
    """
    algorithm = hashed.partition("$")[0]
    if algorithm == _ALGORITHM:
        for index, secret in enumerate(secrets):
            if hmac.compare_digest(hash_key(raw, secret=secret).encode(), hashed.encode()):
                return Match.CURRENT if index == 0 else Match.STALE
        return Match.NONE
    if algorithm == _LEGACY_ALGORITHM:
        try:
            _, iterations, salt, _ = hashed.split("$", 3)
            candidate = hash_key_pbkdf2(raw, iterations=int(iterations), salt=salt)
        except ValueError:
            return Match.NONE
        if hmac.compare_digest(candidate.encode(), hashed.encode()):
            return Match.STALE
    return Match.NONE
