"""Recovery: leases kept by a heartbeat, the reconciler, the pass at start, lost enqueues."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from docplatform.models import UsagePlan
from jobs import recovery, services
from jobs.models import IdempotencyKey, Job, WorkerHeartbeat
from tests import documents

pytestmark = pytest.mark.django_db

PDF = documents.text_pdf(["Recovered"])


@pytest.fixture
def real_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """async_task writes queue rows instead of running the task at once."""
    monkeypatch.setattr(Conf, "SYNC", False)


def queued(api_client, service, **headers) -> Job:
    """A job accepted by the API whose delivery was lost: the queue row written with it (in
    its transaction, with a real queue) is removed."""
    before = set(OrmQ.objects.values_list("pk", flat=True))
    response = api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("doc.pdf", PDF)},
        format="multipart",
        **headers,
    )
    assert response.status_code == 200, response.content
    OrmQ.objects.exclude(pk__in=before).delete()
    return Job.objects.get(pk=response.json()["job"])


def deliveries() -> list[str]:
    return sorted(recovery.job_ids_in_queue(now=timezone.now()))


def age(job: Job, seconds: float) -> None:
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(seconds=seconds))


def test_reconcile_delivers_only_jobs_without_a_live_delivery_and_once_per_period(
    api_client, service, real_queue, settings
):
    settings.DOCPLATFORM_REDELIVER_SECONDS = 20
    lost = queued(api_client, service)
    waiting = queued(api_client, service)
    recovery.job_enqueue_now(job_id=waiting.pk)
    fresh = queued(api_client, service)
    for job in (lost, waiting):
        age(job, 60)
    assert recovery.jobs_reconcile() == 1
    assert deliveries() == sorted([str(lost.pk), str(waiting.pk)])
    assert fresh.pk not in {uuid.UUID(i) for i in deliveries()}
    # Nothing again until the period has passed, even for the job found waiting.
    assert recovery.jobs_reconcile() == 0
    assert OrmQ.objects.count() == 2


def test_reconcile_works_through_a_backlog_in_batches(api_client, service, real_queue):
    jobs = [queued(api_client, service) for _ in range(5)]
    for job in jobs:
        age(job, 60)
    assert recovery.jobs_reconcile(batch=2) == 2
    assert recovery.jobs_reconcile(batch=2) == 2
    assert recovery.jobs_reconcile(batch=2) == 1
    assert recovery.jobs_reconcile(batch=2) == 0


def test_a_job_whose_worker_died_is_delivered_again_once_its_short_lease_ran_out(
    api_client, service, real_queue, settings
):
    settings.DOCPLATFORM_JOB_LEASE_SECONDS = 30
    job = queued(api_client, service)
    token = services.job_claim(job_id=job.pk)
    job.refresh_from_db()
    assert timedelta(seconds=25) < job.lease_until - timezone.now() <= timedelta(seconds=30)
    age(job, 60)
    assert recovery.jobs_reconcile() == 0  # lease still running
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert recovery.jobs_reconcile() == 1
    services.job_process(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.COMPLETED, 2)
    assert not services.job_complete(job_id=job.pk, run_token=token, result={}, page_count=1)


@pytest.mark.django_db(transaction=True)
def test_a_running_job_keeps_its_lease_while_its_worker_lives(
    api_client, service, settings, real_queue
):
    settings.DOCPLATFORM_JOB_LEASE_SECONDS = 3
    job = queued(api_client, service)
    token = services.job_claim(job_id=job.pk)
    first = Job.objects.get(pk=job.pk).lease_until
    with recovery.lease_kept(job_id=job.pk, run_token=token):
        time.sleep(4)
        renewed = Job.objects.get(pk=job.pk).lease_until
    assert renewed > first
    assert renewed > timezone.now()


def test_a_failed_enqueue_after_commit_keeps_the_job_its_file_and_its_idempotency_record(
    api_client, service, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(services, "async_task", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = queued(api_client, service, HTTP_IDEMPOTENCY_KEY="order-1")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.document.file.read() == PDF
    assert IdempotencyKey.objects.get(key="order-1").state == IdempotencyKey.State.COMPLETE
    # Recovered like any lost delivery.
    age(job, 60)
    assert recovery.jobs_reconcile() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED


def test_a_refused_submit_leaves_no_folder_behind(api_client, service, media_root):
    service.plan = UsagePlan.objects.create(
        name="None left", documents_limit=0, subscription_start=timezone.now() - timedelta(days=1)
    )
    service.save(update_fields=["plan"])
    response = api_client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("doc.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code in (403, 429)
    assert not Job.objects.exists()
    # Neither the file nor the document's own folder (named by its uuid) stays.
    leftovers = [p for p in media_root.rglob("*") if p.is_file() or len(p.name) == 36]
    assert leftovers == []


def test_the_pass_at_start_frees_what_dead_workers_held_when_no_other_supervisor_lives(
    api_client, service, real_queue
):
    running = queued(api_client, service)
    services.job_claim(job_id=running.pk)
    taken = queued(api_client, service)
    recovery.job_enqueue_now(job_id=taken.pk)
    # A dead cluster had taken the delivery: locked until django-q2's retry.
    OrmQ.objects.update(lock=timezone.now() + timedelta(seconds=1200))
    me = uuid.uuid4()
    delivered = recovery.recovery_pass(supervisor=me)
    assert delivered == 1  # the running job; the taken one is waiting again
    assert not OrmQ.objects.filter(lock__gt=timezone.now()).exists()
    assert sorted(deliveries()) == sorted([str(running.pk), str(taken.pk)])


def test_the_pass_at_start_leaves_live_leases_alone_when_another_supervisor_lives(
    api_client, service, real_queue
):
    WorkerHeartbeat.objects.create(host="other", pid=1)
    running = queued(api_client, service)
    services.job_claim(job_id=running.pk)
    assert recovery.recovery_pass(supervisor=uuid.uuid4()) == 0
    running.refresh_from_db()
    assert running.lease_until > timezone.now()


def test_health_reports_a_stalled_queue_and_a_missing_worker(api_client, service, settings):
    settings.DOCPLATFORM_STALL_SECONDS = 30
    health = recovery.queue_health()
    assert not health.worker_alive and not health.stalled
    WorkerHeartbeat.objects.create(host="here", pid=1)
    job = queued(api_client, service)
    assert recovery.queue_health().healthy
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=60))
    health = recovery.queue_health()
    assert health.stalled and health.oldest_queued_seconds >= 60


def test_a_job_whose_worker_died_is_delivered_again_although_its_taken_delivery_is_locked(
    api_client, service, real_queue
):
    job = queued(api_client, service)
    recovery.job_enqueue_now(job_id=job.pk)
    # The worker took the delivery (django-q2 locks it for `retry`), claimed the job and died.
    OrmQ.objects.update(lock=timezone.now() + timedelta(seconds=1200))
    services.job_claim(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    age(job, 60)
    assert recovery.jobs_reconcile() == 1


def test_health_reports_a_stall_when_only_jobs_of_dead_workers_wait(api_client, service, settings):
    settings.DOCPLATFORM_STALL_SECONDS = 30
    WorkerHeartbeat.objects.create(host="here", pid=1)
    job = queued(api_client, service)
    services.job_claim(job_id=job.pk)
    long_ago = timezone.now() - timedelta(seconds=60)
    # Its worker died a minute ago and no cluster has taken its new delivery since.
    Job.objects.filter(pk=job.pk).update(
        lease_until=long_ago, claimed_at=long_ago - timedelta(seconds=5), created_at=long_ago
    )
    assert recovery.queue_health().stalled
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() + timedelta(seconds=20))
    assert not recovery.queue_health().stalled
