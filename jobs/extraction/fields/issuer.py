"""Who issued the document (an invoice's seller, a receipt's merchant) as scored candidates.

Candidates are the text runs of the first page's rows (a row split where a wide gap separates
two columns, such as seller and buyer side by side), each alone and joined with the run below it
(names that wrap onto a second line), plus the value of a seller label and the name the older
heuristics found (a legal name that repeats a web domain's brand, see :mod:`parties`).

Evidence for each: its place (the header zone, the rank of its row), the size of its text, a
legal form (GmbH, B.V., SAS, S.p.A., Ltd, Sdn Bhd...) or a trade word, a VAT or company number
nearby, a seller heading above it, and what speaks against it: a customer heading above it
(Bill to, Käufer, Rechnungsempfänger...), a document title ("TAX INVOICE"), an address, phone
or e-mail line, a label ("Name:"), a quantity, a mostly numeric text. The weights are learned
(see :mod:`scoring`); the winner's confidence is calibrated the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from jobs.extraction.fields.anchors import STREET_WORD
from jobs.extraction.fields.currency import ISO_CODES
from jobs.extraction.fields.customer import NAME_LABEL_WORDS
from jobs.extraction.fields.issuer_words import (
    ADDRESS_WORDS,
    CLOSING,
    CONTACT,
    COPYRIGHT,
    COURTESY_WORDS,
    CUSTOMER_HEADINGS,
    MORE_LEGAL_FORMS,
    PAGE_COUNT,
    SELLER_HEADINGS,
    TITLE_FILLERS,
    TITLE_WORDS,
    TRADE_WORDS,
)
from jobs.extraction.fields.layout import Row
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.model import ExtractedField, union_box
from jobs.extraction.fields.normalize import Parsed, parse_vat_id
from jobs.extraction.fields.parties import (
    LEGAL_FORMS,
    domain_brands,
    find_issuer,
    hyphenated_form,
    legal_key,
    legal_names,
)
from jobs.extraction.fields.scoring import Scored, choose
from jobs.extraction.fields.text import fold, fold_token
from jobs.extraction.types import Word

_POSTCODE = re.compile(r"\b\d{4,6}\b")
# A gap this wide (page widths) between two words separates two columns.
COLUMN_GAP = 0.08
HEADER_ROWS = 14


# Separators between the parts of a one-line sender ("Müller GmbH · Hauptstr. 5 · Stuttgart",
# the return address above a German window envelope's address field).
_SEPARATORS = frozenset("·•|")


# More words than a company's name has ("Musterhafter Versicherungsverein Musterstadt a.G.",
# "GH Distributor & Marketing Sdn Bhd") with a line under it; letters spaced apart ("T H E
# S T O R E") are not counted as words.
_MOST_NAME_WORDS = 12


def _sentence(text: str) -> bool:
    """Whether a text has more words than a name ("This invoice was issued by ... on behalf
    of the seller.")."""
    return sum(len(t) > 1 for t in _tokens(text)) > _MOST_NAME_WORDS


def _segments(row: Row) -> list[list[Word]]:
    """The row's words in groups: split where a wide gap separates two columns, and at a
    separator between the parts of a one-line sender."""
    out: list[list[Word]] = [[]]
    for word in row.words:
        text = word.text.strip()
        if text and all(c in _SEPARATORS for c in text):
            out.append([])
            continue
        gap = word.box[0] - out[-1][-1].box[2] if out[-1] else 0.0
        height = word.box[3] - word.box[1]
        if gap > COLUMN_GAP or (
            # The document's title set apart on the name's line: "ACME LLC    INVOICE #12".
            gap > 2 * height and fold_token(text) in TITLE_WORDS
        ):
            out.append([])
        out[-1].append(word)
    return [s for s in out if s]


# Who owns a shop, printed under its name: "Inh. Georg Hölzl e.K.", "Prop. J. Tan".
_OWNER_WORDS = frozenset(["inh", "inhaber", "inhaberin", "prop", "proprietor", "owner"])


def _name_of_its_own(words: Sequence[Word]) -> bool:
    """Whether a line under a name names its owner, not the rest of it ("Inh. Georg Hölzl
    e.K.", "Operated by Greenfield Fuels Ltd."). A company's legal name under its shop's
    name is joined to it: it is the name that receipts are filed under ("TIMELESS
    KITCHENETTE SDN BHD" under its restaurant's)."""
    return bool(words) and (
        legal_key(words[0].text) in _OWNER_WORDS or bool(_OPERATED_BY.match(_text(words)))
    )


def _text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words).strip(" ,;:-|")


