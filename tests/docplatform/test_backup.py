"""Backup and restore of the single-machine default (SQLite and the media folder), for real:
separate processes on a data folder of their own, as an operator would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import documents
from tests.conftest import ROOT, on_postgresql

pytestmark = pytest.mark.skipif(on_postgresql(), reason="the SQLite default only")

SUBMIT = """
import json, sys
from django.test import Client
from docplatform.services import api_key_create, service_create
service = service_create(name="Backed up")
_, key = api_key_create(service=service, name="k")
base = f"/api/v1/inference/service/{service.public_id}"
with open(sys.argv[-1], "rb") as handle:
    client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=key)
    reply = client.post(f"{base}/async-predict", {"file": handle})
print(json.dumps({"key": key, "base": base, **reply.json()}))
"""

READ = """
import json, sys
from django.test import Client
ids = json.loads(sys.argv[-1])
client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=ids["key"])
document = client.get(f"{ids['base']}/predicted-documents/{ids['resource']}")
preview = client.get(f"{ids['base']}/predicted-documents/{ids['resource']}/pages/1/preview")
print(json.dumps({"document": document.status_code, "preview": preview.status_code}))
"""

DELETE = """
import json, sys
from django.test import Client
ids = json.loads(sys.argv[-1])
client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=ids["key"])
print(client.delete(f"{ids['base']}/predicted-documents/{ids['resource']}").status_code)
"""


def manage(data: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPLATFORM_")}
    env.update({"DOCPLATFORM_DATA_DIR": str(data), "DOCPLATFORM_Q_SYNC": "1"})
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def shell(data: Path, code: str, argument: str) -> str:
    return manage(data, "shell", "--no-imports", "-c", code.replace("sys.argv[-1]", repr(argument)))


def test_a_backup_of_the_sqlite_default_restores_documents_deleted_after_it(tmp_path):
    site, backup = tmp_path / "site", tmp_path / "backup"
    manage(site, "migrate", "--verbosity", "0")
    upload = tmp_path / "inv.pdf"
    upload.write_bytes(documents.text_pdf(["Invoice BACKUP-1", "Total 3.00 EUR"]))
    ids = json.loads(shell(site, SUBMIT, str(upload)))
    assert json.loads(shell(site, READ, json.dumps(ids)))["preview"] == 200

    manage(site, "backup", str(backup))
    assert (backup / "db.sqlite3").is_file()
    assert list((backup / "media").rglob("original.pdf"))

    # After the backup the document is deleted: its files and result are gone.
    assert shell(site, DELETE, json.dumps(ids)) == "204"
    assert json.loads(shell(site, READ, json.dumps(ids)))["document"] == 410

    manage(site, "restore", str(backup), "--force")
    restored = json.loads(shell(site, READ, json.dumps(ids)))
    assert (restored["document"], restored["preview"]) == (200, 200)

    # A fresh machine restores it too.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "secret_key").write_text((site / "secret_key").read_text())
    manage(fresh, "restore", str(backup))
    assert json.loads(shell(fresh, READ, json.dumps(ids)))["preview"] == 200


def test_restore_refuses_to_overwrite_data_without_force_and_a_folder_that_is_no_backup(tmp_path):
    site = tmp_path / "site"
    manage(site, "migrate", "--verbosity", "0")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPLATFORM_")}
    env["DOCPLATFORM_DATA_DIR"] = str(site)
    no_backup = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert no_backup.returncode != 0
    assert "is not a backup" in no_backup.stderr
    manage(site, "backup", str(tmp_path / "b"))
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "b")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "--force" in refused.stderr
