"""Admin actions need the permission their effect needs; a secret shown once is never a cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from docplatform.models import ApiKey, PlanUsage, Service, UsagePlan
from docplatform.quotas import plan_usage_reset, quota_document_consume
from docplatform.services import api_key_create
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def staff_client(*codenames: str) -> Client:
    user = User.objects.create_user("clerk", password="pw-Clerk-2026", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def run_action(client: Client, path: str, name: str, *objects) -> None:
    client.post(path, {"action": name, "_selected_action": [o.pk for o in objects]})


def used_documents(plan: UsagePlan) -> int:
    return PlanUsage.objects.get(
        plan=plan, period_start=plan.period_at(timezone.now())[0]
    ).documents_used


@pytest.fixture
def plan(service: Service) -> UsagePlan:
    plan = UsagePlan.objects.create(
        name="Gold", subscription_start=timezone.now() - timedelta(days=1), documents_limit=10
    )
    service.plan = plan
    service.save(update_fields=["plan"])
    plan_usage_reset(plan=plan)
    quota_document_consume(service=service)
    return plan


def test_a_user_who_may_only_view_plans_cannot_reset_their_usage(plan):
    client = staff_client("view_usageplan")
    run_action(client, "/admin/docplatform/usageplan/", "reset_period", plan)
    assert used_documents(plan) == 1


def test_a_user_who_may_change_plans_resets_their_usage(plan):
    client = staff_client("view_usageplan", "change_usageplan")
    run_action(client, "/admin/docplatform/usageplan/", "reset_period", plan)
    assert used_documents(plan) == 0


def test_a_user_who_may_only_view_services_cannot_rotate_or_read_the_webhook_secret(service):
    service.webhook_secret = "whsec_before"
    service.save(update_fields=["webhook_secret"])
    client = staff_client("view_service")
    for name in ("rotate_webhook_secret", "suspend"):
        run_action(client, "/admin/docplatform/service/", name, service)
    page = client.get("/admin/docplatform/service/")
    service.refresh_from_db()
    assert service.webhook_secret == "whsec_before"
    assert service.is_active
    assert b"whsec_" not in page.content


def test_a_user_who_may_only_view_keys_cannot_revoke_or_suspend_them(service):
    key, _ = api_key_create(service=service, name="ci")
    client = staff_client("view_apikey")
    for name in ("revoke", "suspend"):
        run_action(client, "/admin/docplatform/apikey/", name, key)
    key.refresh_from_db()
    assert key.revoked_at is None and key.suspended_at is None


def test_a_user_who_may_only_view_webhooks_cannot_rotate_secrets_or_redeliver(service, settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint, secret = endpoint_create(service=service, url="http://127.0.0.1:9/hook")
    client = staff_client("view_webhookendpoint", "view_webhookevent")
    run_action(client, "/admin/webhooks/webhookendpoint/", "rotate_secret", endpoint)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret
    response = client.get("/admin/webhooks/webhookevent/")
    assert b"redeliver" not in response.content
    assert not WebhookEvent.objects.exists()


def test_a_new_api_key_is_shown_once_without_travelling_in_a_cookie(service, admin_client):
    response = admin_client.post(
        "/admin/docplatform/apikey/add/",
        {"service": service.pk, "name": "ci", "expires_at_0": "", "expires_at_1": ""},
    )
    assert response.status_code == 302
    prefix = ApiKey.objects.get(name="ci").prefix
    # Django's messages cookie is signed and compressed, not encrypted: it must not be used.
    assert not response.cookies.get("messages", None) or not response.cookies["messages"].value
    page = admin_client.get(response["Location"])
    assert prefix.encode() in page.content
    assert b"copy it now" in page.content
    again = admin_client.get(response["Location"])
    assert b"copy it now" not in again.content
