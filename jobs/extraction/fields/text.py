"""Small text helpers shared by the parsers and the geometric search."""

from __future__ import annotations

import re
import unicodedata

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
