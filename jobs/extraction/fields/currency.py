"""Currency symbols, codes and words to ISO 4217."""

from __future__ import annotations

import re

from jobs.extraction.fields.text import fold

ISO_CODES: frozenset[str] = frozenset(
    [
        "EUR",
        "USD",
        "GBP",
        "CHF",
        "JPY",
        "CNY",
        "INR",
        "AUD",
        "CAD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "HRK",
        "RUB",
        "UAH",
        "TRY",
        "ILS",
        "AED",
        "SAR",
        "QAR",
        "ZAR",
        "BRL",
        "MXN",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "SGD",
        "HKD",
        "TWD",
        "KRW",
        "THB",
        "MYR",
        "IDR",
        "PHP",
        "VND",
        "PKR",
        "BDT",
        "LKR",
        "EGP",
        "NGN",
        "KES",
        "MAD",
        "ISK",
    ]
)

# Longest first so that "US$" wins over "$".
SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "€": "EUR",
    "$": "USD",
    "£": "GBP",
    "₹": "INR",
    "¥": "JPY",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "zł": "PLN",
    "Kč": "CZK",
    "Rs.": "INR",
    "Rs": "INR",
    "Fr.": "CHF",
    "SFr.": "CHF",
}

WORDS: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "us dollar": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "rupee": "INR",
    "rupees": "INR",
    "franken": "CHF",
    "swiss francs": "CHF",
    "yen": "JPY",
}

_SYMBOL_PATTERN = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_CODE_PATTERN = "|".join(sorted(ISO_CODES))
# A currency at either end of an amount: "€ 4,24", "4,24 €", "EUR 34,73", "$4.11", "Rs.40".
_EDGE = re.compile(
    rf"^\s*(?P<lead>{_SYMBOL_PATTERN}|(?:{_CODE_PATTERN})\b)?\s*(?P<body>.*?)\s*"
    rf"(?P<trail>{_SYMBOL_PATTERN}|\b(?:{_CODE_PATTERN}))?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def parse_currency_text(text: str) -> str | None:
    """ISO code for a symbol, code or currency word; None if ``text`` is none of them."""
    stripped = text.strip()
    if stripped.upper() in ISO_CODES:
        return stripped.upper()
    if stripped in SYMBOLS:
        return SYMBOLS[stripped]
    if stripped.upper().rstrip(".") == "RS":
        return "INR"
    return WORDS.get(fold(stripped).strip(". "))


def find_currency(text: str) -> tuple[str | None, str]:
    """Split a currency marker off either end of an amount: ``("EUR", "34,73")``."""
    match = _EDGE.match(text)
    if not match:
        return None, text.strip()
    lead, trail = match.group("lead"), match.group("trail")
    marker = lead or trail
    body = match.group("body")
    if marker is None:
        return None, body
    code = parse_currency_text(marker) or parse_currency_text(marker.upper())
    return code, body


_TOKEN = re.compile(rf"(?:{_SYMBOL_PATTERN})|\b(?:{_CODE_PATTERN})\b")


def currencies_in(text: str) -> list[str]:
    """Every currency marker in running text, as ISO codes, in order."""
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        code = parse_currency_text(match.group(0))
        if code:
            found.append(code)
    return found
