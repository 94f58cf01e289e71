"""The admin: plans and usage, keys shown once, revoking, suspending, raising and resetting."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from docplatform.models import ApiKey, PlanUsage, Service, UsagePlan
from docplatform.quotas import quota_document_consume
from tests import documents

pytestmark = pytest.mark.django_db

KEY = re.compile(r"dpk_[0-9a-f]{12}\.[A-Za-z0-9_-]+")
PDF = documents.text_pdf(["Invoice"])


def with_plan(service: Service, **fields) -> UsagePlan:
    fields.setdefault("subscription_start", timezone.now() - timedelta(days=1))
    plan = UsagePlan.objects.create(name=fields.pop("name", "Gold"), **fields)
    service.plan = plan
    service.save(update_fields=["plan"])
    return plan


def submit_status(raw_key: str, service: Service) -> int:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw_key)
    response = client.post(
        f"/api/v1/inference/service/{service.public_id}/async-predict",
        {"file": documents.upload("a.pdf", PDF)},
        format="multipart",
    )
    return response.status_code


def action(admin_client, model: str, name: str, *objects) -> None:
    response = admin_client.post(
        f"/admin/docplatform/{model}/",
        {"action": name, "_selected_action": [o.pk for o in objects]},
    )
    assert response.status_code == 302


def change_form_data(response) -> dict:
    """What the browser would send back from an admin change page, unchanged."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(value, datetime):
                data[f"{key}_0"], data[f"{key}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
            else:
                data[key] = "" if value is None else value
    return data


def last_log(obj) -> LogEntry:
    return LogEntry.objects.filter(object_id=str(obj.pk)).latest("action_time")


def test_a_key_created_in_the_admin_is_shown_exactly_once(admin_client, service):
    response = admin_client.post(
        "/admin/docplatform/apikey/add/",
        {"service": service.pk, "name": "billing", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = KEY.findall(response.content.decode())
    assert len(shown) == 1
    raw = shown[0]
    key = ApiKey.objects.get(name="billing")
    assert raw.startswith(f"dpk_{key.prefix}.")
    assert raw not in key.hashed_key
    assert submit_status(raw, service) == 200
    again = admin_client.get(f"/admin/docplatform/apikey/{key.pk}/change/")
    listing = admin_client.get("/admin/docplatform/apikey/")
    assert raw.split(".")[1] not in again.content.decode() + listing.content.decode()
    assert LogEntry.objects.filter(object_id=str(key.pk)).exists()


def test_revoking_a_key_in_the_admin_refuses_it_and_is_logged(admin_client, service, api_key):
    key, raw = api_key
    action(admin_client, "apikey", "revoke", key)
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert submit_status(raw, service) == 401
    entry = last_log(key)
    assert (entry.action_flag, entry.get_change_message()) == (CHANGE, "Revoked the key.")


def test_suspending_and_resuming_a_key_in_the_admin(admin_client, service, api_key):
    key, raw = api_key
    action(admin_client, "apikey", "suspend", key)
    assert submit_status(raw, service) == 403
    assert last_log(key).get_change_message() == "Suspended the key."
    action(admin_client, "apikey", "resume", key)
    assert submit_status(raw, service) == 200


def test_suspending_a_service_in_the_admin_refuses_its_documents(admin_client, service, api_key):
    action(admin_client, "service", "suspend", service)
    service.refresh_from_db()
    assert service.is_active is False
    assert submit_status(api_key[1], service) == 403
    assert last_log(service).get_change_message() == "Suspended the service."
    action(admin_client, "service", "resume", service)
    assert submit_status(api_key[1], service) == 200


def test_raising_a_plan_limit_in_the_admin_lets_submits_through(admin_client, service, api_key):
    plan = with_plan(service, documents_limit=1)
    assert submit_status(api_key[1], service) == 200
    assert submit_status(api_key[1], service) == 403
    url = f"/admin/docplatform/usageplan/{plan.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["documents_limit"] = 5
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.documents_limit == 5
    assert plan.services.get() == service  # the inline left the services as they were
    assert submit_status(api_key[1], service) == 200
    assert "Documents limit" in last_log(plan).get_change_message()


def test_resetting_a_plan_period_in_the_admin_restores_its_budget(admin_client, service, api_key):
    plan = with_plan(service, documents_limit=1)
    assert submit_status(api_key[1], service) == 200
    action(admin_client, "usageplan", "reset_period", plan)
    assert PlanUsage.objects.get(plan=plan).documents_used == 0
    assert submit_status(api_key[1], service) == 200
    assert last_log(plan).get_change_message().startswith("Reset the period from")


def test_plan_list_shows_usage_against_limits_and_can_be_searched(admin_client, service):
    plan = with_plan(service, documents_limit=10, pages_limit=100)
    UsagePlan.objects.create(name="Bronze", plan_type=UsagePlan.PlanType.TRIAL)
    for _ in range(3):
        quota_document_consume(service=service)
    page = admin_client.get("/admin/docplatform/usageplan/").content.decode()
    assert '<progress value="3" max="10"' in page
    assert "3 / 10" in page and "0 / 100" in page
    found = admin_client.get("/admin/docplatform/usageplan/", {"q": service.name})
    assert list(found.context["cl"].result_list) == [plan]
    trials = admin_client.get("/admin/docplatform/usageplan/", {"plan_type__exact": "TRIAL"})
    assert [p.name for p in trials.context["cl"].result_list] == ["Bronze"]
    detail = admin_client.get(f"/admin/docplatform/usageplan/{plan.pk}/change/").content.decode()
    assert service.public_id in detail and "3 / 10" in detail
    services = admin_client.get("/admin/docplatform/service/").content.decode()
    assert "3 / 10" in services


@pytest.mark.parametrize(
    "path",
    [
        "/admin/docplatform/usageplan/",
        "/admin/docplatform/apikey/add/",
        "/admin/docplatform/service/",
        "/admin/docplatform/planusage/",
    ],
)
def test_users_who_are_not_staff_cannot_reach_the_admin(client, path):
    user = User.objects.create_user("reader", password="a-long-password-1")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    user.is_staff = True
    user.save()
    # Staff without permissions on these models are refused too.
    assert client.get(path).status_code == 403
