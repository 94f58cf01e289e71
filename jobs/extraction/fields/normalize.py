"""Parse and normalise a value by its field type.

Every parser takes the text as found and returns a :class:`Parsed`: the normalised value, or an
error code and message saying why the text is not a value of that type. ``score`` (0..1) says
how typical the text is for the type; the geometric search uses it to rank candidates (an
amount with decimals and a currency sign is a better total than a bare integer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jobs.extraction.fields.currency import find_currency, parse_currency_text
from jobs.extraction.fields.dates import DateError, parse_date_text
from jobs.extraction.fields.text import collapse_spaces, fold

FIELD_TYPES: tuple[str, ...] = (
    "text",
    "date",
    "amount",
    "number",
    "currency",
    "iban",
    "email",
    "phone",
    "choice",
    "reference",
    "vat_id",
)


@dataclass(frozen=True, slots=True)
class Parsed:
    value: Any = None
    error_code: str | None = None
    message: str | None = None
    score: float = 1.0
    # Side information, e.g. the currency written next to an amount.
    currency: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None

    def error(self) -> dict[str, str]:
        return {"code": self.error_code or "invalid_value", "message": self.message or ""}


def invalid(code: str, message: str) -> Parsed:
    return Parsed(error_code=code, message=message, score=0.0)


# --- text -------------------------------------------------------------------------------


def parse_text(text: str) -> Parsed:
    value = collapse_spaces(text)
    if not value or not any(c.isalnum() for c in value):
        return invalid("invalid_text", "No text.")
    return Parsed(value)


# --- date ---------------------------------------------------------------------------------


def parse_date(text: str, *, dayfirst: bool = True) -> Parsed:
    """ISO date string (``"2014-08-03"``)."""
    try:
        return Parsed(parse_date_text(text, dayfirst=dayfirst).isoformat())
    except DateError as exc:
        return invalid("invalid_date", f"Not a date: {exc}.")


# --- numbers and amounts --------------------------------------------------------------------

_MINUS = "-−–"
_GROUPING = " \u00a0\u202f'’"


def _grouped(parts: list[str], *, indian: bool) -> bool:
    """Whether the whole part's groups are thousands ("1,234,567") or, with commas, the
    Indian lakhs and crores ("1,18,000", "12,34,567": twos, then a three)."""
    if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return True
    return (
        indian
        and len(parts) > 2
        and 1 <= len(parts[0]) <= 2
        and all(len(p) == 2 for p in parts[1:-1])
        and len(parts[-1]) == 3
    )


def _parse_decimal(number: str) -> Decimal | None:
    """A number written with any common grouping/decimal convention, or None."""
    digits = number
    for space in _GROUPING:
        digits = digits.replace(space, "_")
    if not re.fullmatch(r"\d[\d_.,]*", digits) or not digits[-1].isdigit():
        return None
    if "_" in digits:
        head, *groups = digits.split("_")
        tail = groups[-1]
        if not (1 <= len(head) <= 3) or any(len(g) != 3 for g in groups[:-1]):
            return None
        if not re.fullmatch(r"\d{3}([.,]\d{1,2})?", tail):
            return None
        digits = head + "".join(groups[:-1]) + tail
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_sep = "." if digits.rfind(".") > digits.rfind(",") else ","
        group_sep = "," if decimal_sep == "." else "."
        if digits.count(decimal_sep) != 1:
            return None
        whole, fraction = digits.split(decimal_sep)
        parts = whole.split(group_sep)
        if not _grouped(parts, indian=group_sep == ","):
            return None
        text = "".join(parts) + "." + fraction
    elif dots + commas:
        sep = "." if dots else ","
        parts = digits.split(sep)
        if len(parts) > 2:  # 1.234.567: grouping only
            if not _grouped(parts, indian=sep == ","):
                return None
            text = "".join(parts)
        elif len(parts[1]) == 3 and parts[0] not in {"0", ""} and len(parts[0]) <= 3:
            text = "".join(parts)  # 1,234 / 1.234: a thousands separator
        else:
            text = parts[0] + "." + parts[1]
    else:
        text = digits
    # No amount or quantity has more than 15 whole digits (a quadrillion); longer runs are
    # ids, barcodes or OCR noise, and exceed what decimal arithmetic keeps exact.
    if len(text.split(".")[0].lstrip("0")) > 15 or len(text) > 24:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def format_decimal(value: Decimal, *, min_places: int = 0) -> str:
    """Plain decimal string, no exponent, at least ``min_places`` decimals."""
    if value == value.to_integral_value() and min_places == 0:
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    places = len(text.split(".")[1]) if "." in text else 0
    if places < min_places:
        text = format(value.quantize(Decimal(1).scaleb(-min_places)), "f")
    return text


def _split_sign(text: str) -> tuple[bool, str]:
    body = text.strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body and body[0] in _MINUS:
        negative, body = True, body[1:].strip()
    elif body and body[-1] in _MINUS:
        negative, body = True, body[:-1].strip()
    return negative, body


def parse_amount(text: str) -> Parsed:
    """Money: ``"1.234,56 €"`` -> ``"1234.56"``; the currency, if written, rides along."""
    negative, body = _split_sign(text)
    currency, rest = find_currency(body)
    inner_negative, rest = _split_sign(rest)
    # Japan closes a yen amount with a dash ("¥172,040-"): no minus.
    if currency == "JPY" and text.rstrip().endswith("-") and not text.lstrip().startswith("-"):
        negative = inner_negative = False
    repaired = False
    # OCR reads a zero as the letter O ("RMO,01", "1O.50"): only in a token with cents.
    if "O" in rest and re.fullmatch(r"[\dO]+[.,][\dO]{2}", rest) and re.search(r"\d", rest):
        rest, repaired = rest.replace("O", "0"), True
    # A currency sign OCR read as a capital letter or a "#" glued to the amount ("TOTAL
    # B126.00" for ฿, "S12.50" for $, "#6,377,975.00" for ₦): the amount counts, less
    # surely, and names no currency.
    misread_sign = bool(re.fullmatch(r"[A-Z#]\d[\d,]*[.,]\d{2}", rest))
    if misread_sign:
        rest = rest[1:]
    # Cents without the zero before them, as receipts print them ("-.02", ".00").
    if re.fullmatch(r"[.,]\d{2}", rest):
        rest = "0" + rest
    if not rest or not rest[0].isdigit():
        return invalid("invalid_amount", f"Not an amount: {text!r}.")
    # A receipt's tax code glued to the price ("2.70S", "11.60SR", "26.00*").
    tax_code = re.fullmatch(r"(.*\d[.,]\d{2})\s*([A-Z]{1,2}|\*)", rest)
    if tax_code:
        rest = tax_code.group(1)
    value = _parse_decimal(rest)
    if value is None:
        return invalid("invalid_amount", f"Not an amount: {text!r}.")
    if negative or inner_negative:
        value = -value
    has_decimals = bool(re.search(r"[.,]\d{2}$", rest))
    score = 0.55 + (0.3 if has_decimals else 0.0) + (0.15 if currency else 0.0)
    if tax_code:
        score *= 0.9
    if repaired or misread_sign:
        score *= 0.8
    return Parsed(format_decimal(value, min_places=2), score=score, currency=currency)


def parse_number(text: str) -> Parsed:
    """A plain number (quantity, count): ``"1"``, ``"2.5"``, ``"1 000"``."""
    negative, body = _split_sign(text)
    value = _parse_decimal(body.strip())
    if value is None:
        return invalid("invalid_number", f"Not a number: {text!r}.")
    return Parsed(format_decimal(-value if negative else value))


# --- identifiers and contact data ------------------------------------------------------------


def parse_currency(text: str) -> Parsed:
    code = parse_currency_text(text)
    if code is None:
        return invalid("invalid_currency", f"Not a currency: {text!r}.")
    return Parsed(code)


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616 mod-97 check of a compact, uppercase IBAN."""
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def parse_iban(text: str) -> Parsed:
    compact = re.sub(r"[\s\-.]", "", text).upper()
    if compact.startswith("IBAN"):
        compact = compact[4:].lstrip(":")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return invalid("invalid_iban", f"Not an IBAN: {text!r}.")
    if not iban_checksum_ok(compact):
        return invalid("invalid_iban", f"The IBAN checksum of {compact} is wrong.")
    return Parsed(compact)


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def parse_email(text: str) -> Parsed:
    candidate = text.strip().strip("<>()[],;:").removeprefix("mailto:")
    if not _EMAIL.fullmatch(candidate):
        return invalid("invalid_email", f"Not an e-mail address: {text!r}.")
    return Parsed(candidate.lower())


