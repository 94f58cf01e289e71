"""Dates as receipts and invoices print them, and as OCR glues them to their neighbours."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.extraction.fields.dates import DateError, compact_date, embedded_date, parse_date_text


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Date:12/02/2018", dt.date(2018, 2, 12)),
        ("9/3/201820:54:50", dt.date(2018, 3, 9)),
        ("14/03/20185:57:07PM", dt.date(2018, 3, 14)),
        ("06/04/1711:43am", dt.date(2017, 4, 6)),
        ("#19-18/03/201823:02:16", dt.date(2018, 3, 18)),
        ("[Sales]2018-01-0522:55:25", dt.date(2018, 1, 5)),
        ("30/04/2017(Sun)23:14", dt.date(2017, 4, 30)),
        ("Tarikh:05-02-18", dt.date(2018, 2, 5)),
    ],
)
def test_a_date_glued_to_a_label_or_a_time_is_found_inside_its_word(word, expected):
    assert embedded_date(word) == expected


@pytest.mark.parametrize(
    "word", ["Tel:03-1234-5678", "12.50", "1234/05/2018", "000105/01/201813:30-R", "31/02/2018"]
)
def test_phone_numbers_amounts_and_impossible_days_are_not_dates(word):
    assert embedded_date(word) is None


def test_eight_digits_are_a_date_only_when_one_reading_is_plausible():
    assert compact_date("27032018") == dt.date(2018, 3, 27)
    assert compact_date("20180304") == dt.date(2018, 3, 4)
    assert compact_date("12345678") is None
    assert compact_date("2703201") is None


def test_a_month_name_glued_to_its_day_is_read():
    assert parse_date_text("25Mar 2018") == dt.date(2018, 3, 25)
    assert parse_date_text("1st March 2018") == dt.date(2018, 3, 1)


def test_a_document_writes_its_dates_month_first_when_its_own_dates_say_so():
    from jobs.extraction.fields.dates import month_first

    assert month_first("Ordered 11/23/2024, shipped 03/04/2024")
    assert not month_first("Bestellt 23.11.2024, geliefert 03.04.2024")
    # Two-digit years are as often codes: they do not decide.
    assert not month_first("LOT 11-18-06 Date 04/06/2018")


def test_without_an_unambiguous_date_an_address_in_the_united_states_reads_month_first():
    from jobs.extraction.fields.dates import month_first

    assert month_first("2001 Point West Way\nSacramento, CA 95815\n11/02/2024 15:21")
    # A German postcode with its country code is no US state.
    assert not month_first("Lieferant GmbH\nDE 80333 München\n11.02.2024")


def test_a_us_receipt_with_a_date_that_reads_either_way_is_read_month_first():
    from jobs.extraction.fields.api import extract_fields
    from tests.jobs.extraction.helpers import page, row

    result = extract_fields(
        "receipt",
        [
            page(
                row(0.03, (0.3, "CORNER GROCERY")),
                row(0.05, (0.25, "Sacramento, CA 95815")),
                row(0.20, (0.1, "TOTAL"), (0.7, "$6.44")),
                row(0.28, (0.1, "11/02/2024 15:21")),
            )
        ],
    )
    assert result.fields["date"].value == "2024-11-02"


def test_a_range_of_dates_gives_its_end_and_no_date_made_of_its_halves():
    # "1 - July 31" reads as 1 July 2031 unless the dash between them is seen as a range's.
    with pytest.raises(DateError):
        parse_date_text("1 - July 31")
    assert parse_date_text("July 31 , 2014") == dt.date(2014, 7, 31)
    assert parse_date_text("12 - Mar - 2018") == dt.date(2018, 3, 12)


def test_a_date_ending_in_a_dot_as_hungarian_and_croatian_invoices_print_it():
    assert parse_date_text("2025.03.10.") == dt.date(2025, 3, 10)
    assert parse_date_text("21.03.2025.") == dt.date(2025, 3, 21)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 de marzo de 2025", dt.date(2025, 3, 15)),
        ("3 de fevereiro de 2025", dt.date(2025, 2, 3)),
        ("12 marca 2025 r.", dt.date(2025, 3, 12)),
        ("2025 m. kovo 12 d.", dt.date(2025, 3, 12)),
        ("2025. március 10.", dt.date(2025, 3, 10)),
        ("14. maaliskuuta 2025", dt.date(2025, 3, 14)),
        ("3 ekim 2024", dt.date(2024, 10, 3)),
        ("5 Ogos 2018", dt.date(2018, 8, 5)),
        ("12th of March 2025", dt.date(2025, 3, 12)),
    ],
)
def test_a_date_written_in_words_in_the_lexicons_languages(text: str, expected: dt.date) -> None:
    assert parse_date_text(text) == expected


def test_dates_that_read_either_way_read_month_first_when_only_that_puts_the_due_date_after():
    from jobs.extraction.fields.api import extract_fields
    from tests.jobs.extraction.helpers import page, row

    rows = [
        row(0.03, (0.1, "Lumen Studio")),
        row(0.10, (0.1, "Date of Issue"), (0.4, "03/04/2025")),
        row(0.12, (0.1, "Due Date"), (0.4, "04/03/2025")),
        row(0.14, (0.1, "Invoice Number"), (0.4, "0000212")),
        row(0.40, (0.5, "Amount Due"), (0.8, "2,112.00")),
    ]
    fields = extract_fields("invoice", [page(*rows)]).fields
    assert (fields["invoice_date"].value, fields["due_date"].value) == ("2025-03-04", "2025-04-03")
    # A date only day first can be read makes the page's order day first, whatever the due.
    rows.append(row(0.50, (0.1, "Delivered 25/02/2025")))
    fields = extract_fields("invoice", [page(*rows)]).fields
    assert fields["invoice_date"].value == "2025-04-03"


def test_the_date_of_an_advance_deducted_is_not_the_invoice_date():
    from jobs.extraction.fields.invoice import extract_invoice
    from tests.jobs.extraction.helpers import page, row

    pages = [
        page(
            row(0.20, (0.6, "Gmunden, 15. März 2025")),
            row(0.23, (0.1, "Schlussrechnung Nr. 2025-0087")),
            row(0.50, (0.1, "Gesamtbetrag brutto"), (0.7, "13.343,40")),
            row(0.53, (0.1, "abzüglich Anzahlung lt. AR Nr. 2025-0041 vom 3. Februar 2025")),
            row(0.56, (0.1, "Zu zahlender Betrag"), (0.7, "8.543,40")),
        )
    ]
    assert extract_invoice(pages)["invoice_date"].value == "2025-03-15"


def test_a_coupons_end_of_validity_is_not_the_receipts_date():
    from jobs.extraction.fields.receipt import extract_receipt
    from tests.jobs.extraction.helpers import page, row

    pages = [
        page(
            row(0.05, (0.3, "PENNYFIELD")),
            row(0.30, (0.1, "TOTAL"), (0.6, "£17.96")),
            row(0.60, (0.1, "SAVE £1 ON YOUR NEXT SHOP")),
            row(0.62, (0.1, "VALID UNTIL 30/11/2024")),
            row(0.64, (0.1, "04/11/2024 14:32 ST 0417 TILL 03")),
            source="ocr",
        )
    ]
    assert extract_receipt(pages)["date"].value == "2024-11-04"


def test_a_date_glued_to_its_time_by_a_dash_is_found_and_a_vouchers_end_is_not_the_date():
    from jobs.extraction.fields.receipt import extract_receipt
    from tests.jobs.extraction.helpers import page, row

    assert embedded_date("15.08.2024-19:02") == dt.date(2024, 8, 15)
    pages = [
        page(
            row(0.05, (0.3, "TOKO HEMAT")),
            row(0.10, (0.1, "15.08.2024-19:02 2.0.41")),
            row(0.30, (0.1, "TOTAL :"), (0.6, "124.200")),
            row(0.60, (0.1, "VOUCHER Rp 5.000 BERLAKU S/D 31.08.2024")),
            source="ocr",
        )
    ]
    assert extract_receipt(pages)["date"].value == "2024-08-15"


def test_a_date_with_a_two_digit_year_glued_to_its_time_by_a_dash_is_found():
    assert embedded_date("11.02.26-19:22") == dt.date(2026, 2, 11)
    assert embedded_date("11-02-26-19:22") == dt.date(2026, 2, 11)
    assert embedded_date("06/04/1711:43am") == dt.date(2017, 4, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025. gada 7. novembrī", dt.date(2025, 11, 7)),
        ("14 березня 2025 р.", dt.date(2025, 3, 14)),
        ("7 май 2025 г.", dt.date(2025, 5, 7)),
        ("3 септември 2025", dt.date(2025, 9, 3)),
    ],
)
def test_latvian_and_cyrillic_written_dates_are_read(text, expected):
    assert parse_date_text(text) == expected
