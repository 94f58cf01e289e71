"""Who issued the document, and in which currency: heuristics that need no labels.

The issuer is rarely labelled. Signals, strongest first:

1. a company name with a legal form (Inc., AG, B.V., GmbH, SAS, Ltd...) that contains the brand
   of a web/e-mail domain repeated on the document (``QualityHosting AG`` + qualityhosting.de);
2. a domain brand that the document repeats at least three times (the trading name);
3. the value of a seller label ("Sold by", "Titulaire du compte", "Kontoinhaber"...);
4. a company name with a legal form that is not the customer's, the most repeated first;
5. the first line of the first page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from jobs.extraction.fields.currency import currencies_in
from jobs.extraction.fields.layout import Row
from jobs.extraction.fields.locate import MAX_WORD_GAP, Candidate, Locator
from jobs.extraction.fields.model import ExtractedField, union_box
from jobs.extraction.fields.text import fold
from jobs.extraction.types import Page, Word

LEGAL_FORMS: frozenset[str] = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "llc",
        "llp",
        "ltd",
        "limited",
        "plc",
        "pvt",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "gbr",
        "se",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "bv",
        "nv",
        "vof",
        "spa",
        "srl",
        "snc",
        "sapa",
        "oy",
        "ab",
        "as",
        "aps",
        "kft",
        "sro",
    ]
)
# More forms a legal name ends in, found by :func:`legal_names` as the ones above ("Inversiones
# Turísticas Llafranc, S.L.", "Papelaria Central, Lda."); "SL" counts only written as a form,
# capitalised or dotted.
_MORE_NAME_FORMS: frozenset[str] = frozenset(
    # "rl" ends Luxembourg's "S.à r.l." after its "S.à".
    ["sl", "slu", "lda", "ltda", "kgaa", "oyj", "bvba", "sprl", "rl"]
)


def hyphenated_form(key: str) -> bool:
    """A short form joined to a common one by a hyphen: "FZ-LLC", "SA-NV"."""
    head, _, tail = key.rpartition("-")
    return bool(head) and len(key) <= 8 and tail in LEGAL_FORMS and head.isalpha()


def _form_at(word: str) -> bool:
    """Whether a word is a legal form that ends a company's name."""
    key = legal_key(word)
    if key in LEGAL_FORMS or hyphenated_form(key):
        return True
    return key in _MORE_NAME_FORMS and not (len(key) <= 2 and word.islower() and "." not in word)


# Mail providers and tools whose domains say nothing about the issuer.
GENERIC_DOMAINS: frozenset[str] = frozenset(
    [
        "gmail",
        "googlemail",
        "yahoo",
        "hotmail",
        "outlook",
        "live",
        "icloud",
        "gmx",
        "aol",
        "protonmail",
        "web",
        "t-online",
        "orange",
        "wanadoo",
        "tcpdf",
        "adobe",
        "google",
        "microsoft",
    ]
)
_TLDS = "com|net|org|info|biz|io|eu|de|fr|nl|be|it|es|at|ch|uk|in|us|ca|au|lu|pl|se|dk|no|fi"
_HOST = re.compile(
    rf"(?:https?://)?(?:[\w-]+\.)*?(?P<name>[a-z0-9][a-z0-9-]{{1,62}})"
    rf"\.(?:co\.|com\.|org\.)?(?:{_TLDS})(?:/\S*)?",
    re.IGNORECASE,
)


def legal_key(word: str) -> str:
    return fold(word).replace(".", "").strip(",;:()")


def _is_name_word(word: str) -> bool:
    text = word.strip(",;()")
    return bool(text) and (text[0].isupper() or text[0].isdigit() or text in {"&", "-", "+"})


@dataclass(slots=True)
class NameHit:
    name: str
    page: int
    words: list[Word]


