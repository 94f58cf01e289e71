"""Builds a document's result JSON from an extraction. Pure: no ORM."""

from __future__ import annotations

from typing import Any

from jobs.extraction.sandbox import Extraction


def build_result(*, kind: str, extraction: Extraction) -> dict[str, Any]:
    """The stored result of a completed job: pages (text and word boxes) and service fields."""
    pages = extraction.pages
    text = "\n\n".join(page.text for page in pages if page.text)
    confidences = [p.confidence for p in pages if p.confidence is not None]
    fields = extraction.fields or {}
    result = {
        "kind": kind,
        "text": text,
        "pages": [page.to_dict() for page in pages],
        "ocr_confidence": round(sum(confidences) / len(confidences), 3) if confidences else None,
        "fields": fields.get("fields", {}),
        "validation_errors": fields.get("validation_errors", []),
        "needs_review": bool(fields.get("needs_review", False)),
    }
    if fields.get("learned"):
        # Which learned knowledge the extraction used (review.learning counts its use).
        result["learned"] = fields["learned"]
    return result
