"""Reading order from word boxes: words grouped into lines by their vertical position.

Tesseract's sparse-text mode finds isolated labels and values well (invoices are mostly that)
but reports them block by block, so "Invoice Number:" and its value land on different lines.
Rebuilding lines from the boxes gives the text a person reads, left to right, top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jobs.extraction.types import Word


@dataclass(slots=True)
class _Line:
    centre: float
    height: float
    words: list[Word] = field(default_factory=list)

    def add(self, word: Word) -> None:
        count = len(self.words)
        self.centre = (self.centre * count + _centre(word)) / (count + 1)
        self.height = (self.height * count + _height(word)) / (count + 1)
        self.words.append(word)


def _centre(word: Word) -> float:
    return (word.box[1] + word.box[3]) / 2


def _height(word: Word) -> float:
    return max(word.box[3] - word.box[1], 1e-6)


def reading_order(words: list[Word]) -> tuple[list[Word], str]:
    """Words renumbered by line in reading order, and the page text built from them.

    A word joins the line whose band (its mean centre and height) covers at least half of the
    smaller of the two heights, and that has no word overlapping it horizontally; otherwise
    it starts a new line. Overlap rather than centre distance keeps commas and words with
    descenders on their line.
    """
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (_centre(w), w.box[0])):
        best: _Line | None = None
        best_overlap = 0.0
        for line in lines[-12:]:  # sorted by centre: only recent lines can be close
            top, bottom = line.centre - line.height / 2, line.centre + line.height / 2
            overlap = min(bottom, word.box[3]) - max(top, word.box[1])
            if overlap < 0.5 * min(_height(word), line.height):
                continue
            if any(w.box[0] < word.box[2] and word.box[0] < w.box[2] for w in line.words):
                continue
            if best is None or overlap > best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            best = _Line(centre=_centre(word), height=_height(word))
            lines.append(best)
        best.add(word)
    lines.sort(key=lambda line: line.centre)
    ordered: list[Word] = []
    texts: list[str] = []
    for index, line in enumerate(lines):
        line.words.sort(key=lambda w: w.box[0])
        ordered.extend(replace(w, line=index) for w in line.words)
        texts.append(" ".join(w.text for w in line.words))
    return ordered, "\n".join(texts)
