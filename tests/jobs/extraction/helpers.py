"""Hand-built pages: words placed on a grid so tests state the geometry they rely on."""

from __future__ import annotations

from jobs.extraction.types import Page, Word

CHAR = 0.008  # page widths per character
LINE = 0.02  # page heights per row


def row(y: float, *cells: tuple[float, str], confidence: float = 1.0) -> list[Word]:
    """Words of ``cells`` (x, text), split on spaces, on one row at height ``y``."""
    words: list[Word] = []
    for x, text in cells:
        cursor = x
        for part in text.split():
            width = CHAR * len(part)
            words.append(Word(part, (cursor, y, cursor + width, y + 0.012), confidence, 0))
            cursor += width + CHAR
    return words


def page(*rows: list[Word], number: int = 1, source: str = "text-layer") -> Page:
    words = [w for r in rows for w in r]
    return Page(
        number=number,
        width=595,
        height=842,
        source=source,  # type: ignore[arg-type]
        text="\n".join(" ".join(w.text for w in r) for r in rows),
        words=words,
    )
