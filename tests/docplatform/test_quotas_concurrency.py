"""Budgets and rate limits hold exactly under parallel requests: real threads, each with its own
connection to the real (SQLite file) test database."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ
from rest_framework.test import APIClient

from docplatform.models import PlanUsage, ServiceUsage, UsagePlan
from jobs.models import Document, Job
from tests import documents

PARALLEL = 50
PDF = documents.text_pdf(["Invoice INV-1"])


@pytest.fixture
def queue_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in production: submits only insert the queue's rows; no task runs here."""
    monkeypatch.setattr(Conf, "SYNC", False)


def with_plan(service, **limits) -> UsagePlan:
    plan = UsagePlan.objects.create(name="Parallel", **limits)
    service.plan = plan
    service.save(update_fields=["plan"])
    return plan


def submit_in_parallel(service, raw_key: str) -> list:
    """POST ``PARALLEL`` documents at once, one thread and one connection each."""
    url = f"/api/v1/inference/service/{service.public_id}/async-predict"
    start = threading.Barrier(PARALLEL)
    responses: list = [None] * PARALLEL

    def post(index: int) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_X_API_KEY=raw_key)
            upload = documents.upload(f"doc{index}.pdf", PDF)
            start.wait()
            responses[index] = client.post(url, {"file": upload}, format="multipart")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert None not in responses, "a request thread raised"
    return responses


def outcomes(responses: list) -> Counter:
    return Counter(
        (r.status_code, r.json()["error"]["code"] if r.status_code >= 400 else "ok")
        for r in responses
    )


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_fifty_parallel_submits_against_ten_documents_accept_exactly_ten(
    transactional_db, queue_only, service, api_key, media_root
):
    plan = with_plan(service, documents_limit=10)
    responses = submit_in_parallel(service, api_key[1])
    assert outcomes(responses) == {(200, "ok"): 10, (403, "quota_exceeded"): 40}
    assert Job.objects.count() == 10
    assert Document.objects.count() == 10
    assert len(stored_files(media_root)) == 10
    assert OrmQ.objects.count() == 10
    assert PlanUsage.objects.get(plan=plan).documents_used == 10
    assert ServiceUsage.objects.get(service=service).documents_used == 10
    refused = next(r for r in responses if r.status_code == 403)
    assert "10 documents per month" in refused.json()["error"]["message"]


def test_fifty_parallel_requests_against_ten_per_minute_let_exactly_ten_through(
    transactional_db, queue_only, service, api_key, monkeypatch
):
    # One fixed clock for every thread, so the requests cannot straddle two minute windows.
    frozen = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    with_plan(service, requests_per_minute=10, subscription_start=frozen - timedelta(days=1))
    responses = submit_in_parallel(service, api_key[1])
    assert outcomes(responses) == {(200, "ok"): 10, (429, "rate_limited"): 40}
    assert Job.objects.count() == 10
    limited = [r for r in responses if r.status_code == 429]
    assert {r["Retry-After"] for r in limited} == {"30"}
    assert {r["RateLimit-Remaining"] for r in limited} == {"0"}
    accepted = sorted(int(r["RateLimit-Remaining"]) for r in responses if r.status_code == 200)
    assert accepted == list(range(10))


def test_fifty_parallel_submits_against_ten_active_jobs_accept_exactly_ten(
    transactional_db, queue_only, service, api_key, media_root
):
    with_plan(service, max_active_jobs=10)
    responses = submit_in_parallel(service, api_key[1])
    assert outcomes(responses) == {(200, "ok"): 10, (429, "rate_limited"): 40}
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 10
    assert len(stored_files(media_root)) == 10
