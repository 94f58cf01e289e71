"""Plans through the API: refusals, usage headers, the quotas endpoint, suspensions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from docplatform.models import PlanUsage, UsagePlan
from docplatform.services import api_key_create, api_key_resume, api_key_suspend
from jobs.models import Document, Job
from tests import documents

pytestmark = pytest.mark.django_db

ONE_PAGE = documents.text_pdf(["Invoice INV-1"])
THREE_PAGES = documents.text_pdf(["page one"], ["page two"], ["page three"])


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock fixed mid-minute, so consecutive requests share one rate window."""
    frozen = timezone.now().replace(second=30, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: frozen)


def with_plan(service, **fields) -> UsagePlan:
    fields.setdefault("subscription_start", timezone.now() - timedelta(days=3))
    plan = UsagePlan.objects.create(name=fields.pop("name", "Team plan"), **fields)
    service.plan = plan
    service.save(update_fields=["plan"])
    return plan


def base(service) -> str:
    return f"/api/v1/inference/service/{service.public_id}"


def quotas_url(service) -> str:
    return f"/api/v1/service/{service.public_id}/plan/quotas"


def post(client, service, content: bytes = ONE_PAGE):
    return client.post(
        f"{base(service)}/async-predict",
        {"file": documents.upload("doc.pdf", content)},
        format="multipart",
    )


def test_submitting_to_a_spent_plan_is_403_and_stores_nothing(api_client, service, media_root):
    plan = with_plan(service, documents_limit=1)
    assert post(api_client, service).status_code == 200
    files_before = sorted(p for p in media_root.rglob("*") if p.is_file())
    response = post(api_client, service)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "quota_exceeded"
    _, reset = plan.period_at(timezone.now())
    assert error["message"] == (
        "The plan's document limit is reached: 1 documents per month; "
        f"it resets at {reset.isoformat()}."
    )
    assert Job.objects.count() == Document.objects.count() == 1
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == files_before


def test_pages_are_counted_when_processed(submit, api_client, service):
    plan = with_plan(service, pages_limit=10)
    submit("three.pdf", THREE_PAGES)
    assert PlanUsage.objects.get(plan=plan).pages_used == 3
    response = api_client.get(quotas_url(service))
    assert response.json()["plan_usage"] == 3


def test_a_document_with_more_pages_than_remain_fails_with_quota_exceeded(
    submit, api_client, service
):
    plan = with_plan(service, pages_limit=4)
    submit("one.pdf", ONE_PAGE)
    job_id = submit("three.pdf", THREE_PAGES).json()["job"]  # 1 + 3 fits exactly
    assert Job.objects.get(pk=job_id).status == Job.Status.COMPLETED
    PlanUsage.objects.filter(plan=plan).update(pages_used=2)
    job_id = submit("three.pdf", THREE_PAGES).json()["job"]
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.FAILED
    assert job.error_code == "quota_exceeded"
    assert "has 3 pages and 2 remain" in job.error_message
    assert job.document.result is None
    assert PlanUsage.objects.get(plan=plan).pages_used == 2


def test_tolerance_lets_a_document_overrun_the_page_limit(submit, service):
    plan = with_plan(service, pages_limit=2, tolerance_percent=50)
    job_id = submit("three.pdf", THREE_PAGES).json()["job"]
    assert Job.objects.get(pk=job_id).status == Job.Status.COMPLETED
    assert PlanUsage.objects.get(plan=plan).pages_used == 3


