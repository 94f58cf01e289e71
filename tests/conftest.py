"""Shared fixtures. The data directory for tests is set in pyproject.toml (pytest-env)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Before the test database is dropped, end the sessions that still use it on PostgreSQL
    (the live server's thread keeps one until the very end)."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


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


@dataclass
class S3:
    """A bucket on a local S3-compatible server, and the URL that points the platform at it."""

    url: str
    bucket: str
    client: object
    env: dict[str, str]

    def names(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, name: str) -> bytes:
        reply = self.client.get_object(Bucket=self.bucket, Key=name)  # type: ignore[attr-defined]
        return reply["Body"].read()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server (its real HTTP protocol) on a free port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server: str, settings: object, monkeypatch: pytest.MonkeyPatch) -> S3:
    """The default storage is a fresh private bucket on the S3 server for this test."""
    import boto3

    from docplatform.env import storage_from_url

    env = {
        "AWS_ACCESS_KEY_ID": "test-access-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    bucket = f"docs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    url = f"s3://{bucket}/platform?endpoint_url={s3_server}&region_name=us-east-1"
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}  # type: ignore[attr-defined]
    return S3(url=url, bucket=bucket, client=client, env={**env, "DOCPLATFORM_STORAGE_URL": url})


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


ROOT = Path(__file__).resolve().parents[1]


def start_qcluster(env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start ``manage.py worker`` (the supervisor, the extraction cluster and the webhooks'
    cluster) in its own process group; return once both clusters run."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while log.read_text().count("running.") < 2:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"qcluster did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def database_env(settings_dict: dict) -> dict[str, str]:
    """The environment that points another process at this test database."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return {"DOCPLATFORM_DB_PATH": str(settings_dict["NAME"]), "DOCPLATFORM_DATABASE_URL": ""}
    user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    url = f"postgres://{user}{password}@{host}:{port or 5432}/{settings_dict['NAME']}"
    return {"DOCPLATFORM_DATABASE_URL": url}


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
    """A real ``manage.py worker`` (the supervisor and its two clusters) on the test database."""
    from django.db import connection

    monkeypatch.setattr(Conf, "SYNC", False)
    env = {
        **os.environ,
        **database_env(connection.settings_dict),
        "DOCPLATFORM_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # type: ignore[attr-defined]
        "DOCPLATFORM_Q_POLL": "1",
        **worker_env,
    }
    log = Path(settings.MEDIA_ROOT).parent / "qcluster.log"  # type: ignore[attr-defined]
    process = start_qcluster(env, log)
    yield process
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


def on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


# Tests of the scale-out setup (object storage, workers on several machines) need PostgreSQL.
postgresql_only = pytest.mark.skipif(
    not on_postgresql(), reason="PostgreSQL only: set DOCPLATFORM_TEST_DATABASE_URL"
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if on_postgresql():
        terminalreporter.write_line("Database: PostgreSQL (DOCPLATFORM_TEST_DATABASE_URL).")
    else:
        terminalreporter.write_line(
            "Database: SQLite. The PostgreSQL part (the suite on PostgreSQL, object storage, "
            "two worker machines) did not run: set DOCPLATFORM_TEST_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/docplatform, to run it."
        )
