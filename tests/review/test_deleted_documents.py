"""A deleted (or expired) document is gone everywhere and read-only in the review pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from docplatform.services import api_key_create
from jobs import retention
from review import services
from review.models import DocumentReview, FieldRevision
from webhooks.models import EventType, WebhookEvent
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(service, reviewer, complete_document, settings):
    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint_create(
        service=service,
        url="http://127.0.0.1:9/hook",
        events=[e.value for e in EventType],
    )
    document = complete_document(service)
    services.fields_correct(document=document, values={"total": "123.45"}, user=reviewer)
    services.document_approve(document=document, user=reviewer)
    return document


def test_deleting_a_document_removes_every_copy_of_its_values(service, corrected):
    assert all(WebhookEvent.objects.values_list("payload", flat=True))
    _, key = api_key_create(service=service, name="t")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{corrected.pk}"
    assert client.delete(url).status_code == 204
    assert not FieldRevision.objects.filter(document=corrected).exists()
    assert DocumentReview.objects.get(document=corrected).corrected_fields == {}
    assert set(WebhookEvent.objects.values_list("payload", flat=True)) == {""}
    assert not WebhookEvent.objects.filter(
        status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.SENDING]
    ).exists()


def test_a_deleted_document_cannot_be_decided_and_says_it_was_deleted(
    service, corrected, reviewer_client
):
    retention.document_delete(document=corrected)
    events = WebhookEvent.objects.count()
    page = reviewer_client.get(reverse("review:document-detail", args=[corrected.pk]))
    assert b"was deleted" in page.content
    assert b'data-action="approve"' not in page.content
    reviewer_client.post(reverse("review:reject", args=[corrected.pk]))
    reviewer_client.post(reverse("review:approve", args=[corrected.pk]))
    assert DocumentReview.objects.get(document=corrected).revision_status == "approved"
    assert WebhookEvent.objects.count() == events
    with pytest.raises(services.ReviewError):
        services.document_reject(document=corrected, user=None)


def test_a_deleted_document_is_not_exported(service, corrected, reviewer, reviewer_client):
    reviewer.service_memberships.update(role="manager")
    url = reverse("review:export", args=[service.public_id, "csv"])
    assert str(corrected.pk) in reviewer_client.get(url).content.decode()
    retention.document_delete(document=corrected)
    assert str(corrected.pk) not in reviewer_client.get(url).content.decode()
