"""`serve` and `worker` as an operator runs them: start, recover at start, stop the whole tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from docplatform.services import service_create
from jobs import services
from jobs.models import Job
from tests import documents
from tests.chaos.test_crashes import descendants
from tests.conftest import database_env

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def lost_job(transactional_db: None) -> Job:
    """A committed job whose delivery never reached the queue."""
    service = service_create(name="Lost")
    return services.job_submit(
        service=service,
        api_key=None,
        upload=documents.upload("a.pdf", documents.text_pdf(["Lost and found"])),
        content_type="application/pdf",
        sha256="0" * 64,
        enqueue=False,
    ).job


def test_a_job_whose_delivery_was_lost_runs_as_soon_as_the_worker_starts(lost_job, worker):
    # Not after django-q2's scheduler (30 guard cycles) nor a reconcile period: at start.
    deadline = time.monotonic() + 20
    while not Job.objects.get(pk=lost_job.pk).is_finished:
        assert time.monotonic() < deadline, "the pass at start did not deliver the job"
        time.sleep(0.3)
    assert Job.objects.get(pk=lost_job.pk).status == Job.Status.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_whole_process_tree_of_serve(settings, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        **database_env(connection.settings_dict),
        "DOCPLATFORM_MEDIA_ROOT": str(tmp_path / "media"),
        "DOCPLATFORM_STATIC_ROOT": str(tmp_path / "static"),
        "DOCPLATFORM_STOP_SECONDS": "5",
    }
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            time.sleep(0.5)
        # gunicorn and its worker, the supervisor, and both clusters' processes (main,
        # sentinel, monitor, pusher, workers).
        while len(tree := descendants(serve.pid)) < 12:
            assert time.monotonic() < deadline, tree
            time.sleep(0.5)
        started = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        stopped = time.monotonic() - started
        survivors = [pid for pid in tree if alive(pid)]
        assert survivors == [], survivors
        assert serve.returncode == 0
        assert stopped < 5 + 15
    finally:
        for pid in [serve.pid, *descendants(serve.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        serve.wait()
        log.close()
