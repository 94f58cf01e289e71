"""Reading order rebuilt from word boxes."""

from __future__ import annotations

from jobs.extraction.lines import reading_order
from jobs.extraction.types import Word


def word(text: str, x0: float, y0: float, x1: float, y1: float, line: int = 0) -> Word:
    return Word(text=text, box=(x0, y0, x1, y1), confidence=0.9, line=line)


def test_a_label_and_its_value_found_in_separate_blocks_share_one_line():
    words = [
        word("42183017", 0.60, 0.100, 0.70, 0.112, line=7),
        word("Invoice", 0.10, 0.101, 0.18, 0.113, line=2),
        word("Number:", 0.19, 0.101, 0.27, 0.113, line=2),
        word("Date:", 0.19, 0.130, 0.25, 0.142, line=3),
        word("Invoice", 0.10, 0.130, 0.18, 0.142, line=3),
    ]
    ordered, text = reading_order(words)
    assert text == "Invoice Number: 42183017\nInvoice Date:"
    assert [w.line for w in ordered] == [0, 0, 0, 1, 1]


def test_commas_and_words_with_descenders_stay_on_their_line():
    words = [
        word("July", 0.10, 0.200, 0.15, 0.214),
        word("31", 0.16, 0.200, 0.19, 0.210),
        word(",", 0.195, 0.207, 0.20, 0.213),
        word("2014", 0.21, 0.200, 0.26, 0.210),
        word("billing", 0.30, 0.199, 0.37, 0.215),
    ]
    assert reading_order(words)[1] == "July 31 , 2014 billing"


def test_overlapping_words_at_the_same_height_are_kept_on_separate_lines():
    words = [word("upper", 0.1, 0.30, 0.2, 0.31), word("lower", 0.12, 0.302, 0.22, 0.312)]
    assert reading_order(words)[1].splitlines() == ["upper", "lower"]
