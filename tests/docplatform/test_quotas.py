"""Plan periods and debits: resets, trials, tolerance, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from docplatform.models import PlanUsage, RateWindow, ServiceUsage, UsagePlan, add_months
from docplatform.quotas import (
    QuotaExceeded,
    UsageCounts,
    plan_usage_reset,
    quota_document_consume,
    quota_pages_consume,
    rate_limit_consume,
)

pytestmark = pytest.mark.django_db

START = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


def make_plan(service, **fields) -> UsagePlan:
    plan = UsagePlan.objects.create(name=fields.pop("name", "Plan"), **fields)
    service.plan = plan
    service.save(update_fields=["plan"])
    return plan


def test_months_are_added_with_the_day_clamped_to_short_months():
    assert add_months(START, 1) == datetime(2025, 2, 28, 9, 30, tzinfo=UTC)
    assert add_months(START, 2) == datetime(2025, 3, 31, 9, 30, tzinfo=UTC)
    assert add_months(START, 13) == datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    assert add_months(START, -1) == datetime(2024, 12, 31, 9, 30, tzinfo=UTC)


def test_a_monthly_plan_resets_on_the_anniversary_of_its_start():
    plan = UsagePlan(plan_type=UsagePlan.PlanType.MONTHLY, subscription_start=START)
    assert plan.period_at(START) == (START, datetime(2025, 2, 28, 9, 30, tzinfo=UTC))
    just_before = datetime(2025, 2, 28, 9, 29, tzinfo=UTC)
    assert plan.period_at(just_before)[0] == START
    march = datetime(2025, 3, 30, tzinfo=UTC)
    assert plan.period_at(march) == (
        datetime(2025, 2, 28, 9, 30, tzinfo=UTC),
        datetime(2025, 3, 31, 9, 30, tzinfo=UTC),
    )


def test_an_annual_plan_resets_once_a_year():
    plan = UsagePlan(plan_type=UsagePlan.PlanType.ANNUAL, subscription_start=START)
    moment = datetime(2026, 1, 30, tzinfo=UTC)
    assert plan.period_at(moment) == (START, datetime(2026, 1, 31, 9, 30, tzinfo=UTC))
    assert plan.period_at(datetime(2026, 2, 1, tzinfo=UTC))[0] == datetime(
        2026, 1, 31, 9, 30, tzinfo=UTC
    )


def test_a_trial_has_one_period_that_never_resets():
    plan = UsagePlan(plan_type=UsagePlan.PlanType.TRIAL, subscription_start=START)
    assert plan.period_at(START + timedelta(days=900)) == (START, None)


def test_usage_starts_again_from_zero_in_a_new_period(service):
    make_plan(service, documents_limit=1, subscription_start=START)
    quota_document_consume(service=service, now=START + timedelta(days=1))
    with pytest.raises(QuotaExceeded) as refused:
        quota_document_consume(service=service, now=START + timedelta(days=2))
    assert "1 documents per month" in refused.value.message
    assert "resets at 2025-02-28T09:30:00+00:00" in refused.value.message
    quota_document_consume(service=service, now=datetime(2025, 3, 1, tzinfo=UTC))
    assert list(
        ServiceUsage.objects.filter(service=service).values_list("period_start", "documents_used")
    ) == [(datetime(2025, 2, 28, 9, 30, tzinfo=UTC), 1), (START, 1)]


def test_a_trial_does_not_reset_and_refuses_everything_after_its_end(service):
    make_plan(
        service,
        plan_type=UsagePlan.PlanType.TRIAL,
        documents_limit=2,
        subscription_start=START,
        subscription_end=START + timedelta(days=400),
    )
    quota_document_consume(service=service, now=START)
    quota_document_consume(service=service, now=START + timedelta(days=200))
    with pytest.raises(QuotaExceeded) as spent:
        quota_document_consume(service=service, now=START + timedelta(days=300))
    assert "2 documents for the trial" in spent.value.message
    assert "does not reset" in spent.value.message
    with pytest.raises(QuotaExceeded) as ended:
        quota_pages_consume(service=service, pages=1, now=START + timedelta(days=401))
    assert "ended" in ended.value.message


def test_a_plan_refuses_requests_before_its_subscription_starts(service):
    make_plan(service, subscription_start=START)
    with pytest.raises(QuotaExceeded):
        quota_document_consume(service=service, now=START - timedelta(seconds=1))


def test_tolerance_lets_usage_run_over_the_limit_by_its_share_rounded_up(service):
    make_plan(service, documents_limit=10, tolerance_percent=15, subscription_start=START)
    for _ in range(12):  # 10 + ceil(1.5)
        quota_document_consume(service=service, now=START)
    with pytest.raises(QuotaExceeded) as refused:
        quota_document_consume(service=service, now=START)
    assert "(plus 15% tolerance)" in refused.value.message


def test_pages_are_spent_all_or_none(service):
    plan = make_plan(service, pages_limit=5, subscription_start=START)
    quota_pages_consume(service=service, pages=3, now=START)
    with pytest.raises(QuotaExceeded) as refused:
        quota_pages_consume(service=service, pages=3, now=START)
    assert "has 3 pages and 2 remain" in refused.value.message
    quota_pages_consume(service=service, pages=2, now=START)
    assert PlanUsage.objects.get(plan=plan).pages_used == 5


def test_a_plan_whose_pages_are_spent_refuses_new_documents(service):
    make_plan(service, pages_limit=2, subscription_start=START)
    quota_pages_consume(service=service, pages=2, now=START)
    with pytest.raises(QuotaExceeded) as refused:
        quota_document_consume(service=service, now=START)
    assert "page limit is reached: 2 pages per month" in refused.value.message


def test_services_of_one_plan_share_its_budget_and_keep_their_own_history(service, other_service):
    plan = make_plan(service, documents_limit=2, subscription_start=START)
    other_service.plan = plan
    other_service.save(update_fields=["plan"])
    quota_document_consume(service=service, now=START)
    quota_document_consume(service=other_service, now=START)
    with pytest.raises(QuotaExceeded):
        quota_document_consume(service=service, now=START)
    assert PlanUsage.objects.get(plan=plan).documents_used == 2
    assert ServiceUsage.objects.get(service=service).documents_used == 1
    assert ServiceUsage.objects.get(service=other_service).documents_used == 1


def test_resetting_a_period_sets_the_plan_back_to_zero_but_keeps_the_history(service):
    plan = make_plan(service, documents_limit=1, subscription_start=START)
    quota_document_consume(service=service, now=START)
    usage = plan_usage_reset(plan=plan, now=START + timedelta(hours=1))
    assert (usage.documents_used, usage.reset_at) == (0, START + timedelta(hours=1))
    quota_document_consume(service=service, now=START + timedelta(hours=2))
    assert ServiceUsage.objects.get(service=service).documents_used == 2


def test_a_service_without_a_plan_is_unlimited_and_counted_by_calendar_month(service):
    moment = datetime(2025, 5, 17, 12, tzinfo=UTC)
    for _ in range(3):
        quota_document_consume(service=service, now=moment)
    quota_pages_consume(service=service, pages=7, now=moment)
    usage = ServiceUsage.objects.get(service=service)
    assert usage.period_start == datetime(2025, 5, 1, tzinfo=UTC)
    assert (usage.documents_used, usage.pages_used, usage.plan) == (3, 7, None)


def test_a_document_debit_returns_the_usage_after_it(service, other_service):
    assert quota_document_consume(service=service) == UsageCounts(documents_used=1, pages_used=0)
    assert quota_document_consume(service=service).documents_used == 2
    plan = make_plan(service, documents_limit=5)
    other_service.plan = plan
    other_service.save(update_fields=["plan"])
    quota_document_consume(service=other_service)
    # The plan's usage, which its services share.
    assert quota_document_consume(service=service) == UsageCounts(documents_used=2, pages_used=0)


def test_a_debit_adds_to_the_period_row_the_orm_created_to_the_microsecond(service):
    # A start with microseconds: the debit's own SQL must write the period's start exactly
    # as the ORM does, or SQLite (which compares text) would see a second period.
    start = timezone.now().replace(microsecond=123456) - timedelta(days=1)
    plan = make_plan(service, documents_limit=5, subscription_start=start)
    plan_usage_reset(plan=plan)
    quota_document_consume(service=service)
    quota_document_consume(service=service)
    assert PlanUsage.objects.get(plan=plan).documents_used == 2
    assert ServiceUsage.objects.get(service=service).documents_used == 2


def test_a_plan_of_zero_documents_refuses_the_first_and_counts_nothing(service):
    plan = make_plan(service, documents_limit=0, subscription_start=START)
    with pytest.raises(QuotaExceeded) as refused:
        quota_document_consume(service=service, now=START + timedelta(days=1))
    assert refused.value.limit == "documents"
    assert not PlanUsage.objects.filter(plan=plan, documents_used__gt=0).exists()
    assert not ServiceUsage.objects.exists()


def test_a_keys_past_minutes_are_deleted_when_its_next_minute_starts(api_key):
    key, _ = api_key
    make_plan(key.service, requests_per_minute=5)
    minute = timezone.now().replace(second=0, microsecond=0)
    rate_limit_consume(api_key=key, now=minute + timedelta(seconds=10))
    rate_limit_consume(api_key=key, now=minute + timedelta(seconds=15))
    status = rate_limit_consume(api_key=key, now=minute + timedelta(seconds=70))
    assert status is not None and status.remaining == 4
    assert list(RateWindow.objects.values_list("window_start", "count")) == [
        (minute + timedelta(minutes=1), 1)
    ]
