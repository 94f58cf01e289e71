import pytest

from jobs.extraction.fields.normalize import (
    parse,
    parse_amount,
    parse_currency,
    parse_date,
    parse_email,
    parse_iban,
    parse_number,
    parse_phone,
    parse_reference,
    parse_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28.11.2022", "2022-11-28"),
        ("28/11/2022", "2022-11-28"),
        ("2014-08-03", "2014-08-03"),
        ("12/31/2014", "2014-12-31"),
        ("20-10-15", "2015-10-20"),
        ("3 August 2014", "2014-08-03"),
        ("August 3, 2014", "2014-08-03"),
        ("August 3 , 2014", "2014-08-03"),
        ("20-Oct-2015", "2015-10-20"),
        ("18 april 2014", "2014-04-18"),
        ("1er août 2020", "2020-08-01"),
        ("02 Juillet 2015", "2015-07-02"),
        ("28 novembre 2022", "2022-11-28"),
        ("5 mei 2021", "2021-05-05"),
        ("3 dicembre 2019", "2019-12-03"),
    ],
)
def test_written_dates_in_five_languages_are_normalised_to_iso(text, expected):
    assert parse_date(text).value == expected


def test_german_date_with_month_name_is_normalised():
    assert parse_date("7. Mai 2014").value == "2014-05-07"
    assert parse_date("3. März 2020").value == "2020-03-03"


def test_ambiguous_numeric_date_is_read_day_first():
    assert parse_date("04/05/2020").value == "2020-05-04"


@pytest.mark.parametrize("text", ["31/02/2020", "Seite 1", "01.05.14-31.05.14", "", "32 May 2020"])
def test_malformed_dates_are_invalid(text):
    result = parse_date(text)
    assert not result.ok
    assert result.error_code == "invalid_date"


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("1.234,56", "1234.56", None),
        ("1,234.56", "1234.56", None),
        ("1 234,56 €", "1234.56", "EUR"),
        ("$4.11", "4.11", "USD"),
        ("EUR 34,73", "34.73", "EUR"),
        ("€ -9,32", "-9.32", "EUR"),
        ("(1,234.56)", "-1234.56", None),
        ("1234.56-", "-1234.56", None),
        ("Rs. 40", "40.00", "INR"),
        ("£12", "12.00", "GBP"),
        ("RM39.00", "39.00", "MYR"),
        ("RM 39.00", "39.00", "MYR"),
        ("EUR12,50", "12.50", "EUR"),
        ("12,50EUR", "12.50", "EUR"),
        ("RM2.70S", "2.70", "MYR"),
        ("26.00*", "26.00", None),
        ("₹ 1,18,000.00", "118000.00", "INR"),
        ("12,34,567.89", "1234567.89", None),
        ("CHF 1'234.50", "1234.50", "CHF"),
    ],
)
def test_amounts_in_any_convention_become_decimal_strings(text, value, currency):
    result = parse_amount(text)
    assert (result.value, result.currency) == (value, currency)


@pytest.mark.parametrize(
    "text",
    ["14.50%", "01.05.14", "abc", "1,2,3", "12 34", "FORM 12", "EURO5", "12.50XYZ", "1,23,45"],
)
def test_malformed_amounts_are_invalid(text):
    assert parse_amount(text).error_code == "invalid_amount"


def test_amount_with_decimals_and_currency_scores_above_a_bare_integer():
    assert parse_amount("€ 12,00").score > parse_amount("2014").score


def test_numbers_are_plain_decimal_strings():
    assert parse_number("1").value == "1"
    assert parse_number("2,5").value == "2.5"
    assert parse_number("x1").error_code == "invalid_number"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("€", "EUR"),
        ("$", "USD"),
        ("£", "GBP"),
        ("₹", "INR"),
        ("Rs.", "INR"),
        ("chf", "CHF"),
        ("euros", "EUR"),
    ],
)
def test_currency_symbols_and_codes_map_to_iso_4217(text, code):
    assert parse_currency(text).value == code


def test_unknown_currency_is_invalid():
    assert parse_currency("XYZ").error_code == "invalid_currency"


def test_iban_is_compacted_uppercased_and_checksummed():
    assert parse_iban("fr76 1010 7002 4500 6170 5231 739").value == "FR7610107002450061705231739"
    assert parse_iban("DE31507500940000048567").error_code == "invalid_iban"
    assert parse_iban("FR76 ****").error_code == "invalid_iban"


def test_email_phone_and_text_are_normalised():
    assert parse_email("Info@Example.DE").value == "info@example.de"
    assert parse_email("info at example").error_code == "invalid_email"
    assert parse_phone("+49 6051 916 44 10").value == "+4960519164410"
    assert parse_phone("0049 (0)6051-9164410").value == "+49060519164410"
    assert parse_phone("call me").error_code == "invalid_phone"
    assert parse_text("  ACME   GmbH ").value == "ACME GmbH"
    assert parse_text(" -- ").error_code == "invalid_text"


def test_choice_matches_case_and_accent_insensitively_and_returns_the_canonical_spelling():
    assert parse("choice", "ESPÈCES", choices=["Espèces", "Carte"]).value == "Espèces"
    assert parse("choice", "cheque", choices=["Espèces", "Carte"]).error_code == "invalid_choice"


def test_reference_strips_a_leading_hash_and_rejects_amounts():
    assert parse("reference", "#BLR_WFLD2015").value == "BLR_WFLD2015"
    assert not parse("reference", "4.11").ok


def test_unknown_type_is_an_error():
    with pytest.raises(ValueError):
        parse("colour", "red")


def test_a_run_of_thirty_digits_is_no_amount_and_does_not_crash_the_parser():
    from jobs.extraction.fields.normalize import parse_amount

    assert not parse_amount("123456789012345678901234567890.00").ok
    assert parse_amount("123456789012345.00").value == "123456789012345.00"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("471102vom", "471102"),
        ("HandelsrechnungNr.471102vom", "471102"),
        ("F20220027", "F20220027"),
        ("INV-2024-001", "INV-2024-001"),
    ],
)
def test_a_number_ocr_glued_to_its_label_or_the_next_word_is_read_alone(text, value):
    assert parse_reference(text).value == value


def test_cents_without_a_leading_zero_and_an_o_read_for_a_zero_are_amounts():
    assert parse_amount("-.02").value == "-0.02"
    assert parse_amount(".00").value == "0.00"
    assert parse_amount("RM .00").value == "0.00"
    repaired = parse_amount("1O.50")
    assert repaired.value == "10.50" and repaired.score < parse_amount("10.50").score
    assert not parse_amount("OK").ok and not parse_amount("1O").ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N°AV-2025-007", "AV-2025-007"),
        ("Nr.:4711", "4711"),
        ("No.12345", "12345"),
        ("NO12345", "NO12345"),  # a reference of its own, not a glued sign
        ("FT 2024/117", "FT 2024/117"),  # a Portuguese document's number keeps its type
    ],
)
def test_a_number_sign_glued_to_a_reference_is_not_part_of_it(text: str, expected: str) -> None:
    assert parse_reference(text).value == expected


def test_a_capital_r_glued_to_an_amount_with_cents_is_the_rand_and_nothing_else_is():
    from jobs.extraction.fields.normalize import parse_amount

    assert (parse_amount("R6 789.60").value, parse_amount("R6 789.60").currency) == (
        "6789.60",
        "ZAR",
    )
    assert parse_amount("R45.00").currency == "ZAR"
    # A receipt's number and a code are no amounts.
    assert not parse_amount("R000027830").ok
    assert not parse_amount("R05").ok
    assert not parse_amount("r12.00").ok
