"""Scale-out for real: gunicorn with several workers, two worker "machines" (qcluster processes
with nothing shared but PostgreSQL and the object storage), one of them killed again and again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django_q.conf import Conf

from docplatform.models import PlanUsage, UsagePlan
from docplatform.services import api_key_create, service_create
from jobs.models import Document, Job
from tests import documents
from tests.conftest import ROOT, database_env, postgresql_only, start_qcluster
from tests.http import request
from webhooks import services as webhooks
from webhooks.models import WebhookEvent

pytestmark = [pytest.mark.e2e, postgresql_only]

JOBS = 200
SECRET_KEY = "scale-out-test-key-" + "x" * 40


@pytest.fixture
def shared_env(transactional_db, s3_storage, monkeypatch, settings) -> dict[str, str]:
    """What every process of the deployment is given: the database, the bucket, the key."""
    monkeypatch.setattr(Conf, "SYNC", False)
    # API keys are hashed with a secret derived from it: every machine shares one, and so
    # does this process, which issues the keys.
    settings.SECRET_KEY = SECRET_KEY
    return {
        **database_env(connection.settings_dict),
        **s3_storage.env,
        "DOCPLATFORM_SECRET_KEY": SECRET_KEY,
        "DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    }


@pytest.fixture
def gunicorn(shared_env, tmp_path):
    """The web tier: gunicorn with four worker processes on a free port."""
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        **shared_env,
        "DOCPLATFORM_DATA_DIR": str(tmp_path / "web"),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "docplatform.wsgi",
                "--workers",
                "4",
                "--bind",
                "127.0.0.1:0",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    url = None
    while url is None:
        for line in log.read_text().splitlines():
            if "Listening at: " in line:
                url = line.split("Listening at: ")[1].split()[0]
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
        time.sleep(0.2)
    booted = time.monotonic() + 30
    while log.read_text().count("Booting worker") < 4 and time.monotonic() < booted:
        time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (whatever session or group it started)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Machine:
    """A worker machine: a qcluster with its own data folder, started and killed at will."""

    def __init__(self, name: str, env: dict[str, str], root: Path) -> None:
        self.name = name
        self.root = root / name
        self.env = {
            **env,
            "DOCPLATFORM_DATA_DIR": str(self.root),
            "DOCPLATFORM_MEDIA_ROOT": str(self.root / "media"),
            "TMPDIR": str(self.root / "tmp"),
        }
        (self.root / "tmp").mkdir(parents=True)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.process = start_qcluster(self.env, self.root / f"qcluster-{self.starts}.log")

    def kill(self) -> None:
        """SIGKILL every process of the machine at once (the supervisor, both clusters, their
        extraction children), as a machine that dies."""
        assert self.process is not None
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.kill()

    def processed(self) -> int:
        return sum(
            log.read_text().count("Processed 'jobs.tasks.job_process'")
            for log in self.root.glob("qcluster-*.log")
        )


def test_two_worker_machines_share_two_hundred_jobs_with_one_killed_again_and_again(
    gunicorn, shared_env, s3_storage, receiver, tmp_path, settings
):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    service = service_create(name="Scale")
    plan = UsagePlan.objects.create(name="Scale", documents_limit=JOBS, pages_limit=JOBS)
    service.plan = plan
    service.save(update_fields=["plan"])
    _, key = api_key_create(service=service, name="scale")
    webhooks.endpoint_create(service=service, url=receiver.url)
    lease = {
        # Short leases and redelivery, so that killed work comes back within the test.
        "DOCPLATFORM_JOB_LEASE_SECONDS": "15",
        "DOCPLATFORM_Q_RETRY": "20",
        "DOCPLATFORM_JOB_MAX_ATTEMPTS": "20",
        "DOCPLATFORM_WORKERS": "2",
    }
    machines = [Machine(name, {**os.environ, **shared_env, **lease}, tmp_path) for name in "ab"]
    for machine in machines:
        machine.start()
    victim = machines[0]
    url = f"{gunicorn}/api/v1/inference/service/{service.public_id}/async-predict"

    def submit(index: int) -> int:
        pdf = documents.text_pdf([f"Invoice SCALE-{index:04d}", f"Total {index}.00 EUR"])
        reply = request(
            "POST", url, headers={"x-api-key": key}, files={"file": (f"{index}.pdf", pdf)}
        )
        return reply.status

    kills = 0
    stop_killing = threading.Event()

    def killer() -> None:
        """Kill the victim while it works: once each new start has taken a job, 1 s later."""
        nonlocal kills
        while not stop_killing.is_set() and kills < 6:
            log = victim.root / f"qcluster-{victim.starts}.log"
            if "delivered to this worker" not in log.read_text():
                stop_killing.wait(0.2)
                continue
            if stop_killing.wait(1):
                break
            victim.kill()
            kills += 1
            victim.start()

    chaos = threading.Thread(target=killer)
    chaos.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = Counter(pool.map(submit, range(JOBS)))
        assert statuses == {200: JOBS}
        deadline = time.monotonic() + 300
        while Job.objects.exclude(status__in=Job.FINISHED).exists():
            assert time.monotonic() < deadline, Counter(
                Job.objects.values_list("status", flat=True)
            )
            time.sleep(1)
        stop_killing.set()
        chaos.join()
        delivered = time.monotonic() + 120
        while WebhookEvent.objects.exclude(status=WebhookEvent.Status.DELIVERED).exists():
            assert time.monotonic() < delivered, "webhook events still undelivered"
            time.sleep(1)
    finally:
        stop_killing.set()
        chaos.join()
        for machine in machines:
            machine.stop()

    # Nothing lost: every job completed, with its result and review.
    assert Counter(Job.objects.values_list("status", flat=True)) == {"completed": JOBS}
    assert Document.objects.filter(result__isnull=False).count() == JOBS
    # Nothing done twice: the plan paid one document and one page per job, one event each,
    # one original and one preview per document in the bucket.
    usage = PlanUsage.objects.get(plan=plan)
    assert (usage.documents_used, usage.pages_used) == (JOBS, JOBS)
    assert WebhookEvent.objects.filter(event_type="job.completed").count() == JOBS
    received = {delivery.headers.get("webhook-id") for delivery in receiver.received}
    assert len(received) == JOBS
    names = s3_storage.names()
    assert len(names) == 2 * JOBS
    assert sum(name.endswith("/original.pdf") for name in names) == JOBS
    # Both machines worked, and the killed one was really killed mid-run.
    assert kills >= 3
    assert all(machine.processed() > 0 for machine in machines)


def test_fifty_parallel_submits_to_four_gunicorn_workers_against_ten_documents_accept_ten(
    gunicorn, s3_storage
):
    service = service_create(name="Parallel")
    plan = UsagePlan.objects.create(name="Ten", documents_limit=10)
    service.plan = plan
    service.save(update_fields=["plan"])
    _, key = api_key_create(service=service, name="parallel")
    url = f"{gunicorn}/api/v1/inference/service/{service.public_id}/async-predict"
    pdf = documents.text_pdf(["Invoice P-1"])
    start = threading.Barrier(50)

    def submit(index: int) -> tuple[int, str]:
        start.wait()
        reply = request(
            "POST", url, headers={"x-api-key": key}, files={"file": (f"{index}.pdf", pdf)}
        )
        return reply.status, reply.json()["error"]["code"] if reply.status >= 400 else "ok"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = Counter(pool.map(submit, range(50)))
    assert outcomes == {(200, "ok"): 10, (403, "quota_exceeded"): 40}
    assert Job.objects.filter(service=service).count() == 10
    assert PlanUsage.objects.get(plan=plan).documents_used == 10
    # Refused uploads leave nothing behind in the bucket.
    assert sum(name.endswith("/original.pdf") for name in s3_storage.names()) == 10
