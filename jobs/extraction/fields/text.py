"""Small text helpers shared by the parsers and the geometric search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_PUNCT_EDGES = " \t:;,.#*()[]{}\"'`´’‘“”«»|/\\-–—_"


def fold(text: str) -> str:
    """Casefold and strip accents: ``"Numéro"`` -> ``"numero"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The ways of writing "number" before one, as folded ("Nº" and "N.º" fold to "no", "n.o").
_NUMBER_SIGNS = frozenset(["n°", "no", "nr", "nro", "n", "num", "nummer", "n.o", "n.°"])


def fold_token(text: str) -> str:
    """A word as label matching compares it: folded, without edge punctuation.

    ``"N°"``/``"Nº"``/``"N.º"``/``"Nr."``/``"No."``/``"#"`` all become ``"no"`` so that
    "Invoice No", "Invoice #", "Facture N°" and "Fatura N.º" share one spelling in the lexicon.
    """
    token = fold(text).replace("º", "°").strip(_PUNCT_EDGES)
    if token in _NUMBER_SIGNS or text.strip() == "#":
        return "no"
    return token


def collapse_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_punctuation(text: str) -> bool:
    """True for words made only of punctuation (":" "#" "-" "|"...)."""
    return bool(text) and not any(c.isalnum() for c in text)


_VOWELS = "aeiou"


def vowel_misreadings(words: Iterable[str]) -> dict[str, str]:
    """Each word of five letters or more as OCR may print it with one vowel read as another
    ("total" as "totel"; receipt fonts blur the round letters), mapped back to the word. A
    misreading two of the words could come from, or that is itself one of them, is left
    out."""
    vocabulary = {w for w in words if len(w) >= 5 and w.isalpha()}
    found: dict[str, str | None] = {}
    for word in vocabulary:
        for i, letter in enumerate(word):
            if letter not in _VOWELS:
                continue
            for vowel in _VOWELS.replace(letter, ""):
                misread = word[:i] + vowel + word[i + 1 :]
                found[misread] = word if found.get(misread, word) == word else None
    return {k: v for k, v in found.items() if v is not None and k not in vocabulary}
