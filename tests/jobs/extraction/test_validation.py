import datetime as dt

from jobs.extraction.fields.model import ExtractedField
from jobs.extraction.fields.validation import (
    required_errors,
    review_policy,
    totals_errors,
    validate_value,
)

TODAY = dt.date(2024, 6, 1)


def _f(value, confidence=0.9):
    return ExtractedField(value=value, raw=str(value), confidence=confidence)


def _codes(errors):
    return [e["code"] for e in errors]


def test_iban_with_a_wrong_checksum_is_invalid():
    assert _codes(validate_value("iban", _f("DE31507500940000048567"))) == ["invalid_iban"]
    assert validate_value("iban", _f("DE30507500940000048567")) == []


def test_dates_before_1990_or_over_a_year_ahead_are_out_of_range():
    assert _codes(validate_value("date", _f("1989-12-31"), today=TODAY)) == ["date_out_of_range"]
    assert _codes(validate_value("date", _f("2025-07-01"), today=TODAY)) == ["date_out_of_range"]
    assert validate_value("date", _f("2025-05-01"), today=TODAY) == []


def test_pattern_mismatch_is_reported():
    errors = validate_value("text", _f("AB-12"), pattern=r"\d+")
    assert _codes(errors) == ["pattern_mismatch"]


def test_totals_mismatch_when_net_plus_tax_differs_from_total():
    fields = {"net_amount": _f("100.00"), "tax_amount": _f("19.00"), "total_amount": _f("120.00")}
    assert _codes(totals_errors(fields)) == ["totals_mismatch"]


def test_totals_within_a_cent_or_incomplete_are_not_a_mismatch():
    fields = {"net_amount": _f("100.00"), "tax_amount": _f("19.00"), "total_amount": _f("119.01")}
    assert totals_errors(fields) == []
    assert totals_errors({"net_amount": _f("1.00"), "total_amount": _f("5.00")}) == []


def test_missing_required_field_is_reported():
    errors = required_errors({"a": ExtractedField(), "b": _f("x")}, ["a", "b", "c"])
    assert [(e["code"], e["field"]) for e in errors] == [
        ("required_missing", "a"),
        ("required_missing", "c"),
    ]


def test_review_is_needed_when_a_required_field_is_missing():
    needs, errors = review_policy({"total": ExtractedField()}, required=["total"], threshold=0.5)
    assert needs and _codes(errors) == ["required_missing"]


def test_review_is_needed_when_a_confidence_is_below_the_threshold():
    needs, errors = review_policy({"total": _f("1.00", 0.4)}, required=["total"], threshold=0.5)
    assert needs and errors == []


def test_review_is_needed_when_a_field_has_validation_errors():
    field = _f("DE31507500940000048567")
    field.validation_errors.append({"code": "invalid_iban", "message": "bad"})
    needs, _ = review_policy({"iban": field}, required=[], threshold=0.5)
    assert needs


def test_review_is_needed_for_document_errors():
    fields = {"total": _f("1.00")}
    needs, errors = review_policy(
        fields,
        required=[],
        threshold=0.5,
        document_errors=[{"code": "totals_mismatch", "message": "x"}],
    )
    assert needs and _codes(errors) == ["totals_mismatch"]


def test_no_review_for_complete_confident_valid_fields():
    needs, errors = review_policy({"total": _f("1.00", 0.95)}, required=["total"], threshold=0.8)
    assert (needs, errors) == (False, [])


def test_an_optional_field_below_the_threshold_does_not_hold_a_document_back():
    fields = {"total": _f("1.00", 0.95), "due_date": _f("2024-01-01", 0.2)}
    needs, errors = review_policy(fields, required=["total"], threshold=0.8)
    assert not needs and errors == []


def test_a_required_field_below_the_threshold_sends_the_document_to_review():
    fields = {"total": _f("1.00", 0.7), "due_date": _f("2024-01-01", 0.99)}
    needs, _ = review_policy(fields, required=["total"], threshold=0.8)
    assert needs


def test_an_ocr_page_read_without_its_letters_is_unreadable_and_its_values_are_guesses():
    from jobs.extraction.fields.api import extract_fields
    from tests.jobs.extraction.helpers import page, row

    garbled = page(
        row(0.05, (0.1, "« » 41234567 . , ,")),
        row(0.10, (0.1, "- -0000412 14 2025 p.")),
        row(0.12, (0.1, ": « » 79040, . , . , . 174, . +380 32 245 1870")),
        row(0.15, (0.1, "10.03.2025 : « » 305299")),
        row(0.60, (0.1, ". 55 069,00 11 013,80 66 082,80")),
        source="ocr",
    )
    result = extract_fields("invoice", [garbled])
    assert [e["code"] for e in result.validation_errors] == ["unreadable_text"]
    assert all(
        f.confidence <= 0.5 for f in result.fields.values() if hasattr(f, "confidence") and f.found
    )
    readable = page(
        row(0.05, (0.1, "ACME Trading Ltd")),
        row(0.10, (0.1, "Invoice No. 4711 Date 10.03.2025")),
        row(0.60, (0.1, "Total 66,082.80 EUR")),
        source="ocr",
    )
    codes = [e["code"] for e in extract_fields("invoice", [readable]).validation_errors]
    assert "unreadable_text" not in codes
