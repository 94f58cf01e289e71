"""Receipt fields beyond the scored ones: the time of day."""

from __future__ import annotations

from jobs.extraction.fields.receipt import extract_receipt
from tests.jobs.extraction.helpers import page, row


def _time(*rows) -> str | None:
    return extract_receipt([page(*rows, source="ocr")])["time"].value


def test_a_time_with_pm_is_given_on_the_24_hour_clock():
    assert _time(row(0.10, (0.05, "Jan 18, 2025 7:41 PM"))) == "19:41"
    assert _time(row(0.10, (0.05, "18/01/2025 12:05am"))) == "00:05"
    assert _time(row(0.10, (0.05, "18/01/2025 12:30 p.m."))) == "12:30"


def test_a_time_without_am_or_pm_is_kept_as_printed():
    assert (
        _time(row(0.10, (0.05, "12.03.2024"), (0.25, "14:22"), (0.40, "Bon-Nr.:4711"))) == "14:22"
    )


def _receipt_total(*lines: str) -> str:
    from jobs.extraction.fields.api import extract_fields

    rows = [row(0.05 + 0.04 * i, (0.1, line)) for i, line in enumerate(lines)]
    return str(extract_fields("receipt", [page(*rows, source="ocr")]).fields["total"].value)


def test_a_minus_read_before_a_receipts_total_is_dropped_unless_it_is_a_refund():
    sale = ["GARDENIA BAKERIES SDN BHD", "TAX INVOICE", "Date: 03/08/2017", "Bread 51.88"]
    assert _receipt_total(*sale, "Total Payable: -51.88") == "51.88"
    refund = ["GARDENIA BAKERIES SDN BHD", "REFUND", "Date: 03/08/2017", "Bread -51.88"]
    assert _receipt_total(*refund, "Total Payable: -51.88") == "-51.88"
    # Lines given back, printed negative: an adjustment the shop owes.
    returned = ["GARDENIA BAKERIES SDN BHD", "ADJUSTMENT NOTE", "Date: 29/09/2017"]
    lines = ["Bread 12.98", "Muffin -11.25", "Tiramisu -3.46"]
    assert _receipt_total(*returned, *lines, "Total Payable: -1.73") == "-1.73"


def _receipt(*cells_rows) -> dict:
    from jobs.extraction.fields.api import extract_fields

    rows = [row(0.05 + 0.03 * i, *cells) for i, cells in enumerate(cells_rows)]
    return extract_fields("receipt", [page(*rows, source="ocr")]).fields


def test_the_total_is_the_bill_not_the_balance_left_after_a_benefit_paid_part_of_it():
    fields = _receipt(
        [(0.3, "GREEN VALLEY MARKET")],
        [(0.1, "Store #214 Dayton, OH")],
        [(0.1, "3380 Far Hills Ave, Dayton OH 45429")],
        [(0.1, "04/12/2024 5:48 PM LN 4")],
        [(0.1, "GV 2% MILK GAL"), (0.7, "3.49")],
        [(0.1, "PAPER TOWELS 6 RL"), (0.7, "8.99")],
        [(0.1, "SUBTOTAL"), (0.7, "32.58")],
        [(0.1, "TAX 7.500% ON 10.78"), (0.7, "0.81")],
        [(0.1, "**** TOTAL"), (0.7, "33.39")],
        [(0.1, "EBT SNAP TEND"), (0.7, "21.80")],
        [(0.1, "BALANCE DUE"), (0.7, "11.59")],
        [(0.1, "CASH TEND"), (0.7, "20.00")],
        [(0.1, "CHANGE DUE"), (0.7, "8.41")],
    )
    assert fields["total"].value == "33.39"
    # A US address without a comma before its state still reads the date month first.
    assert fields["date"].value == "2024-04-12"
    # The branch line is no part of the shop's name.
    assert fields["merchant"].value == "GREEN VALLEY MARKET"


def test_a_tax_total_in_another_language_is_not_the_receipts_total():
    fields = _receipt(
        [(0.3, "HOSTINEC U ZELENÉHO DŽBÁNU")],
        [(0.1, "Datum: 22.03.2024 21:47")],
        [(0.1, "Svíčková na smetaně"), (0.7, "229,00")],
        [(0.1, "Mezisoučet (9 pol.)"), (0.7, "594,50")],
        [(0.1, "Zaokrouhlení"), (0.7, "0,50")],
        [(0.1, "Celkem Kč"), (0.7, "595,00")],
        [(0.1, "Hotově"), (0.7, "600,00")],
        [(0.1, "Vráceno"), (0.7, "5,00")],
        [(0.1, "DPH celkem"), (0.7, "76,05")],
    )
    assert fields["total"].value == "595.00"


def test_a_currency_sign_read_as_a_letter_glued_to_the_total_leaves_the_amount():
    fields = _receipt(
        [(0.3, "QUICKMART 24")],
        [(0.1, "14/06/2024 20:15")],
        [(0.1, "Sandwich Ham&Cheese"), (0.7, "35.00")],
        [(0.1, "TOTAL"), (0.7, "B126.00")],
        [(0.1, "CASH"), (0.7, "200.00")],
        [(0.1, "CHANGE"), (0.7, "74.00")],
        [(0.1, "Stamps this bill: 2 Total: 36")],
    )
    assert fields["total"].value == "126.00"
