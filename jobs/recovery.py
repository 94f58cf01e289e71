"""Recovery after crashes: leases kept alive while a job runs, the reconciler, the pass at start.

The job row is the truth and the queue only carries job ids, so recovering means finding jobs
that nothing will run any more and handing their ids to the queue again; the claim in
:func:`jobs.services.job_claim` makes a spare delivery harmless.

- A running job's lease is short (``DOCPLATFORM_JOB_LEASE_SECONDS``) and renewed by a thread
  of its worker (:func:`lease_kept`): when the worker dies, the lease runs out within seconds,
  not after the job's whole time limit.
- The reconciler (:func:`jobs_reconcile`, run every few seconds by ``manage.py worker``)
  delivers again every job that is queued or holds an expired lease and has no delivery
  waiting in the queue, keyed on when the job was last enqueued, so each job is looked at
  once per period and not at every run.
- At start, a supervisor that finds no other live one (:func:`recovery_pass`) knows that
  every lease and every queue lock belongs to a dead process and frees them at once, rather
  than waiting for django-q2's ``retry`` (twenty minutes by default).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connections
from django.db.models import Max, Q
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from docplatform.db import database_now
from jobs.models import Job, WorkerHeartbeat

logger = logging.getLogger(__name__)

TASK = "jobs.tasks.job_process"
JOBS_CLUSTER = settings.Q_CLUSTER["name"]


def lease() -> timedelta:
    return timedelta(seconds=settings.DOCPLATFORM_JOB_LEASE_SECONDS)


def job_lease_renew(*, job_id: uuid.UUID | str, run_token: uuid.UUID) -> bool:
    """Extend the lease of the run holding ``run_token``; False once the run lost the job."""
    return bool(
        Job.objects.filter(pk=job_id, run_token=run_token, status=Job.Status.PROCESSING).update(
            lease_until=database_now() + lease()
        )
    )


@contextmanager
def lease_kept(*, job_id: uuid.UUID | str, run_token: uuid.UUID) -> Iterator[None]:
    """Renew a job's lease from a thread while the block runs.

    The thread lives in the worker process, so it dies with it: a killed worker stops renewing
    and its job is free again one lease later. It renews every sixth of the lease, so a few
    slow writes (SQLite waits up to its busy timeout) do not let the lease lapse.
    """
    stop = threading.Event()
    every = max(0.5, settings.DOCPLATFORM_JOB_LEASE_SECONDS / 6)

    def renew() -> None:
        try:
            while not stop.wait(every):
                try:
                    if not job_lease_renew(job_id=job_id, run_token=run_token):
                        return
                except Exception:
                    logger.exception("job %s: lease renewal failed", job_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=renew, name=f"lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def job_enqueue_now(*, job_id: uuid.UUID | str) -> bool:
    """Hand a job id to the queue now; False (logged) if the queue refused it.

    A refused enqueue loses nothing: the job stays queued and the reconciler delivers it.
    """
    try:
        async_task(TASK, str(job_id), group="jobs")
    except Exception:
        logger.exception("job %s: enqueue failed; the reconciler will deliver it", job_id)
        return False
    Job.objects.filter(pk=job_id).update(enqueued_at=database_now())
    return True


def _queue_hold() -> timedelta:
    """How long a task can legitimately sit taken (locked) in a live cluster before it starts:
    the pusher's hand and the local queue, each task ahead running up to its timeout."""
    conf = settings.Q_CLUSTER
    ahead = -(-conf["queue_limit"] // conf["workers"]) + 1
    return timedelta(seconds=ahead * conf["timeout"])


def job_ids_in_queue(*, now: datetime, taken: bool = True) -> set[str]:
    """Ids of jobs with a delivery in the queue that a live cluster will run: waiting to be
    taken and, if ``taken``, taken recently enough to still be in a cluster's hands.

    Rows are matched by unpickling their signed payload; a row that does not verify (the
    secret key changed) is never run by django-q2 either, so it does not count.
    """
    retry = timedelta(seconds=settings.Q_CLUSTER["retry"])
    live = Q(lock__lte=now)
    if taken:
        live |= Q(lock__gt=now + retry - _queue_hold())
    ids: set[str] = set()
    for payload in OrmQ.objects.filter(live, key=JOBS_CLUSTER).values_list("payload", flat=True):
        try:
            task = SignedPackage.loads(payload)
        except (signing.BadSignature, TypeError, ValueError, EOFError):
            continue
        if isinstance(task, dict) and task.get("func") == TASK and task.get("args"):
            ids.add(str(task["args"][0]))
    return ids


def jobs_reconcile(
    *, now: datetime | None = None, redeliver_after: timedelta | None = None, batch: int = 200
) -> int:
    """Deliver again the jobs nothing will run: queued or holding an expired lease, with no
    delivery in the queue, and not enqueued in the last ``redeliver_after``.

    Jobs found with a delivery waiting are marked as seen (``enqueued_at``), so a backlog is
    examined once per period, in batches of ``batch``. Returns how many were delivered.
    """
    now = now or database_now()
    if redeliver_after is None:
        redeliver_after = timedelta(seconds=settings.DOCPLATFORM_REDELIVER_SECONDS)
    candidates = list(
        Job.objects.filter(
            Q(status=Job.Status.QUEUED) | Q(status=Job.Status.PROCESSING, lease_until__lt=now),
            enqueued_at__lte=now - redeliver_after,
        )
        .order_by("enqueued_at")
        .values_list("pk", "status")[:batch]
    )
    if not candidates:
        return 0
    # A running job whose lease ran out lost its run: the delivery its worker had taken does not
    # count, only one still waiting to be taken. A queued job's taken delivery is in a
    # cluster's hands (or was freed by the recovery pass if that cluster died).
    waiting = job_ids_in_queue(now=now, taken=False)
    taken = (
        job_ids_in_queue(now=now) if any(st == Job.Status.QUEUED for _, st in candidates) else set()
    )

    def has_delivery(pk: uuid.UUID, status: str) -> bool:
        return str(pk) in (taken if status == Job.Status.QUEUED else waiting)

    seen = [pk for pk, status in candidates if has_delivery(pk, status)]
    Job.objects.filter(pk__in=seen).update(enqueued_at=now)
    delivered = 0
    for pk, status in candidates:
        if has_delivery(pk, status):
            continue
        logger.info("job %s (%s) has no live delivery: delivering it again", pk, status)
        delivered += job_enqueue_now(job_id=pk)
    return delivered


def supervisors_alive(*, now: datetime, exclude: uuid.UUID | None = None) -> int:
    """How many other supervisors beat recently (three periods)."""
    horizon = now - timedelta(seconds=3 * settings.DOCPLATFORM_SUPERVISOR_SECONDS + 5)
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=horizon)
    if exclude is not None:
        alive = alive.exclude(pk=exclude)
    return alive.count()