# Where a name's text splits into its words.
_WORD_SPLIT = re.compile(r"[\s,/()]+")


def _tokens(text: str) -> list[str]:
    return [t for t in (fold_token(p) for p in _WORD_SPLIT.split(text)) if t]


def _key(text: str) -> str:
    """A name as names are compared: folded, letters and digits only."""
    return re.sub(r"\W+", "", fold(text))


def _repeats(first: Sequence[Word], second: Sequence[Word]) -> bool:
    key = _key(_text(first))
    return len(key) >= 3 and key in _key(_text(second))


def has_legal_form(text: str) -> bool:
    """Whether a name carries a legal form ("GmbH", "B.V.", "S.r.l.", "Sdn Bhd") after a word of
    its name. Two letters count only as written for a form, capitalised or dotted: "such as",
    "de" and a Dutch postcode's letters ("1234 AB Utrecht") name no company."""
    parts = [p for p in _WORD_SPLIT.split(text) if p.strip(".:;")]
    for before, part in zip(parts, parts[1:], strict=False):
        key = legal_key(part)
        if key not in LEGAL_FORMS and key not in MORE_LEGAL_FORMS and not hyphenated_form(key):
            continue
        if before.isdigit():
            continue
        if len(key) <= 2 and part.islower() and "." not in part:
            continue
        return True
    return _leading_form(parts)


# Legal forms written before the name: Latvia's "SIA", Lithuania's "UAB", the Ukrainian and
# Russian "ТОВ", "ООО", "АТ", "ПАТ", "АО", Vietnam's "Công ty TNHH" / "Công ty cổ phần".
_LEADING_FORMS = frozenset(
    ["sia", "uab", "тов", "ооо", "ат", "пат", "прат", "ао", "пао", "зао", "оао", "cong"]
)


def _leading_form(parts: list[str]) -> bool:
    """Whether a name opens with a legal form written before it, in capitals, and goes on
    with a name ("SIA “Daugavas Loģistika”", "ТОВ «Поділля Агро Інвест»")."""
    if len(parts) < 2 or not parts[0].isupper():
        return False
    key = legal_key(parts[0])
    if key == "cong":
        return fold(parts[1]) == "ty" and len(parts) > 2
    return key in _LEADING_FORMS


def _overlaps(a: Sequence[Word], b: Sequence[Word]) -> bool:
    return min(w.box[2] for w in [*a]) >= 0 and (
        min(max(w.box[2] for w in a), max(w.box[2] for w in b))
        > max(min(w.box[0] for w in a), min(w.box[0] for w in b))
    )


# Where a company's registration or tax number starts after its name: "(519537-X)",
# "(139386 X)", "CO REG NO : 210038-K", "GST ID: ...", "ROC No.".
_ID_START = re.compile(
    r"^\(\d{3,}|^\d{5,}|^(?:co\.?|company|roc|gst|sst|reg\.?|vat|ust-?id)$", re.I
)


def _name_words(words: list[Word]) -> list[Word]:
    """The words of a name without the registration number printed after it."""
    for index, word in enumerate(words[1:], 1):
        text = word.text.strip()
        if _ID_START.match(text) and (
            text[:1] in "(0123456789"
            or (index + 1 < len(words) and re.match(r"(?i)reg|no|id|nr|#", words[index + 1].text))
        ):
            return words[:index]
    return words


# Title words a receipt prints before the name on one line ("TAX INVOICE DOMINO'S PIZZA").
LEADING_TITLE = frozenset(
    ["tax", "invoice", "receipt", "simplified", "official", "rechnung", "facture", "quittung"]
)
# A store or till code before a name ("A04098 AEON CO."), a date or number after it; a short
# number alone is part of the name ("PHO SAIGON 24", "KEDAI 88").
_CODE = re.compile(r"^(?=(?:\D*\d){4})[A-Za-z]{0,2}[\d\-/.]+$")
_TRAILING_NUMBER = re.compile(r"^(?!\d{1,3}$)[\d\-/.:]+$")


