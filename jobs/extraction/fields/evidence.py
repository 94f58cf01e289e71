"""The evidence for each candidate value of a field (see :mod:`scoring` for the choice).

How strongly and from where a label points at a value (same row to its right, or a column
header above), words on its row that speak against it (tax, subtotal, cash, change, rounding,
quantity...), labels of other fields pointing at it, its position on the page, the size of its
text, how often the same value recurs, whether other amounts add up to it (net + tax, cash
tendered - change), the OCR confidence of its words. Every piece is a number; the weights
that turn them into a probability are learned (``bench/train_fields.py``).
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jobs.extraction.fields.evidence_words import (
    CHANGE_WORDS,
    DATE_PREPOSITIONS,
    DOCUMENT_WORDS,
    FINAL_WORDS,
    NEGATIVE,
    NEGATIVE_MISREADINGS,
    PREPAYMENT,
    PREPAYMENT_STEMS,
    TIME_OF_DAY,
    TOTAL_WORDS,
)
from jobs.extraction.fields.layout import LabelMatch
from jobs.extraction.fields.locate import Candidate, Locator, crosses_column
from jobs.extraction.fields.text import fold_token, is_punctuation
from jobs.extraction.types import Page


@dataclass(slots=True)
class Scored:
    candidate: Candidate
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0

    @property
    def value(self) -> Any:
        return self.candidate.value


def _row_of(locator: Locator, candidate: Candidate) -> int:
    first = candidate.words[0]
    for index, row in enumerate(locator.rows[candidate.page]):
        if first in row.words:
            return index
    return -1


def _page(locator: Locator, number: int) -> Page:
    return next(p for p in locator.pages if p.number == number)


@functools.lru_cache(maxsize=64)
def _median_height(page_id: int, heights: tuple[float, ...]) -> float:
    return statistics.median(heights) if heights else 0.01


def _label_relation(
    locator: Locator,
    candidate: Candidate,
    row_index: int,
    labels: Sequence[LabelMatch],
    *,
    columns: bool = False,
) -> tuple[float, float, float]:
    """(right-of strength, column-header strength, label weight) of the best label.

    ``columns``: a label whose row runs into another column's text before the candidate is
    not its label (references: see :func:`locate.crosses_column`)."""
    right = below = best_weight = 0.0
    x0, y0, _, _ = candidate.box or (0, 0, 0, 0)
    rows = locator.rows[candidate.page]
    for label, weight in labels:
        if label.page != candidate.page:
            continue
        if label.row == row_index and label.box[2] <= x0 + 0.005:
            if columns and crosses_column(rows[row_index].words, label.box[2], x0):
                continue
            between = [
                w
                for w in rows[row_index].words
                if w.box[0] >= label.box[2] - 0.002 and w.box[2] <= x0 + 0.002
            ]
            skipped = sum(1 for w in between if any(c.isalnum() for c in w.text))
            gap = max(0.0, x0 - label.box[2])
            # Receipts and invoice summaries right-align their amounts far from the label:
            # distance on the row weighs little, words in between more.
            strength = weight * (1.0 - 0.4 * min(1.0, gap)) * (0.8**skipped)
            if strength > right:
                right, best_weight = strength, max(best_weight, weight)
        elif label.row < row_index:
            distance = y0 - label.box[3]
            overlap = min(label.box[2] + 0.03, candidate.box[2]) - max(
                label.box[0] - 0.03, candidate.box[0]
            )
            if 0 <= distance < 0.15 and overlap > 0:
                strength = weight * math.exp(-distance / 0.05)
                if strength > below:
                    below, best_weight = strength, max(best_weight, weight)
    return right, below, best_weight


def _row_words_left(locator: Locator, candidate: Candidate, row_index: int) -> list[str]:
    x0 = (candidate.box or (0, 0, 0, 0))[0]
    row = locator.rows[candidate.page][row_index]
    tokens = [fold_token(w.text) for w in row.words if w.box[2] <= x0 + 0.002]
    if _page(locator, candidate.page).source == "ocr":
        tokens = [NEGATIVE_MISREADINGS.get(t, t) for t in tokens]
    return tokens


def _numbered_row(locator: Locator, page: int, row_index: int) -> bool:
    """Whether a row carries a document number: "No."/"Nr."/"#"/"n°" and then a token with
    digits ("Handelsrechnung (380) Nr. 471102 vom 05.06.2025")."""
    if row_index < 0:
        return False
    words = locator.rows[page][row_index].words
    for first, second in zip(words, words[1:], strict=False):
        if fold_token(first.text) == "no" and any(c.isdigit() for c in second.text):
            return True
    # OCR glues a label to its number: "HandelsrechnungNr.471102vom".
    return any(_GLUED_NUMBER.search(w.text) for w in words)


_GLUED_NUMBER = re.compile(r"(?i)(?:nr|no|n°)[.:]?\d{3,}")


def _number_follows(locator: Locator, label: LabelMatch) -> bool:
    """Whether the document's number comes right after its label ("Rechnung 4711 vom ...",
    "Invoice # 12"): a row that only names the document ("This invoice is for the billing
    period July 1 - July 31") carries no number, and its dates are no invoice date's."""
    if label.inline is not None:
        return True
    for word in locator.rows[label.page][label.row].words[label.end :]:
        if is_punctuation(word.text) or fold_token(word.text) == "no":
            continue
        return any(c.isdigit() for c in word.text)
    return False


def _last_word_before(locator: Locator, candidate: Candidate, row_index: int) -> str:
    x0 = (candidate.box or (0, 0, 0, 0))[0]
    before = [w for w in locator.rows[candidate.page][row_index].words if w.box[2] <= x0 + 0.002]
    if not before:
        return ""
    last = fold_token(before[-1].text)
    # A preposition OCR glued to the word before it ("471102vom") is still that preposition.
    glued = next((p for p in _GLUED_PREPOSITIONS if last.endswith(p) and last != p), None)
    return glued if glued and last[: -len(glued)][-1:].isdigit() else last


_GLUED_PREPOSITIONS = ("vom", "dated", "du")


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except Exception:
        return None


def features(
    locator: Locator,
    candidates: Sequence[Candidate],
    *,
    keys: Sequence[str],
    family: str,
) -> list[Scored]:
    """The evidence for every candidate of one field (see the module docstring)."""
    labels: list[tuple[LabelMatch, float]] = []
    for key in keys:
        for label in locator.labels_for(key):
            labels.append((label, label.keys[key]))
    # Labels of other fields ("Due date", "VAT", "Customer no."): a value they point at is
    # probably theirs. The invoice number's label also introduces the date ("Nr. 12 vom ...").
    others: list[tuple[LabelMatch, float]] = [
        (m, max(m.keys.values()))
        for p in locator.pages
        for m in locator.labels[p.number]
        if not set(m.keys) & set(keys)
    ]
    number_rows = {
        (m.page, m.row) for m in locator.labels_for("invoice_number") if _number_follows(locator, m)
    }
    tendered, change = (
        (
            _row_amounts(
                locator,
                candidates,
                NEGATIVE["neg_cash"] - CHANGE_WORDS,
            ),
            _row_amounts(locator, candidates, CHANGE_WORDS),
        )
        if family == "amount"
        else (set(), set())
    )
    # Rounding adjustments ("Rounding Adj -0.01"): the total before them is not the one paid.
    rounding = (
        {abs(r) for r in _row_amounts(locator, candidates, NEGATIVE["neg_round"]) if r}
        if family == "amount"
        else set()
    )
    prepaid = (
        {abs(r) for r in _row_amounts(locator, candidates, PREPAYMENT) if r}
        if family == "amount"
        else set()
    )
    heights: dict[int, float] = {}
    for page in locator.pages:
        hs = tuple(sorted(w.box[3] - w.box[1] for w in page.words))
        heights[page.number] = _median_height(id(page), hs)
    last_page = max((p.number for p in locator.pages), default=1)
    values = [_decimal(c.value) for c in candidates] if family == "amount" else []
    # Amounts compared by size: a credit note's total is the largest of its negative amounts.
    numeric = sorted({abs(v) for v in values if v is not None and v != 0}, reverse=True)
    counts: dict[str, int] = {}
    for c in candidates:
        counts[str(c.value)] = counts.get(str(c.value), 0) + 1
    out: list[Scored] = []
    for index, candidate in enumerate(candidates):
        row_index = _row_of(locator, candidate)
        box = candidate.box or (0.0, 0.0, 0.0, 0.0)
        columns = family == "reference"
        right, below, weight = _label_relation(
            locator, candidate, row_index, labels, columns=columns
        )
        other_right, other_below, _ = _label_relation(
            locator, candidate, row_index, others, columns=columns
        )
        left_words = (
            set(_row_words_left(locator, candidate, row_index)) if row_index >= 0 else set()
        )
        height = (box[3] - box[1]) / max(heights.get(candidate.page, 0.01), 1e-4)
        f: dict[str, float] = {
            "bias": 1.0,
            "label_right": right,
            "label_below": below,
            "label_weight": weight,
            "no_label": float(right == 0 and below == 0),
            "other_right": other_right,
            "other_below": other_below,
            "other_closer": float(other_right > right or (right == 0 and other_below > below)),
            "y": box[1],
            "x_right": box[2],
            "first_page": float(candidate.page == 1),
            "last_page": float(candidate.page == last_page),
            "height": min(3.0, max(0.3, height)),
            "ocr": candidate.ocr_confidence,
            "parse": candidate.parsed.score if candidate.parsed is not None else 1.0,
            "repeats": min(4, counts.get(str(candidate.value), 1)) / 4,
            "order": index / max(1, len(candidates) - 1),
        }
        for name, words in NEGATIVE.items():
            f[name] = float(bool(left_words & words))
        f["total_word"] = float(bool(left_words & TOTAL_WORDS))
        f["final_word"] = float(bool(left_words & FINAL_WORDS))
        if family == "amount":
            signed = values[index]
            value = abs(signed) if signed is not None else None
            f["is_max"] = float(bool(numeric) and value == numeric[0])
            f["rank"] = (
                (numeric.index(value) / max(1, len(numeric) - 1)) if value in numeric else 1.0
            )
            # Cents printed (a point OCR misread as "-" or ":" included: "28-90").
            f["integer"] = float(not re.search(r"\d[.,:-]\d{1,2}\b", candidate.raw))
            f["currency_mark"] = float(bool(candidate.parsed and candidate.parsed.currency))
            f["sum_of_two"] = float(_sum_of_two(value, numeric))
            f["cash_minus_change"] = float(_difference(value, numeric))
            f["zero"] = float(value is not None and value == 0)
            # A credit note's total is negative; anywhere else a minus marks a deduction.
            f["negative"] = float(signed is not None and signed < 0)
            after, before = _rounding_relation(value, numeric, rounding)
            f["after_rounding"] = float(after)
            f["before_rounding"] = float(before)
            before_prepaid, after_prepaid = _prepayment_relation(value, numeric, prepaid)
            f["before_prepayment"] = float(before_prepaid)
            f["after_prepayment"] = float(after_prepaid)
            # Paid minus change, both on their labelled rows: the amount due, exactly.
            f["tendered_minus_change"] = float(
                value is not None and any(t - value in change for t in tendered if t > value)
            )
        elif family == "date":
            row = locator.rows[candidate.page][row_index] if row_index >= 0 else None
            text = " ".join(w.text for w in row.words) if row else ""
            f["time_near"] = float(bool(TIME_OF_DAY.search(text)))
            f["first_of_type"] = float(index == 0)
            # A row that deducts an advance names the advance's invoice, number and date
            # ("abzüglich Anzahlung lt. AR Nr. 2025-0041 vom 3. Februar 2025").
            advance = row is not None and any(
                token in PREPAYMENT or token.startswith(PREPAYMENT_STEMS)
                for token in (fold_token(w.text) for w in row.words)
            )
            f["number_row"] = float(
                not advance
                and (
                    (candidate.page, row_index) in number_rows
                    or _numbered_row(locator, candidate.page, row_index)
                )
            )
            f["preposition"] = float(
                not advance
                and bool(left_words)
                and _last_word_before(locator, candidate, row_index) in DATE_PREPOSITIONS
            )
        elif family == "reference":
            raw = str(candidate.value)
            f["digits"] = sum(ch.isdigit() for ch in raw) / max(1, len(raw))
            f["length"] = min(20, len(raw)) / 20
            f["has_alpha"] = float(any(ch.isalpha() for ch in raw))
            f["top"] = float(box[1] < 0.4)
            # "Nr. 210113", "N° F2022", "# 4711": a number sign right before it.
            f["after_no"] = float(
                row_index >= 0 and _last_word_before(locator, candidate, row_index) == "no"
            )
            # A document word on its row, German compounds included ("Schlussrechnung").
            row = locator.rows[candidate.page][row_index] if row_index >= 0 else None
            f["document_row"] = float(
                row is not None
                and any(
                    fold_token(w.text).endswith(DOCUMENT_WORDS)
                    and (
                        w.box[0] >= box[2] - 0.002
                        or not crosses_column(row.words, w.box[2], box[0])
                    )
                    for w in row.words
                )
            )
        out.append(Scored(candidate, f))
    return out


def _row_amounts(
    locator: Locator, candidates: Sequence[Candidate], words: frozenset[str]
) -> set[Decimal]:
    """Amounts on rows whose words left of them include one of ``words``."""
    out: set[Decimal] = set()
    for candidate in candidates:
        row_index = _row_of(locator, candidate)
        if row_index < 0:
            continue
        if set(_row_words_left(locator, candidate, row_index)) & words:
            value = _decimal(candidate.value)
            if value is not None:
                out.add(value)
    return out


def _rounding_relation(
    value: Decimal | None, numeric: list[Decimal], rounding: set[Decimal]
) -> tuple[bool, bool]:
    """Whether ``value`` is another amount rounded by a rounding adjustment on the page
    (after), or the amount such an adjustment rounds (before)."""
    if value is None or not rounding or value <= 0:
        return False, False
    seen = set(numeric[:40])
    after = before = False
    for r in rounding:
        if r >= value:
            continue
        if (value + r) in seen or (value - r) in seen:
            # The rounded amount is the one in whole steps of 0.05 (or 0.10).
            if value % Decimal("0.05") == 0:
                after = True
            else:
                before = True
    return after, before


def _prepayment_relation(
    value: Decimal | None, numeric: list[Decimal], prepaid: set[Decimal]
) -> tuple[bool, bool]:
    """Whether ``value`` is an amount from which a prepayment on the page is deducted to give
    another amount on it (before), or what is left after that deduction (after)."""
    if value is None or not prepaid or value <= 0:
        return False, False
    seen = set(numeric[:40])
    before = any(p < value and (value - p) in seen for p in prepaid)
    after = any((value + p) in seen for p in prepaid if p != value)
    return before, after


def _sum_of_two(value: Decimal | None, numeric: list[Decimal]) -> bool:
    if value is None or len(numeric) < 3:
        return False
    smaller = [v for v in numeric[:40] if v < value]
    seen = set(smaller)
    return any((value - v) in seen and (value - v) != v for v in smaller)


def _difference(value: Decimal | None, numeric: list[Decimal]) -> bool:
    """``value`` = a larger amount (cash tendered) minus another on the page (change)."""
    if value is None:
        return False
    larger = [v for v in numeric[:40] if v > value]
    seen = set(numeric[:40])
    return any((v - value) in seen and (v - value) != value for v in larger)
