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
