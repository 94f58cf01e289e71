"""Invoice fields from an e-invoice's XML, placed on the printed page and checked against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from jobs.extraction.einvoice import (
    EInvoice,
    EInvoiceError,
    is_invoice_xml,
    read_pdf_einvoice,
    read_xml_file,
)
from jobs.extraction.fields.findvalue import Found, Kind, find_value
from jobs.extraction.fields.invoice import extract_invoice
from jobs.extraction.fields.model import ExtractedField, FieldValue, ListValue, error
from jobs.extraction.types import Box, Page

SOURCE = "e-invoice"

# Invoice field -> (EInvoice attribute, how it is printed, whether its last printing counts).
# Totals come last on a page (a line may carry the same amount); everything else first.
SCALARS: dict[str, tuple[str, Kind, bool]] = {
    "issuer": ("seller_name", "text", False),
    "invoice_number": ("invoice_number", "reference", False),
    "invoice_date": ("issue_date", "date", False),
    "due_date": ("due_date", "date", False),
    "total_amount": ("grand_total", "amount", True),
    "net_amount": ("net_total", "amount", True),
    "tax_amount": ("tax_total", "amount", True),
    "iban": ("seller_iban", "code", False),
    "vat_id": ("seller_vat_id", "code", False),
    "customer_name": ("buyer_name", "text", False),
    "currency": ("currency", "currency", False),
}
ITEM_COLUMNS: dict[str, tuple[str, Kind]] = {
    "quantity": ("quantity", "number"),
    "unit_price": ("unit_price", "number"),
    "amount": ("line_total", "amount"),
}
# Line items beyond this many keep their values but are not looked for on the page (each
# search reads every word of the document).
MAX_PLACED_ITEMS = 300
# The fields on which the XML and the printed page must agree.
COMPARED: tuple[str, ...] = ("invoice_number", "invoice_date", "total_amount", "currency")
ORDER: tuple[str, ...] = (
    "issuer",
    "invoice_number",
    "invoice_date",
    "due_date",
    "total_amount",
    "net_amount",
    "tax_amount",
    "iban",
    "vat_id",
    "customer_name",
    "currency",
    "line_items",
)


def _plain(value: Decimal, *, min_places: int = 0) -> str:
    """A decimal as the platform stores it: no exponent, trailing zeros past ``min_places``
    dropped (``"1256.70"`` for an amount, ``"27.5"`` for a quantity)."""
    text = format(value.normalize(), "f")
    places = len(text.partition(".")[2])
    if places < min_places:
        text = format(value.quantize(Decimal(1).scaleb(-min_places)), "f")
    return text


def _stored(value: object, kind: Kind) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain(value, min_places=2 if kind == "amount" else 0)
    return str(value)


def _field(value: object, kind: Kind, found: Found | None) -> ExtractedField:
    stored = _stored(value, kind)
    if stored is None:
        return ExtractedField()
    return ExtractedField(
        value=stored,
        raw=found.raw if found is not None else stored,
        confidence=1.0,
        page=found.page if found is not None else None,
        box=found.box if found is not None else None,
        source=SOURCE,
    )


def _same(name: str, left: object, right: object) -> bool:
    """Whether two values of one field agree, compared as the field's type."""
    if left is None or right is None:
        return left is right
    if name.endswith("amount"):
        try:
            return Decimal(str(left)) == Decimal(str(right))
        except ArithmeticError:
            return False
    fold = "".join(c for c in str(left).lower() if c.isalnum())
    return fold == "".join(c for c in str(right).lower() if c.isalnum())


def _printed_box(printed: dict[str, FieldValue], name: str, value: object) -> Found | None:
    """The printed-page extractor's own placement, when it read the same value: it found
    the value by its label, which beats the first place the value happens to appear."""
    field = printed.get(name)
    if (
        isinstance(field, ExtractedField)
        and field.box is not None
        and field.page is not None
        and _same(name, field.value, value)
    ):
        return Found(field.page, field.box, field.raw or str(field.value), ())
    return None


def _row(described: Found, *, below: float = 0.5) -> Box:
    """Where a row's numbers are: on its description's lines (with half a line to spare, for
    columns set a little higher or lower, and ``below`` lines under it), right of where the
    description starts (left of it stands the position number)."""
    heights = [w.box[3] - w.box[1] for w in described.words] or [
        described.box[3] - described.box[1]
    ]
    line = min(heights)
    x0, y0, _, y1 = described.box
    return (x0, y0 - line / 2, 1.0, y1 + line * below)


