"""Deployment settings: safe defaults and a clean `check --deploy` in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    result = manage(
        "shell", "--no-imports", "-c", code, env={"DOCPLATFORM_DATA_DIR": str(tmp_path)}
    )
    assert result.stdout.strip() == "False"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
