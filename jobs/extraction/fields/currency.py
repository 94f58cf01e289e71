"""Currency symbols, codes and words to ISO 4217."""

from __future__ import annotations

import re

from jobs.extraction.fields.places import address_countries
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
        "RSD",
        "MKD",
        "BAM",
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
    "₱": "PHP",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₴": "UAH",
    "zł": "PLN",
    "Kč": "CZK",
    "Rp": "IDR",
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
# Codes may touch the number ("EUR12,50", "12,50EUR"), never another letter; "RM" is the
# ringgit's own sign, written before the number ("RM39.00", "RM 39.00"); a capital "R" glued
# to the number is the rand's ("R6 789.60").
_EDGE = re.compile(
    rf"^\s*(?P<lead>{_SYMBOL_PATTERN}|(?:{_CODE_PATTERN}|RM)(?![A-Z])|(?-i:R)(?=\d))?\s*"
    rf"(?P<body>.*?)\s*"
    rf"(?P<trail>{_SYMBOL_PATTERN}|(?<![A-Z])(?:{_CODE_PATTERN}))?\s*$",
    re.IGNORECASE | re.DOTALL,
)


_RAND_AMOUNT = re.compile(r"(?:[1-9]\d{0,2}(?:[ ,]\d{3})+|[1-9]\d*|0)[.,]\d{2}")


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
    if marker.upper() == "RM":
        return "MYR", body
    if marker == "R":
        # Only an amount with cents: "R000027830" and "R05" are a receipt's and a code's.
        if not _RAND_AMOUNT.fullmatch(body):
            return None, text.strip()
        return "ZAR", body
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


# --- the document's currency, from all the evidence on it ---------------------------------

# Signs that name one currency for sure, and signs shared by several (weighed lower, and
# resolved by the country when the page names one).
_STRONG_SIGNS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₱": "PHP",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₴": "UAH",
}
_WEAK_SIGNS: dict[str, str] = {"$": "USD", "¥": "JPY"}


def is_weak_sign(raw: str) -> bool:
    """Whether an amount's currency is written only as a sign several currencies share
    ("$330.00", "¥100,000"), not as a code or a sign of its own ("S$ 2,150.00", "330 EUR")."""
    mark = re.sub(r"[\d\s.,'\-+*()]", "", raw)
    return mark in _WEAK_SIGNS


