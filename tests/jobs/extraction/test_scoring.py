"""Fields as scored candidates: each piece of evidence moves a candidate the way it should."""

from __future__ import annotations

import pytest

from jobs.extraction.fields import scoring
from jobs.extraction.fields.anchors import INVOICE, OTHER, RECEIPT
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.receipt import extract_receipt
from tests.jobs.extraction.helpers import page, row


def _scored(pages, model: str, keys: list[str], lexicon=None) -> dict[str, dict[str, float]]:
    locator = Locator(pages, lexicon or {**RECEIPT, **OTHER})
    return {str(s.value): s.features for s in scoring.scored_candidates(locator, model, keys)}


def _receipt(*rows):
    return [page(*rows, source="ocr")]


def test_a_value_right_of_its_label_has_label_evidence_and_an_unlabelled_one_has_none():
    pages = _receipt(
        row(0.5, (0.1, "TOTAL"), (0.8, "9.00")), row(0.6, (0.1, "Thanks"), (0.8, "4.00"))
    )
    scored = _scored(pages, "total", ["total"])
    assert scored["9.00"]["label_right"] > 0.3
    assert scored["4.00"]["label_right"] == 0 and scored["4.00"]["no_label"] == 1


def test_a_value_under_a_column_header_has_column_evidence():
    pages = [
        page(
            row(0.50, (0.1, "Description"), (0.7, "Total amount")),
            row(0.53, (0.1, "Widget"), (0.7, "125.00")),
        )
    ]
    scored = _scored(pages, "total", ["total_amount"], {**INVOICE, **OTHER})
    assert scored["125.00"]["label_below"] > 0.5


@pytest.mark.parametrize(
    ("label", "feature"),
    [
        ("GST 6%", "neg_tax"),
        ("Subtotal", "neg_sub"),
        ("Cash tendered", "neg_cash"),
        ("Change", "neg_cash"),
        ("Rounding adj", "neg_round"),
        ("Total Qty", "neg_qty"),
    ],
)
def test_words_on_a_values_row_that_speak_against_a_total_are_evidence(label, feature):
    pages = _receipt(row(0.5, (0.1, label), (0.8, "3.50")))
    features = _scored(pages, "total", ["total"])["3.50"]
    assert features[feature] == 1.0
    assert features[feature + "_all"] == 1.0


def test_an_amount_seen_on_a_total_row_and_a_cash_row_is_not_only_a_cash_amount():
    pages = _receipt(
        row(0.5, (0.1, "TOTAL"), (0.8, "9.00")), row(0.6, (0.1, "CASH"), (0.8, "9.00"))
    )
    features = _scored(pages, "total", ["total"])["9.00"]
    assert features["neg_cash"] == 1.0 and features["neg_cash_all"] == 0.0
    assert features["repeats"] == 0.5


def test_paid_minus_change_and_sums_of_other_amounts_are_arithmetic_evidence():
    pages = _receipt(
        row(0.40, (0.1, "Item A"), (0.8, "6.00")),
        row(0.43, (0.1, "Item B"), (0.8, "3.00")),
        row(0.50, (0.1, "Amount"), (0.8, "9.00")),
        row(0.55, (0.1, "Cash"), (0.8, "10.00")),
        row(0.58, (0.1, "Change"), (0.8, "1.00")),
    )
    scored = _scored(pages, "total", ["total"])
    assert scored["9.00"]["tendered_minus_change"] == 1.0
    assert scored["10.00"]["tendered_minus_change"] == 0.0
    assert scored["9.00"]["sum_of_two"] == 1.0


def test_larger_text_and_the_position_on_the_page_are_evidence():
    big = row(0.7, (0.1, "TOTAL"), (0.7, "12.00"))
    big[-1] = type(big[-1])("12.00", (0.7, 0.7, 0.8, 0.73), 1.0, 0)
    pages = _receipt(row(0.2, (0.1, "x"), (0.7, "5.00")), big)
    scored = _scored(pages, "total", ["total"])
    assert scored["12.00"]["height"] > scored["5.00"]["height"]
    assert scored["12.00"]["y"] > scored["5.00"]["y"]


def test_a_date_after_vom_on_the_invoice_number_row_is_marked_so():
    pages = [
        page(
            row(0.2, (0.1, "Rechnung Nr. 4711 vom 15.11.2024")),
            row(0.6, (0.1, "Lieferdatum 01.11.2024")),
        )
    ]
    scored = _scored(pages, "date", ["invoice_date"], {**INVOICE, **OTHER})
    assert scored["2024-11-15"]["preposition"] == 1.0
    # The delivery date, right after its own label, is no candidate for the invoice date.
    assert "2024-11-01" not in scored