def parse_phone(text: str) -> Parsed:
    """Digits with an international ``+`` kept: ``"+49 6051 916 44 10"`` -> ``"+4960519164410"``."""
    body = text.strip()
    if not re.fullmatch(r"\+?[\d\s()./\-]+", body):
        return invalid("invalid_phone", f"Not a phone number: {text!r}.")
    digits = re.sub(r"\D", "", body)
    international = body.startswith("+") or body.startswith("00")
    if body.startswith("00"):
        digits = digits[2:]
    if not 6 <= len(digits) <= 15:
        return invalid("invalid_phone", f"Not a phone number: {text!r}.")
    return Parsed(("+" if international else "") + digits)


def parse_choice(text: str, choices: Sequence[str]) -> Parsed:
    """One of ``choices``, matched case- and accent-insensitively; the canonical spelling wins."""
    wanted = fold(collapse_spaces(text))
    for choice in choices:
        if fold(choice) == wanted:
            return Parsed(choice)
    return invalid("invalid_choice", f"{text!r} is not one of: {', '.join(choices)}.")


_MONEY_LIKE = re.compile(r"\d{1,3}([.,]\d{3})*[.,]\d{2}")


_GLUED_LABEL = re.compile(r"^[^\W\d_]{3,}(?:Nr|No|N°|Nº)\.?:?(?=\w*\d)")
# A number sign OCR glued to the number: "N°AV-2025-007", "Nr.:4711", "No.12345".
_GLUED_SIGN = re.compile(r"^(?:N[°º]\.?|Nr\.|No\.|Nr:|No:):?(?=[\w/\-.]*\d)")
# A Portuguese document's number is its type's code, a space and series/sequence ("FT 2024/117",
# "FR A/45", "NC 2024/3"), by the law that makes it unique (SAF-T PT).
_PT_DOCUMENT_NUMBER = re.compile(
    r"(?:FT|FS|FR|NC|ND|VD)\s[A-Za-z0-9][A-Za-z0-9_\-.]{0,19}/\d{1,10}"
)
# A series in capitals before its sequence number, as Romanian and Balkan invoices print their
# number ("BVX 0004521": series BVX, number 0004521): both make the number unique.
# Two letters and five digits are a US state and ZIP code ("TX 75201"), not a series.
_SERIES_NUMBER = re.compile(
    r"(?!(?:NO|NR|REF|TEL|FAX|DATE|NUM)\s)(?:[A-Z]{3,5}\s\d{4,12}|[A-Z]{2}\s\d{6,12})"
)
# Lower-case words that follow a number in running text ("Nr. 12 vom 15.11.", "n° 12 du").
_GLUED_WORD = re.compile(r"(.*\d)(vom|du|am|le|dated|from|del|of)")