_OPERATED_BY = re.compile(r"(?i)^(?:owned\s+(?:&|and)\s+)?operated\s+by\s+")


def _trimmed(words: list[Word]) -> list[Word]:
    """A name's words without a label, a code or a title printed before it on its line, or
    a number after it."""
    start, end = 0, len(words)
    # The company behind a shop, after "Operated by" or "Owned & operated by".
    operated = _OPERATED_BY.match(_text(words))
    if operated:
        start = len(operated.group(0).split())
        if start >= end:
            return words
    # A name after its label on one line ("Razón Social: Pampa Norte S.A.").
    for index, word in enumerate(words[:8]):
        if word.text.endswith(":"):
            if index + 1 < end and NAME_LABEL_WORDS.match(_text(words[: index + 1]) + ":"):
                start = index + 1
            break
    while end - start > 1 and (
        _CODE.match(words[start].text) or fold_token(words[start].text) in LEADING_TITLE
    ):
        start += 1
    while end - start > 1 and _TRAILING_NUMBER.match(words[end - 1].text):
        end -= 1
    return words[start:end]


# What OCR makes of the small letters of a dotted legal form: "S.r.I.", "Sp. z 0.o.".
_OCR_LOOKALIKES = str.maketrans({"I": "l", "1": "l", "0": "o"})
# The forms, and the dotted second half of the Polish "Sp. z o.o.".
_MENDABLE = LEGAL_FORMS | MORE_LEGAL_FORMS | {"oo"}


def mend_legal_forms(text: str) -> str:
    """``text`` with a legal form that OCR misread in one letter ("S.r.I.", "0.o.") written
    as the form; a closed list of abbreviations, so nothing else is touched."""
    out: list[str] = []
    for part in text.split(" "):
        if "." in part and legal_key(part) not in _MENDABLE:
            mended = part.translate(_OCR_LOOKALIKES)
            if legal_key(mended) in _MENDABLE:
                part = mended
        out.append(part)
    return " ".join(out)


# A town line's end before its postcode: a state or province code ("Boulder, CO 80302",
# "Manly NSW 2095"), which a company's "CO" or "SA" must not be taken for.
_REGION_CODE = re.compile(r"[A-Z]{2,3}")
_POSTAL_NUMBER = re.compile(r"\d{4,5}(?:-\d{4})?")


def _before_postcode(rows: Sequence[Row], words: Sequence[Word]) -> bool:
    """Whether a candidate ends a town line, its last word a region's code and the next word
    on its row (one of ``rows``) a postcode."""
    row = next((r for r in rows if any(w is words[-1] for w in r.words)), None)
    if row is None:
        return False
    following = [w for w in row.words if w.box[0] >= words[-1].box[2] - 0.002]
    return bool(
        following
        and _REGION_CODE.fullmatch(words[-1].text)
        and _POSTAL_NUMBER.fullmatch(following[0].text)
        and following[0].box[0] - words[-1].box[2] < 0.03
    )


# A street and its house number after a comma: "Passeig del Port, 22", "C/ Santiago, 31".
_COMMA_HOUSE_NUMBER = re.compile(r",\s*\d{1,4}[a-zA-Z]?$")


# A company's registration number in brackets after its name: "(519537-X)", "(2:19336-T)".
_BRACKETS = re.compile(r"\([^)]*\)?")


def _address_line(rows: Sequence[Row], words: Sequence[Word]) -> bool:
    """Whether a line reads as an address (an address word, a street, a postcode, a town after
    its region's code, a house number after a comma), and so is no part of a name that wraps
    onto two lines. Digits in brackets are a registration number, not a postcode."""
    text = _text(words)
    return (
        # An address word with a number ("No. 23, Jalan Raja Muda Musa"), not alone: "Selera
        # Kampung" is a restaurant.
        bool(set(_tokens(text)) & ADDRESS_WORDS and re.search(r"\d", text))
        or any(STREET_WORD.search(w.text) for w in words)
        or bool(_POSTCODE.search(_BRACKETS.sub("", text)))
        or bool(_COMMA_HOUSE_NUMBER.search(text))
        or _before_postcode(rows, words)
    )


