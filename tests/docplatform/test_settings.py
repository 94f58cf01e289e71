"""Deployment settings: safe defaults and a clean `check --deploy` in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DOCPLATFORM_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DOCPLATFORM_DATA_DIR": str(tmp_path),
            "DOCPLATFORM_HTTPS": "1",
            "DOCPLATFORM_ALLOWED_HOSTS": "docs.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_generated_once_into_the_data_directory(tmp_path):
    env = {"DOCPLATFORM_DATA_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "--no-imports", "-c", code, env=env)
    second = manage("shell", "--no-imports", "-c", code, env=env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_debug_is_off_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = {"DOCPLATFORM_DATA_DIR": str(tmp_path)}
    default = manage("shell", "--no-imports", "-c", code, env=env)
    asked = manage("shell", "--no-imports", "-c", code, env={**env, "DOCPLATFORM_DEBUG": "1"})
    assert default.stdout.strip() == "False", default.stderr
    assert asked.stdout.strip() == "True", asked.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    # The default configuration, whatever database this test run uses.
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, env={"DOCPLATFORM_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    mode, timeout = result.stdout.split()
    assert mode == "wal"
    assert int(timeout) >= 5000


def test_a_database_url_selects_postgresql_and_nothing_else(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from docplatform.env import database_from_url

    config = database_from_url("postgres://app:s3cret@db.internal:6432/docs")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6432, "docs")
    assert config["CONN_HEALTH_CHECKS"] is True
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        database_from_url("mysql://app@db/docs")
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {"DOCPLATFORM_DATA_DIR": str(tmp_path)}
    unset = manage("shell", "--no-imports", "-c", code, env=env)
    assert unset.stdout.strip() == "django.db.backends.sqlite3", unset.stderr
    bad = manage("check", env={**env, "DOCPLATFORM_DATABASE_URL": "redis://x"})
    assert bad.returncode != 0
    assert "DOCPLATFORM_DATABASE_URL must be a postgres:// URL" in bad.stderr


def test_a_storage_url_selects_private_s3_storage():
    from django.core.exceptions import ImproperlyConfigured

    from docplatform.env import storage_from_url

    config = storage_from_url("s3://docs/prod/files?endpoint_url=https://s3.example.net")
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("docs", "prod/files")
    assert options["endpoint_url"] == "https://s3.example.net"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    # Names are unique per document: a job run twice replaces its previews, never copies them.
    assert options["file_overwrite"] is True
    with pytest.raises(ImproperlyConfigured, match="unknown options: secret"):
        storage_from_url("s3://docs?secret=x")
    with pytest.raises(ImproperlyConfigured, match="s3://bucket"):
        storage_from_url("/var/lib/docs")