def test_the_model_prefers_the_labelled_total_over_cash_tendered_and_change():
    fields = extract_receipt(
        _receipt(
            row(0.05, (0.2, "KEDAI MAJU SDN BHD")),
            row(0.40, (0.1, "Sugar 1kg"), (0.8, "4.20")),
            row(0.43, (0.1, "Rice 5kg"), (0.8, "14.80")),
            row(0.50, (0.1, "TOTAL"), (0.8, "19.00")),
            row(0.55, (0.1, "CASH"), (0.8, "50.00")),
            row(0.58, (0.1, "CHANGE"), (0.8, "31.00")),
        )
    )
    assert fields["total"].value == "19.00"
    assert fields["total"].source == "ocr"
    assert fields["merchant"].value == "KEDAI MAJU SDN BHD"


def test_calibration_tables_are_monotone_probabilities():
    weights = scoring._weights()
    assert {"total", "date", "invoice_number", "issuer"} <= set(weights)
    for model in weights.values():
        table = model["calibration"]
        assert table["x"] == sorted(table["x"])
        assert table["y"] == sorted(table["y"])
        assert all(0.0 <= y <= 1.0 for y in table["y"])


def test_calibrate_interpolates_holds_its_top_and_falls_below_the_lowest_score_seen():
    table = scoring._weights()["total"]["calibration"]
    low, high = table["x"][0], table["x"][-1]
    assert scoring.calibrate("total", low) == table["y"][0]
    assert scoring.calibrate("total", low / 2) == pytest.approx(table["y"][0] / 2)
    assert scoring.calibrate("total", high + 1) == table["y"][-1]
    middle = scoring.calibrate("total", (low + high) / 2)
    assert table["y"][0] <= middle <= table["y"][-1]


def test_a_winner_about_as_likely_as_its_rival_is_never_confident():
    locator = Locator(
        [page(row(0.10, (0.1, "Ref"), (0.3, "7781")), row(0.12, (0.1, "Code"), (0.3, "6011")))],
        {**INVOICE, **OTHER},
    )
    scored = scoring.scored_candidates(locator, "invoice_number", ["invoice_number"])
    strong = max(scored, key=lambda s: scoring.probability("invoice_number", s.features))
    for item in scored:
        item.features = dict(strong.features)  # the same evidence: a coin toss
    chosen = scoring.choose("invoice_number", scored, kind="invoice")
    assert chosen.found
    assert chosen.confidence <= 0.5 + 0.3 < 0.9


def test_two_strong_candidates_that_disagree_lower_the_decision_score():
    def item(value, p):
        s = scoring.Scored(candidate=None, features={})  # type: ignore[arg-type]
        s.probability = p
        s.candidate = type("C", (), {"value": value})()  # type: ignore[assignment]
        return s

    for model in ("total", "date", "issuer"):
        _, alone = scoring.decision_score(model, [item("9.00", 0.9), item("9.00", 0.8)])
        _, contested = scoring.decision_score(model, [item("9.00", 0.9), item("10.00", 0.8)])
        assert contested < alone, model


def test_a_winner_the_model_doubts_is_less_sure_than_one_it_believes_in_even_without_rival():
    for model in ("total", "date", "issuer"):
        doubted = scoring.raw_confidence(model, 0.3, 0.0)
        believed = scoring.raw_confidence(model, 0.95, 0.0)
        assert doubted < believed, model


def test_the_total_after_a_rounding_adjustment_is_marked_and_the_one_before_it_too():
    pages = _receipt(
        row(0.50, (0.1, "TOTAL AMT"), (0.8, "60.31")),
        row(0.53, (0.1, "ROUNDING ADJ"), (0.8, "-0.01")),
        row(0.56, (0.1, "RM"), (0.8, "60.30")),
        row(0.59, (0.1, "CASH"), (0.8, "70.30")),
        row(0.62, (0.1, "CHANGE"), (0.8, "10.00")),
    )
    scored = _scored(pages, "total", ["total"])
    assert scored["60.30"]["after_rounding"] == 1 and scored["60.30"]["before_rounding"] == 0
    assert scored["60.31"]["before_rounding"] == 1 and scored["60.31"]["after_rounding"] == 0
    assert scored["70.30"]["after_rounding"] == 0


def test_a_label_ocr_misread_by_a_dropped_letter_or_a_digit_still_labels_its_value():
    for misread in ("TOTL", "T0TAL", "OTAL"):
        pages = _receipt(
            row(0.50, (0.1, misread), (0.8, "73.00")), row(0.6, (0.1, "Thanks"), (0.8, "4.00"))
        )
        scored = _scored(pages, "total", ["total"])
        assert scored["73.00"]["label_right"] > 0.3, misread


