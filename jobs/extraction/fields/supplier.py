"""Who a document comes from, as learned knowledge recognises it again.

A supplier is known by identifiers that do not change between its documents: its IBAN, its
VAT id, its name, and the words of its header (the top of the first page: name, address,
phone, registration numbers), compared as a set. The identifiers and header words are kept
only as short hashes (:func:`digest`): learned knowledge recognises a supplier without
holding the text of its documents. Only the supplier's name is kept as written, so that
administrators can see whom a piece of knowledge is about.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from jobs.extraction.fields.normalize import parse_iban, parse_vat_id
from jobs.extraction.fields.text import fold, fold_token
from jobs.extraction.types import Page

# The header: words of the first page above this share of its height.
HEADER_HEIGHT = 0.3
HEADER_MAX_TOKENS = 60
# Words of every document's header, not of one supplier's.
COMMON = frozenset(
    [
        "invoice",
        "receipt",
        "tax",
        "tel",
        "fax",
        "gst",
        "vat",
        "date",
        "no",
        "the",
        "and",
        "rechnung",
        "facture",
        "page",
        "seite",
        "cash",
        "bill",
        "sdn",
        "bhd",
        "gmbh",
    ]
)
# Header similarity (Jaccard) from which two documents come from the same supplier.
HEADER_SAME = 0.45
MATCH_FROM = 0.6


def digest(text: str) -> str:
    """A short one-way hash of an identifier or header word."""
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def normalised_name(name: Any) -> str:
    """A supplier's name as compared: folded, letters and digits only."""
    return re.sub(r"[\W_]+", "", fold(str(name or "")))


def _header_tokens(page: Page) -> list[str]:
    tokens: list[str] = []
    for word in sorted(page.words, key=lambda w: (w.box[1], w.box[0])):
        if word.box[1] > HEADER_HEIGHT:
            break
        token = fold_token(word.text)
        if token in COMMON:
            continue
        if (len(token) >= 3 and token.isalpha()) or (
            sum(c.isdigit() for c in token) >= 4 and len(token) >= 5
        ):
            tokens.append(token)
        if len(tokens) >= HEADER_MAX_TOKENS:
            break
    return tokens


def _identifiers(pages: Sequence[Page]) -> tuple[set[str], set[str]]:
    """IBANs and VAT ids written anywhere on the document (a run of up to 9 words)."""
    ibans: set[str] = set()
    vats: set[str] = set()
    for page in pages:
        words = [w.text for w in page.words]
        for start, word in enumerate(words):
            if not word[:2].isalpha() or not word[:2].isupper():
                continue
            for stop in range(start + 1, min(len(words), start + 9) + 1):
                text = " ".join(words[start:stop])
                iban = parse_iban(text)
                if iban.ok:
                    ibans.add(str(iban.value))
                    break
                if stop - start <= 4:
                    vat = parse_vat_id(text)
                    if vat.ok:
                        vats.add(str(vat.value))
    return ibans, vats


def identity(pages: Sequence[Page], name: Any, texts: Sequence[Any] = ()) -> dict[str, Any]:
    """What recognises the document's supplier: ``{"name", "iban", "vat", "header"}``
    (identifiers and header words hashed, see the module docstring), and ``texts``: the
    names printed in its header (compared with a supplier's name, never stored)."""
    ibans, vats = _identifiers(pages)
    header = _header_tokens(pages[0]) if pages else []
    return {
        "name": str(name or "").strip()[:200],
        "iban": sorted(digest(i) for i in ibans),
        "vat": sorted(digest(v) for v in vats),
        "header": sorted({digest(t) for t in header}),
        "texts": sorted({normalised_name(t) for t in texts} - {""}),
    }


def name_similarity(x: str, y: str) -> float:
    """How alike two normalised names are, 0..1 (one inside the other counts as alike)."""
    if len(x) < 3 or len(y) < 3:
        return 0.0
    if x in y or y in x:
        return min(len(x), len(y)) / max(len(x), len(y)) * 0.2 + 0.8
    ratio = difflib.SequenceMatcher(None, x, y).ratio()
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= 8 and len(long) > len(short):
        # The name inside a longer printed run ("99 SPEED MART 5/B (519537-X)"), misread a bit.
        matcher = difflib.SequenceMatcher(None, short, "", autojunk=False)
        for start in range(0, len(long) - len(short) + 1):
            matcher.set_seq2(long[start : start + len(short)])
            if matcher.quick_ratio() > 0.85:
                ratio = max(ratio, 0.98 * matcher.ratio())
    return ratio


def header_likeness(document: dict[str, Any], supplier: dict[str, Any]) -> float:
    """How alike two headers' word sets are (Jaccard), 0..1."""
    header_a, header_b = set(document.get("header") or []), set(supplier.get("header") or [])
    union = header_a | header_b
    return len(header_a & header_b) / len(union) if union else 0.0


def similarity(document: dict[str, Any], supplier: dict[str, Any]) -> float:
    """How surely a document (its :func:`identity`) comes from a known supplier, 0..1.

    The header alike in most of its words, an IBAN (the supplier is paid to it) or a VAT id
    with some header words in common recognise the supplier, but only if the supplier's name
    is printed in the document's header too: templates and identifiers may be shared (a
    buyer's VAT id is on all its suppliers' invoices), names are not.
    """
    jaccard = header_likeness(document, supplier)
    score = min(1.0, 0.9 * jaccard / HEADER_SAME) if jaccard >= 0.3 else 0.0
    shares_iban = bool(set(document.get("iban") or []) & set(supplier.get("iban") or []))
    shares_vat = bool(set(document.get("vat") or []) & set(supplier.get("vat") or []))
    if shares_iban and jaccard >= 0.1:
        score = max(score, 1.0)
    if shares_vat and jaccard >= 0.2:
        score = max(score, 0.95)
    if score <= 0 and jaccard < 0.1:
        return 0.0
    names = [normalised_name(n) for n in [supplier.get("name"), *(supplier.get("names") or [])]]
    texts = [normalised_name(document.get("name")), *(document.get("texts") or [])]
    printed = max((name_similarity(n, t) for n in names if n for t in texts if t), default=0.0)
    if printed >= 0.9:
        score = max(score, 0.9)
    if printed < 0.75:
        return 0.0
    return score


def find_supplier(
    document: dict[str, Any], suppliers: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any] | None, float]:
    """The known supplier the document most surely comes from, if any, and how surely."""
    best, best_score, best_header = None, 0.0, 0.0
    for supplier in suppliers:
        score = similarity(document, supplier)
        # Equal scores (two suppliers whose names are both printed, as a shop and the company
        # owning it are): the one whose header is more alike.
        header = header_likeness(document, supplier) if score and score == best_score else 0.0
        if score > best_score or (score and score == best_score and header > best_header):
            best, best_score = supplier, score
            best_header = header_likeness(document, supplier)
    if best_score < MATCH_FROM:
        return None, 0.0
    return best, best_score


def merge(supplier: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A known supplier updated with one more of its documents (identifiers added)."""
    merged = {k: v for k, v in supplier.items() if k != "texts"}
    merged["iban"] = sorted(set(supplier.get("iban") or []) | set(document.get("iban") or []))[:10]
    merged["vat"] = sorted(set(supplier.get("vat") or []) | set(document.get("vat") or []))[:10]
    if not merged.get("header"):
        merged["header"] = document.get("header") or []
    if not merged.get("name") and document.get("name"):
        merged["name"] = document["name"]
    return merged
