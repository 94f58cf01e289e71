"""Corrections checked by their field's type before they are stored. No ORM writes.

A person (review pages) or an application (the API's PATCH) may correct a field; either way
the new value goes through :func:`correction_clean`, the single check, so a date is a real
date, an amount a decimal, a currency an ISO 4217 code and an IBAN passes its checksum. The
stored value is the normalised one (``2024-02-01``, ``1234.56``, ``EUR``, a compact IBAN), the
same shape the extraction produces, so exports and the API never see two spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pycountry

from jobs.extraction.fields import parse
from jobs.extraction.fields.api import LINE_ITEM_TYPES, RECEIPT_TYPES
from jobs.extraction.fields.currency import parse_currency_text
from jobs.extraction.fields.invoice import INVOICE_FIELDS

if TYPE_CHECKING:
    from docplatform.models import Service

# Types whose corrections are checked. Free text and references are taken as typed: a person
# knows an order number better than any pattern.
CHECKED_TYPES = frozenset(
    {"date", "amount", "number", "currency", "iban", "email", "phone", "choice", "vat_id"}
)

_KIND_TYPES: dict[str, dict[str, str]] = {
    "invoice": {**INVOICE_FIELDS, "currency": "currency"},
    "receipt": {**RECEIPT_TYPES, "currency": "currency"},
}
_KIND_COLUMN_TYPES: dict[str, dict[str, str]] = {"invoice": dict(LINE_ITEM_TYPES)}
_ITEM = re.compile(r"^(?P<list>\w+)\[\d+\]\.(?P<column>\w+)$")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What a field's value must be."""

    type: str = "text"
    choices: tuple[str, ...] = ()
    pattern: str | None = None


class CorrectionInvalid(Exception):
    """A corrected value that is not a value of its field's type."""

    def __init__(self, *, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def field_spec(*, service: Service, name: str) -> FieldSpec:
    """The type of field ``name`` (``line_items[0].amount`` inside a list) for ``service``."""
    item = _ITEM.match(name)
    if item:
        columns = _KIND_COLUMN_TYPES.get(service.kind, {})
        return FieldSpec(type=columns.get(item["column"], "text"))
    if service.kind == "custom":
        for spec in service.field_schema or []:
            if isinstance(spec, dict) and spec.get("name") == name:
                return FieldSpec(
                    type=str(spec.get("type") or "text"),
                    choices=tuple(spec.get("choices") or ()),
                    pattern=spec.get("pattern") or None,
                )
        return FieldSpec()
    return FieldSpec(type=_KIND_TYPES.get(service.kind, {}).get(name, "text"))


def _currency(text: str) -> str | None:
    """An ISO 4217 code from a code, symbol or currency word; None if it is none of them."""
    known = parse_currency_text(text)
    if known is not None:
        return known
    code = text.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", code) and pycountry.currencies.get(alpha_3=code) is not None:
        return code
    return None


def correction_clean(*, service: Service, name: str, value: Any) -> str | None:
    """The value to store for a correction of field ``name``: None clears the field.

    Raises :class:`CorrectionInvalid` (with a stable ``code`` such as ``invalid_date``) when the
    value is not a value of the field's type.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    spec = field_spec(service=service, name=name)
    cleaned = text
    if spec.type == "currency":
        code = _currency(text)
        if code is None:
            raise CorrectionInvalid(
                field=name,
                code="invalid_currency",
                message=f"{name}: {text!r} is not an ISO 4217 currency code (e.g. EUR, USD).",
            )
        cleaned = code
    elif spec.type in CHECKED_TYPES:
        parsed = parse(spec.type, text, choices=spec.choices)
        if not parsed.ok:
            raise CorrectionInvalid(
                field=name,
                code=parsed.error_code or "invalid_value",
                message=f"{name}: {_reason(spec.type, text, parsed.message)}",
            )
        cleaned = str(parsed.value)
    if spec.pattern is not None and not re.fullmatch(spec.pattern, cleaned):
        raise CorrectionInvalid(
            field=name,
            code="pattern_mismatch",
            message=f"{name}: {text!r} does not match the pattern {spec.pattern!r}.",
        )
    return cleaned


_EXPECTED = {
    "date": "a date (e.g. 2024-02-29 or 29/02/2024)",
    "amount": "an amount (a decimal number such as 1234.56)",
    "number": "a number",
    "iban": "an IBAN with a valid checksum",
    "email": "an e-mail address",
    "phone": "a phone number",
    "vat_id": "a VAT id (country prefix and 8 to 12 characters)",
}


def _reason(field_type: str, text: str, detail: str | None) -> str:
    if field_type == "choice" and detail:
        return detail
    expected = _EXPECTED.get(field_type, f"a value of type {field_type}")
    if field_type in {"date", "iban"} and detail:
        detail = detail.removeprefix("Not a date: ").rstrip(".")
        return f"{text!r} is not {expected}: {detail}."
    return f"{text!r} is not {expected}."
