"""The one entry point the worker calls: pages (and the file, for forms) in, fields out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobs.extraction.fields.anchors import INVOICE, OTHER, RECEIPT
from jobs.extraction.fields.custom import Schema, extract_custom, validate_schema
from jobs.extraction.fields.dates import date_order_votes, month_first, month_first_reading
from jobs.extraction.fields.einvoice import einvoice_fields
from jobs.extraction.fields.form import extract_form
from jobs.extraction.fields.invoice import (
    AMOUNT_FIELDS,
    INVOICE_FIELDS,
    extract_invoice,
    reconcile_amounts,
)
from jobs.extraction.fields.learned import apply_learned
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.model import ExtractedField, FieldsResult, FieldValue, iter_fields
from jobs.extraction.fields.receipt import extract_receipt, unsign_total
from jobs.extraction.fields.validation import (
    required_errors,
    totals_errors,
    unreadable_errors,
    validate_value,
)
from jobs.extraction.types import Page

KINDS: tuple[str, ...] = ("text", "invoice", "receipt", "custom", "form")

RECEIPT_TYPES: dict[str, str] = {"date": "date", "total": "amount", "tax": "amount"}

# The fields each built-in kind returns; custom kinds return their schema's, forms the PDF's.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "invoice": ("issuer", *INVOICE_FIELDS, "currency", "line_items"),
    "receipt": ("merchant", "date", "time", "total", "tax", "currency", "payment_method"),
}


def field_names(kind: str, schema: Schema | None = None) -> tuple[str, ...] | None:
    """Names of the fields a kind extracts, or None when only the document can tell (forms)."""
    if kind == "custom":
        return tuple(spec.get("name", "") for spec in schema or [] if isinstance(spec, dict))
    return KIND_FIELDS.get(kind)


LINE_ITEM_TYPES: dict[str, str] = {"quantity": "number", "unit_price": "amount", "amount": "amount"}


def extract_text(pages: Sequence[Page]) -> dict[str, FieldValue]:
    """The whole text as one field; confidence is the mean OCR confidence (1 for text layers)."""
    text = "\n\n".join(p.text for p in pages).strip()
    confidences = [1.0 if p.confidence is None else p.confidence for p in pages]
    return {
        "text": ExtractedField(
            value=text or None,
            raw=text or None,
            confidence=(sum(confidences) / len(confidences)) if confidences and text else 0.0,
            page=pages[0].number if len(pages) == 1 else None,
        )
    }


def _check(
    fields: dict[str, FieldValue],
    types: dict[str, str],
    *,
    today: dt.date | None,
    patterns: dict[str, str | None] | None = None,
) -> None:
    for name, field_type in types.items():
        field = fields.get(name)
        if isinstance(field, ExtractedField):
            pattern = (patterns or {}).get(name)
            field.validation_errors.extend(
                validate_value(field_type, field, today=today, pattern=pattern)
            )


def _date_order(
    fields: dict[str, FieldValue], types: dict[str, str], pages: Sequence[Page]
) -> None:
    """Dates that read either way ("03/04/2024") read month first on a document that writes
    its dates so (see :func:`jobs.extraction.fields.dates.month_first`), or where only that
    reading puts the due date on or after the invoice date."""
    dates = {
        name: value
        for name, field_type in types.items()
        if field_type == "date"
        and isinstance(value := fields.get(name), ExtractedField)
        and value.raw
    }
    rereadings = {name: month_first_reading(str(value.raw)) for name, value in dates.items()}
    text = "\n".join(page.text for page in pages)
    if not (month_first(text) or _due_date_says_month_first(dates, rereadings, text)):
        return
    for name, value in dates.items():
        reread = rereadings[name]
        if reread is not None:
            value.value = reread.isoformat()


def _due_date_says_month_first(
    dates: dict[str, ExtractedField], rereadings: dict[str, dt.date | None], text: str
) -> bool:
    """Whether an invoice's dates that read either way ("03/04/2025" issued, "04/03/2025"
    due) fall due before they were issued read day first but not month first, on a page
    with no date that can only be read day first."""
    issued, due = dates.get("invoice_date"), dates.get("due_date")
    if issued is None or due is None or not (issued.value and due.value):
        return False
    if date_order_votes(text)[0]:
        return False
    issued_again, due_again = rereadings.get("invoice_date"), rereadings.get("due_date")
    if issued_again is None and due_again is None:
        return False
    issued_again = issued_again or dt.date.fromisoformat(str(issued.value))
    due_again = due_again or dt.date.fromisoformat(str(due.value))
    return str(due.value) < str(issued.value) and due_again >= issued_again


def extract_fields(
    kind: str,
    pages: Sequence[Page],
    *,
    schema: Schema | None = None,
    pdf_path: Path | str | None = None,
    path: Path | str | None = None,
    today: dt.date | None = None,
    learned: dict[str, Any] | None = None,
) -> FieldsResult:
    """Extract and validate the fields of one document.

    ``kind``: ``text``, ``invoice``, ``receipt``, ``custom`` (needs ``schema``) or ``form``
    (needs ``pdf_path``). With the document's ``path``, an invoice that is an e-invoice (or
    carries one) takes its fields from the XML. Raises ValueError for an unknown kind or a
    missing/invalid schema. ``learned``: the service's learned knowledge (see :mod:`learned`),
    used for invoices read from their pages and for receipts.
    """
    document_errors: list[dict] = []
    used: dict[str, Any] | None = None
    einvoice = None
    if kind == "text":
        fields = extract_text(pages)
    elif kind == "invoice":
        einvoice = einvoice_fields(path, pages) if path is not None else None
        fields = einvoice[0] if einvoice else extract_invoice(pages)
        document_errors.extend(einvoice[1] if einvoice else [])
        if learned and not einvoice:
            used = apply_learned(
                pages,
                fields,
                learned,
                kind=kind,
                types=INVOICE_FIELDS,
                lexicon={**INVOICE, **OTHER},
            )
            # A learned amount that breaks net + tax = total yields to the printed difference.
            learned_fields = (used or {}).get("fields") or {}
            if learned_fields.keys() & AMOUNT_FIELDS:
                replaced = reconcile_amounts(Locator(pages, {**INVOICE, **OTHER}), fields)
                learned_fields.pop(replaced or "", None)
        if not einvoice:
            _date_order(fields, INVOICE_FIELDS, pages)
        _check(fields, INVOICE_FIELDS, today=today)
        items = fields.get("line_items")
        if isinstance(items, list):
            for row in items:
                _check(dict(row), LINE_ITEM_TYPES, today=today)
        document_errors.extend(totals_errors(fields))
    elif kind == "receipt":
        fields = extract_receipt(pages)
        if learned:
            used = apply_learned(
                pages, fields, learned, kind=kind, types=RECEIPT_TYPES, lexicon={**RECEIPT, **OTHER}
            )
        unsign_total(fields, pages)
        _date_order(fields, RECEIPT_TYPES, pages)
        _check(fields, RECEIPT_TYPES, today=today)
    elif kind == "custom":
        if schema is None:
            raise ValueError("A custom extraction needs a schema.")
        problems = validate_schema(schema)
        if problems:
            raise ValueError("Invalid schema: " + " ".join(problems))
        fields = extract_custom(pages, schema)
        types = {spec["name"]: spec["type"] for spec in schema}
        _date_order(fields, types, pages)
        patterns = {spec["name"]: spec.get("pattern") for spec in schema}
        _check(fields, types, today=today, patterns=patterns)
        required = [spec["name"] for spec in schema if spec.get("required")]
        document_errors.extend(required_errors(fields, required))
        for error in document_errors:
            target = fields.get(error.get("field", ""))
            if error["code"] == "required_missing" and isinstance(target, ExtractedField):
                target.validation_errors.append(
                    {"code": error["code"], "message": error["message"]}
                )
    elif kind == "form":
        if pdf_path is None:
            raise ValueError("A form extraction needs the PDF's path.")
        fields = dict(extract_form(pdf_path))
    else:
        raise ValueError(f"Unknown extraction kind {kind!r}; expected one of {', '.join(KINDS)}.")
    if kind in ("invoice", "receipt", "custom") and not einvoice:
        unreadable = unreadable_errors(pages)
        document_errors.extend(unreadable)
        _doubt_unreadable(fields, {e["page"] for e in unreadable})
    return FieldsResult(fields=fields, validation_errors=document_errors, learned=used)


# The most a value read off a page the OCR could not read may claim.
UNREADABLE_CONFIDENCE = 0.5


def _doubt_unreadable(fields: dict[str, FieldValue], pages: set[int]) -> None:
    """A value found on an unreadable page is a guess among the digits OCR made of it."""
    if not pages:
        return
    for _, field in iter_fields(fields):
        if field.page in pages and field.confidence > UNREADABLE_CONFIDENCE:
            field.confidence = UNREADABLE_CONFIDENCE
