"""Reads: the API key lookup every request makes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from docplatform.models import ApiKey, Service, UsagePlan
from docplatform.selectors import api_key_by_prefix
from docplatform.services import api_key_create, service_create

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def orm_key(prefix: str) -> ApiKey:
    return ApiKey.objects.select_related("service__plan").get(prefix=prefix)


def test_the_key_lookup_loads_key_service_and_plan_as_select_related_does():
    now = timezone.now().replace(microsecond=654321)
    plan = UsagePlan.objects.create(
        name="Team", documents_limit=10, subscription_start=now - timedelta(days=2)
    )
    service = service_create(
        name="Invoices", kind=Service.Kind.INVOICE, settings_json={"ocr_engine": "tesseract"}
    )
    service.plan = plan
    service.is_active = False
    service.required_fields = ["total_amount"]
    service.save()
    key, _ = api_key_create(service=service, name="k", expires_at=now + timedelta(days=1))
    ApiKey.objects.filter(pk=key.pk).update(suspended_at=now, last_used_at=now)

    found = api_key_by_prefix(prefix=key.prefix)
    expected = orm_key(key.prefix)
    assert field_values(found) == field_values(expected)
    with CaptureQueriesContext(connection) as queries:
        assert field_values(found.service) == field_values(expected.service)
        assert field_values(found.service.plan) == field_values(expected.service.plan)
    assert queries.captured_queries == []
    assert found.service.settings == {"ocr_engine": "tesseract"}
    assert found.service.is_active is False
    assert found.suspended_at == now
    assert not found._state.adding


def test_the_key_lookup_of_a_service_without_a_plan_has_none_and_reads_once(service, api_key):
    with CaptureQueriesContext(connection) as queries:
        found = api_key_by_prefix(prefix=api_key[0].prefix)
        assert found.service == service
        assert found.service.plan is None
    assert len(queries.captured_queries) == 1


def test_an_unknown_prefix_finds_no_key(api_key):
    assert api_key_by_prefix(prefix="0" * 12) is None
