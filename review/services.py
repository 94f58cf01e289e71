"""Writes of the review: the initial status, corrections with their history, decisions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from jobs.models import Document, Job
from review import fields as review_fields
from review.learning import learning_from_approval, learning_from_corrections, learning_used
from review.models import DocumentReview, FieldRevision, ReviewEvent
from review.search import search_index_update
from review.validation import CorrectionInvalid, correction_clean
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
    document.review = review
    search_index_update(document=document)
    learning_used(document=document)
    if status == Status.APPROVED:
        # Auto-validation is a decision too: receivers learn of it like of a reviewer's.
        review_decision_recorded(review=review)
    return review


def _review_for_update(*, document: Document) -> DocumentReview:
    if Job.objects.filter(pk=document.job_id, expired_at__isnull=False).exists():
        raise ReviewError(
            "document_deleted",
            "This document was deleted (or its retention ended); it is read-only.",
        )
    if document.job.status != Job.Status.COMPLETED:
        raise ReviewError(
            "document_not_completed", "Only a completed document can be reviewed or corrected."
        )
    review = DocumentReview.objects.select_for_update().filter(document=document).first()
    # Documents completed before reviews existed get theirs on first use.
    return review or review_init(document=document)


def _newlines(value: Any) -> Any:
    # Browsers send a textarea's newlines as CRLF; the extraction's are LF.
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


@transaction.atomic
def fields_correct(
    *,
    document: Document,
    values: dict[str, Any],
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
) -> list[FieldRevision]:
    """Correct fields by name; store one revision per value that really changed.

    Raises ``ReviewError("unknown_field")`` for a name the document's result does not have,
    and the type's code (``invalid_date``, ``invalid_amount``, ``invalid_currency``,
    ``invalid_iban``...) for a value that is not of the field's type (see
    :mod:`review.validation`); nothing is stored then. An empty value clears the field
    (``None``); other values are stored normalised.
    """
    review = _review_for_update(document=document)
    fields = (document.result or {}).get("fields") or {}
    predicted = dict(review_fields.flatten(fields))
    allowed = review_fields.correctable_names(fields, review.corrected_fields)
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ReviewError(
            "unknown_field", f"This document has no field {unknown[0]!r}.", param=unknown[0]
        )
    cleaned: dict[str, str | None] = {}
    for name, raw in values.items():
        try:
            cleaned[name] = correction_clean(
                service=document.service, name=name, value=_newlines(raw)
            )
        except CorrectionInvalid as invalid:
            raise ReviewError(invalid.code, invalid.message, param=name) from None
    corrected = dict(review.corrected_fields)
    revisions = []
    now = timezone.now()
    for name, new in cleaned.items():
        old = corrected[name] if name in corrected else (predicted.get(name) or {}).get("value")
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
        search_index_update(document=document)
        # A correction teaches the extraction this supplier's documents at once.
        learning_from_corrections(document=document, names=[r.field for r in revisions])
    document.review = review
    return revisions


REASON_MAX_LENGTH = 2000


@transaction.atomic
def document_decide(
    *,
    document: Document,
    status: str,
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
    reason: str = "",
) -> DocumentReview:
    """Set a document's revision status; every status change of a review goes through here.

    ``approved`` and ``not_approved`` record who decided and when; ``to_review`` and
    ``review_required`` clear that. ``reason`` says why (the review pages ask for one with
    every rejection; the API may send one). Each change of status is one entry of the history.
    """
    if status not in Status.values:
        raise ReviewError("invalid_revision_status", f"Unknown revision status {status!r}.")
    reason = (reason or "").replace("\r\n", "\n").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ReviewError(
            "reason_too_long",
            f"Keep the reason under {REASON_MAX_LENGTH} characters.",
            param="decision_reason",
        )
    review = _review_for_update(document=document)
    previous = review.revision_status
    decided = status in (Status.APPROVED, Status.NOT_APPROVED)
    now = timezone.now()
    review.revision_status = status
    review.reviewed_by = user if decided else None
    review.reviewed_by_api_key = api_key_name if decided and not user else ""
    review.reviewed_at = now if decided else None
    review.decision_reason = reason if decided else ""
    review.updated_at = now
    review.save()
    document.review = review
    if status != previous or reason:
        ReviewEvent.objects.create(
            document=document,
            kind=ReviewEvent.Kind.DECISION,
            revision_status=status,
            text=reason,
            user=user,
            api_key_name="" if user else api_key_name,
            created_at=now,
        )
    if decided and status != previous:
        review_decision_recorded(review=review)
    if status == Status.APPROVED and status != previous:
        # A person's approval confirms the fields in force: the extraction learns them.
        learning_from_approval(document=document)
    return review


def documents_decide(
    *, documents: list[Document], status: str, user: AbstractBaseUser, reason: str = ""
) -> list[DocumentReview]:
    """The same decision for several documents, all or none, one history entry each."""
    with transaction.atomic():
        return [
            document_decide(document=document, status=status, user=user, reason=reason)
            for document in documents
        ]


NOTE_MAX_LENGTH = 5000


@transaction.atomic
def document_note_add(
    *,
    document: Document,
    text: str,
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
) -> ReviewEvent:
    """A note on a document, kept in its history."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ReviewError("note_empty", "Write the note first.", param="note")
    if len(text) > NOTE_MAX_LENGTH:
        raise ReviewError(
            "note_too_long", f"Keep a note under {NOTE_MAX_LENGTH} characters.", param="note"
        )
    _review_for_update(document=document)
    return ReviewEvent.objects.create(
        document=document,
        kind=ReviewEvent.Kind.NOTE,
        text=text,
        user=user,
        api_key_name="" if user else api_key_name,
    )


