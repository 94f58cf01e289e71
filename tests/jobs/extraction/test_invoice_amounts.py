"""Net + tax = total: an invoice's amounts are reconciled with what the page prints."""

from __future__ import annotations

from jobs.extraction.fields.invoice import extract_invoice
from tests.jobs.extraction.helpers import page, row


def test_the_tax_is_the_printed_difference_of_total_and_net_not_the_base_it_is_charged_on():
    pages = [
        page(
            row(0.50, (0.1, "Art"), (0.3, "Basisbetrag"), (0.5, "Steuersatz"), (0.7, "Steuer")),
            row(0.53, (0.1, "Umsatzsteuer"), (0.3, "3600,00"), (0.5, "19"), (0.7, "684,00")),
            row(0.60, (0.1, "Nettobetrag"), (0.7, "3600,00")),
            row(0.63, (0.1, "Steuerbetrag"), (0.5, "19 %"), (0.7, "3600,00")),
            row(0.66, (0.1, "Gesamtbetrag"), (0.7, "4284,00")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["total_amount"].value == "4284.00"
    assert fields["net_amount"].value == "3600.00"
    assert fields["tax_amount"].value == "684.00"
    assert fields["tax_amount"].box is not None


def test_amounts_that_already_add_up_are_left_as_found():
    pages = [
        page(
            row(0.60, (0.1, "Net amount"), (0.7, "100.00")),
            row(0.63, (0.1, "VAT 20%"), (0.7, "20.00")),
            row(0.66, (0.1, "Total amount due"), (0.7, "120.00")),
        )
    ]
    fields = extract_invoice(pages)
    assert [fields[k].value for k in ("net_amount", "tax_amount", "total_amount")] == [
        "100.00",
        "20.00",
        "120.00",
    ]


def test_a_difference_the_page_does_not_print_is_not_invented():
    pages = [
        page(
            row(0.60, (0.1, "Net amount"), (0.7, "100.00")),
            row(0.63, (0.1, "VAT 20%"), (0.7, "25.00")),
            row(0.66, (0.1, "Total amount due"), (0.7, "120.00")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["tax_amount"].value == "25.00"


def test_net_and_tax_are_the_labelled_pair_that_adds_up_to_the_total_not_an_advances():
    pages = [
        page(
            row(0.50, (0.1, "Nettobetrag"), (0.7, "11.119,50")),
            row(0.53, (0.1, "zzgl. 20 % USt."), (0.7, "2.223,90")),
            row(0.56, (0.1, "Gesamtbetrag brutto"), (0.7, "13.343,40")),
            row(0.59, (0.1, "abzüglich Anzahlung lt. AR Nr. 2025-0041 vom 3. Februar 2025")),
            row(0.62, (0.1, "(netto 4.000,00 zzgl. 20 % USt. 800,00)"), (0.7, "-4.800,00")),
            row(0.65, (0.1, "Zu zahlender Betrag"), (0.7, "8.543,40")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["total_amount"].value == "13343.40"
    assert fields["net_amount"].value == "11119.50"
    assert fields["tax_amount"].value == "2223.90"


def test_a_rand_amount_with_its_sign_glued_and_thousands_spaced_is_read_whole():
    pages = [
        page(
            row(0.60, (0.1, "Sub Total (Excl. VAT)"), (0.7, "R5 904.00")),
            row(0.63, (0.1, "VAT @ 15%"), (0.7, "R885.60")),
            row(0.66, (0.1, "TOTAL (Incl. VAT)"), (0.7, "R6 789.60")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["total_amount"].value == "6789.60"
    assert fields["net_amount"].value == "5904.00"
    assert fields["currency"].value == "ZAR"


def test_net_and_tax_under_their_column_headers_add_up_to_the_total():
    pages = [
        page(
            row(0.40, (0.1, "Betalningsvillkor 30 dagar netto"), (0.6, "411 02 GÖTEBORG")),
            row(
                0.60,
                (0.08, "Belopp exkl. moms"),
                (0.28, "Momssats"),
                (0.39, "Moms"),
                (0.55, "Valuta"),
                (0.65, "Att betala"),
            ),
            row(
                0.62,
                (0.12, "73 843,00"),
                (0.28, "25 %"),
                (0.43, "18 460,75"),
                (0.55, "SEK"),
                (0.65, "92 303,75"),
            ),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["total_amount"].value == "92303.75"
    assert fields["net_amount"].value == "73843.00"
    assert fields["tax_amount"].value == "18460.75"


def test_a_net_and_tax_that_add_up_the_wrong_way_round_are_swapped():
    pages = [
        page(
            row(
                0.60,
                (0.1, "GST codes: GST = taxable 10%"),
                (0.5, "Subtotal (ex GST)"),
                (0.7, "$6,110.10"),
            ),
            row(0.63, (0.5, "GST"), (0.7, "$426.01")),
            row(0.66, (0.5, "TOTAL (inc GST) AUD"), (0.7, "$6,536.11")),
        )
    ]
    fields = extract_invoice(pages)
    assert fields["net_amount"].value == "6110.10"
    assert fields["tax_amount"].value == "426.01"
