"""Invoices: labelled fields by geometric search, issuer and currency by heuristics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from jobs.extraction.fields.anchors import INVOICE, OTHER
from jobs.extraction.fields.customer import (
    ATTENTION,
    NAME_LABEL,
    address_block_name,
    customer_candidate,
)
from jobs.extraction.fields.evidence import NEGATIVE, _decimal, _row_of, _row_words_left
from jobs.extraction.fields.issuer import extract_issuer
from jobs.extraction.fields.items import extract_line_items
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.model import ExtractedField, FieldValue
from jobs.extraction.fields.normalize import parse_iban
from jobs.extraction.fields.parties import find_currency
from jobs.extraction.fields.scoring import extract_scored
from jobs.extraction.types import Page

INVOICE_FIELDS: dict[str, str] = {
    "invoice_number": "reference",
    "invoice_date": "date",
    "due_date": "date",
    "total_amount": "amount",
    "net_amount": "amount",
    "tax_amount": "amount",
    "iban": "iban",
    "vat_id": "vat_id",
    "customer_name": "text",
}
# The amounts tied by net + tax = total, in that order: total, net, tax.
AMOUNT_FIELDS = ("total_amount", "net_amount", "tax_amount")
_ADDRESS_AFTER_NAME = re.compile(r",\s*(?=\d)")


# Fields chosen among every candidate of their type by the learned scoring (scoring.py):
# field -> (model, lexicon keys).
SCORED: dict[str, tuple[str, list[str]]] = {
    "invoice_number": ("invoice_number", ["invoice_number"]),
    "invoice_date": ("date", ["invoice_date"]),
    "total_amount": ("total", ["total_amount"]),
}


def _field(candidate: Candidate | None, pages: Sequence[Page] = ()) -> ExtractedField:
    if candidate is None:
        return ExtractedField()
    result = candidate.to_field()
    result.source = next((p.source for p in pages if p.number == candidate.page), None)
    return result


# Payment terms written as a sentence: "Zahlbar innert 30 Tagen netto, d.h. bis 11.06.2025",
# "Please pay by 3 May 2025", "à régler avant le 15/04/2025". A date after one of these
# words, on a line that speaks of paying, is the due date.
_PAYING = re.compile(
    r"(?i)\b(?:pay|paid|payable|payment|due|zahlbar|zahlen|bezahlen|[uü]berweisen|f[aä]llig"
    r"|payer|r[eé]gler|paiement|r[eè]glement|betalen|betaling|pagare|pagamento|pagar|pago"
    r"|betala|betal|betales|zap[lł]aty|zap[lł]aci[cć])"
)
_DEADLINE_WORDS = frozenset(
    ["bis", "zum", "spätestens", "spatestens", "by", "before", "until", "avant", "voor",
     "uiterlijk", "entro", "hasta", "antes", "senast", "innan", "do"]
)  # fmt: skip
_ARTICLES = frozenset(["le", "il", "el", "the"])  # "avant le 15/04/2025", "entro il ..."


def due_date_in_terms(locator: Locator) -> Candidate | None:
    """A due date no label names, in a sentence of payment terms (see ``_PAYING``)."""
    for page in locator.pages:
        for row in locator.rows[page.number]:
            words = row.words
            if not _PAYING.search(" ".join(w.text for w in words)):
                continue
            for index, word in enumerate(words[:-1]):
                if word.text.casefold().strip(",") not in _DEADLINE_WORDS:
                    continue
                start = index + 1
                while start < len(words) and words[start].text.casefold() in _ARTICLES:
                    start += 1
                for candidate in locator.scan_row(words[start:], "date", page=page.number):
                    if candidate.words[0] is words[start]:
                        candidate.score = 0.7
                        return candidate
    return None


def invoice_date_fallback(locator: Locator) -> Candidate | None:
    """An unlabelled invoice date: on the invoice number's row ("Invoice 123 of 2 July 2015"),
    else the first date of the first page that no other label claims."""
    for label in locator.labels_for("invoice_number"):
        row = locator.rows[label.page][label.row]
        for candidate in locator.scan("date", base=0.7):
            if candidate.page == label.page and candidate.words[0] in row.words:
                return candidate
    claimed = {
        (m.page, m.row)
        for p in locator.pages
        for m in locator.labels[p.number]
        if m.keys.keys() - {"invoice_date"}
    }
    for candidate in locator.scan("date", base=0.35):
        row_of = _row_of(locator, candidate)
        if (candidate.page, row_of) not in claimed:
            return candidate
    return None


def _iban_fallback(locator: Locator) -> Candidate | None:
    """An IBAN without a label: any run of words that passes the checksum."""
    for candidate in locator.scan("iban", base=0.6):
        if parse_iban(candidate.raw).ok:
            return candidate
    return None


def _printed(locator: Locator, value: Decimal, words: frozenset[str]) -> Candidate | None:
    """Where ``value`` is printed, preferring a row that has one of ``words`` left of it."""
    found = [c for c in locator.scan("amount") if _decimal(c.value) == value]
    for candidate in found:
        row = _row_of(locator, candidate)
        if row >= 0 and set(_row_words_left(locator, candidate, row)) & words:
            return candidate
    return found[-1] if found else None


# How many rows above an amount its column's header may stand ("Wartość netto" over a rate
# table's rows and its "Razem" row).
_HEADER_REACH = 8


def _row_label(locator: Locator, candidate: Candidate) -> set[str]:
    """The fields the label of an amount may name: the nearest label left of it on its row,
    else the nearest column header above it (a label over the amount's own column)."""
    row = _row_of(locator, candidate)
    x0, _, x1, _ = candidate.box or (0, 0, 0, 0)
    labels = locator.labels[candidate.page]
    left = [m for m in labels if m.row == row and m.box[2] <= x0 + 0.002]
    if left:
        return set(max(left, key=lambda m: m.box[2]).keys)
    # A header row above: the column an amount stands in is the header word furthest right
    # that starts left of the amount's middle (numbers align right, their headers left).
    middle = (x0 + x1) / 2
    rows = locator.rows[candidate.page]
    for above in range(row - 1, max(-1, row - _HEADER_REACH - 1), -1):
        headers = [m for m in labels if m.row == above]
        if not headers:
            continue
        words = [w for w in rows[above].words if w.box[0] <= middle]
        if not words:
            return set()
        owner = rows[above].words.index(max(words, key=lambda w: w.box[0]))
        for m in headers:
            if m.start <= owner < m.end:
                return set(m.keys)
        return set()
    return set()


def consistent_amounts(locator: Locator, fields: dict[str, FieldValue]) -> None:
    """Net and tax that add up to the total, each on a row its own label names.

    Where the net and tax found do not add up to the total, the page is searched for a pair
    that does: a net amount on a row labelled for the net ("Nettobetrag 11.119,50") and a tax
    on a row labelled for the tax ("zzgl. 20 % USt. 2.223,90"). A net and tax printed on a row
    that deducts an advance ("Anzahlung ... netto 4.000,00 zzgl. USt. 800,00") are the
    advance's, and the sum leaves them out by itself."""
    total, net, tax = (fields[k] for k in AMOUNT_FIELDS)
    if not (
        isinstance(total, ExtractedField)
        and isinstance(net, ExtractedField)
        and isinstance(tax, ExtractedField)
    ):
        return
    t, n, x = _decimal(total.value), _decimal(net.value), _decimal(tax.value)
    if t is None or t <= 0:
        return
    if n is not None and x is not None and n + x == t:
        if 0 <= n < x:
            # The sum holds but the tax is the larger part: the two were read the wrong way
            # round ("Subtotal (ex GST)" on a row that explains GST codes first).
            fields["net_amount"], fields["tax_amount"] = tax, net
        return
    nets: dict[Decimal, Candidate] = {}
    taxes: dict[Decimal, Candidate] = {}
    for candidate in locator.scan("amount"):
        value = _decimal(candidate.value)
        if value is None or value < 0 or value >= t:
            continue
        keys = _row_label(locator, candidate)
        if "net_amount" in keys and "tax_amount" not in keys:
            nets.setdefault(value, candidate)
        elif "tax_amount" in keys and "net_amount" not in keys:
            taxes.setdefault(value, candidate)
    pairs = [(value, t - value) for value in nets if (t - value) in taxes and t - value < value]
    if not pairs:
        return
    value, rest = max(pairs)
    for key, candidate in (("net_amount", nets[value]), ("tax_amount", taxes[rest])):
        result = _field(candidate, locator.pages)
        result.confidence = min(total.confidence, 0.9)
        fields[key] = result


def reconcile_amounts(locator: Locator, fields: dict[str, FieldValue]) -> str | None:
    """Net + tax = total. Where two of them are found and the third is missing or breaks the
    sum, the difference is taken when the page prints it: the tax under a table's "Steuer"
    column is easily confused with the base it is charged on, the difference is not.

    Returns the name of the field replaced, if any."""
    total, net, tax = (fields[k] for k in AMOUNT_FIELDS)
    if not (
        isinstance(total, ExtractedField)
        and isinstance(net, ExtractedField)
        and isinstance(tax, ExtractedField)
    ):
        return None
    t, n, x = _decimal(total.value), _decimal(net.value), _decimal(tax.value)
    if t is None or (n is not None and x is not None and n + x == t):
        return None
    if n is not None and t != n:
        target, want, words, sure = "tax_amount", t - n, NEGATIVE["neg_tax"], net.confidence
    elif x is not None and t != x:
        target, want, words, sure = "net_amount", t - x, NEGATIVE["neg_sub"], tax.confidence
    else:
        return None
    found = _printed(locator, want, words)
    if found is None:
        return None
    result = _field(found, locator.pages)
    result.confidence = min(total.confidence, sure)
    fields[target] = result
    return target


def extract_invoice(pages: Sequence[Page]) -> dict[str, FieldValue]:
    """Invoice fields: see :data:`INVOICE_FIELDS`, plus issuer, currency and line_items."""
    locator = Locator(pages, {**INVOICE, **OTHER})
    found: dict[str, Candidate | None] = {}
    scored: dict[str, ExtractedField] = {}
    for key, field_type in INVOICE_FIELDS.items():
        if key in SCORED:
            model, keys = SCORED[key]
            scored[key], found[key] = extract_scored(locator, model, keys, kind="invoice")
        elif key == "customer_name":
            found[key] = customer_candidate(locator)
        else:
            found[key] = locator.best(key, field_type)
    if found["iban"] is None:
        found["iban"] = _iban_fallback(locator)
    if found["due_date"] is None:
        found["due_date"] = due_date_in_terms(locator)
    fields: dict[str, FieldValue] = {
        key: scored.get(key) or _field(c, pages) for key, c in found.items()
    }
    customer = fields["customer_name"]
    assert isinstance(customer, ExtractedField)
    if isinstance(customer.value, str):
        customer.value = ATTENTION.sub("", customer.value).strip() or customer.value
        # A form's "Nombre: ACME S.A." line gives the name after its label.
        customer.value = NAME_LABEL.sub("", customer.value, count=1).strip() or customer.value
        # A one-line "Sold to" block: the name ends where its address begins ("Harbor Cafe,
        # 12 Pier St, Portland").
        customer.value = _ADDRESS_AFTER_NAME.split(customer.value, maxsplit=1)[0]
    consistent_amounts(locator, fields)
    reconcile_amounts(locator, fields)
    fields["issuer"] = extract_issuer(
        locator, customer=customer.value if isinstance(customer.value, str) else None
    )
    if customer.value is None:
        issuer = fields["issuer"]
        fields["customer_name"] = _field(
            address_block_name(
                locator, issuer=issuer.value if isinstance(issuer, ExtractedField) else None
            ),
            pages,
        )
    countries = [str(c.value) for c in (found["iban"], found["vat_id"]) if c is not None]
    fields["currency"] = find_currency(
        pages, [found["total_amount"], found["net_amount"], found["tax_amount"]], countries
    )
    fields["line_items"] = extract_line_items(
        locator, stop_keys=("total_amount", "net_amount", "tax_amount")
    )
    order = ["issuer", *INVOICE_FIELDS, "currency", "line_items"]
    return {key: fields[key] for key in order}
