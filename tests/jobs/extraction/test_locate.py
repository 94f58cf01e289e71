from jobs.extraction.fields.anchors import RECEIPT
from jobs.extraction.fields.locate import Locator
from tests.jobs.extraction.helpers import page, row

LEXICON = {
    "invoice_number": [("Invoice number", 1.0), ("Rechnungs-Nr.", 1.0), ("N° de facture", 1.0)],
    "total_amount": [("Total", 0.6), ("Grand total", 1.0)],
    "net_amount": [("Total HT", 1.0)],
    "invoice_date": [("Date", 0.6)],
}


def test_value_right_of_label_on_the_same_row_is_found_with_its_box():
    p = page(row(0.1, (0.1, "Invoice number:"), (0.4, "INV-2024-17")))
    best = Locator([p], LEXICON).best("invoice_number", "reference")
    assert best is not None
    assert best.value == "INV-2024-17"
    assert best.page == 1
    assert best.box is not None and best.box[0] >= 0.4 and best.box[1] == 0.1


def test_value_below_label_is_found_when_nothing_is_right_of_it():
    p = page(row(0.1, (0.1, "Rechnungs-Nr.")), row(0.125, (0.1, "30064443")))
    best = Locator([p], LEXICON).best("invoice_number", "reference")
    assert best is not None and best.value == "30064443"


def test_value_right_of_label_beats_value_below_it():
    p = page(
        row(0.1, (0.1, "Invoice number"), (0.35, "111111")),
        row(0.125, (0.1, "222222")),
    )
    assert Locator([p], LEXICON).best("invoice_number", "reference").value == "111111"


def test_nearest_value_below_wins():
    p = page(
        row(0.1, (0.1, "Date")), row(0.125, (0.1, "01.02.2020")), row(0.15, (0.1, "05.06.2021"))
    )
    assert Locator([p], LEXICON).best("invoice_date", "date").value == "2020-02-01"


def test_value_below_must_overlap_the_label_horizontally():
    p = page(row(0.1, (0.1, "Date")), row(0.125, (0.7, "01.02.2020")))
    assert Locator([p], LEXICON).best("invoice_date", "date") is None


def test_multi_word_label_matches_across_words_accent_and_case_insensitively():
    p = page(row(0.1, (0.1, "n° DE FACTURE :"), (0.4, "2022089083")))
    assert Locator([p], LEXICON).best("invoice_number", "reference").value == "2022089083"


def test_longer_label_claims_its_words_so_total_ht_is_not_a_total():
    p = page(
        row(0.1, (0.1, "Total HT :"), (0.5, "46,68 €")), row(0.2, (0.1, "Total"), (0.5, "56,02 €"))
    )
    locator = Locator([p], LEXICON)
    assert locator.best("net_amount", "amount").value == "46.68"
    assert [c.value for c in locator.candidates("total_amount", "amount")] == ["56.02"]


def test_values_that_fail_the_type_check_are_skipped():
    p = page(row(0.1, (0.1, "Total"), (0.3, "see"), (0.4, "page"), (0.5, "$4.11")))
    assert Locator([p], LEXICON).best("total_amount", "amount").value == "4.11"


def test_stronger_label_wins_over_a_weaker_one():
    p = page(
        row(0.1, (0.1, "Total"), (0.5, "10.00")), row(0.3, (0.1, "Grand total"), (0.5, "12.00"))
    )
    assert Locator([p], LEXICON).best("total_amount", "amount").value == "12.00"


def test_value_glued_to_the_label_is_split_off():
    p = page(row(0.1, (0.1, "Facture n°562044387")))
    lexicon = {"invoice_number": [("facture n°", 1.0)]}
    assert Locator([p], lexicon).best("invoice_number", "reference").value == "562044387"


def test_an_amount_glued_to_the_label_with_its_currency_is_split_off():
    p = page(row(0.1, (0.1, "Grand TotalRM21.85")))
    lexicon = {"total_amount": [("grand total", 1.0)]}
    assert str(Locator([p], lexicon).best("total_amount", "amount").value) == "21.85"


def test_a_total_including_gst_is_a_total_label_not_a_tax_one():
    p = page(
        row(0.1, (0.05, "SubTotal:"), (0.7, "251.00")),
        row(0.14, (0.05, "Total Inclusive GST:"), (0.7, "217.00")),
    )
    found = Locator([p], RECEIPT).candidates("total", "amount")
    assert [str(c.value) for c in found] == ["217.00"]


def test_ocr_confidence_lowers_the_field_confidence():
    sure = page(row(0.1, (0.1, "Invoice number"), (0.4, "123456")))
    unsure = page(row(0.1, (0.1, "Invoice number"), (0.4, "123456"), confidence=0.5))
    a = Locator([sure], LEXICON).best("invoice_number", "reference")
    b = Locator([unsure], LEXICON).best("invoice_number", "reference")
    assert b.confidence < a.confidence
    assert b.to_field().band in {"low", "medium"}
