"""Shared fixtures. The data directory for tests is set in pyproject.toml (pytest-env)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_q.conf import Conf
from rest_framework.test import APIClient

from docplatform.models import ApiKey, Service
from docplatform.services import api_key_create, service_create
from tests import documents
from tests.webhooks.receiver import Receiver

CORPUS_DIR = Path(
    os.environ.get(
        "DOCPLATFORM_CORPUS_DIR",
        Path(__file__).resolve().parents[2] / "shared" / "corpus" / "invoices",
    )
)
# The invoices of the development corpus that have a text layer.
CORPUS_PDFS = [
    "AmazonWebServices",
    "FlipkartInvoice",
    "NetpresseInvoice",
    "QualityHosting",
    "coolblue1",
    "free_fiber",
]


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root  # type: ignore[attr-defined]
    return root


@pytest.fixture(autouse=True)
def sync_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued tasks run at once, in this process, when their transaction commits."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def service(db: None) -> Service:
    return service_create(name="Invoices")


@pytest.fixture
def api_key(service: Service) -> tuple[ApiKey, str]:
    return api_key_create(service=service, name="test")


@pytest.fixture
def other_service(db: None) -> Service:
    return service_create(name="Other team")


@pytest.fixture
def api_client(api_key: tuple[ApiKey, str]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key[1])
    return client


@pytest.fixture
def submit(
    api_client: APIClient, service: Service, django_capture_on_commit_callbacks: Callable
) -> Callable[..., object]:
    """POST a file to async-predict and run the queued job, as the worker would."""

    def _submit(name: str, content: bytes, **extra: str) -> object:
        url = f"/api/v1/inference/service/{service.public_id}/async-predict"
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(
                url, {"file": documents.upload(name, content), **extra}, format="multipart"
            )

    return _submit


@pytest.fixture
def corpus_dir() -> Iterator[Path]:
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"The invoice corpus is missing at {CORPUS_DIR} (set DOCPLATFORM_CORPUS_DIR)")
    yield CORPUS_DIR


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP webhook receiver on 127.0.0.1 that answers 204."""
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment for the ``worker`` process; override it in a test module."""
    return {}


@pytest.fixture
def worker(
    transactional_db: None,
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
    worker_env: dict[str, str],
):
    """A real ``manage.py qcluster`` process working on the test database."""
    import subprocess
    import sys
    import time

    from django.db import connection

    monkeypatch.setattr(Conf, "SYNC", False)
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "DOCPLATFORM_DB_PATH": str(connection.settings_dict["NAME"]),
        "DOCPLATFORM_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # type: ignore[attr-defined]
        "DOCPLATFORM_Q_POLL": "1",
        **worker_env,
    }
    log = Path(settings.MEDIA_ROOT).parent / "qcluster.log"  # type: ignore[attr-defined]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while "running." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"qcluster did not start:\n{log.read_text()}")
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