# A shop's branch under its name: "Mangwon Branch", "Store #214 Dayton, OH", "Filiale 0417".
_BRANCH = re.compile(
    r"(?i)\b(?:branch|outlet|filiale|succursale|sucursal|cawangan|store\s*(?:#|no\b|nr\b))"
)
_CONNECTORS = frozenset(["&", "+", "and", "und", "et"])


def _continues(line: Sequence[Word], below: Sequence[Word]) -> bool:
    """Whether a name goes on onto the next line: one ends in "&" or "and", or the next
    begins with "&"."""
    return line[-1].text.casefold() in _CONNECTORS or below[0].text in ("&", "+")


def _case_style(words: Sequence[Word]) -> str:
    """How a line's letters are written: "upper" (capitals only), "mixed", or "" (too few
    letters, or no capital, to tell)."""
    letters = [c for c in _text(words) if c.isalpha()]
    if len(letters) < 4 or not any(c.isupper() for c in letters):
        return ""  # a line in small letters is as often a hand's or OCR's as a printer's
    return "mixed" if any(c.islower() for c in letters) else "upper"


def _styled_apart(line: Sequence[Word], below: Sequence[Word]) -> bool:
    """Whether a line and the one under it are written in different letter cases, so that
    the second is a line of its own (a tagline under a shop's name: "Paper Lantern Books"
    over "BOOKS & STATIONERY", "HOLZMANN BAUMARKT" over "Haus & Garten"), unless the second
    ends the name with its legal form ("HARROWGATE" over "Plumbing & Heating Ltd") or the
    first runs on into it ("&")."""
    first, second = _case_style(line), _case_style(below)
    return (
        bool(first and second)
        and first != second
        and not has_legal_form(_text(below))
        and not _continues(line, below)
    )


def _street_only(words: Sequence[Word]) -> bool:
    """Whether words are a street address and nothing else: a street word or a house number
    after a comma, no legal form, no words in brackets ("Passeig del Port, 22")."""
    text = _text(words)
    if has_legal_form(text) or "(" in text:
        return False
    return any(STREET_WORD.search(w.text) for w in words) or bool(_COMMA_HOUSE_NUMBER.search(text))


def _next_in_column(rows: list[Row], index: int, segment: list[Word]) -> list[list[Word]]:
    """The runs of the next row under a segment, in its column: the row right below, or,
    when that row has nothing under it (a right-hand column's address line between), the one
    after, if it stands close ("HARROWGATE" over "Plumbing & Heating Ltd", with "Keighley
    Road, Bradford" printed between them at the right)."""
    below = [s for s in _segments(rows[index + 1]) if _overlaps(s, segment)]
    if below or index + 2 >= len(rows):
        return below
    top = min(w.box[1] for w in segment)
    bottom = max(w.box[3] for w in segment)
    after = [s for s in _segments(rows[index + 2]) if _overlaps(s, segment)]
    if after and min(w.box[1] for w in after[0]) - bottom <= bottom - top:
        return after
    return []


def _named_again(above: Sequence[Row], words: Sequence[Word]) -> bool:
    """Whether a line is a legal name of its own whose first word the lines above already
    print: the company behind the shop or brand named above it ("Backstube Kornblume" over
    "Kornblume Backwaren GmbH", "KAROO AUTO & DIESEL" over a tagline over "Karoo Auto &
    Diesel (Pty) Ltd"), not the rest of a name that wraps."""
    text = _text(words)
    tokens = _tokens(text)
    if not tokens or len(tokens[0]) < 3:
        return False
    if not has_legal_form(text):
        # Without a legal form, only a line that starts with a whole name printed above it:
        # "Golden Oven" over a tagline over "GOLDEN OVEN BAKERY ENTERPRISE".
        return any(
            len(named) >= 2 and tokens[: len(named)] == named and len(tokens) > len(named)
            for named in (_tokens(_text(row.words)) for row in above)
        )
    return any(tokens[0] in _tokens(_text(row.words)) for row in above)


def _candidate(words: list[Word], page: int, score: float = 1.0) -> Candidate:
    words = _trimmed(_name_words(words))
    text = _text(words)
    value = mend_legal_forms(text)
    return Candidate(value, text, score, page, list(words), Parsed(value))


