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