def _line_items(invoice: EInvoice, pages: Sequence[Page]) -> ListValue:
    rows: ListValue = []
    taken: list[Found] = []
    for item in invoice.line_items:
        if item.name is None and item.line_total is None and item.quantity is None:
            continue  # a note line: nothing to book
        described = None
        if len(rows) < MAX_PLACED_ITEMS:
            # Two rows of the same text: the second takes the second printing.
            described = find_value(item.name, "text", pages, taken=taken)
        if described is not None:
            taken.append(described)
        row: dict[str, ExtractedField] = {"description": _field(item.name, "text", described)}
        for column, (attribute, kind) in ITEM_COLUMNS.items():
            value = getattr(item, attribute)
            found = None
            if described is not None:
                # Prices and amounts may stand a line under the description; a quantity as
                # small as "1" is only taken from the description's own lines.
                region = _row(described, below=0.5 if column == "quantity" else 1.6)
                found = find_value(value, kind, pages, page=described.page, region=region)
            row[column] = _field(value, "amount" if column != "quantity" else "number", found)
        rows.append(row)
    return rows


def invoice_fields(
    invoice: EInvoice, pages: Sequence[Page], *, printed: dict[str, FieldValue] | None = None
) -> dict[str, FieldValue]:
    """The platform's invoice fields from ``invoice``: exact values, confidence 1.0, source
    ``e-invoice``; each placed where ``pages`` print it (box None where they do not)."""
    printed = printed or {}
    fields: dict[str, FieldValue] = {}
    for name, (attribute, kind, last) in SCALARS.items():
        value = getattr(invoice, attribute)
        found = _printed_box(printed, name, _stored(value, kind))
        if found is None:
            found = find_value(value, kind, pages, last=last)
        fields[name] = _field(value, kind, found)
    fields["line_items"] = _line_items(invoice, pages)
    return {name: fields[name] for name in ORDER}


def mismatch_errors(
    fields: dict[str, FieldValue], printed: dict[str, FieldValue]
) -> list[dict[str, Any]]:
    """``einvoice_mismatch`` for each compared field the printed page states differently.

    The page disagrees when its extractor read another value *and* the XML's value is printed
    nowhere on it; a value that is printed was only read from the wrong place.
    """
    errors: list[dict[str, Any]] = []
    for name in COMPARED:
        ours, theirs = fields.get(name), printed.get(name)
        if not isinstance(ours, ExtractedField) or not isinstance(theirs, ExtractedField):
            continue
        if ours.value is None or theirs.value is None or ours.box is not None:
            continue
        if _same(name, ours.value, theirs.value):
            continue
        problem = error(
            "einvoice_mismatch",
            f"{name}: the e-invoice XML says {ours.value}, the printed page shows "
            f"{theirs.raw or theirs.value}.",
        )
        ours.validation_errors.append(problem)
        errors.append({**problem, "field": name})
    return errors


def _fill_missing(
    fields: dict[str, FieldValue], printed: dict[str, FieldValue], pages: Sequence[Page]
) -> None:
    """Fields the XML does not carry (a seller without a VAT id in the XML, say) keep what the
    printed page shows, with that page's own confidence and source."""
    sources = {page.number: page.source for page in pages}
    for name, value in printed.items():
        ours = fields.get(name)
        missing = isinstance(ours, ExtractedField) and ours.value is None
        if missing or (name == "line_items" and not ours):
            if isinstance(value, ExtractedField) and value.source is None and value.page:
                value.source = sources.get(value.page)
            fields[name] = value


def einvoice_fields(
    path: Path | str, pages: Sequence[Page]
) -> tuple[dict[str, FieldValue], list[dict[str, Any]]] | None:
    """Invoice fields and document errors of an e-invoice, or None when ``path`` is not one.

    A PDF with an embedded CII/UBL invoice gets the XML's values, boxes from its printed
    pages, the printed-page extraction for what the XML leaves out, and ``einvoice_mismatch``
    where the two disagree. A plain XML invoice gets its values (``pages`` render the XML).
    A PDF whose invoice XML is unreadable falls back to its printed page, with
    ``einvoice_unreadable`` saying why.
    """
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if is_invoice_xml(head):
        invoice = read_xml_file(path)
        return invoice_fields(invoice, pages), []
    if b"%PDF-" not in head[:1024]:
        return None
    try:
        invoice = read_pdf_einvoice(path)
    except EInvoiceError as exc:
        fields = extract_invoice(pages)
        unreadable = error("einvoice_unreadable", f"The embedded e-invoice: {exc.message}")
        return fields, [unreadable]
    if invoice is None:
        return None
    printed = extract_invoice(pages)
    fields = invoice_fields(invoice, pages, printed=printed)
    errors = mismatch_errors(fields, printed)
    _fill_missing(fields, printed, pages)
    return fields, errors