def recovery_pass(*, supervisor: uuid.UUID | None = None, now: datetime | None = None) -> int:
    """Take up everything the last run of the workers left, at (re)start of the clusters.

    When no other supervisor is alive, all leases and queue locks belong to dead processes:
    they are released now, so jobs and webhook deliveries start at once. Otherwise only what
    has expired is taken up. Returns how many jobs were delivered again.
    """
    from webhooks.services import events_dispatch_due, events_leases_release

    now = now or database_now()
    if not supervisors_alive(now=now, exclude=supervisor):
        released = OrmQ.objects.filter(lock__gt=now).update(lock=now)
        expired = Job.objects.filter(status=Job.Status.PROCESSING, lease_until__gt=now).update(
            lease_until=now
        )
        events = events_leases_release(now=now)
        if released or expired or events:
            logger.warning(
                "recovery: released %s queue locks, %s job leases and %s delivery leases "
                "left by stopped workers",
                released,
                expired,
                events,
            )
    delivered = jobs_reconcile(now=now + timedelta(microseconds=1), redeliver_after=timedelta(0))
    events_dispatch_due()
    return delivered


def supervisor_beat(*, supervisor: uuid.UUID) -> None:
    now = database_now()
    updated = WorkerHeartbeat.objects.filter(pk=supervisor).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            pk=supervisor, host=socket.gethostname()[:255], pid=os.getpid(), beat_at=now
        )


def supervisor_leave(*, supervisor: uuid.UUID) -> None:
    WorkerHeartbeat.objects.filter(pk=supervisor).delete()
    # Rows of supervisors that died long ago only fill the table.
    WorkerHeartbeat.objects.filter(beat_at__lt=database_now() - timedelta(days=1)).delete()


@dataclass(frozen=True, slots=True)
class QueueHealth:
    worker_alive: bool
    last_beat_seconds: float | None
    oldest_queued_seconds: float | None
    stalled: bool

    @property
    def healthy(self) -> bool:
        return self.worker_alive and not self.stalled


def queue_health(*, now: datetime | None = None) -> QueueHealth:
    """Whether a worker supervisor is alive and whether jobs move.

    Stalled: a job has been waiting for ``DOCPLATFORM_STALL_SECONDS`` while no job is running
    and none was claimed or finished in that time (a cluster that takes nothing, as after
    django-q2#23). Waiting: queued since its submit, or running on a lease that ran out (its
    worker died; it waits for a worker again since the lease's end).
    """
    now = now or database_now()
    last_beat = WorkerHeartbeat.objects.aggregate(at=Max("beat_at"))["at"]
    oldest = (
        Job.objects.filter(status=Job.Status.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    lapsed = (
        Job.objects.filter(status=Job.Status.PROCESSING, lease_until__lte=now)
        .order_by("lease_until")
        .values_list("lease_until", flat=True)
        .first()
    )
    waiting = min((at for at in (oldest, lapsed) if at is not None), default=None)
    stall = timedelta(seconds=settings.DOCPLATFORM_STALL_SECONDS)
    stalled = False
    if waiting is not None and waiting < now - stall:
        running = Job.objects.filter(status=Job.Status.PROCESSING, lease_until__gt=now).exists()
        recent = Job.objects.filter(
            Q(claimed_at__gt=now - stall) | Q(completed_at__gt=now - stall)
        ).exists()
        stalled = not running and not recent
    beat_age = (now - last_beat).total_seconds() if last_beat else None
    alive = beat_age is not None and beat_age < 3 * settings.DOCPLATFORM_SUPERVISOR_SECONDS + 5
    return QueueHealth(
        worker_alive=alive,
        last_beat_seconds=round(beat_age, 1) if beat_age is not None else None,
        oldest_queued_seconds=round((now - oldest).total_seconds(), 1) if oldest else None,
        stalled=stalled,
    )
