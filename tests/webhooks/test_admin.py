"""The webhook admin: endpoints show their secret once; events can be redelivered."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests import documents
from webhooks import services
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin", "admin@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


def test_adding_an_endpoint_shows_its_secret_once(admin_client, service, settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert admin_client.get("/admin/webhooks/webhookendpoint/add/").status_code == 200
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "service": service.pk,
            "url": "http://127.0.0.1:9/hooks",
            "events": ["job.completed", "document.approved"],
            "is_active": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["job.completed", "document.approved"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    page = admin_client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in page.content.decode()


def test_a_private_endpoint_url_is_refused_in_the_admin(admin_client, service):
    response = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"service": service.pk, "url": "http://192.168.0.10/hooks", "events": ["job.failed"]},
    )
    assert response.status_code == 200
    assert "not a public address" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_events_can_be_redelivered_from_the_admin(
    admin_client, submit, service, receiver, settings
):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    services.endpoint_create(service=service, url=receiver.url)
    submit("inv.pdf", documents.text_pdf(["Invoice 5"]))
    event = WebhookEvent.objects.get()
    page = admin_client.get(f"/admin/webhooks/webhookevent/{event.pk}/change/")
    assert page.status_code == 200 and "204" in page.content.decode()
    response = admin_client.post(
        "/admin/webhooks/webhookevent/",
        {"action": "redeliver", "_selected_action": [str(event.pk)]},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PENDING and event.attempts == 0