def legal_names(pages: Sequence[Page], rows: dict[int, list[Row]]) -> list[NameHit]:
    """Company names ending in a legal form, each occurrence, top of page 1 first."""
    hits: list[NameHit] = []
    for page in pages:
        for row in rows[page.number]:
            words = row.words
            index = 0
            while index < len(words):
                if not _form_at(words[index].text):
                    index += 1
                    continue
                end = index + 1
                while end < len(words) and _form_at(words[end].text):
                    end += 1
                start = index
                while (
                    start > 0
                    and index - start < 6
                    and _is_name_word(words[start - 1].text)
                    and not words[start - 1].text.endswith(":")
                    and words[start].box[0] - words[start - 1].box[2] <= MAX_WORD_GAP
                    and not _form_at(words[start - 1].text)
                ):
                    start -= 1
                if start < index:
                    span = words[start:end]
                    name = " ".join(w.text for w in span).strip(" ,;:")
                    hits.append(NameHit(name, page.number, span))
                index = end
    return hits


def domain_brands(text: str) -> Counter[str]:
    """Brands of the web and e-mail domains on a page (``www.flipkart.com`` -> ``flipkart``),
    counted by how often the brand appears anywhere in the text."""
    brands: set[str] = set()
    for token in re.split(r"[\s,;()<>\"']+", text):
        host = token.split("@", 1)[1] if "@" in token else token
        match = _HOST.fullmatch(host.rstrip(".:"))
        if match and not match.group("name").isdigit():
            brands.add(match.group("name").lower())
    lowered = text.casefold()
    counts: Counter[str] = Counter()
    for brand in brands - GENERIC_DOMAINS:
        if len(brand) >= 3:
            counts[brand] = len(re.findall(rf"(?<![a-z0-9]){re.escape(brand)}", lowered))
    return counts


def _brand_display(brand: str, text: str) -> str:
    """How the document itself writes a brand outside URLs (``Flipkart``)."""
    forms = Counter(
        m.group(0)
        for m in re.finditer(rf"(?<![\w./@]){re.escape(brand)}(?![\w-])", text, re.IGNORECASE)
        if not m.group(0).islower()
    )
    return forms.most_common(1)[0][0] if forms else brand.capitalize()


def _hit_field(hit: NameHit, confidence: float) -> ExtractedField:
    ocr = sum(w.confidence for w in hit.words) / max(len(hit.words), 1)
    return ExtractedField(
        value=hit.name,
        raw=" ".join(w.text for w in hit.words),
        confidence=confidence * ocr,
        page=hit.page,
        box=union_box([w.box for w in hit.words]),
    )


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def find_issuer(
    locator: Locator, *, label_key: str = "issuer", customer: str | None = None
) -> ExtractedField:
    """The issuer by the signals in the module docstring."""
    pages = locator.pages
    text = "\n".join(p.text for p in pages)
    brands = domain_brands(text)
    names = legal_names(pages, locator.rows)
    customer_key = _compact(customer) if customer else ""
    names = [
        n
        for n in names
        if not customer_key
        or (_compact(n.name) not in customer_key and customer_key not in _compact(n.name))
    ]
    for brand, count in brands.most_common():
        if count < 2:
            break
        branded = [n for n in names if brand in _compact(n.name)]
        if branded:
            return _hit_field(min(branded, key=lambda n: len(n.name)), 0.85)
    if brands:
        brand, count = brands.most_common(1)[0]
        if count >= 3:
            return _brand_field(locator, brand, text)
    labelled: Candidate | None = locator.best(label_key, "text")
    if labelled is not None:
        return labelled.to_field(scale=0.9)
    if names:
        counts = Counter(_compact(n.name) for n in names)
        best = max(names, key=lambda n: counts[_compact(n.name)])
        return _hit_field(best, 0.55)
    for page in pages:
        for row in locator.rows[page.number]:
            line = " ".join(w.text for w in row.words)
            if sum(c.isalpha() for c in line) >= 3:
                return _hit_field(NameHit(line, page.number, row.words), 0.3)
    return ExtractedField()