def parse_reference(text: str) -> Parsed:
    """A document number or id: one token with a digit, e.g. ``"2022089083"``, ``"BLR_W-12"``."""
    value = text.strip().lstrip("#:").strip().rstrip(".,;:")
    if _PT_DOCUMENT_NUMBER.fullmatch(value):
        return Parsed(value, score=1.0)
    if _SERIES_NUMBER.fullmatch(value):
        return Parsed(value, score=0.9)
    glued = False
    # OCR glues the label before a number and the word after it: "RechnungNr.471102vom".
    label = _GLUED_LABEL.match(value) or _GLUED_SIGN.match(value)
    if label:
        value, glued = value[label.end() :], True
    tail = _GLUED_WORD.fullmatch(value)
    if tail:
        value, glued = tail.group(1), True
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9/_\-.]{2,39}", value):
        return invalid("invalid_reference", f"Not a reference: {text!r}.")
    if not any(c.isdigit() for c in value):
        return invalid("invalid_reference", f"A reference has digits: {text!r}.")
    if re.fullmatch(r"[vV]\d+(?:\.\d+)+", value):
        return invalid("invalid_reference", f"A version, not a reference: {text!r}.")
    if _MONEY_LIKE.fullmatch(value) or parse_date(value).ok:
        return invalid("invalid_reference", f"An amount or a date, not a reference: {text!r}.")
    digits = sum(c.isdigit() for c in value)
    score = 0.7 + 0.3 * min(1.0, digits / 6)
    return Parsed(value, score=score * 0.9 if glued else score)


def parse_vat_id(text: str) -> Parsed:
    """A VAT identification number: country prefix and 8-12 characters, spaces removed."""
    compact = re.sub(r"[\s.\-]", "", text).upper()
    if (
        not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{8,12}", compact)
        or sum(c.isdigit() for c in compact) < 7
    ):
        return invalid("invalid_vat_id", f"Not a VAT id: {text!r}.")
    return Parsed(compact)


Parser = Callable[[str], Parsed]

PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "date": parse_date,
    "amount": parse_amount,
    "number": parse_number,
    "currency": parse_currency,
    "iban": parse_iban,
    "email": parse_email,
    "phone": parse_phone,
    "reference": parse_reference,
    "vat_id": parse_vat_id,
}


def parse(field_type: str, text: str, *, choices: Sequence[str] = ()) -> Parsed:
    """Parse ``text`` as ``field_type`` (one of :data:`FIELD_TYPES`)."""
    if field_type == "choice":
        return parse_choice(text, choices)
    parser = PARSERS.get(field_type)
    if parser is None:
        raise ValueError(f"Unknown field type {field_type!r}.")
    return parser(text)
