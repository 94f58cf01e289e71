"""Builds a document's result JSON from extracted pages. Pure: no ORM."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobs.extraction.fields import extract_fields, review_policy
from jobs.extraction.types import Page


def build_result(
    *,
    kind: str,
    pages: list[Page],
    required_fields: Sequence[str] = (),
    review_threshold: float = 0.0,
    schema: list[dict[str, Any]] | None = None,
    pdf_path: Path | None = None,
) -> dict[str, Any]:
    """The stored result of a completed job: pages (text and word boxes), the service's fields
    and whether a person must review them (``needs_review``, the service's review policy)."""
    text = "\n\n".join(page.text for page in pages if page.text)
    confidences = [p.confidence for p in pages if p.confidence is not None]
    fields: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    needs_review = False
    # A text service's result is the text itself, already above: it has no fields to review.
    if kind != "text":
        try:
            extracted = extract_fields(kind, pages, schema=schema, pdf_path=pdf_path)
        except ValueError as error:  # a custom service without a valid schema, a form image
            errors = [{"code": "fields_unavailable", "message": str(error)}]
            needs_review = True
        else:
            needs_review, errors = review_policy(
                extracted.fields,
                required=list(required_fields),
                threshold=review_threshold,
                document_errors=extracted.validation_errors,
            )
            fields = extracted.to_dict()["fields"]
    return {
        "kind": kind,
        "text": text,
        "pages": [page.to_dict() for page in pages],
        "ocr_confidence": round(sum(confidences) / len(confidences), 3) if confidences else None,
        "fields": fields,
        "validation_errors": errors,
        "needs_review": needs_review,
    }
