"""Review writes: the status a completed job starts with, corrections, decisions."""

from __future__ import annotations

import json

import pytest

from review.models import DocumentReview, FieldRevision
from review.services import (
    ReviewError,
    document_approve,
    document_decide,
    document_reject,
    fields_correct,
)
from tests.review.conftest import field

pytestmark = pytest.mark.django_db

Status = DocumentReview.Status


def test_a_result_that_needs_review_starts_as_review_required(service, complete_document):
    document = complete_document(service, needs_review=True)
    assert document.review.revision_status == Status.REVIEW_REQUIRED


def test_a_clean_result_waits_for_review_when_auto_validation_is_off(service, complete_document):
    document = complete_document(service, needs_review=False)
    assert document.review.revision_status == Status.TO_REVIEW
    assert document.review.reviewed_at is None


def test_a_clean_result_is_approved_when_the_service_validates_automatically(
    service, complete_document
):
    service.auto_validate = True
    service.save()
    document = complete_document(service, needs_review=False)
    assert document.review.revision_status == Status.APPROVED
    assert document.review.reviewer == "auto-validation"


def test_an_automatic_approval_is_announced_like_a_reviewers(service, complete_document, settings):
    from webhooks.models import WebhookEvent
    from webhooks.services import endpoint_create

    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint_create(service=service, url="http://127.0.0.1:9/hook", events=["document.approved"])
    service.auto_validate = True
    service.save()
    document = complete_document(service, needs_review=False)
    event = WebhookEvent.objects.get(event_type="document.approved")
    assert json.loads(event.payload)["data"]["document"]["id"] == str(document.pk)
    assert json.loads(event.payload)["data"]["document"]["reviewed_by"] == "auto-validation"


def test_auto_validation_never_approves_a_result_that_needs_review(service, complete_document):
    service.auto_validate = True
    service.save()
    document = complete_document(service, needs_review=True)
    assert document.review.revision_status == Status.REVIEW_REQUIRED


def test_without_a_needs_review_flag_the_service_policy_decides(service, complete_document):
    service.required_fields = ["iban"]
    service.save()
    missing = complete_document(service, fields={"total": field("1.00", 0.99)})
    assert missing.review.revision_status == Status.REVIEW_REQUIRED
    service.required_fields = []
    service.review_threshold = 0.8
    service.save()
    unsure = complete_document(service, fields={"total": field("1.00", 0.5)})
    assert unsure.review.revision_status == Status.REVIEW_REQUIRED
    sure = complete_document(service, fields={"total": field("1.00", 0.99)})
    assert sure.review.revision_status == Status.TO_REVIEW


def test_a_correction_is_stored_with_its_revision(service, complete_document, reviewer):
    document = complete_document(service)
    fields_correct(document=document, values={"total": " 100.00 "}, user=reviewer)
    fields_correct(document=document, values={"total": "101.00"}, user=reviewer)
    review = DocumentReview.objects.get(document=document)
    assert review.corrected_fields == {"total": "101.00"}
    history = [
        (r.field, r.old_value, r.new_value, r.author)
        for r in FieldRevision.objects.filter(document=document).order_by("created_at", "id")
    ]
    assert history == [
        ("total", "99.50", "100.00", "rita"),
        ("total", "100.00", "101.00", "rita"),
    ]


def test_an_unchanged_value_stores_no_revision(service, complete_document, reviewer):
    document = complete_document(service)
    assert fields_correct(document=document, values={"total": "99.50"}, user=reviewer) == []
    assert not FieldRevision.objects.exists()


def test_fields_inside_a_list_are_corrected_by_their_path(service, complete_document, reviewer):
    document = complete_document(service)
    fields_correct(document=document, values={"line_items[0].amount": "12.00"}, user=reviewer)
    assert document.review.corrected_fields == {"line_items[0].amount": "12.00"}


def test_an_unknown_field_is_refused_and_nothing_is_stored(service, complete_document, reviewer):
    document = complete_document(service)
    with pytest.raises(ReviewError) as error:
        fields_correct(document=document, values={"total": "1", "nonsense": "x"}, user=reviewer)
    assert error.value.code == "unknown_field"
    assert DocumentReview.objects.get(document=document).corrected_fields == {}
    assert not FieldRevision.objects.exists()


def test_approving_records_who_and_when(service, complete_document, reviewer):
    document = complete_document(service)
    review = document_approve(document=document, user=reviewer)
    assert review.revision_status == Status.APPROVED
    assert review.reviewed_by == reviewer
    assert review.reviewed_at is not None


def test_reopening_a_rejected_document_clears_the_decision(service, complete_document, reviewer):
    document = complete_document(service)
    document_reject(document=document, user=reviewer)
    review = document_decide(document=document, status=Status.TO_REVIEW, user=reviewer)
    assert review.revision_status == Status.TO_REVIEW
    assert review.reviewed_by is None and review.reviewed_at is None


def test_an_api_decision_records_the_key_name(service, complete_document):
    document = complete_document(service)
    review = document_decide(document=document, status=Status.APPROVED, api_key_name="billing")
    assert review.reviewer == "api-key:billing"


def test_a_decision_writes_its_webhook_event_with_the_reviewed_document(
    service, complete_document, reviewer, settings
):
    from webhooks.models import WebhookEvent
    from webhooks.services import endpoint_create

    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint_create(
        service=service,
        url="http://127.0.0.1:9/hook",
        events=["document.approved", "document.rejected"],
    )
    approved = complete_document(service)
    rejected = complete_document(service)
    document_approve(document=approved, user=reviewer)
    document_reject(document=rejected, user=reviewer)
    events = {
        e.event_type: json.loads(e.payload)["data"]["document"] for e in WebhookEvent.objects.all()
    }
    assert events["document.approved"]["id"] == str(approved.pk)
    assert events["document.approved"]["revision_status"] == "approved"
    assert events["document.approved"]["reviewed_by"] == "rita"
    assert events["document.rejected"]["revision_status"] == "not_approved"


def test_every_new_decision_on_a_document_is_its_own_webhook_event(
    service, complete_document, reviewer, settings
):
    from webhooks.models import WebhookEvent
    from webhooks.services import endpoint_create

    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    endpoint_create(service=service, url="http://127.0.0.1:9/hook", events=["document.approved"])
    document = complete_document(service)
    document_approve(document=document, user=reviewer)
    # Approving again changes nothing, so it tells nothing new.
    document_approve(document=document, user=reviewer)
    assert WebhookEvent.objects.filter(event_type="document.approved").count() == 1
    document_decide(document=document, status=Status.TO_REVIEW)
    document_approve(document=document, user=reviewer)
    assert WebhookEvent.objects.filter(event_type="document.approved").count() == 2