def _with_row_label(row: Row, words: Sequence[Word]) -> list[Word]:
    """``words`` with the label just left of them on their row ("Name:", "Firma:"), so a
    heading above a label column counts for the value column beside it."""
    segments = _segments(row)
    start = min(w.box[0] for w in words)
    left = [s for s in segments if s[-1].box[2] <= start + 1e-6]
    if left and _text(left[-1]) and " ".join(w.text for w in left[-1]).rstrip().endswith(":"):
        return [*left[-1], *words]
    return list(words)


def _heading_above(
    rows: list[Row],
    index: int,
    words: Sequence[Word],
    headings: frozenset[str],
    other: frozenset[str] = frozenset(),
) -> float:
    """Strength of a heading in the rows just above, in the same column (1 = right above).

    The search stops at a heading of the ``other`` kind: a buyer's block below the seller's
    is not the seller's."""
    if index < len(rows):
        words = _with_row_label(rows[index], words)
    for step in range(1, 5):
        if index - step < 0:
            break
        for segment in _segments(rows[index - step]):
            if not _overlaps(segment, words):
                continue
            tokens = _heading_tokens(_text(segment), headings | other)
            if tokens & headings and len(tokens) <= 5:
                return 1.0 / step
            if tokens & other and len(tokens) <= 5:
                return 0.0
    return 0.0


def _heading_tokens(text: str, headings: frozenset[str]) -> set[str]:
    """The tokens of a heading, read whole when its letters are spaced apart: a PDF that
    spaces a heading's letters ("Ver käufer:") splits it into words that mean something
    else on their own ("Käufer", the buyer)."""
    tokens = _tokens(text)
    joined = "".join(tokens)
    if len(tokens) > 1 and joined in headings:
        return {joined}
    return set(tokens)


def _near_id(rows: list[Row], index: int) -> float:
    """A VAT id or a company number within two rows (a seller's block carries one)."""
    for other in rows[max(0, index - 2) : index + 3]:
        text = _text(other.words)
        if any(parse_vat_id(w.text).ok for w in other.words) or re.search(
            r"\(\s*\d{4,}[-\s]?[a-z]\s*\)|\b(?:co\.?\s*reg|company\s*no|gst\s*(?:id|reg)|ust|vat|siret|siren|kvk|hrb)\b",
            text,
            re.I,
        ):
            return 1.0
    return 0.0