def test_every_response_carries_the_plan_usage_headers(submit, api_client, service):
    with_plan(service, pages_limit=100, documents_limit=50)
    response = submit("one.pdf", ONE_PAGE)
    # The document is spent at submit; its page only once processed (after the response).
    assert response["x-plan-usage"] == "0"
    assert response["x-plan-usage-limit"] == "100"
    assert response["x-plan-documents-usage"] == "1"
    assert response["x-plan-documents-usage-limit"] == "50"
    status = api_client.get(f"{base(service)}/jobs/{response.json()['job']}")
    assert (status["x-plan-usage"], status["x-plan-usage-limit"]) == ("1", "100")
    missing = api_client.get(f"{base(service)}/jobs/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing["x-plan-usage"] == "1"


def test_an_unlimited_plan_sends_usage_without_a_limit_header(api_client, service):
    with_plan(service)
    response = api_client.get(f"{base(service)}/jobs")
    assert response["x-plan-usage"] == "0"
    assert "x-plan-usage-limit" not in response


def test_quotas_endpoint_reports_usage_limit_type_and_subscription(api_client, service):
    start = timezone.now() - timedelta(days=3)
    end = start + timedelta(days=30)
    with_plan(
        service,
        plan_type=UsagePlan.PlanType.TRIAL,
        pages_limit=500,
        documents_limit=20,
        subscription_start=start,
        subscription_end=end,
    )
    post(api_client, service)
    response = api_client.get(quotas_url(service))
    assert response.status_code == 200
    assert response.json() == {
        "plan_usage": 0,
        "plan_usage_limit": 500,
        "plan_type": "TRIAL",
        "subscription_start_date": start.isoformat().replace("+00:00", "Z"),
        "subscription_end_date": end.isoformat().replace("+00:00", "Z"),
        "documents_usage": 1,
        "documents_usage_limit": 20,
        "period_start": start.isoformat().replace("+00:00", "Z"),
        "period_reset_at": None,
    }
    assert response["x-plan-usage-limit"] == "500"


def test_quotas_endpoint_of_a_service_without_a_plan_reports_monthly_usage_without_limit(
    submit, api_client, service
):
    submit("a.pdf", documents.text_pdf(["Hello"]))
    response = api_client.get(quotas_url(service))
    body = response.json()
    # myBiros documents a string and an integer here: never null.
    assert body["plan_type"] == "PAID_MONTHLY_QUOTA_RESET"
    assert body["plan_usage_limit"] == 2**31 - 1
    assert body["plan_usage"] == 1
    assert body["subscription_start_date"] is None
    assert response["x-plan-usage"] == "1"
    assert "x-plan-usage-limit" not in response


def test_quotas_endpoint_of_another_service_is_404(api_client, other_service):
    with_plan(other_service, pages_limit=5)
    response = api_client.get(quotas_url(other_service))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "service_not_found"
    assert APIClient().get(quotas_url(other_service)).status_code == 401


def test_quotas_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content
    assert b"/api/v1/service/{service_id}/plan/quotas" in schema
    assert b"plan_usage_limit" in schema


def test_requests_over_the_rate_are_429_with_retry_after(api_client, service, one_minute):
    with_plan(service, requests_per_minute=2)
    first = api_client.get(f"{base(service)}/jobs")
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
    assert first["RateLimit-Reset"] == "30"
    assert api_client.get(f"{base(service)}/jobs")["RateLimit-Remaining"] == "0"
    refused = api_client.get(f"{base(service)}/jobs")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "30"
    assert refused["RateLimit-Remaining"] == "0"


def test_the_rate_is_counted_per_key(api_client, service, one_minute):
    with_plan(service, requests_per_minute=1)
    assert api_client.get(f"{base(service)}/jobs").status_code == 200
    assert api_client.get(f"{base(service)}/jobs").status_code == 429
    _, raw = api_key_create(service=service, name="second")
    other = APIClient()
    other.credentials(HTTP_X_API_KEY=raw)
    assert other.get(f"{base(service)}/jobs").status_code == 200


def test_submitting_over_the_active_jobs_cap_is_429(api_client, service):
    with_plan(service, max_active_jobs=1)
    assert post(api_client, service).status_code == 200  # stays queued: not run here
    refused = post(api_client, service)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused["Retry-After"] == "5"
    assert Job.objects.count() == 1
    Job.objects.update(status=Job.Status.COMPLETED)
    assert post(api_client, service).status_code == 200


def test_a_plan_file_size_smaller_than_the_global_limit_applies(api_client, service):
    with_plan(service, max_file_bytes=1000)
    response = post(api_client, service, b"%PDF-1.4\n" + b"0" * 2000)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == (
        "The file is larger than the limit of 1000 bytes."
    )
    assert not Job.objects.exists()


def test_a_plan_page_limit_per_document_fails_longer_documents(submit, service):
    with_plan(service, max_pages_per_document=2)
    job = Job.objects.get(pk=submit("three.pdf", THREE_PAGES).json()["job"])
    assert job.status == Job.Status.FAILED
    assert job.error_code == "too_many_pages"


def test_a_suspended_service_refuses_documents_but_stays_readable(api_client, service):
    job_id = post(api_client, service).json()["job"]
    service.is_active = False
    service.save()
    response = post(api_client, service)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "service_suspended"
    assert api_client.get(f"{base(service)}/jobs/{job_id}").status_code == 202


def test_a_suspended_key_is_refused_until_resumed(api_client, service, api_key):
    api_key_suspend(api_key=api_key[0])
    response = api_client.get(f"{base(service)}/jobs")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "key_suspended"
    api_key_resume(api_key=api_key[0])
    assert api_client.get(f"{base(service)}/jobs").status_code == 200


def test_a_submits_usage_headers_count_that_submit_with_or_without_a_plan(
    api_client, service, other_service
):
    assert post(api_client, service)["x-plan-documents-usage"] == "1"
    second = post(api_client, service)
    assert (second["x-plan-documents-usage"], second["x-plan-usage"]) == ("2", "0")
    assert "x-plan-documents-usage-limit" not in second
    with_plan(service, documents_limit=10)
    # The plan counts what its services submit from now on, the other service's too.
    other_service.plan = service.plan
    other_service.save(update_fields=["plan"])
    other_client = APIClient()
    other_client.credentials(HTTP_X_API_KEY=api_key_create(service=other_service, name="o")[1])
    assert post(other_client, other_service)["x-plan-documents-usage"] == "1"
    third = post(api_client, service)
    assert third["x-plan-documents-usage"] == "2"
    assert third["x-plan-documents-usage-limit"] == "10"


def test_a_refused_submit_reports_the_usage_it_did_not_change(api_client, service):
    with_plan(service, documents_limit=1)
    assert post(api_client, service)["x-plan-documents-usage"] == "1"
    refused = post(api_client, service)
    assert refused.status_code == 403
    assert refused["x-plan-documents-usage"] == "1"


def test_a_rate_of_zero_refuses_every_request(api_client, service, one_minute):
    with_plan(service, requests_per_minute=0)
    refused = api_client.get(f"{base(service)}/jobs")
    assert refused.status_code == 429
    assert refused["RateLimit-Remaining"] == "0"
