"""Learned knowledge as pure functions: what one reviewed receipt teaches the next."""

from __future__ import annotations

from typing import Any

from jobs.extraction.fields.api import RECEIPT_TYPES, extract_fields
from jobs.extraction.fields.learned import _overlap, apply_learned, same_word
from jobs.extraction.fields.model import ExtractedField
from jobs.extraction.fields.supplier import find_supplier, identity, similarity
from jobs.extraction.fields.teach import LEXICONS, apply_lesson, teach
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


def test_a_learned_label_word_misread_by_ocr_still_matches():
    assert same_word("incl", "inul") and same_word("total", "tota1")
    # Short words must be equal: a misread letter makes them another word.
    assert not same_word("rm", "rn") and not same_word("gst", "bst")
    assert _overlap(["iuial", "gst", "incl"], ["iuial", "gst", "inul"]) == 1.0


def test_a_currency_sign_beside_two_labels_does_not_make_them_alike():
    assert _overlap(["credit", "rm"], ["change", "rm"]) == 0.0
    assert _overlap(["total", "rm"], ["total"]) == 1.0


def layout(total: str, change: str, *, label: str = "Jumlah Bersih") -> Page:
    """A receipt whose total stands by an unusual label, below a sure-looking "Total"."""
    return page(
        row(0.04, (0.3, "Kedai Buku Harmoni")),
        row(0.07, (0.3, "Lot 12 Jalan Ampang Kuala Lumpur")),
        row(0.10, (0.3, "Tel 03-21456789")),
        row(0.16, (0.05, "04/03/2018")),
        row(0.30, (0.05, "Total"), (0.7, change)),
        row(0.34, (0.05, label), (0.7, total)),
    )


def test_a_rule_whose_label_is_found_again_outweighs_a_sure_generic_choice():
    knowledge = learned_from(
        layout("9.00", "50.00"),
        {"merchant": "Kedai Buku Harmoni", "date": "2018-03-04", "total": "9.00"},
        {"total": "corrected"},
    )
    second = layout("4.50", "20.00", label="Jumlah Bersih")
    fields: dict[str, Any] = {
        "merchant": ExtractedField("Kedai Buku Harmoni", confidence=0.95),
        "date": ExtractedField("2018-03-04", confidence=0.95),
        "total": ExtractedField("20.00", "20.00", confidence=0.95, source="ocr"),
    }
    apply_learned(
        [second],
        fields,
        knowledge,
        kind="receipt",
        types=RECEIPT_TYPES,
        lexicon=LEXICONS["receipt"],
    )
    assert (fields["total"].value, fields["total"].source) == ("4.50", "learned")


def test_a_sure_generic_choice_keeps_its_value_when_the_learned_label_is_not_found():
    knowledge = learned_from(
        layout("9.00", "50.00"),
        {"merchant": "Kedai Buku Harmoni", "date": "2018-03-04", "total": "9.00"},
        {"total": "corrected"},
    )
    second = layout("4.50", "20.00", label="Baki")
    fields: dict[str, Any] = {
        "merchant": ExtractedField("Kedai Buku Harmoni", confidence=0.95),
        "total": ExtractedField("20.00", "20.00", confidence=0.95, source="ocr"),
    }
    apply_learned(
        [second],
        fields,
        knowledge,
        kind="receipt",
        types=RECEIPT_TYPES,
        lexicon=LEXICONS["receipt"],
    )
    assert fields["total"].value == "20.00"


def test_an_amount_ocr_glued_to_its_label_is_learned_and_read_again():
    first = receipt("04/03/2018", "9.00")
    first.words.extend(row(0.50, (0.05, "Grand"), (0.2, "Tota1RM9.50")))
    knowledge = learned_from(
        first,
        {"merchant": "Kedai Buku Harmoni", "date": "2018-03-04", "total": "9.50"},
        {"total": "corrected"},
    )
    (rule,) = knowledge["rules"]
    assert rule["contexts"][0]["format"] == "glued"
    second = receipt("05/03/2018", "4.00")
    second.words.extend(row(0.50, (0.05, "Grand"), (0.2, "Tota1:RM4.40")))
    total = extract_fields("receipt", [second], learned=knowledge).fields["total"]
    assert (total.value, total.source) == ("4.40", "learned")


def test_of_two_suppliers_recognised_as_surely_the_one_with_the_more_alike_header_is_taken():
    document = {"name": "Kedai Buku Harmoni", "header": ["a", "b", "c", "d"], "texts": []}
    # Both names printed, neither header alike enough to count: equally sure.
    shop = {"id": 1, "name": "Kedai Buku Harmoni", "header": ["a", "v", "w", "x", "y", "z"]}
    owner = {"id": 2, "name": "Kedai Buku Harmoni", "header": ["a", "b", "x", "y", "z"]}
    assert similarity(document, shop) == similarity(document, owner)
    assert find_supplier(document, [shop, owner])[0] == owner
    assert find_supplier(document, [owner, shop])[0] == owner
