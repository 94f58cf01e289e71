"""Prometheus metrics: django-prometheus' request and database metrics, and the platform's own.

The platform's gauges are read from the database when scraped, so every web process answers
the same figures whatever machine ran the jobs. Quota refusals are counted in the web process
that refused; with several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` so that the
scrape adds up all of them (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# The window of the rates below: long enough to smooth single jobs, short enough to show now.
RATE_WINDOW = timedelta(minutes=15)
# At most this many recent jobs are read for the seconds-per-page figure.
TIMING_SAMPLE = 1000

QUOTA_REFUSALS = Counter(
    "docplatform_quota_refusals",
    "Submits refused by a plan: quota_exceeded (budget) or rate_limited (rate, active jobs).",
    ["code"],
)


def quota_refusal_count(*, code: str) -> None:
    QUOTA_REFUSALS.labels(code=code).inc()


class PlatformCollector(Collector):
    """Jobs, queue age, throughput, extraction speed and webhook outcomes, from the database."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from jobs.models import Job
        from webhooks.models import WebhookEvent

        now = timezone.now()
        jobs = GaugeMetricFamily(
            "docplatform_jobs", "Jobs by status (expired jobs included).", labels=["status"]
        )
        counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Job.Status.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs

        oldest = Job.objects.filter(status=Job.Status.QUEUED).aggregate(at=Min("created_at"))["at"]
        yield GaugeMetricFamily(
            "docplatform_oldest_queued_job_age_seconds",
            "Age of the oldest job still waiting for a worker (0 when none waits).",
            value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        )

        recent = Job.objects.filter(completed_at__gte=now - RATE_WINDOW)
        finished = GaugeMetricFamily(
            "docplatform_jobs_per_minute",
            "Jobs finished per minute over the last 15 minutes, by outcome.",
            labels=["status"],
        )
        done = dict(recent.values_list("status").annotate(n=Count("pk")).order_by())
        minutes = RATE_WINDOW.total_seconds() / 60
        for status in Job.FINISHED:
            finished.add_metric([status], done.get(status, 0) / minutes)
        yield finished

        yield self._seconds_per_page(recent)

        events = GaugeMetricFamily(
            "docplatform_webhook_events",
            "Webhook events by delivery outcome (kept for the webhook history period).",
            labels=["status"],
        )
        outcomes = dict(
            WebhookEvent.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        for status in WebhookEvent.Status.values:
            events.add_metric([status], outcomes.get(status, 0))
        yield events

    def _seconds_per_page(self, recent) -> GaugeMetricFamily:
        """Wall seconds per page of the jobs completed recently, by the first page's source
        (text layer, OCR, e-invoice XML)."""
        from jobs.models import Job

        metric = GaugeMetricFamily(
            "docplatform_extraction_seconds_per_page",
            "Processing seconds per page of the jobs completed in the last 15 minutes, by the "
            "source of their text.",
            labels=["source"],
        )
        rows = (
            recent.filter(status=Job.Status.COMPLETED, started_at__isnull=False)
            .exclude(document__page_count=None)
            .order_by("-completed_at")
            .values_list(
                "started_at",
                "completed_at",
                "document__page_count",
                "document__result__pages__0__source",
            )[:TIMING_SAMPLE]
        )
        seconds: dict[str, float] = defaultdict(float)
        pages: dict[str, int] = defaultdict(int)
        for started, completed, page_count, source in rows:
            if not page_count:
                continue
            key = source if isinstance(source, str) and source else "unknown"
            seconds[key] += max(0.0, (completed - started).total_seconds())
            pages[key] += page_count
        for key in sorted(pages):
            metric.add_metric([key], seconds[key] / pages[key])
        return metric


_PLATFORM = CollectorRegistry(auto_describe=False)
_PLATFORM.register(PlatformCollector())


def _process_registry() -> CollectorRegistry:
    """This process's metrics, or every process's in prometheus_client's multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def scraper_address(request: HttpRequest) -> str:
    """The address a scrape comes from. Behind the reverse proxy (on the same machine, as the
    README sets it up) every request arrives from loopback: the client is then the address the
    proxy added last to X-Forwarded-For, and a request the proxy forwarded without it (it still
    says X-Forwarded-Proto) has no known address. Otherwise loopback would let the whole
    Internet read the metrics through the proxy."""
    meta = request.META
    if not settings.BEHIND_PROXY:
        return meta.get("REMOTE_ADDR", "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    if "HTTP_X_FORWARDED_PROTO" in meta:
        return ""
    return meta.get("REMOTE_ADDR", "")


def metrics_allowed(request: HttpRequest) -> bool:
    """A scrape is allowed with the bearer token, or from one of the allowed networks."""
    token = settings.DOCPLATFORM_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    try:
        address = ipaddress.ip_address(scraper_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.DOCPLATFORM_METRICS_NETWORKS
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics`` in the Prometheus text format."""
    if not metrics_allowed(request):
        return JsonResponse(
            {
                "error": {
                    "code": "metrics_forbidden",
                    "message": "Metrics need the metrics token or an allowed network.",
                }
            },
            status=403,
        )
    body = generate_latest(_process_registry()) + generate_latest(_PLATFORM)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