def scored_names(
    locator: Locator, *, receipt: bool = False, customer: str | None = None
) -> list[Scored]:
    """Every issuer candidate with its evidence (``customer``: the buyer's name, when known,
    which the older heuristics must not take for the seller's)."""
    if not locator.pages:
        return []
    page = locator.pages[0]
    rows = locator.rows[page.number]
    heights = sorted(w.box[3] - w.box[1] for w in page.words) or [0.01]
    median = heights[len(heights) // 2] or 0.01
    text_all = "\n".join(p.text for p in locator.pages)
    brands = [b for b, n in domain_brands(text_all).most_common() if n >= 2]
    folded_all = fold(text_all)
    heuristic = find_issuer(locator, customer=customer)
    heuristic_key = _key(str(heuristic.value or ""))
    candidates: list[tuple[Candidate, int, bool]] = []
    for index, row in enumerate(rows[: HEADER_ROWS * 3]):
        segments = _segments(row)
        # The parts of a line split at separators ("kitchens · joinery · interiors", "ACME
        # GmbH · Weg 1 · Stadt") are whole: none goes on onto the next line.
        listed = any(
            w.text.strip() and all(c in _SEPARATORS for c in w.text.strip()) for w in row.words
        )
        for segment in segments:
            candidates.append((_candidate(segment, page.number), index, False))
            if index + 1 < len(rows) and index < HEADER_ROWS and not listed:
                below = _next_in_column(rows, index, segment)
                # A labelled line ("Handelsname: 9999") is no second line of a name, nor one
                # that repeats it (a logo's "REWE" above "REWE Markt GmbH"), nor a contact
                # line (an e-mail address, a phone number, a website).
                if (
                    below
                    and not any(w.text.endswith(":") for w in below[0])
                    and not _repeats(segment, below[0])
                    and not CONTACT.search(_text(below[0]))
                    and not _name_of_its_own(below[0])
                    and not _named_again(rows[: index + 1], below[0])
                    and not _BRANCH.search(_text(below[0]))
                    and not _styled_apart(segment, below[0])
                    # An address line is no part of a name, above it or under it.
                    and not _address_line(rows[index : index + 2], segment)
                    and not _address_line(rows[index + 1 : index + 3], below[0])
                ):
                    joined = [*segment, *below[0]]
                    if _continues(segment, below[0]):
                        candidates.pop()  # "RIDGELINE HARDWARE" over "& SUPPLY" is half a name
                    candidates.append((_candidate(joined, page.number), index, True))
    for label in locator.labels_for("issuer"):
        found = locator.best("issuer", "text")
        if found is not None and found.words:
            candidates.append((found, label.row, False))
            break
    out: list[Scored] = []
    seen: set[str] = set()
    for candidate, index, joined in candidates:
        text = str(candidate.value)
        key = _key(text)
        if len(key) < 2 or (key, joined) in seen:
            continue
        seen.add((key, joined))  # type: ignore[arg-type]
        tokens = _tokens(text)
        if tokens and all(t in TITLE_WORDS or t in TITLE_FILLERS for t in tokens):
            continue  # a document title ("TAX INVOICE", "FACTURE N°") names no one
        if text.strip().upper() in ISO_CODES or PAGE_COUNT.match(text.strip()):
            continue  # a currency ("Währung: EUR") or a page count names no one either
        if tokens and all(t.replace(".", "") in LEGAL_FORMS for t in tokens):
            continue  # a legal form alone ("GmbH" after a word read as a label) neither
        # The words as printed, before a trailing ":" was trimmed: "Handelsname:" is a label.
        printed = " ".join(w.text for w in candidate.words)
        if len(candidate.words) == 1 and printed.rstrip().endswith(":"):
            continue  # a label whose value was trimmed off ("Handelsname: 9999") is no name
        letters = sum(c.isalpha() for c in text)
        digits = sum(c.isdigit() for c in text)
        uppers = sum(c.isupper() for c in text)
        words = candidate.words
        height = max(w.box[3] - w.box[1] for w in words) / median
        town_line = _before_postcode(rows[index : index + 2], words)
        f = {
            "bias": 1.0,
            "row": min(index, 30) / 30,
            "top3": float(index < 3),
            "first": float(index == 0),
            "y": min(w.box[1] for w in words),
            "x": min(w.box[0] for w in words),
            "height": min(3.0, height),
            "legal": float(has_legal_form(text) and not town_line),
            "trade": float(bool(set(tokens) & TRADE_WORDS)),
            "title": float(bool(set(tokens) & TITLE_WORDS)),
            "address": float(
                bool(set(tokens) & ADDRESS_WORDS)
                or any(STREET_WORD.search(w.text) for w in words)
                or bool(_POSTCODE.search(text))
                or bool(_COMMA_HOUSE_NUMBER.search(text))
                or town_line
            ),
            "contact": float(bool(CONTACT.search(text))),
            "copyright": float(bool(COPYRIGHT.search(text))),
            "courtesy": float(bool(set(tokens) & COURTESY_WORDS)),
            "label_like": float(":" in printed),
            "digits": digits / max(1, len(text)),
            "upper": uppers / max(1, letters),
            "all_lower": float(letters > 0 and uppers == 0),
            "customer_word": float(bool(set(tokens) & CUSTOMER_HEADINGS)),
            "letters": min(40, letters) / 40,
            "short": float(letters < 4),
            "tokens": min(8, len(tokens)) / 8,
            "joined": float(joined),
            "customer_above": _heading_above(
                rows, index, words, CUSTOMER_HEADINGS, SELLER_HEADINGS
            ),
            "seller_above": _heading_above(rows, index, words, SELLER_HEADINGS, CUSTOMER_HEADINGS),
            "id_near": _near_id(rows, index),
            "brand": float(any(b in key for b in brands)),
            "repeats": float(len(key) >= 6 and folded_all.count(fold(text)) >= 2),
            "heuristic": float(bool(heuristic_key) and heuristic_key == key),
            "ocr": candidate.ocr_confidence,
            "receipt": float(receipt),
        }
        out.append(Scored(candidate, f))
    return out


def extract_issuer(
    locator: Locator, *, receipt: bool = False, customer: str | None = None
) -> ExtractedField:
    # Closing lines and sentences stay among the candidates the model is trained on (they
    # teach it what a name is not) but are never chosen.
    scored = [
        s
        for s in scored_names(locator, receipt=receipt, customer=customer)
        if not CLOSING.search(str(s.value))
        and not _sentence(str(s.value))
        # An address without a company's name in it is nobody's name either.
        and not (s.features["address"] and _street_only(s.candidate.words))
    ]
    # A name over its accounts-payable department is the buyer's, in the address window.
    payable = [s for s in scored if not _over_payables(locator, s.candidate)]
    scored = payable or scored
    if customer:
        # The buyer named under its label is not the seller, whatever its header looks like,
        # nor is its name joined to the line above or under it.
        customer_key = _key(customer)
        others = [
            item
            for item in scored
            if not (len(customer_key) >= 5 and customer_key in _key(str(item.value)))
        ]
        scored = others or scored
    source = locator.pages[0].source if locator.pages else None
    result = choose("issuer", scored, source=source, kind="receipt" if receipt else "invoice")
    if result.found and scored and receipt:
        _keep_the_legal_name(max(scored, key=lambda s: s.probability), result)
    if result.found and not has_legal_form(str(result.value)):
        _complete_with_legal_name(locator, result)
    return result


# The department that receives a supplier's invoices, printed under the buyer's name in the
# address window: "Service comptabilité fournisseurs", "Accounts Payable", "Kreditorenbuchhaltung".
_PAYABLES = re.compile(
    r"(?i)\b(?:accounts?\s+payable|comptabilit[eé]\s+fournisseurs|service\s+comptabilit[eé]"
    r"|kreditorenbuchhaltung|kreditoren|rechnungseingang|crediteurenadministratie"
    r"|crediteuren|contabilit[aà]\s+fornitori|cuentas\s+por\s+pagar|contas\s+a\s+pagar"
    r"|leverant[oö]rsreskontra|purchase\s+ledger)\b"
)


def _over_payables(locator: Locator, candidate: Candidate) -> bool:
    """Whether a name is printed over (or joined to) its accounts-payable department's line."""
    if _PAYABLES.search(_text(candidate.words)):
        return True
    if not candidate.words:
        return False
    rows = locator.rows.get(candidate.page, [])
    last = candidate.words[-1]
    index = next((i for i, r in enumerate(rows[:-1]) if any(w is last for w in r.words)), None)
    if index is None:
        return False
    below = _next_in_column(rows, index, list(candidate.words))
    return any(_PAYABLES.search(_text(s)) for s in below)


def _keep_the_legal_name(best: Scored, result: ExtractedField) -> None:
    """A shop's name joined to the full legal name under it ("MANOK REPUBLIC" over "MRC Quick
    Service Foods Inc.") names the party twice: the legal name is kept, as registered, when it
    has two words or more before its form (one word may be the end of a name that wraps:
    "GHEE HIANG" over "SDN BHD"). Receipts only: an invoice's sender wraps its name onto a
    second line as often ("MVM Musterhafter" over "Versicherungsverein Musterstadt a.G.")."""
    words = best.candidate.words
    if not best.features.get("joined") or len(words) < 2:
        return
    top = [w for w in words if w.box[1] < words[0].box[3] - 0.002]
    below = words[len(top) :]
    text = _text(below)
    if (
        not top
        or not below
        or _continues(top, below)
        or has_legal_form(_text(top))
        or not has_legal_form(text)
    ):
        return
    named = 0
    for token in _tokens(text):
        if legal_key(token) in LEGAL_FORMS or legal_key(token) in MORE_LEGAL_FORMS:
            break
        named += len(token) > 1
    if named >= 2:
        result.value = mend_legal_forms(text)
        result.raw = text
        result.box = union_box([w.box for w in below])


def _complete_with_legal_name(locator: Locator, result: ExtractedField) -> None:
    """A brand or logo word chosen as the name ("skylark", "Haustechnik WIEGAND") becomes the
    legal name that starts with it, where the document prints one ("Skylark Mobile Ireland
    Limited" in its footer): the same party, named as it is registered."""
    key = _key(str(result.value))
    if len(key) < 4:
        return
    for hit in legal_names(locator.pages, locator.rows):
        hit_key = _key(hit.name)
        if hit_key != key and hit_key.startswith(key):
            result.value = mend_legal_forms(hit.name)
            result.raw = hit.name
            result.page = hit.page
            result.box = union_box([w.box for w in hit.words])
            return
