"""/healthz: the database, the worker's heartbeat and whether jobs move."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.models import Job, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_is_503_when_no_worker_beats(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == "down"
    assert response.json()["database"] == "ok"


def test_health_is_ok_with_a_beating_worker_and_moving_jobs(client):
    WorkerHeartbeat.objects.create(host="h", pid=1)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["oldest_queued_job_seconds"] is None


def test_health_is_503_when_the_worker_stopped_beating(client):
    WorkerHeartbeat.objects.create(host="h", pid=1, beat_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker_last_beat_seconds"] >= 300


def test_health_is_503_when_queued_jobs_do_not_move(client, submit, service, settings):
    settings.DOCPLATFORM_STALL_SECONDS = 30
    WorkerHeartbeat.objects.create(host="h", pid=1)
    job = Job.objects.create(service=service)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    body = client.get("/healthz").json()
    assert (body["status"], body["queue"]) == ("unavailable", "stalled")
    assert body["oldest_queued_job_seconds"] >= 120