@transaction.atomic
def list_row_add(
    *, document: Document, list_name: str, user: AbstractBaseUser | None = None
) -> int:
    """Add an empty row to a list field (line items); returns its index. One history entry."""
    review = _review_for_update(document=document)
    fields = (document.result or {}).get("fields") or {}
    if not isinstance(fields.get(list_name), list):
        raise ReviewError("unknown_field", f"This document has no list {list_name!r}.")
    index = review_fields.row_next_index(fields, review.corrected_fields, list_name)
    _row_mark(
        review=review,
        name=f"{list_name}[{index}]",
        old=None,
        new=review_fields.ROW_ADDED,
        user=user,
    )
    return index


@transaction.atomic
def list_row_delete(
    *, document: Document, list_name: str, index: int, user: AbstractBaseUser | None = None
) -> None:
    """Delete a row of a list field (a spurious line item). One history entry."""
    review = _review_for_update(document=document)
    fields = (document.result or {}).get("fields") or {}
    tables = {t.name: t for t in review_fields.table_views(fields, review.corrected_fields)}
    table = tables.get(list_name)
    row = next((r for r in table.rows if r.index == index), None) if table else None
    if row is None:
        raise ReviewError("unknown_row", f"This document has no row {list_name}[{index}].")
    summary = " · ".join(str(cell.value) for cell in row.cells if cell.value not in (None, ""))
    _row_mark(
        review=review,
        name=f"{list_name}[{index}]",
        old=summary or None,
        new=review_fields.ROW_DELETED,
        user=user,
    )


def _row_mark(
    *, review: DocumentReview, name: str, old: str | None, new: str, user: AbstractBaseUser | None
) -> None:
    now = timezone.now()
    corrected = dict(review.corrected_fields)
    corrected[name] = new
    review.corrected_fields = corrected
    review.updated_at = now
    review.save(update_fields=["corrected_fields", "updated_at"])
    FieldRevision.objects.create(
        document=review.document,
        field=name,
        old_value=old,
        new_value=new,
        user=user,
        created_at=now,
    )
    search_index_update(document=review.document)


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


def document_reject(
    *, document: Document, user: AbstractBaseUser, reason: str = ""
) -> DocumentReview:
    return document_decide(document=document, status=Status.NOT_APPROVED, user=user, reason=reason)


@transaction.atomic
def document_review_update(
    *,
    document: Document,
    revision_status: str | None = None,
    values: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    api_key_name: str = "",
    reason: str = "",
    note: str = "",
) -> DocumentReview:
    """Corrections, a note and a status change in one transaction (the API's PATCH)."""
    if values:
        fields_correct(document=document, values=values, user=user, api_key_name=api_key_name)
    if note:
        document_note_add(document=document, text=note, user=user, api_key_name=api_key_name)
    if revision_status is not None:
        return document_decide(
            document=document,
            status=revision_status,
            user=user,
            api_key_name=api_key_name,
            reason=reason,
        )
    return _review_for_update(document=document)
