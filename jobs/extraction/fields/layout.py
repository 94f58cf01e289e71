"""Page geometry: words grouped into visual rows, and label phrases found in them.

A PDF text layer's line numbers follow the content stream, not the page (a label and its value
side by side may be far apart in it), so rows are rebuilt from the word boxes.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from jobs.extraction.fields.anchors import Lexicon
from jobs.extraction.fields.dates import MONTHS
from jobs.extraction.fields.text import fold_token, vowel_misreadings
from jobs.extraction.types import Box, Page, Word


@dataclass(slots=True)
class Row:
    """Words that share a baseline, left to right."""

    words: list[Word]
    y0: float
    y1: float

    @property
    def center(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def _center(word: Word) -> float:
    return (word.box[1] + word.box[3]) / 2


def _height(word: Word) -> float:
    return max(word.box[3] - word.box[1], 1e-4)


def build_rows(page: Page) -> list[Row]:
    """Group the page's words into rows by vertical centre, top to bottom."""
    words = sorted((w for w in page.words if w.text.strip()), key=_center)
    if not words:
        return []
    typical = statistics.median(_height(w) for w in words)
    rows: list[list[Word]] = []
    centers: list[float] = []
    for word in words:
        # OCR sometimes returns very tall boxes; they must not swallow neighbouring rows.
        height = min(_height(word), typical * 1.5)
        if rows and abs(_center(word) - centers[-1]) <= 0.45 * max(height, typical * 0.6):
            rows[-1].append(word)
            centers[-1] = statistics.median(_center(w) for w in rows[-1])
        else:
            rows.append([word])
            centers.append(_center(word))
    result = []
    for members in rows:
        members.sort(key=lambda w: w.box[0])
        result.append(Row(members, min(w.box[1] for w in members), max(w.box[3] for w in members)))
    result.sort(key=lambda r: r.center)
    return result


def word_tokens(word: Word) -> list[str]:
    """Folded tokens of a word; ``"Invoice#"`` is two tokens, ``"invoice"`` and ``"no"``."""
    text = word.text.strip()
    glued = re.fullmatch(r"(.+?[^\W\d_])(#|[Nn][°º])[:.]?", text)
    if glued:
        return [fold_token(glued.group(1)), "no"]
    token = fold_token(text)
    return [token] if token else []


@dataclass(slots=True)
class LabelMatch:
    """A label phrase found on a page: which fields it may name, and where."""

    keys: dict[str, float]  # field -> weight of this phrase for it
    page: int
    row: int
    start: int  # index of the first label word in the row
    end: int  # index after the last label word
    box: Box
    size: int  # tokens in the phrase, longer phrases win overlaps
    # A value glued to the label's last word: "n°562044387" -> a word "562044387".
    inline: Word | None = None
    phrase: str = ""
    extra: dict[str, str] = field(default_factory=dict)


# Digits OCR reads for letters in printed labels: "T0TAL", "TOTA1", "5UBTOTAL".
_DIGIT_FOR_LETTER = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b"})


def _ocr_repairs(phrases: dict[tuple[str, ...], dict[str, float]]) -> Callable[[str], str]:
    """A token as the lexicon spells it when OCR misread one of its label words: one letter
    dropped ("TOTL", "otal"), letters read as digits ("T0TAL"), or one vowel read as another
    ("Totel", "Chenge", "Peyable": receipt fonts blur the round letters). Other substituted
    letters are not repaired: "charge" must not become "change"; nor is a misreading that
    two label words could come from."""
    vocabulary = frozenset(t for tokens in phrases for t in tokens)
    dropped: dict[str, str] = {}
    for word in vocabulary:
        if len(word) >= 5 and word.isalpha():
            for i in range(len(word)):
                dropped.setdefault(word[:i] + word[i + 1 :], word)
    swapped = vowel_misreadings(vocabulary)

    @functools.cache
    def repair(token: str) -> str:
        if token in vocabulary or len(token) < 4:
            return token
        letters = token.translate(_DIGIT_FOR_LETTER)
        if not letters.isalpha():
            return token
        if letters in vocabulary:
            return letters
        return dropped.get(letters) or swapped.get(letters) or token

    return repair


def _phrase_tokens(phrase: str) -> list[str]:
    return [t for t in (fold_token(p) for p in phrase.split()) if t]


_GLUED_CURRENCY = re.compile(r"(?:RM|Rp|[A-Z]{3}|[$€£¥₹])\s?\d")