_WEAK_SIGNS_AT_MOST = 1.2
_WORD_SIGNS: dict[str, str] = {
    "rm": "MYR",
    "rs": "INR",
    "rs.": "INR",
    "sfr.": "CHF",
    "chf": "CHF",
    "rp": "IDR",
    "rp.": "IDR",
    # Currencies named in words, as an amount written out ends ("... Naira Only").
    "naira": "NGN",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "baht": "THB",
    "reais": "BRL",
    "rupees": "INR",
}
# What Hungary, Turkey and Romania print after their amounts ("254 000 Ft", "85,00 TL",
# "120,00 lei"), matched as written: "10 ft" is ten feet.
_CASED_WORD_SIGNS: dict[str, str] = {
    "Ft": "HUF",
    "Ft.": "HUF",
    "TL": "TRY",
    "lei": "RON",
    "Lei": "RON",
    "LEI": "RON",
    "Kč": "CZK",
    "zł": "PLN",
    "đ": "VND",
    # Serbia's dinar, Bulgaria's lev and Ukraine's hryvnia as their amounts end.
    "din.": "RSD",
    "din": "RSD",
    "дин.": "RSD",
    "лв.": "BGN",
    "лв": "BGN",
    "грн": "UAH",
    "грн.": "UAH",
    "đồng": "VND",
    "VNĐ": "VND",
}
# Signs of one letter, counted only glued to an amount with its cents ("R45.00", South
# Africa's rand): alone, "R" is a till's tax code.
_GLUED_ONLY_SIGNS: dict[str, str] = {"R": "ZAR"}
_CENTS_AMOUNT = re.compile(r"\d{1,3}(?:[,\s]?\d{3})*[.,]\d{2}")
# The rest of a word that carries a sign glued to its amount ("Rs.40", "12,50Ft"): a
# number, not a part number's digits ("6205-2RS" is a bearing, not rupees).
_GLUED_AMOUNT = re.compile(r"[.\s]*[-+]?[\d.,']*\d[\d.,']*[-+]?")
# Dollars that say whose they are ("S$ 6.32", "A$12"): strong signs, not a shared "$".
_OWNED_DOLLARS: dict[str, str] = {s: c for s, c in SYMBOLS.items() if "$" in s and s != "$"}
_DOLLAR_COUNTRIES: dict[str, str] = {
    "AU": "AUD",
    "CA": "CAD",
    "NZ": "NZD",
    "SG": "SGD",
    "HK": "HKD",
    "US": "USD",
    "MY": "MYR",
    "MX": "MXN",
    "AR": "ARS",
    "CL": "CLP",
    "CO": "COP",
}
COUNTRY_WORDS: dict[str, str] = {
    "malaysia": "MY",
    "selangor": "MY",
    "johor": "MY",
    "kuala lumpur": "MY",
    "pulau pinang": "MY",
    "penang": "MY",
    "perak": "MY",
    "pahang": "MY",
    "kedah": "MY",
    "kelantan": "MY",
    "melaka": "MY",
    "negeri sembilan": "MY",
    "sabah": "MY",
    "sarawak": "MY",
    "terengganu": "MY",
    "putrajaya": "MY",
    "singapore": "SG",
    "australia": "AU",
    "canada": "CA",
    "new zealand": "NZ",
    "hong kong": "HK",
    "india": "IN",
    "deutschland": "DE",
    "germany": "DE",
    "france": "FR",
    "osterreich": "AT",
    "austria": "AT",
    "nederland": "NL",
    "netherlands": "NL",
    "belgique": "BE",
    "belgium": "BE",
    "italia": "IT",
    "espana": "ES",
    "united kingdom": "GB",
    "england": "GB",
    "schweiz": "CH",
    "suisse": "CH",
    "switzerland": "CH",
    "usa": "US",
    "united states": "US",
    "indonesia": "ID",
    "jakarta": "ID",
    "philippines": "PH",
    "thailand": "TH",
    "japan": "JP",
    # Not the countries whose names products carry: "Colombia Roast", "Chile", "Brazil
    # nuts", "New Mexico"; their tax numbers and web addresses name them instead.
    "nigeria": "NG",
}
# The currency a country named on the page counts for, outside Europe (Europe's are in
# parties.COUNTRY_CURRENCY). Canada, New Zealand and Hong Kong are left out: named alone they
# were as often the buyer's country.
_NAMED_COUNTRY_CURRENCY: dict[str, str] = {
    "MY": "MYR",
    "IN": "INR",
    "SG": "SGD",
    "AU": "AUD",
    "US": "USD",
    "ID": "IDR",
    "PH": "PHP",
    "TH": "THB",
    "JP": "JPY",
    "ZA": "ZAR",
    "BR": "BRL",
    "MX": "MXN",
    "AE": "AED",
    "KE": "KES",
    "AR": "ARS",
    "CL": "CLP",
    "CO": "COP",
    "NG": "NGN",
    "PK": "PKR",
    "MA": "MAD",
    "RS": "RSD",
    "BG": "BGN",
    "UA": "UAH",
}
_BRACKETS = re.compile(r"[()\[\]]")
_CROWNS: dict[str, str] = {"DK": "DKK", "SE": "SEK", "NO": "NOK", "IS": "ISK"}
_RUPEES: dict[str, str] = {"PK": "PKR", "LK": "LKR", "NP": "NPR"}
_NUMBERISH = re.compile(r"\d")


def _glued_to_amount(token: str, sign: str, *, leads: bool = False) -> bool:
    """Whether a word is a sign at one end of an amount ("Rs.40", "RM39.00", "12Ft").

    ``leads``: a sign written before its amount ("Rs.", "RM") counts after one only with
    its cents ("39.00RM"): "2RS" is a sealed bearing's code."""
    folded, sign = token.casefold(), sign.casefold()
    if folded.startswith(sign):
        return bool(_GLUED_AMOUNT.fullmatch(folded[len(sign) :]))
    if folded.rstrip(".").endswith(sign):
        amount = folded.rstrip(".")[: -len(sign)]
        if leads and not _CENTS_AMOUNT.search(amount):
            return False
        return bool(_GLUED_AMOUNT.fullmatch(amount))
    return False


