"""Numbers that are never a document's references or amounts: an address's postcode and
house number, told apart by where they stand on their line and under which line, and the
groups of a bank account number."""

from __future__ import annotations

import re

from jobs.extraction.fields.anchors import STREET_WORD
from jobs.extraction.fields.evidence import _row_of
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.normalize import parse_iban
from jobs.extraction.types import Word

# Postcodes as references would read them: "80333", "1017", "111" (of "111 51"), "00-238"
# (Poland), "4000-447" (Portugal).
_POSTCODE = re.compile(r"\d{3,5}|\d{2}-\d{3}|\d{4}-\d{3}")


def place_in_row(locator: Locator, candidate: Candidate) -> tuple[list[Word], int] | None:
    """The words of a candidate's row and the index of its first word there."""
    row_index = _row_of(locator, candidate) if candidate.words else -1
    if row_index < 0:
        return None
    words = locator.rows[candidate.page][row_index].words
    return words, next(i for i, w in enumerate(words) if w is candidate.words[0])


def is_postcode(locator: Locator, candidate: Candidate) -> bool:
    """Whether a number is the postcode of an address line, not a reference: four or five
    digits after a country code ("DE 80333") or after a house number on a street's line,
    followed by a place ("Kerkstraat 4, 1017 GC Amsterdam"), or a US state's ZIP code after
    its town ("Dallas, TX 75201")."""
    raw = str(candidate.value)
    place = place_in_row(locator, candidate) if _POSTCODE.fullmatch(raw) else None
    if place is None:
        return False
    words, index = place
    before = words[index - 1].text if index > 0 else ""
    after = words[index + 1].text if index + 1 < len(words) else ""
    if len(raw) == 3:
        # "111 51 Stockholm", "110 00 Praha": three digits are a postcode's first half only.
        if not re.fullmatch(r"\d{2}", after):
            return False
        after = words[index + 2].text if index + 2 < len(words) else ""
    if index > 1 and re.fullmatch(r"[A-Z]{2}", before) and words[index - 2].text.endswith(","):
        return True  # a US state's ZIP code: "Dallas, TX 75201"
    if not (after[:1].isupper() and re.fullmatch(r"[^\W\d_]{2,},?", after)):
        return False
    if re.fullmatch(r"[A-Z]{1,2}-?", before):
        return True
    if index == 0 and _street_above(locator, candidate):
        return True  # an address's last line: "Teollisuuskatu 9" above "33100 Tampere"
    return before.endswith(",") and (
        any(STREET_WORD.search(w.text) for w in words[:index])
        or bool(re.fullmatch(r"\d{1,4}[a-zA-Z]?,", before))  # after a house number
    )


def _street_above(locator: Locator, candidate: Candidate) -> bool:
    """Whether the row above a candidate's holds a street: a street word, or a name ending
    in a house number ("Obala kneza Branimira 8", "Dunajska cesta 156")."""
    row_index = _row_of(locator, candidate)
    if row_index < 1:
        return False
    words = [w.text for w in locator.rows[candidate.page][row_index - 1].words]
    if any(STREET_WORD.search(text.rstrip(",")) for text in words):
        return True
    return any(
        re.fullmatch(r"\d{1,4}[a-zA-Z]?,?", number) and re.fullmatch(r"[^\W\d_]{3,}", name)
        for name, number in zip(words, words[1:], strict=False)
    )


# Street types English addresses abbreviate after the name ("1200 Elm St", "55 Ridge Rd"):
# only read as such right after a house number, since "Dr." and "St." also head names.
_STREET_SUFFIX = re.compile(
    r"(?i)(st|ave|av|blvd|dr|rd|ln|ct|pl|hwy|pkwy|sq|way|drive|court|place|highway|parkway)\.?,?"
)


def is_house_number(locator: Locator, candidate: Candidate) -> bool:
    """Whether a number is an address's house number, not a reference: before a street's
    name ("1200 Elm St", "12 rue des Tanneurs") or after it ("Industriestr. 124")."""
    raw = str(candidate.value)
    place = place_in_row(locator, candidate) if re.fullmatch(r"\d{1,5}[A-Za-z]?", raw) else None
    if place is None:
        return False
    words, index = place
    if index > 0 and STREET_WORD.search(words[index - 1].text.rstrip(",")):
        return True
    for offset, word in enumerate(words[index + 1 : index + 5]):
        text = word.text.rstrip(",")
        if STREET_WORD.search(text) or offset > 0 and _STREET_SUFFIX.fullmatch(word.text):
            return True
        if word.text.endswith(",") or not re.fullmatch(r"[^\W\d_][^\W_]*\.?|[a-z]{1,3}", text):
            return False
    return False


_LOCAL_NUMBER = re.compile(r"\d{3}[-.\s]?\d{4}")
_AREA_CODE = re.compile(r"\(\d{2,4}\)|\+\d{1,3}")


def is_phone_number(locator: Locator, candidate: Candidate) -> bool:
    """Whether a number is the end of a phone number after its area code in brackets or a
    country code ("(847) 555-0193", "+44 20 7946 0958"): no document's number."""
    raw = str(candidate.value)
    place = place_in_row(locator, candidate) if _LOCAL_NUMBER.fullmatch(raw) else None
    if place is None:
        return False
    words, index = place
    return any(_AREA_CODE.fullmatch(w.text) for w in words[max(0, index - 2) : index])


_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{0,30}")
_IBAN_GROUP = re.compile(r"[A-Z0-9]{1,5}")


def iban_words(locator: Locator) -> set[int]:
    """The ids of the words that spell an IBAN printed in groups ("FI21 1234 5600 0007 85"),
    labelled or not: their groups are no amounts ("0007") and no references."""
    out: set[int] = set()
    for page in locator.pages:
        for row in locator.rows[page.number]:
            words = row.words
            for index, word in enumerate(words):
                if not _IBAN_HEAD.fullmatch(word.text.strip(",.;:")):
                    continue
                run = [word]
                for following in words[index + 1 : index + 9]:
                    if not _IBAN_GROUP.fullmatch(following.text.strip(",.;:")):
                        break
                    run.append(following)
                for stop in range(len(run), 0, -1):
                    text = "".join(w.text.strip(",.;:") for w in run[:stop])
                    if parse_iban(text).ok:
                        out.update(id(w) for w in run[:stop])
                        break
    return out
