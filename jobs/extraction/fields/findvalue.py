"""Where a known value is printed: the words of a page that spell it, in any usual format.

An e-invoice gives exact values but no positions; the review pages need boxes. A value is
written out in the ways invoices print it (``1.234,56``, ``1 234,56``, ``1,234.56``;
``11.03.2018``, ``11/03/2018``, ``11. März 2018``...) and looked for as a run of consecutive
words, compared without spaces and case.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jobs.extraction.fields.model import union_box
from jobs.extraction.types import Box, Page, Word

Kind = Literal["amount", "number", "date", "text", "reference", "code", "currency"]

# Longest run of words one value may span (a long name, an IBAN in groups of four).
MAX_RUN = 16
# A run that spells only the start of a long text still marks it when it has this many
# characters (long descriptions wrap onto the next line, between other columns).
MIN_PREFIX_CHARS = 12

MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "fevr"),
    3: ("march", "mar", "märz", "maerz", "mrz", "mars"),
    4: ("april", "apr", "avril", "avr"),
    5: ("may", "mai"),
    6: ("june", "jun", "juni", "juin"),
    7: ("july", "jul", "juli", "juillet", "juil"),
    8: ("august", "aug", "août", "aout"),
    9: ("september", "sep", "sept", "septembre"),
    10: ("october", "oct", "oktober", "okt", "octobre"),
    11: ("november", "nov", "novembre"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc"),
}
CURRENCY_SIGNS: dict[str, tuple[str, ...]] = {
    "EUR": ("€",),
    "USD": ("$", "us$"),
    "GBP": ("£",),
    "CHF": ("fr.",),
    "JPY": ("¥",),
    "INR": ("₹",),
}
_EDGE_LEAD = re.compile(r"^(?:[#:№(*]|eur|€|\$|£|chf|usd|gbp)+")
_EDGE_TRAIL = re.compile(r"(?:[.,;:)*]|eur|€|\$|£|chf|usd|gbp)+$")


@dataclass(frozen=True, slots=True)
class Found:
    page: int
    box: Box
    raw: str
    words: tuple[Word, ...]


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s", "", text)


@functools.lru_cache(maxsize=65536)
def _alnum(text: str) -> str:
    return "".join(c for c in _fold(text) if c.isalnum())


def _grouped(integer: str, separator: str) -> str:
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return separator.join(groups)


def amount_spellings(value: Decimal, *, places: Iterable[int] = (2,)) -> set[str]:
    """``1234.5`` -> ``1234,50``, ``1.234,50``, ``1,234.50``, ``1'234.50``... (no spaces).

    Both signs: a credit note's XML states positive amounts that its page may print negative,
    and the other way round.
    """
    spellings: set[str] = set()
    for sign_value in {value, -value}:
        negative = sign_value < 0
        for count in places:
            text = f"{abs(sign_value):.{count}f}"
            integer, _, fraction = text.partition(".")
            for thousands, decimal in ((".", ","), ("", ","), (",", "."), ("", "."), ("'", ".")):
                body = _grouped(integer, thousands) + (decimal + fraction if fraction else "")
                spellings.add(("-" + body) if negative else body)
                if negative:
                    spellings.add(body + "-")
    return spellings


def number_spellings(value: Decimal) -> set[str]:
    """A quantity or price as printed: no decimals when whole, else 1 to 4 places."""
    exponent = value.normalize().as_tuple().exponent
    minimal = max(0, -exponent) if isinstance(exponent, int) else 0
    places = {p for p in (0, 1, 2, 3, 4) if p >= minimal}
    return amount_spellings(value, places=places or {minimal})


def date_spellings(day: dt.date) -> set[str]:
    d, m, y, yy = day.day, day.month, day.year, f"{day.year % 100:02d}"
    spellings = {day.isoformat(), f"{y}/{m:02d}/{d:02d}", f"{y}{m:02d}{d:02d}"}
    for dd in {f"{d:02d}", str(d)}:
        for mm in {f"{m:02d}", str(m)}:
            for sep in (".", "/", "-"):
                for year in (str(y), yy):
                    spellings.add(f"{dd}{sep}{mm}{sep}{year}")
                    spellings.add(f"{mm}{sep}{dd}{sep}{year}")
        # "11. März 2018", "1er mars 2018", "March 11th, 2018".
        ordinals = ("", ".", "st", "nd", "rd", "th", "er") if dd == str(d) else ("", ".")
        for name in MONTHS[m]:
            for suffix in ordinals:
                spellings.add(f"{dd}{suffix}{name}{y}")
                spellings.add(f"{dd}{suffix}{name}.{y}")
                spellings.add(f"{name}{dd}{suffix},{y}")
                spellings.add(f"{name}{dd}{suffix}{y}")
            spellings.add(f"{dd}-{name}-{y}")
    return {_fold(s) for s in spellings}


def _found(page: Page, start: int, end: int) -> Found:
    words = tuple(page.words[start : end + 1])
    box = union_box([w.box for w in words])
    assert box is not None
    return Found(page.number, box, " ".join(w.text for w in words), words)


def _within(word: Word, region: Box | None) -> bool:
    if region is None:
        return True
    x, y = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def _scan(
    page: Page, start: int, kind: Kind, targets: set[str], region: Box | None
) -> tuple[Found | None, Found | None]:
    """From word ``start`` on: a run spelling the value, or else the longest run spelling the
    start of it (only used for long texts)."""
    words = page.words
    letters_only = kind in ("text", "code")
    first = _fold(words[start].text)
    if kind != "currency" and not (_alnum(first) if letters_only else _EDGE_LEAD.sub("", first)):
        return None, None  # a run starts on the value, not on a colon or a sign before it
    joined = ""
    partial: Found | None = None
    for end in range(start, min(start + MAX_RUN, len(words))):
        if not _within(words[end], region):
            break
        text = words[end].text
        joined += _alnum(text) if letters_only else _fold(text)
        if letters_only:
            if joined in targets:
                return _found(page, start, end), None
            if not any(t.startswith(joined) for t in targets):
                break
            if len(joined) >= MIN_PREFIX_CHARS:
                partial = _found(page, start, end)
            continue
        if kind == "currency":
            # One word: the code, or a sign, alone or glued to an amount ("220,00€").
            if joined in targets or any(not t.isalpha() and t in joined for t in targets):
                return _found(page, start, end), None
            break
        lead = _EDGE_LEAD.sub("", joined)
        key = _EDGE_TRAIL.sub("", lead)
        if kind == "reference" and key not in targets:
            # A value glued to its label: "Nr.:471102", "#A-12".
            glued = next((t for t in targets if key.endswith(t)), None)
            if glued and len(key) > len(glued) and key[-len(glued) - 1] in ":#":
                key = glued
        if key in targets:
            return _found(page, start, end), None
        if not any(t.startswith(lead) for t in targets):
            break
    return None, partial


def find_value(
    value: object,
    kind: Kind,
    pages: Sequence[Page],
    *,
    last: bool = False,
    page: int | None = None,
    region: Box | None = None,
    taken: Collection[Found] = (),
) -> Found | None:
    """The words spelling ``value`` (first occurrence, or ``last``), or None.

    ``page`` and ``region`` (a box, 0..1, holding the words' centres) narrow the search, e.g.
    to one table row; occurrences in ``taken`` (already given to another value) are skipped.
    """
    if value is None or value == "":
        return None
    targets: set[str]
    if kind == "amount":
        targets = amount_spellings(Decimal(str(value)))
    elif kind == "number":
        targets = number_spellings(Decimal(str(value)))
    elif kind == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        targets = date_spellings(day)
    elif kind == "currency":
        targets = {_fold(str(value)), *CURRENCY_SIGNS.get(str(value).upper(), ())}
    elif kind == "reference":
        targets = {_fold(str(value))}
    else:  # text and codes (IBAN, VAT id): letters and digits only
        targets = {_alnum(str(value))}
    targets.discard("")
    if not targets:
        return None
    prefix_ok = kind == "text" and max(len(t) for t in targets) >= MIN_PREFIX_CHARS
    hits: list[Found] = []
    partial: Found | None = None
    for candidate in pages:
        if page is not None and candidate.number != page:
            continue
        words = candidate.words
        for start in range(len(words)):
            if not _within(words[start], region):
                continue
            hit, part = _scan(candidate, start, kind, targets, region)
            if hit is not None and hit not in taken:
                hits.append(hit)
            elif part is not None and partial is None and prefix_ok and part not in taken:
                partial = part
        if hits and not last:
            return hits[0]
    if hits:
        return hits[-1] if last else hits[0]
    return partial
