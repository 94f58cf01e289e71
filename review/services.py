"""Writes of the review: the initial status, corrections with their history, decisions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from jobs.models import Document, Job
from review import fields as review_fields
from review.models import DocumentReview, FieldRevision
from webhooks.models import EventType
from webhooks.services import event_emit

Status = DocumentReview.Status


class ReviewError(Exception):
    """A review change that cannot be made, with a stable code (the API's error code)."""

    def __init__(self, code: str, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


def review_status_initial(*, document: Document) -> str:
    result = document.result or {}
    service = document.service
    if review_fields.needs_review(
        result=result,
        required_fields=list(service.required_fields or []),
        threshold=service.review_threshold,
    ):
        return Status.REVIEW_REQUIRED
    return Status.APPROVED if service.auto_validate else Status.TO_REVIEW


def review_init(*, document: Document) -> DocumentReview:
    """Give a just-completed document its review status (see :class:`DocumentReview`).

    Called inside ``job_complete``'s transaction, so the status appears with the result.
    A second completion of the same document (it cannot happen: completion is fenced) would
    reset the review rather than fail.
    """
    status = review_status_initial(document=document)
    now = timezone.now()
    review, _ = DocumentReview.objects.update_or_create(
        document=document,
        defaults={
            "revision_status": status,
            "corrected_fields": {},
            "reviewed_by": None,
            "reviewed_by_api_key": "",
            "reviewed_at": now if status == Status.APPROVED else None,
            "updated_at": now,
        },
    )
    if status == Status.APPROVED:
        # Auto-validation is a decision too: receivers learn of it like of a reviewer's.
        review_decision_recorded(review=review)
    return review


def _review_for_update(*, document: Document) -> DocumentReview:
    if document.job.status != Job.Status.COMPLETED:
        raise ReviewError(
            "document_not_completed", "Only a completed document can be reviewed or corrected."
        )
    review = DocumentReview.objects.select_for_update().filter(document=document).first()
    # Documents completed before reviews existed get theirs on first use.
    return review or review_init(document=document)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@transaction.atomic
def fields_correct(
    *,
    document: Document,
    values: dict[str, Any],
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
) -> list[FieldRevision]:
    """Correct fields by name; store one revision per value that really changed.

    Raises ``ReviewError("unknown_field")`` for a name the document's result does not have;
    nothing is stored then. An empty value clears the field (``None``).
    """
    review = _review_for_update(document=document)
    predicted = dict(review_fields.flatten((document.result or {}).get("fields") or {}))
    unknown = sorted(set(values) - set(predicted))
    if unknown:
        raise ReviewError(
            "unknown_field", f"This document has no field {unknown[0]!r}.", param=unknown[0]
        )
    corrected = dict(review.corrected_fields)
    revisions = []
    now = timezone.now()
    for name, raw in values.items():
        new = _clean(raw)
        old = corrected[name] if name in corrected else predicted[name].get("value")
        if new == old:
            continue
        corrected[name] = new
        revisions.append(
            FieldRevision(
                document=document,
                field=name,
                old_value=old,
                new_value=new,
                user=user,
                api_key_name="" if user else api_key_name,
                created_at=now,
            )
        )
    if revisions:
        FieldRevision.objects.bulk_create(revisions)
        review.corrected_fields = corrected
        review.updated_at = now
        review.save(update_fields=["corrected_fields", "updated_at"])
    document.review = review
    return revisions


@transaction.atomic
def document_decide(
    *,
    document: Document,
    status: str,
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
) -> DocumentReview:
    """Set a document's revision status; every status change of a review goes through here.

    ``approved`` and ``not_approved`` record who decided and when; ``to_review`` and
    ``review_required`` clear that.
    """
    if status not in Status.values:
        raise ReviewError("invalid_revision_status", f"Unknown revision status {status!r}.")
    review = _review_for_update(document=document)
    previous = review.revision_status
    decided = status in (Status.APPROVED, Status.NOT_APPROVED)
    review.revision_status = status
    review.reviewed_by = user if decided else None
    review.reviewed_by_api_key = api_key_name if decided and not user else ""
    review.reviewed_at = timezone.now() if decided else None
    review.updated_at = timezone.now()
    review.save()
    document.review = review
    if decided and status != previous:
        review_decision_recorded(review=review)
    return review


def review_decision_recorded(*, review: DocumentReview) -> None:
    """Runs once a document is newly approved or rejected, inside the decision's transaction.

    The single place for side effects of a decision: it writes the ``document.approved`` /
    ``document.rejected`` webhook events to the outbox, so they exist exactly when the
    decision does. Each decision is its own event (keyed by its time): approving, reopening
    and approving again notifies twice.
    """
    approved = review.revision_status == Status.APPROVED
    event_type = EventType.DOCUMENT_APPROVED if approved else EventType.DOCUMENT_REJECTED
    assert review.reviewed_at is not None
    event_emit(
        document=review.document,
        event_type=event_type,
        occurrence=review.reviewed_at.isoformat(),
    )


def document_approve(*, document: Document, user: AbstractBaseUser) -> DocumentReview:
    return document_decide(document=document, status=Status.APPROVED, user=user)


def document_reject(*, document: Document, user: AbstractBaseUser) -> DocumentReview:
    return document_decide(document=document, status=Status.NOT_APPROVED, user=user)


@transaction.atomic
def document_review_update(
    *,
    document: Document,
    revision_status: str | None = None,
    values: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
) -> DocumentReview:
    """Corrections and a status change in one transaction (the API's PATCH)."""
    if values:
        fields_correct(document=document, values=values, user=user, api_key_name=api_key_name)
    if revision_status is not None:
        return document_decide(
            document=document, status=revision_status, user=user, api_key_name=api_key_name
        )
    return _review_for_update(document=document)
