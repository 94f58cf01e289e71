"""Run the queue workers under a supervisor: ``manage.py worker``.

The supervisor starts two django-q2 clusters as child process groups (extraction, and the
webhook deliveries' own lane) and, every ``DOCPLATFORM_SUPERVISOR_SECONDS``:

- writes its heartbeat (``/healthz`` reads it);
- reconciles jobs (short leases, deliveries lost or held by dead processes) and dispatches
  due webhook deliveries, without waiting for django-q2's scheduler, which runs only after
  30 guard cycles and so never when a cluster restarts often;
- runs the retention purge every ten minutes;
- restarts a cluster that died or stalls (django-q2#23: jobs, or webhook deliveries, due and
  not taken up), after a recovery pass that frees what the dead processes held.

On SIGTERM or SIGINT it asks each cluster to stop (running jobs may finish), kills what is
left after ``DOCPLATFORM_STOP_SECONDS``, and exits: no process of the tree survives it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from jobs import recovery, retention
from webhooks.selectors import deliveries_stalled
from webhooks.services import events_dispatch_due

logger = logging.getLogger("docplatform.worker")

RETENTION_SECONDS = 600


class Cluster:
    """One ``manage.py qcluster`` child in a process group of its own."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> None:
        env = {**os.environ}
        if self.name != settings.Q_CLUSTER["name"]:
            env["Q_CLUSTER_NAME"] = self.name
        else:
            env.pop("Q_CLUSTER_NAME", None)
        self.process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
        self.started_at = time.monotonic()
        logger.info("cluster %s started (pid %s)", self.name, self.process.pid)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Ask the cluster's main process to stop; it stops its own workers in order."""
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kill the whole group (workers, pusher, monitor; extraction children die with
        their workers), whatever state the main process is in."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Command(BaseCommand):
    help = "Run the queue clusters under a supervisor that recovers from crashes and stalls."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-webhooks-lane",
            action="store_true",
            help="Do not start the webhook deliveries' cluster (another machine runs it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        me = uuid.uuid4()
        names = [settings.Q_CLUSTER["name"]]
        if not options["no_webhooks_lane"]:
            names.append(settings.WEBHOOK_CLUSTER)
        clusters = [Cluster(name) for name in names]
        # How each lane tells that its cluster takes nothing: jobs, or webhook deliveries.
        stalled = {
            settings.Q_CLUSTER["name"]: lambda: recovery.queue_health().stalled,
            settings.WEBHOOK_CLUSTER: deliveries_stalled,
        }
        period = settings.DOCPLATFORM_SUPERVISOR_SECONDS
        self._recover(me)
        recovery.supervisor_beat(supervisor=me)
        for cluster in clusters:
            cluster.start()
        next_retention = 0.0
        try:
            while not self.stopping:
                close_old_connections()
                try:
                    recovery.supervisor_beat(supervisor=me)
                    for cluster in clusters:
                        if not cluster.alive:
                            logger.error("cluster %s died: recovering and restarting", cluster.name)
                            cluster.kill()
                            self._recover(me)
                            cluster.start()
                    for cluster in clusters:
                        # A fresh cluster gets the stall period to take its first task.
                        settled = time.monotonic() - cluster.started_at
                        if settled > settings.DOCPLATFORM_STALL_SECONDS and stalled[cluster.name]():
                            logger.error("%s: nothing moves, restarting the cluster", cluster.name)
                            cluster.kill()
                            self._recover(me)
                            cluster.start()
                    recovery.jobs_reconcile()
                    events_dispatch_due()
                    if time.monotonic() >= next_retention:
                        retention.retention_purge()
                        next_retention = time.monotonic() + RETENTION_SECONDS
                except Exception:
                    # A database hiccup must not take the supervisor (and its clusters) down.
                    logger.exception("supervisor cycle failed")
                deadline = time.monotonic() + period
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(0.2)
        finally:
            self._shutdown(clusters)
            try:
                recovery.supervisor_leave(supervisor=me)
            except Exception:
                logger.exception("could not remove the heartbeat")

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _recover(self, me: uuid.UUID) -> None:
        try:
            delivered = recovery.recovery_pass(supervisor=me)
            if delivered:
                logger.warning("recovery: delivered %s jobs again", delivered)
        except Exception:
            logger.exception("recovery pass failed")

    def _shutdown(self, clusters: list[Cluster]) -> None:
        for cluster in clusters:
            cluster.terminate()
        deadline = time.monotonic() + settings.DOCPLATFORM_STOP_SECONDS
        while any(c.alive for c in clusters) and time.monotonic() < deadline:
            time.sleep(0.2)
        for cluster in clusters:
            # Also when the main process exited: a worker it left behind dies with the group.
            cluster.kill()
        logger.info("workers stopped")
