"""Field extraction: pure functions from extracted pages to typed, located, scored fields.

Nothing here knows about Django or the ORM. Entry point: :func:`extract_fields`.
"""

from jobs.extraction.fields.api import KINDS, extract_fields, extract_text, field_names
from jobs.extraction.fields.custom import extract_custom, validate_schema
from jobs.extraction.fields.form import extract_form
from jobs.extraction.fields.invoice import extract_invoice
from jobs.extraction.fields.model import ExtractedField, FieldsResult, band_for
from jobs.extraction.fields.normalize import FIELD_TYPES, Parsed, parse
from jobs.extraction.fields.receipt import extract_receipt
from jobs.extraction.fields.validation import review_policy, totals_errors, validate_value

__all__ = [
    "FIELD_TYPES",
    "KINDS",
    "ExtractedField",
    "FieldsResult",
    "Parsed",
    "band_for",
    "extract_custom",
    "extract_fields",
    "extract_form",
    "extract_invoice",
    "extract_receipt",
    "extract_text",
    "field_names",
    "parse",
    "review_policy",
    "totals_errors",
    "validate_schema",
    "validate_value",
]