def test_a_vowel_ocr_read_as_another_vowel_is_repaired_in_label_words():
    pages = _receipt(
        row(0.50, (0.1, "Totel Amt Peyable :"), (0.8, "8.50")),
        row(0.54, (0.1, "Cash :"), (0.8, "100.00")),
        row(0.58, (0.1, "Chenge :"), (0.8, "91.50")),
    )
    scored = _scored(pages, "total", ["total"])
    assert scored["8.50"]["label_right"] > 0
    # And in the words that speak against a value: the change given back.
    assert scored["91.50"]["neg_cash"] == 1


def test_a_substituted_letter_is_not_repaired_into_another_label():
    # "CHARGE" is one letter from "CHANGE": a service charge must not read as change given.
    pages = _receipt(
        row(0.50, (0.1, "SERVICE CHARGE"), (0.8, "5.00")), row(0.6, (0.1, "TOTAL"), (0.8, "55.00"))
    )
    scored = _scored(pages, "total", ["total"])
    assert scored["5.00"]["neg_cash"] == 0


def test_a_date_glued_to_its_label_and_time_is_a_candidate():
    pages = _receipt(
        row(0.2, (0.1, "Date:9/3/201820:54:50")), row(0.3, (0.1, "TOTAL"), (0.8, "9.00"))
    )
    fields = extract_receipt(pages)
    assert fields["date"].value == "2018-03-09"


def test_the_total_before_a_prepayment_is_marked_and_the_amount_left_after_it_too():
    pages = [
        page(
            row(0.50, (0.1, "Bruttosumme"), (0.8, "1.021,91")),
            row(0.53, (0.1, "Erhaltene Anzahlungen"), (0.8, "-500,00")),
            row(0.56, (0.1, "Zahlbetrag"), (0.8, "521,91")),
        )
    ]
    scored = _scored(pages, "total", ["total_amount"], {**INVOICE, **OTHER})
    assert scored["1021.91"]["before_prepayment"] == 1
    assert scored["1021.91"]["after_prepayment"] == 0
    assert scored["521.91"]["after_prepayment"] == 1
    assert scored["521.91"]["before_prepayment"] == 0


def test_a_total_qualified_by_what_it_sums_speaks_against_the_documents_total():
    pages = [page(row(0.50, (0.1, "Gesamtbetrag der Zuschläge"), (0.8, "30,00")))]
    scored = _scored(pages, "total", ["total_amount"], {**INVOICE, **OTHER})
    assert scored["30.00"]["neg_qty"] == 1


def test_a_date_labelled_as_a_delivery_date_is_not_labelled_as_the_invoice_date():
    pages = [
        page(
            row(0.10, (0.1, "Date :"), (0.3, "31/01/2022")),
            row(0.20, (0.1, "DATE DE LIVRAISON :"), (0.5, "28/01/2022")),
        )
    ]
    scored = _scored(pages, "date", ["invoice_date"], {**INVOICE, **OTHER})
    assert scored["2022-01-31"]["label_right"] > 0
    assert scored["2022-01-28"]["label_right"] == 0
    assert scored["2022-01-28"]["other_right"] > 0


def test_a_date_after_a_number_and_a_preposition_glued_by_ocr_is_on_the_number_row():
    pages = [page(row(0.10, (0.1, "HandelsrechnungNr.471102vom"), (0.5, "13.11.2019")))]
    scored = _scored(pages, "date", ["invoice_date"], {**INVOICE, **OTHER})
    assert scored["2019-11-13"]["preposition"] == 1
    assert scored["2019-11-13"]["number_row"] == 1


def test_a_row_that_names_the_document_without_its_number_is_no_number_row():
    pages = [
        page(
            row(0.10, (0.1, "Rechnung 4711 vom 15.11.2024")),
            row(0.30, (0.1, "This invoice is for the billing period July 1 - July 31 , 2014")),
        )
    ]
    scored = _scored(pages, "date", ["invoice_date"], {**INVOICE, **OTHER})
    assert scored["2024-11-15"]["number_row"] == 1
    assert scored["2014-07-31"]["number_row"] == 0
    # Nor is half of the range a date of its own ("1 - July 31": 1 July 2031).
    assert "2031-07-01" not in scored


def test_a_value_labelled_once_among_its_occurrences_counts_as_labelled():
    pages = _receipt(
        row(0.20, (0.1, "Date:"), (0.5, "12/03/2018")),
        row(0.80, (0.1, "Thanks"), (0.5, "12/03/2018")),
    )
    scored = _scored(pages, "date", ["date"])
    assert scored["2018-03-12"]["no_label"] == 0


