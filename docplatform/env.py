"""Typed environment readers for settings: a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def secret_key_from(data_dir: Path) -> str:
    """The secret key from DOCPLATFORM_SECRET_KEY, or one generated once into the data directory.

    Generating it on first run keeps a fresh install secure without a secret in the repo;
    keeping it in the data directory keeps sessions and queued tasks valid across restarts.
    """
    explicit = os.environ.get("DOCPLATFORM_SECRET_KEY")
    if explicit:
        return explicit
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    data_dir.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    # Written aside and linked into place: when two processes start at once, exactly one
    # link succeeds and both read the same complete key.
    tmp = data_dir / f".secret_key.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


def database_from_url(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Django's database settings for a ``postgres://`` URL (dj-database-url).

    Connections are kept (a minute by default) and checked before reuse, so a restarted server costs
    one failed request at most, not a broken worker. Only PostgreSQL is accepted: the
    platform's claims and quotas are tested on it and on SQLite, not on other engines.
    """
    import dj_database_url

    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DOCPLATFORM_DATABASE_URL must be a postgres:// URL; leave it unset for SQLite."
        )
    try:
        config = dict(
            dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DOCPLATFORM_DATABASE_URL is not valid: {exc}") from None
    # The test database gets a name of its own beside the configured one.
    config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config


# Query parameters of DOCPLATFORM_STORAGE_URL passed to django-storages' S3 backend.
_S3_OPTIONS = {"endpoint_url", "region_name", "addressing_style", "signature_version"}


def storage_from_url(url: str) -> dict[str, Any]:
    """django-storages' S3 backend for ``s3://bucket/prefix?endpoint_url=...&region_name=...``.

    Credentials come the usual way (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile
    or an instance role), never from the URL. Objects are private: nothing is public.
    """
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(
            "DOCPLATFORM_STORAGE_URL must look like s3://bucket/prefix?endpoint_url=...; "
            "leave it unset for the local media folder."
        )
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - _S3_OPTIONS
    if unknown:
        raise ImproperlyConfigured(
            f"DOCPLATFORM_STORAGE_URL has unknown options: {', '.join(sorted(unknown))}"
        )
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        # Names are unique per document; a name written again (a job run twice) is replaced.
        "file_overwrite": True,
        "querystring_auth": True,
        "querystring_expire": 300,
        **query,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma list of IP networks (CIDR) or addresses, checked at start-up."""
    import ipaddress

    networks = env_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {network!r} is not an IP network") from None
    return networks
