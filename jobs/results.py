"""Builds a document's result JSON from extracted pages. Pure: no ORM."""

from __future__ import annotations

from typing import Any

from jobs.extraction.types import Page


def build_result(*, kind: str, pages: list[Page]) -> dict[str, Any]:
    """The stored result of a completed job: pages (text and word boxes) and service fields."""
    text = "\n\n".join(page.text for page in pages if page.text)
    confidences = [p.confidence for p in pages if p.confidence is not None]
    return {
        "kind": kind,
        "text": text,
        "pages": [page.to_dict() for page in pages],
        "ocr_confidence": round(sum(confidences) / len(confidences), 3) if confidences else None,
        "fields": {},
        "validation_errors": [],
    }
