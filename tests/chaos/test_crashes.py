"""Jobs under repeated SIGKILLs of worker processes: nothing lost, no effect done twice, and
every job terminal within the recovery bound after the last kill.

The worker runs as in production (``manage.py worker`` with its default recovery settings);
the test kills, at random moments, random processes of its clusters (workers, sentinels,
pushers, monitors, cluster main processes, extraction children) and sometimes a whole cluster.
``DOCPLATFORM_CHAOS_JOBS`` sets the number of jobs (100 by default), and
``DOCPLATFORM_CHAOS_REPORT`` a file to write the measured figures to (JSON).
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.models import Sum
from django.utils import timezone
from rest_framework.test import APIClient

from docplatform.models import PlanUsage, UsagePlan
from docplatform.services import api_key_create, service_create
from jobs.models import Document, Job
from review.models import DocumentReview
from tests import documents
from webhooks.models import EventType, WebhookAttempt, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]

JOBS = int(os.environ.get("DOCPLATFORM_CHAOS_JOBS", "100"))
KILLS = int(os.environ.get("DOCPLATFORM_CHAOS_KILLS", "12"))
# The goal: after the last crash, every job is terminal within this plus the processing time
# of the work that was left.
BOUND_SECONDS = 60


@pytest.fixture
def worker_env() -> dict[str, str]:
    # Recovery settings are the defaults; only webhook retries after a receiver failure are
    # quicker (that is not what is under test).
    return {
        "DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "DOCPLATFORM_WEBHOOK_RETRY_BASE_SECONDS": "2",
        "DOCPLATFORM_STOP_SECONDS": "5",
    }


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` (the extraction children have sessions of their own
    but stay in the tree)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found.extend(children)
        frontier.extend(children)
    return found


def kill_something(supervisor: int, rng: random.Random) -> str:
    """SIGKILL one random process under the supervisor, or now and then a whole cluster."""
    clusters = [pid for pid in descendants(supervisor) if _ppid(pid) == supervisor]
    everything = descendants(supervisor)
    if not everything:
        return "nothing to kill"
    if rng.random() < 0.4:
        busy = []
        for _ in range(30):  # wait a moment for a worker to be in the middle of a job
            runners = [p for p in descendants(supervisor) if b"extraction.runner" in _cmdline(p)]
            busy = [parent for parent in map(_ppid, runners) if parent is not None]
            if busy:
                break
            time.sleep(0.1)
        # A worker in the middle of a job: its lease has to run out.
        if not busy:
            return "no busy worker"
        try:
            os.kill(rng.choice(busy), signal.SIGKILL)
        except OSError:
            return "process already gone"
        return "busy worker"
    if clusters and rng.random() < 0.2:
        group = rng.choice(clusters)
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            return "cluster already gone"
        return "cluster"
    victim = rng.choice(everything)
    try:
        os.kill(victim, signal.SIGKILL)
    except OSError:
        return "process already gone"
    return "cluster main" if victim in clusters else "process"


def supervisor_log(settings) -> list[str]:
    """What the worker logged beyond routine task lines."""
    log = Path(settings.MEDIA_ROOT).parent / "qcluster.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if " INFO django-q " not in line][-60:]


def test_no_job_is_lost_or_done_twice_when_workers_are_killed_again_and_again(
    worker, receiver, settings
):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    rng = random.Random(int(os.environ.get("DOCPLATFORM_CHAOS_SEED", str(time.time_ns()))))
    service = service_create(name="Chaos")
    service.plan = UsagePlan.objects.create(
        name="Chaos", pages_limit=100_000, subscription_start=timezone.now()
    )
    service.save(update_fields=["plan"])
    _, key = api_key_create(service=service, name="chaos")
    endpoint_create(service=service, url=receiver.url)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    url = f"/api/v1/inference/service/{service.public_id}/async-predict"

    kills: list[tuple[float, str]] = []
    kill_times = []
    next_kill = time.monotonic() + rng.uniform(0.5, 2)
    for number in range(JOBS):
        pages = [[f"Chaos document {number} page {page}"] for page in range(rng.randint(1, 3))]
        response = client.post(
            url,
            {"file": documents.upload(f"c{number}.pdf", documents.text_pdf(*pages))},
            format="multipart",
        )
        assert response.status_code == 200, response.content
        if time.monotonic() >= next_kill and len(kills) < KILLS:
            kills.append((time.monotonic(), kill_something(worker.pid, rng)))
            kill_times.append(timezone.now())
            next_kill = time.monotonic() + rng.uniform(0.5, 3)
    # Keep killing while the backlog is worked off.
    while len(kills) < KILLS:
        time.sleep(max(0.0, next_kill - time.monotonic()))
        kills.append((time.monotonic(), kill_something(worker.pid, rng)))
        kill_times.append(timezone.now())
        next_kill = time.monotonic() + rng.uniform(0.5, 3)
    last_kill = kills[-1][0]
    left_at_last_kill = Job.objects.exclude(status__in=Job.FINISHED).count()

    deadline = last_kill + BOUND_SECONDS + 10 + left_at_last_kill * 3
    while Job.objects.exclude(status__in=Job.FINISHED).exists():
        assert worker.poll() is None, "the supervisor itself died"
        assert time.monotonic() < deadline, (
            Counter(Job.objects.values_list("status", flat=True)),
            list(
                Job.objects.exclude(status__in=Job.FINISHED).values_list(
                    "status", "attempts", "lease_until", "enqueued_at", "claimed_at"
                )
            ),
            timezone.now(),
            supervisor_log(settings),
        )
        time.sleep(0.25)
    recovered = time.monotonic() - last_kill

    jobs = list(Job.objects.all())
    completed = [job for job in jobs if job.status == Job.Status.COMPLETED]
    processing = [
        (job.completed_at - job.claimed_at).total_seconds() for job in completed if job.claimed_at
    ]
    mean_processing = sum(processing) / len(processing)
    # The goal, 60 s plus the work left at the last kill spread over the workers, is reported,
    # not asserted: on a shared machine a cluster's restart alone varies by seconds. What is
    # asserted is the deadline above (the goal plus 10 s plus 3 s per job left).
    allowance = BOUND_SECONDS + left_at_last_kill * mean_processing / django_settings.Q_WORKERS

    # Nothing lost: every job ran to its end; a job killed too often may fail, with the reason.
    assert len(jobs) == JOBS
    failed = [job for job in jobs if job.status == Job.Status.FAILED]
    # A killed extraction child looks like one the kernel stopped for memory.
    assert {job.error_code for job in failed} <= {"worker_crashed", "extraction_resource_limit"}
    assert len(failed) <= JOBS // 20
    # No effect twice: pages debited = pages of completed jobs; one review per completed job.
    pages = Document.objects.filter(job__status=Job.Status.COMPLETED).aggregate(n=Sum("page_count"))
    usage = PlanUsage.objects.get(plan=service.plan)
    assert usage.pages_used == pages["n"]
    assert usage.documents_used == JOBS
    assert DocumentReview.objects.count() == len(completed)
    # One event per job and type, and each delivered (receivers deduplicate on webhook-id).
    events = Counter(WebhookEvent.objects.values_list("job_id", "event_type"))
    assert all(count == 1 for count in events.values())
    assert sum(1 for _, kind in events if kind == EventType.JOB_COMPLETED) == len(completed)
    delivery_deadline = time.monotonic() + 120
    while WebhookEvent.objects.exclude(status=WebhookEvent.Status.DELIVERED).exists():
        assert time.monotonic() < delivery_deadline, (
            "webhook events were not all delivered",
            list(
                WebhookEvent.objects.exclude(status=WebhookEvent.Status.DELIVERED).values_list(
                    "status", "attempts", "next_attempt_at", "lease_until"
                )
            ),
            list(WebhookAttempt.objects.filter(succeeded=False).values_list("error", flat=True)),
            timezone.now(),
        )
        time.sleep(0.5)
    received = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert set(received) == {str(pk) for pk in WebhookEvent.objects.values_list("pk", flat=True)}

    report = {
        "jobs": JOBS,
        "kills": len(kills),
        "kinds": dict(Counter(kind for _, kind in kills)),
        "jobs_left_at_last_kill": left_at_last_kill,
        "all_terminal_after_last_kill_s": round(recovered, 1),
        "allowance_s": round(allowance, 1),
        "within_goal": recovered <= allowance,
        "mean_processing_s": round(mean_processing, 2),
        "re_executions": sum(job.attempts for job in jobs) - len(jobs),
        "failed_worker_crashed": len(failed),
        "webhook_duplicate_receipts": sum(n - 1 for n in received.values()),
    }
    if os.environ.get("DOCPLATFORM_CHAOS_REPORT"):
        Path(os.environ["DOCPLATFORM_CHAOS_REPORT"]).write_text(json.dumps(report, indent=2))