def _brand_field(locator: Locator, brand: str, text: str) -> ExtractedField:
    display = _brand_display(brand, text)
    for page in locator.pages:
        for row in locator.rows[page.number]:
            for word in row.words:
                if brand in word.text.casefold():
                    return ExtractedField(
                        value=display,
                        raw=word.text,
                        confidence=0.6 * word.confidence,
                        page=page.number,
                        box=word.box,
                    )
    return ExtractedField(value=display, raw=brand, confidence=0.4)


# Currency by IBAN or VAT country, when the document writes no currency at all.
COUNTRY_CURRENCY: dict[str, str] = {
    **{
        c: "EUR"
        for c in [
            "AT",
            "BE",
            "CY",
            "DE",
            "EE",
            "ES",
            "FI",
            "FR",
            "GR",
            "HR",
            "IE",
            "IT",
            "LT",
            "LU",
            "LV",
            "MT",
            "NL",
            "PT",
            "SI",
            "SK",
        ]
    },
    "EL": "EUR",
    "GB": "GBP",
    "CH": "CHF",
    "LI": "CHF",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "SE": "SEK",
    "DK": "DKK",
    "NO": "NOK",
    "RO": "RON",
    "BG": "BGN",
    "TR": "TRY",
    "IS": "ISK",
}


def find_currency(
    pages: Sequence[Page], amounts: Sequence[Candidate | None], countries: Sequence[str]
) -> ExtractedField:
    """The currency all the evidence on the document points to (see
    :func:`jobs.extraction.fields.currency.currency_evidence`), with a confidence that grows
    with the weight of the evidence and shrinks with a rival currency's."""
    from jobs.extraction.fields.currency import currency_evidence, is_weak_sign

    words = [(w.text, w.confidence) for page in pages for w in page.words]
    text = "\n".join(page.text for page in pages)
    scores = currency_evidence(words, text, list(countries))
    # A currency written on the chosen amounts themselves weighs double, unless it is only a
    # "$" or "¥" that several currencies share (its words already count, for little).
    for candidate in amounts:
        if (
            candidate is not None
            and candidate.parsed is not None
            and candidate.parsed.currency
            and not is_weak_sign(candidate.raw)
        ):
            scores[candidate.parsed.currency] = scores.get(candidate.parsed.currency, 0) + 3.0
    if not scores:
        return ExtractedField()
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    code, weight = ranked[0]
    rival = ranked[1][1] if len(ranked) > 1 else 0.0
    share = weight / (weight + rival)
    # One ISO code (3 points) with no rival is right on every document of the corpus that
    # prints one, and a code or sign backed by the country of the ids (4.5) is close to
    # certain; a lone "$" (0.6) or a country alone (1.5) stays a guess.
    strength = 1.0 - 0.5**weight  # 1.5: 0.65, 2: 0.75, 3: 0.88, 4.5: 0.96, 6: 0.98
    confidence = max(0.0, min(1.0, strength * (2 * share - 1)))
    source = pages[0].source if pages else None
    # Shown to the reviewer where it matters: on the total that carries it, if one does.
    for candidate in amounts:
        if (
            candidate is not None
            and candidate.parsed is not None
            and candidate.parsed.currency == code
        ):
            page_of = next((p for p in pages if p.number == candidate.page), None)
            return ExtractedField(
                value=code,
                raw=candidate.raw,
                confidence=confidence,
                page=candidate.page,
                box=candidate.box,
                source=page_of.source if page_of else source,
            )
    where = next(
        ((page, word) for page in pages for word in page.words if code in currencies_in(word.text)),
        None,
    )
    if where is None:
        return ExtractedField(value=code, raw=code, confidence=confidence, source=source)
    page, word = where
    return ExtractedField(
        value=code,
        raw=word.text,
        confidence=confidence,
        page=page.number,
        box=word.box,
        source=page.source,
    )
