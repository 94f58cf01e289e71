"""Generic geometric search: a value is found next to its label.

For each label of a field the search looks right of the label on the same row first, then in
the rows below it (nearest first, overlapping the label horizontally). Every text that parses as
the field's type becomes a :class:`Candidate`, scored by

    label weight x position (right of label > below; fewer skipped words; closer) x type score

and the best candidate wins. A field's confidence is that score times the mean OCR confidence
of the value's words, so a well-placed value read badly by OCR still lands in review.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jobs.extraction.fields.anchors import Lexicon
from jobs.extraction.fields.currency import parse_currency_text
from jobs.extraction.fields.dates import compact_date, embedded_date
from jobs.extraction.fields.layout import LabelMatch, Row, build_rows, find_labels
from jobs.extraction.fields.model import ExtractedField, union_box
from jobs.extraction.fields.normalize import Parsed, parse, parse_date
from jobs.extraction.fields.text import is_punctuation
from jobs.extraction.types import Box, Page, Word

# How many words a value of each type may span.
MAX_SPAN: dict[str, int] = {
    "date": 5,
    "amount": 4,
    "number": 3,
    "iban": 9,
    "phone": 7,
    # "FT 2024/117", "BVX 0004521" (see normalize.parse_reference); others are one word.
    "reference": 2,
    "vat_id": 6,
    "email": 1,
    "currency": 2,
    "choice": 4,
    "text": 12,
}
# Horizontal gap (page widths) that ends a multi-word value.
MAX_WORD_GAP = 0.035
# How far below a label (page heights) a value may be.
MAX_BELOW = 0.08

Matcher = Callable[[str], Parsed]
_PERCENT = re.compile(r"\(?\d{1,2}(?:[.,]\d{1,2})?\s?%\)?")


@dataclass(slots=True)
class Candidate:
    value: Any
    raw: str
    score: float
    page: int
    words: list[Word]
    parsed: Parsed
    label: LabelMatch | None = None

    @property
    def box(self) -> Box | None:
        return union_box([w.box for w in self.words])

    @property
    def ocr_confidence(self) -> float:
        if not self.words:
            return 1.0
        return sum(w.confidence for w in self.words) / len(self.words)

    @property
    def confidence(self) -> float:
        return max(0.0, min(1.0, self.score * self.ocr_confidence))

    def to_field(self, *, scale: float = 1.0) -> ExtractedField:
        return ExtractedField(
            value=self.value,
            raw=self.raw,
            confidence=max(0.0, min(1.0, self.confidence * scale)),
            page=self.page,
            box=self.box,
        )


def matcher_for(
    field_type: str, *, choices: Sequence[str] = (), pattern: str | None = None
) -> Matcher:
    """The parser for a type; with ``pattern``, values that do not match it score lower."""
    compiled = re.compile(pattern) if pattern else None

    def match(text: str) -> Parsed:
        parsed = parse(field_type, text, choices=choices)
        if parsed.ok and compiled is not None and not compiled.fullmatch(str(parsed.value)):
            if compiled.fullmatch(text.strip()):
                return parsed
            return Parsed(parsed.value, score=parsed.score * 0.4, currency=parsed.currency)
        return parsed

    return match


def _join(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def _gap(left: Word, right: Word) -> float:
    return right.box[0] - left.box[2]


# What cites a law's article, whose number is no amount: "TVA non applicable, art. 293 B du
# CGI", "gemäß § 19 UStG", "Article 196".
_LAW_REFERENCE = re.compile(r"§+|art\.?|article|artikel|articolo|art[ií]culo|artigo|abs\.")

# Horizontal gap (page widths) that parts two columns of text on one row.
COLUMN_GAP = 0.06
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def crosses_column(words: Sequence[Word], left: float, right: float) -> bool:
    """Whether a row's words between ``left`` and ``right`` hold another column's text: a word
    of letters standing a column's gap apart from what precedes it ("Invoice Number  |
    Wellington 6011", where the seller's address runs beside a label: the postcode is not
    the label's value). A currency ("Total   RM   12.00") is the value's own."""
    edge = left
    for word in words:
        if word.box[0] < left - 0.002 or word.box[2] > right + 0.002:
            continue
        if (
            word.box[0] - edge > COLUMN_GAP
            and _LETTERS.search(word.text)
            and parse_currency_text(word.text) is None
        ):
            return True
        edge = word.box[2]
    return False


def _is_label_like(word: Word) -> bool:
    text = word.text.strip()
    return len(text) > 2 and text.endswith(":") and any(c.isalpha() for c in text)


class Locator:
    """Rows and label matches of a document, computed once, searched per field."""

    def __init__(self, pages: Sequence[Page], lexicon: Lexicon) -> None:
        self.pages = list(pages)
        self.rows: dict[int, list[Row]] = {}
        self.labels: dict[int, list[LabelMatch]] = {}
        for page in self.pages:
            rows = build_rows(page)
            self.rows[page.number] = rows
            self.labels[page.number] = find_labels(page, rows, lexicon)

    def labels_for(self, key: str) -> list[LabelMatch]:
        return [m for p in self.pages for m in self.labels[p.number] if key in m.keys]

    # --- search ---------------------------------------------------------------------------

    def candidates(
        self,
        key: str,
        field_type: str,
        *,
        choices: Sequence[str] = (),
        pattern: str | None = None,
        below: bool = True,
        prefer_last: bool = False,
    ) -> list[Candidate]:
        """Every labelled value for ``key``, best first.

        ``prefer_last``: of several values right of one label, the last is likeliest (a
        "Total  net  tax  gross" row ends with the gross amount).
        """
        match = matcher_for(field_type, choices=choices, pattern=pattern)
        found: list[Candidate] = []
        for label in self.labels_for(key):
            weight = label.keys[key]
            right = self._right_of(label, weight, field_type, match)
            if prefer_last and len(right) > 1:
                right[-1].score = min(1.0, right[-1].score + 0.25)
            found.extend(right)
            if below:
                found.extend(self._below(label, weight, field_type, match))
        found.sort(key=lambda c: (-c.score, c.page, c.box[1] if c.box else 0))
        return found

    def best(self, key: str, field_type: str, **kwargs: Any) -> Candidate | None:
        found = self.candidates(key, field_type, **kwargs)
        return found[0] if found else None

    def _stop_index(self, label: LabelMatch, words: list[Word], offset: int) -> int:
        """Where the words right of a label end: at the next label, or a word like "Date:"."""
        row_labels = [
            m.start for m in self.labels[label.page] if m.row == label.row and m.start >= label.end
        ]
        stop = len(words)
        if row_labels:
            stop = min(stop, min(row_labels) - label.end + offset)
        for index, word in enumerate(words[:stop]):
            if index >= offset and _is_label_like(word):
                return index
        return stop

    def _right_of(
        self, label: LabelMatch, weight: float, field_type: str, match: Matcher
    ) -> list[Candidate]:
        row = self.rows[label.page][label.row]
        words = row.words[label.end :]
        offset = 0
        if label.inline is not None:
            words = [label.inline, *words]
            offset = 1
        stop = self._stop_index(label, words, offset)
        words = words[:stop]
        out: list[Candidate] = []
        skipped = 0
        index = 0
        while index < len(words) and skipped <= 6:
            word = words[index]
            if (
                is_punctuation(word.text) and parse_currency_text(word.text) is None
            ) or _PERCENT.fullmatch(word.text):
                index += 1
                continue
            if field_type != "date":
                date_span = _date_span(words, index)
                if date_span:
                    index += date_span
                    skipped += 1
                    continue
            if field_type == "reference" and crosses_column(words, label.box[2], word.box[0]):
                break
            if (
                field_type == "amount"
                and index > 0
                and _LAW_REFERENCE.fullmatch(words[index - 1].text.casefold())
            ):
                skipped += 1
                index += 1
                continue
            gap = max(0.0, word.box[0] - label.box[2])
            position = max(0.2, 1.0 - 0.1 * skipped - 0.8 * max(0.0, gap - 0.08))
            candidate = self._value_at(words, index, field_type, match)
            if candidate is None and field_type == "amount":
                candidate = _misread_point(word, match)
            if candidate is not None:
                parsed, span = candidate
                out.append(self.make_candidate(label, weight * position, span, parsed))
                if field_type == "text":
                    break
            skipped += 1
            index += 1
        return out

    def _below(
        self, label: LabelMatch, weight: float, field_type: str, match: Matcher
    ) -> list[Candidate]:
        rows = self.rows[label.page]
        x0, _, x1, y1 = label.box
        band = (x0 - 0.02, max(x1, x0 + 0.05) + 0.02)
        out: list[Candidate] = []
        for step, row_index in enumerate(range(label.row + 1, min(len(rows), label.row + 5))):
            row = rows[row_index]
            distance = row.y0 - y1
            if distance > MAX_BELOW:
                break
            inside = [
                i for i, w in enumerate(row.words) if w.box[2] >= band[0] and w.box[0] <= band[1]
            ]
            if not inside:
                continue
            blocking = [
                m
                for m in self.labels[label.page]
                if m.row == row_index and m.box[2] >= band[0] and m.box[0] <= band[1]
            ]
            if blocking:
                break
            start = inside[0]
            candidate = self._value_at(row.words, start, field_type, match)
            if candidate is None:
                if field_type == "text":
                    continue  # e.g. a "(not for payment)" note under the label
                break
            parsed, span = candidate
            position = max(0.2, 0.85 - 0.08 * step - 1.0 * max(0.0, distance))
            if len(rows[label.row].words) - (label.end - label.start) >= 4:
                position *= 0.75  # a column header: the cell below is one row of many
            if field_type == "amount" and _amounts_in(row.words) >= 3:
                position *= 0.6  # a table row: the value is one line's, not the document's
            out.append(self.make_candidate(label, weight * position, span, parsed))
            break
        return out

    def _value_at(
        self, words: list[Word], start: int, field_type: str, match: Matcher
    ) -> tuple[Parsed, list[Word]] | None:
        """The longest run of words from ``start`` that parses, with its parse."""
        if field_type == "text":
            span = [words[start]]
            for word in words[start + 1 :]:
                if _gap(span[-1], word) > MAX_WORD_GAP or _is_label_like(word):
                    break
                span.append(word)
            text = _join(span)
            if text.startswith("(") and text.endswith(")"):
                return None
            parsed = match(text)
            return (parsed, span) if parsed.ok else None
        limit = MAX_SPAN.get(field_type, 4)
        end = start + 1
        while end < len(words) and end - start < limit:
            if _gap(words[end - 1], words[end]) > MAX_WORD_GAP:
                break
            end += 1
        for stop in range(end, start, -1):
            span = words[start:stop]
            parsed = match(_join(span))
            if parsed.ok:
                return parsed, span
        if field_type == "date":
            glued = embedded_date(words[start].text)
            if glued is not None:
                # Slightly less typical than a date standing alone.
                return Parsed(glued.isoformat(), score=0.9), [words[start]]
            compact = compact_date(words[start].text)
            if compact is not None:
                # Eight digits may as well be a reference: the evidence around decides.
                return Parsed(compact.isoformat(), score=0.5), [words[start]]
        return None

    @staticmethod
    def make_candidate(
        label: LabelMatch | None, score: float, span: list[Word], parsed: Parsed
    ) -> Candidate:
        page = label.page if label is not None else 0
        return Candidate(
            value=parsed.value,
            raw=_join(span),
            score=score * parsed.score,
            page=page,
            words=list(span),
            parsed=parsed,
            label=label,
        )

    # --- label-free scans -------------------------------------------------------------------

    def scan(self, field_type: str, *, base: float = 0.4) -> list[Candidate]:
        """Every value of a type anywhere, top of the first page first (for fallbacks)."""
        out: list[Candidate] = []
        for page in self.pages:
            for row in self.rows[page.number]:
                out.extend(self.scan_row(row.words, field_type, page=page.number, base=base))
        return out

    def scan_row(
        self, words: list[Word], field_type: str, *, page: int, base: float = 0.4
    ) -> list[Candidate]:
        """Every value of a type in a run of words (a row or its end), left to right."""
        match = matcher_for(field_type)
        out: list[Candidate] = []
        index = 0
        while index < len(words):
            found = self._value_at(words, index, field_type, match)
            if found is None:
                index += 1
                continue
            parsed, span = found
            candidate = self.make_candidate(None, base, span, parsed)
            candidate.page = page
            out.append(candidate)
            index += len(span)
        return out


# OCR reads a receipt's decimal point as a dash or a colon ("TOTAL 28-90", "CASH 28:90").
_MISREAD_POINT = re.compile(r"(\d{1,6})[-:](\d{2})")


def _misread_point(word: Word, match: Matcher) -> tuple[Parsed, list[Word]] | None:
    """An amount whose point OCR misread, read only where an amount's label points at it (a
    time, "20:18", or a code, "12-34", stand anywhere): less sure than one printed well."""
    found = _MISREAD_POINT.fullmatch(word.text)
    if found is None:
        return None
    parsed = match(f"{found.group(1)}.{found.group(2)}")
    if not parsed.ok:
        return None
    return dataclasses.replace(parsed, score=parsed.score * 0.8), [word]


def _amounts_in(words: Sequence[Word]) -> int:
    return sum(1 for w in words if re.fullmatch(r"-?\d[\d.,]*[.,]\d{2}", w.text))


def _date_span(words: list[Word], start: int) -> int:
    """Length of a date written from ``start`` (so amount searches can step over it), or 0."""
    for stop in range(min(len(words), start + 5), start + 1, -1):
        if parse_date(_join(words[start:stop])).ok:
            return stop - start
    text = words[start].text
    if re.search(r"[./\-]", text) and parse_date(text).ok:
        return 1
    return 0