def _word_sign(token: str, bare: str, crowns: str | None) -> str | None:
    """The currency a word names as a sign written in letters, alone ("RM", "Ft") or at an
    end of its amount ("Rs.40", "12Ft"); "kr." names the crown of the page's country."""
    signs = [(_WORD_SIGNS, str.casefold), (_CASED_WORD_SIGNS, str)]
    if crowns:
        signs.append(({"kr": crowns, "kr.": crowns}, str.casefold))
    if token[:1] in _GLUED_ONLY_SIGNS and _CENTS_AMOUNT.fullmatch(token[1:]):
        return _GLUED_ONLY_SIGNS[token[:1]]
    for table, form in signs:
        if form(token) in table:
            return table[form(token)]
        if form(bare) in table and _glued_to_amount(token, bare, leads=table is _WORD_SIGNS):
            return table[form(bare)]
    return None


def currency_evidence(
    words: list[tuple[str, float]], text: str, countries: list[str]
) -> dict[str, float]:
    """Weighed evidence per ISO code from the page's words (text, OCR confidence), its text,
    and the countries of its IBAN or VAT ids.

    An ISO code or an unambiguous sign counts fully, "$" and "¥" (shared by several
    currencies, and what OCR makes of a misread "₹" or "%") count little; words OCR was
    unsure of count by their confidence; the country named on the page, in its ids or by
    its addresses' conventions counts as evidence for its currency and turns "$" into that
    country's dollar.
    """
    from jobs.extraction.fields.parties import COUNTRY_CURRENCY

    scores: dict[str, float] = {}
    weak: dict[str, float] = {}

    def add(code: str, weight: float) -> None:
        scores[code] = scores.get(code, 0.0) + weight

    folded = fold(text)
    named = [code for name, code in COUNTRY_WORDS.items() if re.search(rf"\b{name}\b", folded)]
    country_codes = [c[:2].upper() for c in countries if c] + named
    marked = address_countries(text)
    country_codes += [c for c in marked if c not in country_codes]
    dollar = next((_DOLLAR_COUNTRIES[c] for c in country_codes if c in _DOLLAR_COUNTRIES), "USD")
    # "kr." is the crown of Denmark, Sweden, Norway and Iceland alike: whose, the country says.
    crowns = next((_CROWNS[c] for c in country_codes if c in _CROWNS), None)
    # "Rs." is the rupee of India, Pakistan, Sri Lanka and Nepal alike: whose, the country says.
    rupee = next((_RUPEES[c] for c in country_codes if c in _RUPEES), None)
    # A sign in a column header's brackets counts as one word: "AMT(RM)", "Preis(EUR)".
    words = [
        (part, confidence)
        for raw, confidence in words
        for part in (_BRACKETS.split(raw) if "(" in raw or "[" in raw else [raw])
    ]
    for raw, confidence in words:
        token = raw.strip(" :;,()[]")
        if not token:
            continue
        weight = confidence if confidence >= 0.5 else confidence / 3
        upper = token.upper()
        bare = re.sub(r"[\d.,\-+*]", "", token)
        if upper in ISO_CODES or bare.upper() in ISO_CODES and _NUMBERISH.search(token):
            add(upper if upper in ISO_CODES else bare.upper(), 3.0 * weight)
            continue
        signed = _word_sign(token, bare, crowns)
        if signed == "INR" and rupee:
            signed = rupee
        if signed:
            add(signed, 2.0 * weight)
            continue
        owned = next((c for s, c in _OWNED_DOLLARS.items() if s in token.upper()), None)
        if owned:
            add(owned, 2.5 * weight)
            continue
        for sign, code in _STRONG_SIGNS.items():
            if sign in token:
                add(code, 2.5 * weight)
        for sign, code in _WEAK_SIGNS.items():
            if sign in token:
                code = dollar if sign == "$" else code
                weak[code] = weak.get(code, 0.0) + 0.6 * weight
    # A "$" on every amount is one fact, that the page is in some dollar: however often it is
    # written, it never counts for more than two signs' worth, or four where the page's
    # country says whose dollar it is (a US address and "$": dollars of the United States).
    backed = {_DOLLAR_COUNTRIES.get(c) for c in country_codes} | {
        COUNTRY_CURRENCY.get(c) for c in country_codes
    }
    for code, weight in weak.items():
        add(code, min(weight, _WEAK_SIGNS_AT_MOST * (2 if code in backed else 1)))
    for country in country_codes:
        code = COUNTRY_CURRENCY.get(country) or _NAMED_COUNTRY_CURRENCY.get(country)
        # A country's name alone may be the buyer's; its postcodes or tax numbers are the
        # page's own conventions, so they count for its dollar too (a Canadian till receipt
        # printing "HST" and no sign at all).
        if code is None and country in marked:
            code = _DOLLAR_COUNTRIES.get(country)
        if code:
            add(code, 1.5)
    return scores
