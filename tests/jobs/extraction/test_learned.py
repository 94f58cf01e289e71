"""Learned knowledge as pure functions: what one reviewed receipt teaches the next."""

from __future__ import annotations

from typing import Any

from jobs.extraction.fields.api import extract_fields
from jobs.extraction.fields.supplier import identity, similarity
from jobs.extraction.fields.teach import apply_lesson, teach
from jobs.extraction.types import Page
from tests.jobs.extraction.helpers import page, row


def receipt(printed_date: str, total: str, *, shop: str = "Kedai Buku Harmoni") -> Page:
    return page(
        row(0.04, (0.3, shop)),
        row(0.07, (0.3, "Lot 12 Jalan Ampang Kuala Lumpur")),
        row(0.10, (0.3, "Tel 03-21456789")),
        row(0.16, (0.05, printed_date), (0.6, "Cashier 7")),
        row(0.30, (0.05, "Pensel"), (0.7, "2.00")),
        row(0.40, (0.05, "Total"), (0.7, total)),
    )


def learned_from(first: Page, values: dict[str, Any], how: dict[str, str]) -> dict[str, Any]:
    knowledge: dict[str, Any] = {"suppliers": [], "rules": []}
    lesson = teach(knowledge, [first], kind="receipt", values=values, how=how)
    assert lesson is not None
    apply_lesson(knowledge, lesson, next_id=1)
    return knowledge


def test_a_date_glued_to_other_text_is_read_the_way_a_reviewer_showed():
    first = receipt("Dt04.03.2018/1541", "9.00")
    assert extract_fields("receipt", [first]).fields["date"].value is None
    knowledge = learned_from(
        first,
        {"merchant": "Kedai Buku Harmoni", "date": "2018-03-04", "total": "9.00"},
        {"date": "corrected"},
    )
    (rule,) = knowledge["rules"]
    assert rule["contexts"][0]["format"] == "d.m.Y"
    # Nothing of the value is kept: the format, its place and the text's shape.
    assert "2018" not in str(rule) and "04.03" not in str(rule)
    second = extract_fields("receipt", [receipt("Dt11.03.2018/0902", "4.50")], learned=knowledge)
    date = second.fields["date"]
    assert (date.value, date.source) == ("2018-03-11", "learned")


def test_the_suppliers_name_is_given_as_the_reviewer_spelt_it():
    first = receipt("04/03/2018", "9.00", shop="KEDAI BUKU HARMONI (12345-X)")
    knowledge = learned_from(
        first,
        {"merchant": "Kedai Buku Harmoni Sdn Bhd", "date": "2018-03-04", "total": "9.00"},
        {"merchant": "corrected"},
    )
    second = receipt("05/03/2018", "3.00", shop="KEDAI BUKU HARMONI (12345-X)")
    merchant = extract_fields("receipt", [second], learned=knowledge).fields["merchant"]
    assert (merchant.value, merchant.source) == ("Kedai Buku Harmoni Sdn Bhd", "learned")


def test_a_shop_with_the_same_template_but_another_name_is_another_supplier():
    ours = receipt("04/03/2018", "9.00")
    theirs = receipt("04/03/2018", "9.00", shop="Syarikat Alat Tulis Maju")
    known = {k: v for k, v in identity([ours], "Kedai Buku Harmoni").items() if k != "texts"}
    assert similarity(identity([ours], None, ["Kedai Buku Harmoni"]), known) >= 0.6
    assert similarity(identity([theirs], None, ["Syarikat Alat Tulis Maju"]), known) == 0.0