def _glued_value(word: Word, prefix: str) -> Word | None:
    """The value part of a word that starts with the label's last token (``"n°562044387"``)."""
    raw = word.text.strip()
    folded = fold_token(raw.replace("º", "°"))
    head = re.match(r"^(n°|no\.?|nr\.?|#)", raw.casefold()) if prefix == "no" else None
    cut = head.end() if head else (len(prefix) if folded.startswith(prefix) else 0)
    if not cut or cut >= len(raw):
        return None
    # An amount with its currency may be glued on too: "Grand TotalRM21.85".
    if not (raw[cut].isdigit() or raw[cut] in ":#." or _GLUED_CURRENCY.match(raw, cut)):
        return None
    rest = raw[cut:].lstrip(":#. ")
    if not rest or not rest[0].isalnum():
        return None
    x0, y0, x1, y1 = word.box
    share = (len(raw) - len(rest)) / max(len(raw), 1)
    return Word(rest, (x0 + (x1 - x0) * share, y0, x1, y1), word.confidence, word.line)


# How far apart (page widths) two words of one label may stand: farther, they are two
# columns' words ("Customer" heading the buyer's box, "No." of the invoice's box at the right).
_LABEL_GAP = 0.1


def _spans_columns(words: list[Word], owners: list[int]) -> bool:
    return any(
        b != a and words[b].box[0] - words[a].box[2] > _LABEL_GAP
        for a, b in zip(owners, owners[1:], strict=False)
    )


def _of_something_else(tokens: list[str], start: int, keys: dict[str, float]) -> bool:
    """Whether a one-word generic label names another thing's: "Date of ATP", "Date of
    birth" are no document's date, though "Date" alone may be ("Date of March 9" still is)."""
    if max(keys.values()) > 0.6 or start + 2 >= len(tokens) or tokens[start + 1] != "of":
        return False
    after = tokens[start + 2]
    return after.isalpha() and after not in MONTHS


def find_labels(page: Page, rows: list[Row], lexicon: Lexicon) -> list[LabelMatch]:
    """Every lexicon phrase on the page; overlapping matches resolved longest first."""
    phrases: dict[tuple[str, ...], dict[str, float]] = {}
    for key, entries in lexicon.items():
        for phrase, weight in entries:
            tokens = tuple(_phrase_tokens(phrase))
            if tokens:
                keys = phrases.setdefault(tokens, {})
                keys[key] = max(weight, keys.get(key, 0.0))
    longest = max((len(t) for t in phrases), default=0)
    by_prefix: dict[tuple[str, ...], list[tuple[str, dict[str, float]]]] = {}
    for tokens, keys in phrases.items():
        if len(tokens) > 1:
            by_prefix.setdefault(tokens[:-1], []).append((tokens[-1], keys))
    found: list[LabelMatch] = []
    repair = _ocr_repairs(phrases) if page.source == "ocr" else None
    for row_index, row in enumerate(rows):
        tokens: list[str] = []
        owner: list[int] = []
        for index, word in enumerate(row.words):
            for token in word_tokens(word):
                tokens.append(repair(token) if repair is not None else token)
                owner.append(index)
        for start in range(len(tokens)):
            for size in range(min(longest, len(tokens) - start), 0, -1):
                window = tuple(tokens[start : start + size])
                if size > 1 and _spans_columns(row.words, owner[start : start + size]):
                    continue
                inline = None
                keys = phrases.get(window)
                if keys is None and size > 1:
                    # The last label word may carry the value: "n°562044387".
                    last_word = row.words[owner[start + size - 1]]
                    for last_token, candidate_keys in by_prefix.get(window[:-1], []):
                        glued = _glued_value(last_word, last_token)
                        if glued is not None:
                            keys, inline = candidate_keys, glued
                            break
                if keys is None:
                    continue
                if size == 1 and _of_something_else(tokens, start, keys):
                    break
                first, last = owner[start], owner[start + size - 1]
                boxes = [w.box for w in row.words[first : last + 1]]
                found.append(
                    LabelMatch(
                        keys=dict(keys),
                        page=page.number,
                        row=row_index,
                        start=first,
                        end=last + 1,
                        box=(
                            min(b[0] for b in boxes),
                            min(b[1] for b in boxes),
                            max(b[2] for b in boxes),
                            max(b[3] for b in boxes),
                        ),
                        size=size,
                        inline=inline,
                        phrase=" ".join(window),
                    )
                )
                break
    return _resolve_overlaps(found)


def _resolve_overlaps(matches: list[LabelMatch]) -> list[LabelMatch]:
    kept: list[LabelMatch] = []
    for match in sorted(matches, key=lambda m: (-m.size, m.row, m.start)):
        clash = any(
            k.row == match.row and k.start < match.end and match.start < k.end for k in kept
        )
        if not clash:
            kept.append(match)
    kept.sort(key=lambda m: (m.row, m.start))
    return kept
