"""Field and document validation, and the policy that sends a document to human review."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from jobs.extraction.fields.model import ExtractedField, FieldValue, error, iter_fields
from jobs.extraction.fields.normalize import iban_checksum_ok
from jobs.extraction.types import Page

EARLIEST_DATE = dt.date(1990, 1, 1)
# Dates this far after ``today`` are more likely misread than real.
MAX_FUTURE = dt.timedelta(days=366)
TOTALS_TOLERANCE = Decimal("0.01")


def validate_value(
    field_type: str,
    field: ExtractedField,
    *,
    today: dt.date | None = None,
    pattern: str | None = None,
) -> list[dict[str, str]]:
    """Errors of one found value (nothing for a missing one: see :func:`required_errors`)."""
    if field.value is None:
        return []
    errors: list[dict[str, str]] = []
    value = str(field.value)
    if field_type == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            errors.append(error("invalid_date", f"{value!r} is not a date."))
        else:
            today = today or dt.date.today()
            if day < EARLIEST_DATE or day > today + MAX_FUTURE:
                errors.append(
                    error(
                        "date_out_of_range",
                        f"{day.isoformat()} is before {EARLIEST_DATE.isoformat()} or more than "
                        f"a year after {today.isoformat()}.",
                    )
                )
    elif field_type == "iban":
        compact = re.sub(r"\s", "", value).upper()
        if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact) or not iban_checksum_ok(
            compact
        ):
            errors.append(error("invalid_iban", f"{value} fails the IBAN checksum."))
    elif field_type in {"amount", "number"}:
        try:
            Decimal(value)
        except InvalidOperation:
            errors.append(error(f"invalid_{field_type}", f"{value!r} is not a number."))
    if pattern is not None and not re.fullmatch(pattern, value):
        errors.append(error("pattern_mismatch", f"{value!r} does not match {pattern!r}."))
    return errors


def required_errors(fields: Mapping[str, FieldValue], required: Iterable[str]) -> list[dict]:
    """``required_missing`` for every required field without a value."""
    errors: list[dict[str, Any]] = []
    for name in required:
        value = fields.get(name)
        missing = (
            value is None
            or (isinstance(value, ExtractedField) and value.value in (None, ""))
            or (isinstance(value, list) and not value)
        )
        if missing:
            errors.append({**error("required_missing", f"{name} is required."), "field": name})
    return errors


def _decimal(field: FieldValue | None) -> Decimal | None:
    if not isinstance(field, ExtractedField) or field.value is None:
        return None
    try:
        return Decimal(str(field.value))
    except InvalidOperation:
        return None


# Below this share of letters among an OCR page's characters the engine did not read the
# page's script (a Cyrillic scan read by a Latin and Chinese model): what fields it gives are
# guesses from digits. The development corpus's pages all lie above 0.39.
READABLE_LETTER_SHARE = 0.25


def unreadable_errors(pages: Sequence[Page]) -> list[dict[str, Any]]:
    """``unreadable_text`` for each OCR page whose text is mostly not letters."""
    out: list[dict[str, Any]] = []
    for page in pages:
        if page.source != "ocr":
            continue
        characters = [c for w in page.words for c in w.text if not c.isspace()]
        if len(characters) < 40:
            continue
        share = sum(c.isalpha() for c in characters) / len(characters)
        if share < READABLE_LETTER_SHARE:
            out.append(
                {
                    **error(
                        "unreadable_text",
                        f"Page {page.number}: OCR read {share:.0%} letters; the page's script "
                        "or print may not be readable by the OCR engine.",
                    ),
                    "page": page.number,
                }
            )
    return out


def totals_errors(
    fields: Mapping[str, FieldValue],
    *,
    net: str = "net_amount",
    tax: str = "tax_amount",
    total: str = "total_amount",
) -> list[dict[str, Any]]:
    """``totals_mismatch`` when net + tax and total are all present and differ by > 0.01."""
    values = [_decimal(fields.get(name)) for name in (net, tax, total)]
    if any(v is None for v in values):
        return []
    net_value, tax_value, total_value = values
    assert net_value is not None and tax_value is not None and total_value is not None
    if abs(net_value + tax_value - total_value) > TOTALS_TOLERANCE:
        return [
            {
                **error(
                    "totals_mismatch",
                    f"{net} {net_value} + {tax} {tax_value} = {net_value + tax_value}, "
                    f"but {total} is {total_value}.",
                ),
                "fields": [net, tax, total],
            }
        ]
    return []


def review_policy(
    fields: Mapping[str, FieldValue],
    *,
    required: list[str],
    threshold: float,
    document_errors: Iterable[dict[str, Any]] = (),
) -> tuple[bool, list[dict[str, Any]]]:
    """Whether a person must review the document, and the document-level errors.

    Review is needed when a required field is missing or has a confidence below
    ``threshold``, when any field has a validation error (an IBAN that fails its checksum is
    wrong, however sure the extractor was), or when the document has an error (totals that do
    not add up, an e-invoice that disagrees with its printed page). An optional field's low
    confidence does not hold a document back: with calibrated confidences, a document whose
    required fields are all confident is right (see bench/README.md).
    """
    errors = list(document_errors)
    known = {e.get("code") for e in errors if e.get("code") == "required_missing"}
    if not known:
        errors.extend(required_errors(fields, required))
    needs_review = bool(errors)
    wanted = set(required)
    for name, field in iter_fields(dict(fields)):
        if field.validation_errors:
            needs_review = True
        if name.split("[", 1)[0] not in wanted:
            continue
        if field.value is not None and field.confidence < threshold:
            needs_review = True
    return needs_review, errors
