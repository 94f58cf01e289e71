"""GET /metrics: Prometheus text with django-prometheus' metrics and the platform's gauges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from docplatform.models import UsagePlan
from jobs.models import Job
from tests import documents

pytestmark = pytest.mark.django_db

PDF = documents.text_pdf(["Invoice M-1", "Total 1.00 EUR"])


def scrape(client: Client, **headers: str) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_show_jobs_queue_age_throughput_speed_and_webhooks(submit, service, api_client):
    submit("a.pdf", PDF)
    submit("b.pdf", PDF)
    queued = Job.objects.create(service=service, created_at=timezone.now() - timedelta(minutes=3))
    samples = scrape(Client())
    assert samples[("docplatform_jobs", (("status", "completed"),))] == 2
    assert samples[("docplatform_jobs", (("status", "queued"),))] == 1
    assert samples[("docplatform_jobs", (("status", "failed"),))] == 0
    age = samples[("docplatform_oldest_queued_job_age_seconds", ())]
    assert 170 < age < 600
    assert samples[("docplatform_jobs_per_minute", (("status", "completed"),))] == 2 / 15
    per_page = samples[("docplatform_extraction_seconds_per_page", (("source", "text-layer"),))]
    assert per_page >= 0
    assert ("docplatform_webhook_events", (("status", "delivered"),)) in samples
    # django-prometheus' own request metrics are there too.
    assert any(name.startswith("django_http_requests") for name, _ in samples)
    queued.delete()


def test_quota_refusals_are_counted_by_reason(submit, service):
    before = scrape(Client()).get(
        ("docplatform_quota_refusals_total", (("code", "quota_exceeded"),)), 0
    )
    service.plan = UsagePlan.objects.create(name="One", documents_limit=1)
    service.save(update_fields=["plan"])
    assert submit("a.pdf", PDF).status_code == 200
    assert submit("b.pdf", PDF).status_code == 403
    after = scrape(Client())[("docplatform_quota_refusals_total", (("code", "quota_exceeded"),))]
    assert after == before + 1


def test_metrics_refuse_other_networks_without_the_token(settings):
    settings.DOCPLATFORM_METRICS_NETWORKS = ["10.9.0.0/16"]
    settings.DOCPLATFORM_METRICS_TOKEN = "scrape-token-0123456789"
    response = Client().get("/metrics")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "metrics_forbidden"
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    assert scrape(Client(), HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")
    assert Client(REMOTE_ADDR="10.9.4.2").get("/metrics").status_code == 200


def test_metrics_are_closed_when_no_network_and_no_token_is_set(settings):
    settings.DOCPLATFORM_METRICS_NETWORKS = []
    settings.DOCPLATFORM_METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_behind_the_proxy_a_scrape_counts_from_the_client_not_from_the_proxy(settings):
    # The proxy runs on the machine: every request it forwards comes from loopback.
    settings.BEHIND_PROXY = True
    settings.DOCPLATFORM_METRICS_NETWORKS = ["127.0.0.1/32", "10.9.0.0/16"]
    settings.DOCPLATFORM_METRICS_TOKEN = "scrape-token-0123456789"
    proxied = {"HTTP_X_FORWARDED_PROTO": "https"}
    assert Client().get("/metrics", **proxied).status_code == 403
    outside = {**proxied, "HTTP_X_FORWARDED_FOR": "10.9.4.2, 203.0.113.7"}
    assert Client().get("/metrics", **outside).status_code == 403
    inside = {**proxied, "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.9.4.2"}
    assert Client().get("/metrics", **inside).status_code == 200
    # A scrape straight to the application on the machine, and the token, still work.
    assert Client().get("/metrics").status_code == 200
    assert scrape(Client(), HTTP_AUTHORIZATION="Bearer scrape-token-0123456789", **proxied)
