"""API key material: generation, hashing and constant-time verification. No database here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "dpk_"
_ALGORITHM = "pbkdf2_sha256"


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    prefix: str
    raw: str  # shown to the user once, never stored


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


def hash_key(raw: str, *, iterations: int, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", raw.encode(), salt.encode(), iterations)
    encoded = base64.b64encode(digest).decode()
    return f"{_ALGORITHM}${iterations}${salt}${encoded}"


def verify_key(raw: str, hashed: str) -> bool:
    try:
        algorithm, iterations, salt, _ = hashed.split("$", 3)
    except ValueError:
        return False
    if algorithm != _ALGORITHM:
        return False
    candidate = hash_key(raw, iterations=int(iterations), salt=salt)
    return hmac.compare_digest(candidate.encode(), hashed.encode())
