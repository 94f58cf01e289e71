"""Queue tasks. They take ids only (payloads are pickled and signed) and call services."""

from __future__ import annotations

import logging

from docplatform.logs import request_id_bound
from jobs import recovery, retention, services
from jobs.selectors import job_request_id

logger = logging.getLogger(__name__)


def job_process(job_id: str) -> None:
    with request_id_bound(job_request_id(job_id)):
        logger.info("job %s: delivered to this worker", job_id)
        services.job_process(job_id=job_id)


def jobs_reconcile() -> int:
    return recovery.jobs_reconcile()


def retention_purge() -> dict[str, int]:
    return retention.retention_purge()
