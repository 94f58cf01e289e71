"""Queue tasks. They take ids only (payloads are pickled and signed) and call services."""

from __future__ import annotations

from jobs import retention, services


def job_process(job_id: str) -> None:
    services.job_process(job_id=job_id)


def jobs_reconcile() -> int:
    return services.jobs_reconcile()


def retention_purge() -> dict[str, int]:
    return retention.retention_purge()
