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
    body = api_client.get(document_url(service, document)).json()["document"]
    assert body["revision_status"] == "review_required"
    assert body["reviewed_by"] is None
    assert body["reviewed_at"] is None


def test_corrected_values_are_served_beside_the_predictions(
    api_client, service, complete_document, reviewer
):
    document = complete_document(service)
    fields_correct(document=document, values={"total": "100.00"}, user=reviewer)
    document_approve(document=document, user=reviewer)
    body = api_client.get(document_url(service, document)).json()
    entities = body["document_pages"][0]["entities"]
    total = entities["total"]
    assert (total["text"], total["value"], total["predicted_value"], total["corrected"]) == (
        "100.00",
        "100.00",
        "99.50",
        True,
    )
    # A person's value is certain; the extraction's confidence stays beside it.
    assert (total["confidence"], total["predicted_confidence"]) == (100.0, 55.0)
    number = entities["invoice_number"]
    assert (number["value"], number["predicted_value"], number["corrected"]) == (
        "INV-1",
        "INV-1",
        False,
    )
    assert body["document"]["revision_status"] == "approved"
    assert body["document"]["reviewed_by"] == "rita"
    assert body["document"]["reviewed_at"] is not None


def test_patch_corrects_fields_and_approves_in_one_request(api_client, service, complete_document):
    document = complete_document(service)
    response = api_client.patch(
        document_url(service, document),
        {"revision_status": "approved", "fields": {"total": "120.00", "line_items[0].amount": ""}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "message": "Document fields updated.",
        "fields_updated": {
            "revision_status": "approved",
            "fields": {"total": "120.00", "line_items[0].amount": None},
        },
    }
    body = api_client.get(document_url(service, document)).json()
    assert body["document"]["revision_status"] == "approved"
    assert body["document"]["reviewed_by"] == "api-key:test"
    page = body["document_pages"][0]
    assert page["entities"]["total"]["value"] == "120.00"
    (row,) = page["aggregated_entities"]["line_items"]
    assert row["aggregated_fields"]["amount"] is None
    assert row["aggregated_fields"]["description"]["text"] == "Widget"
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


def test_a_rejection_reason_and_a_note_go_through_the_api_into_the_history(
    api_client, service, complete_document
):
    from review.models import ReviewEvent

    document = complete_document(service)
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{document.pk}"
    response = api_client.patch(
        url,
        {"revision_status": "not_approved", "decision_reason": "Duplicate", "note": "See #12"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api_client.get(url).json()["document"]
    assert body["decision_reason"] == "Duplicate"
    assert body["notes"][0]["text"] == "See #12"
    assert body["notes"][0]["author"] == "api-key:test"
    kinds = sorted(ReviewEvent.objects.values_list("kind", "text"))
    assert kinds == [("decision", "Duplicate"), ("note", "See #12")]
