"""Fields plus the service's review policy, as one JSON-ready result (run in the sandbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobs.extraction.fields.api import extract_fields
from jobs.extraction.fields.validation import review_policy
from jobs.extraction.types import ExtractionError, Page

# The fields a document of a kind must have, confidently, to go straight through when the
# service names none of its own.
DEFAULT_REQUIRED: dict[str, list[str]] = {
    "invoice": ["issuer", "invoice_number", "invoice_date", "total_amount", "currency"],
    "receipt": ["merchant", "date", "total"],
}


def extract_and_review(pages: Sequence[Page], *, path: Path, spec: dict[str, Any]) -> dict:
    """``spec``: ``{"kind", "schema", "required", "threshold", "today", "learned"}`` of the
    service (``learned``: its learned knowledge, see :mod:`learned`).

    Returns ``{"fields", "validation_errors", "needs_review"}``.
    """
    today = dt.date.fromisoformat(spec["today"]) if spec.get("today") else None
    try:
        result = extract_fields(
            spec["kind"],
            pages,
            schema=spec.get("schema") or None,
            pdf_path=path if spec["kind"] == "form" else None,
            path=path,
            today=today,
            learned=spec.get("learned") or None,
        )
    except ValueError as exc:
        raise ExtractionError("invalid_service_configuration", str(exc)) from exc
    needs_review, errors = review_policy(
        result.fields,
        required=list(spec.get("required") or DEFAULT_REQUIRED.get(spec["kind"], [])),
        threshold=float(spec.get("threshold", 0.0)),
        document_errors=result.validation_errors,
    )
    data = result.to_dict()
    data["validation_errors"] = errors
    data["needs_review"] = needs_review
    return data
