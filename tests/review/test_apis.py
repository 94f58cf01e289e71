"""The inference API sees the review: status, corrections beside predictions, PATCH."""

from __future__ import annotations

import pytest

from jobs.models import Job
from review.models import DocumentReview, FieldRevision
from review.services import document_approve, fields_correct
from tests import documents

pytestmark = pytest.mark.django_db


def document_url(service, document) -> str:
    return f"/api/v1/inference/service/{service.public_id}/predicted-documents/{document.pk}"


def test_the_document_carries_its_revision_status(api_client, service, complete_document):
    document = complete_document(service, needs_review=True)
    body = api_client.get(document_url(service, document)).json()
    assert body["revision_status"] == "review_required"
    assert body["reviewed_by"] is None
    assert body["reviewed_at"] is None


def test_corrected_values_are_served_beside_the_predictions(
    api_client, service, complete_document, reviewer
):
    document = complete_document(service)
    fields_correct(document=document, values={"total": "100.00"}, user=reviewer)
    document_approve(document=document, user=reviewer)
    body = api_client.get(document_url(service, document) + "?include=service_fields").json()
    total = body["service_fields"]["total"]
    assert (total["value"], total["predicted_value"], total["corrected"]) == (
        "100.00",
        "99.50",
        True,
    )
    number = body["service_fields"]["invoice_number"]
    assert (number["value"], number["predicted_value"], number["corrected"]) == (
        "INV-1",
        "INV-1",
        False,
    )
    assert body["revision_status"] == "approved"
    assert body["reviewed_by"] == "rita"
    assert body["reviewed_at"] is not None


def test_patch_corrects_fields_and_approves_in_one_request(api_client, service, complete_document):
    document = complete_document(service)
    response = api_client.patch(
        document_url(service, document),
        {"revision_status": "approved", "fields": {"total": "120.00", "line_items[0].amount": ""}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["revision_status"] == "approved"
    assert body["reviewed_by"] == "api-key:test"
    assert body["service_fields"]["total"]["value"] == "120.00"
    assert body["service_fields"]["line_items"][0]["amount"]["value"] is None
    revisions = FieldRevision.objects.filter(document=document)
    assert {(r.field, r.api_key_name, r.user_id) for r in revisions} == {
        ("total", "test", None),
        ("line_items[0].amount", "test", None),
    }


def test_patch_refuses_an_unknown_field_and_changes_nothing(api_client, service, complete_document):
    document = complete_document(service, needs_review=False)
    response = api_client.patch(
        document_url(service, document),
        {"revision_status": "approved", "fields": {"total": "1", "colour": "blue"}},
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "unknown_field",
        "message": "This document has no field 'colour'.",
        "param": "fields.colour",
    }
    review = DocumentReview.objects.get(document=document)
    assert (review.revision_status, review.corrected_fields) == ("to_review", {})


def test_patch_refuses_an_unknown_revision_status(api_client, service, complete_document):
    document = complete_document(service)
    response = api_client.patch(
        document_url(service, document), {"revision_status": "maybe"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "revision_status"


def test_patch_of_a_document_still_processing_is_a_conflict(submit, api_client, service):
    body = submit("a.pdf", documents.text_pdf(["Hello"])).json()
    Job.objects.filter(pk=body["job"]).update(status=Job.Status.PROCESSING)
    response = api_client.patch(
        f"/api/v1/inference/service/{service.public_id}/predicted-documents/{body['resource']}",
        {"revision_status": "approved"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "document_not_completed"


def test_patch_cannot_reach_another_services_document(api_client, other_service, complete_document):
    document = complete_document(other_service, needs_review=False)
    response = api_client.patch(
        f"/api/v1/inference/service/{other_service.public_id}/predicted-documents/{document.pk}",
        {"revision_status": "approved"},
        format="json",
    )
    assert response.status_code == 404
    assert DocumentReview.objects.get(document=document).revision_status == "to_review"