def test_invoices_weigh_label_evidence_with_weights_of_their_own():
    pages = [page(row(0.10, (0.1, "Invoice Date:"), (0.5, "20-10-2015")))]
    locator = Locator(pages, {**INVOICE, **OTHER})
    invoice = scoring.scored_candidates(locator, "date", ["invoice_date"], kind="invoice")
    receipt = scoring.scored_candidates(locator, "date", ["invoice_date"], kind="receipt")
    assert invoice[0].features["inv"] == 1
    assert invoice[0].features["inv_label_right"] == invoice[0].features["label_right"] > 0
    assert "inv" not in receipt[0].features


def test_a_number_after_a_number_sign_on_a_compound_document_title_row_has_that_evidence():
    pages = [
        page(
            row(0.10, (0.1, "Schlussrechnung Bau (877) Nr."), (0.5, "210113"), (0.6, "vom")),
            row(0.30, (0.1, "Kundenref."), (0.5, "BT-10")),
        )
    ]
    scored = _scored(pages, "invoice_number", ["invoice_number"], {**INVOICE, **OTHER})
    assert scored["210113"]["after_no"] == 1 and scored["210113"]["document_row"] == 1
    assert scored["BT-10"]["after_no"] == 0 and scored["BT-10"]["document_row"] == 0


def test_a_value_glued_to_its_label_in_one_word_is_labelled():
    pages = [page(row(0.30, (0.1, "Facture"), (0.25, "n°562044387"), (0.45, "du 02/07/2015")))]
    scored = _scored(pages, "invoice_number", ["invoice_number"], {**INVOICE, **OTHER})
    assert scored["562044387"]["label_glued"] == 1
    assert scored["562044387"]["no_label"] == 0


def test_amounts_that_differ_are_rivals_and_a_name_read_twice_is_one_answer():
    assert scoring.is_rival("30.00", "300.00")
    assert scoring.is_rival("F2022-01", "F2022-012")
    assert not scoring.is_rival("ACME GmbH", "ACME GmbH Berlin")
    assert not scoring.is_rival("MR D.I.Y. (JOHOR) SDN BHD (CO.REG", "tan MR D.I.Y. (JOHOR) SDN")
    assert scoring.is_rival("PERNIAGAAN ZHENG HUI", "GOGIANT ENGINEERING (M) SDN BHD")


def test_an_amount_whose_point_ocr_read_as_a_dash_is_read_beside_a_total_label_only():
    pages = _receipt(
        row(0.10, (0.1, "TIME:"), (0.3, "20:18")),
        row(0.40, (0.1, "SUB-TOTAL"), (0.7, "27.27")),
        row(0.42, (0.1, "GST"), (0.7, "1.64")),
        row(0.44, (0.1, "ROUNDING"), (0.7, "-0.01")),
        row(0.46, (0.1, "TOTAL"), (0.7, "28-90")),
        row(0.48, (0.1, "CASH"), (0.7, "28:90")),
    )
    scored = _scored(pages, "total", ["total"])
    assert "20.18" not in scored
    assert scored["28.90"]["integer"] == 0
    assert extract_receipt(pages)["total"].value == "28.90"


def test_the_customers_order_number_on_the_invoices_title_row_is_not_the_invoice_number():
    from jobs.extraction.fields.api import extract_fields

    pages = [
        page(
            row(0.04, (0.55, "Schreinerei Holz & Form GmbH")),
            row(0.22, (0.55, "Rechnungsnummer:"), (0.75, "RE-1001")),
            row(0.24, (0.55, "Rechnungsdatum:"), (0.75, "15.06.2025")),
            row(0.35, (0.05, "Rechnung gemäß Bestellung Nr. 2025-471331 vom 01.06.2025")),
            row(0.64, (0.55, "Rechnungsbetrag"), (0.80, "1.428,00 €")),
        )
    ]
    scored = _scored(pages, "invoice_number", ["invoice_number"], {**INVOICE, **OTHER})
    # Headed by the order's label and nowhere by the invoice number's, it is no candidate.
    assert "2025-471331" not in scored and "RE-1001" in scored
    assert extract_fields("invoice", pages).fields["invoice_number"].value == "RE-1001"


def test_the_start_and_end_of_a_service_period_are_no_invoice_dates():
    pages = [
        page(
            row(0.05, (0.55, "FACTURE N° : F20220027")),
            row(0.07, (0.55, "Date :"), (0.65, "31/01/2022")),
            row(0.50, (0.05, "Date début :"), (0.20, "01/01/2022")),
            row(0.52, (0.05, "Start date:"), (0.20, "01/01/2022")),
        )
    ]
    scored = _scored(pages, "date", ["invoice_date"], {**INVOICE, **OTHER})
    assert "2022-01-01" not in scored
    assert scored["2022-01-31"]["label_right"] > 0
