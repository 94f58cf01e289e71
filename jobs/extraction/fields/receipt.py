"""Receipts: merchant, date, time, total, tax, currency and payment method."""

from __future__ import annotations

import re
from collections.abc import Sequence

from jobs.extraction.fields.anchors import OTHER, PAYMENT_METHODS, RECEIPT
from jobs.extraction.fields.issuer import extract_issuer
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.model import ExtractedField, FieldValue
from jobs.extraction.fields.parties import find_currency
from jobs.extraction.fields.scoring import extract_scored
from jobs.extraction.fields.text import fold
from jobs.extraction.types import Page

_TIME = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])[:h]([0-5]\d)(?::([0-5]\d))?(?![\d:])")
_METHODS = sorted(PAYMENT_METHODS, key=len, reverse=True)


def _field(candidate: Candidate | None) -> ExtractedField:
    return candidate.to_field() if candidate is not None else ExtractedField()


def _largest_amount(locator: Locator) -> Candidate | None:
    """Without a total label, a receipt's total is usually its largest amount."""
    amounts = [c for c in locator.scan("amount", base=0.35) if c.parsed.score >= 0.85]
    return max(amounts, key=lambda c: float(c.value), default=None)


_MERIDIEM = re.compile(r"(?i)^\s*([ap])\.?m\b")


def _time(pages: Sequence[Page]) -> ExtractedField:
    """The first time of day printed, on the 24-hour clock ("7:41 PM" is 19:41)."""
    for page in pages:
        for index, word in enumerate(page.words):
            match = _TIME.search(word.text)
            if match:
                hours, minutes, seconds = match.groups()
                hour = int(hours)
                after = word.text[match.end() :]
                if not after.strip() and index + 1 < len(page.words):
                    after = page.words[index + 1].text
                meridiem = _MERIDIEM.match(after)
                if meridiem and 1 <= hour <= 12:
                    hour = hour % 12 + (12 if meridiem.group(1).lower() == "p" else 0)
                value = f"{hour:02d}:{minutes}" + (f":{seconds}" if seconds else "")
                return ExtractedField(
                    value=value,
                    raw=word.text,
                    confidence=0.7 * word.confidence,
                    page=page.number,
                    box=word.box,
                )
    return ExtractedField()


def _payment_method(locator: Locator) -> ExtractedField:
    """A known payment word, after a payment label or anywhere (canonical: card, cash...)."""
    labelled = [(candidate, 0.9) for candidate in locator.candidates("payment_method", "text")]
    anywhere = [
        (Candidate(w.text, w.text, 0.6, p.number, [w], parsed=None), 0.6)  # type: ignore[arg-type]
        for p in locator.pages
        for w in p.words
    ]
    for candidate, score in [*labelled, *anywhere]:
        text = f" {fold(candidate.raw)} "
        for method in _METHODS:
            if re.search(rf"(?<![a-z]){re.escape(method)}(?![a-z])", text):
                ocr = candidate.ocr_confidence
                return ExtractedField(
                    value=PAYMENT_METHODS[method],
                    raw=candidate.raw,
                    confidence=score * ocr,
                    page=candidate.page,
                    box=candidate.box,
                )
    return ExtractedField()


# Words of a receipt that gives money back, as folded: its total may rightly be negative.
_REFUND = re.compile(
    r"(?<![a-z])(refund\w*|returns?|returned|void(ed)?|credit (note|memo)|retour\w*|ru?e?ckgabe|"
    r"erstattung|gutschrift|storno|rembours\w*|avoir|reembolso|devolucion|rimborso|"
    r"reso|pulangan|bayaran balik)(?![a-z])"
)


def unsign_total(fields: dict[str, FieldValue], pages: Sequence[Page]) -> None:
    """A receipt's total read as negative where nothing on it is given back: the minus is a
    mark OCR read before the amount ("Total Payable: -51.88"), not the shop's. A refund or a
    void says what it is, or prints the lines it gives back negative too, and keeps its sign.
    (One other negative amount is no sign of it: OCR reads a dash before many numbers.)"""
    total = fields.get("total")
    if not isinstance(total, ExtractedField) or not str(total.value or "").startswith("-"):
        return
    if any(_REFUND.search(fold(page.text)) for page in pages):
        return
    locator = Locator(pages, {**RECEIPT, **OTHER})
    negative = {str(c.value) for c in locator.scan("amount") if str(c.value).startswith("-")} - {
        str(total.value)
    }
    if len(negative) >= 2:
        return  # lines given back add up to it: an adjustment that owes the customer
    total.value = str(total.value)[1:]


def extract_receipt(pages: Sequence[Page]) -> dict[str, FieldValue]:
    locator = Locator(pages, {**RECEIPT, **OTHER})
    date_field, _ = extract_scored(locator, "date", ["date"], kind="receipt")
    total_field, total = extract_scored(locator, "total", ["total"], kind="receipt")
    tax = locator.best("tax", "amount")
    merchant = extract_issuer(locator, receipt=True)
    return {
        "merchant": merchant,
        "date": date_field,
        "time": _time(pages),
        "total": total_field,
        "tax": _field(tax),
        "currency": find_currency(pages, [total, tax], []),
        "payment_method": _payment_method(locator),
    }
