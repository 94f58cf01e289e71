import datetime as dt

import pytest

from jobs.extraction.fields import extract_fields, validate_schema
from jobs.extraction.fields.custom import extract_custom
from tests.jobs.extraction.helpers import page, row

SCHEMA = [
    {
        "name": "order_no",
        "label": "Order number",
        "type": "reference",
        "required": True,
        "anchors": ["Order number", "Bestellnummer"],
        "pattern": r"\d{6}",
    },
    {"name": "shipped", "label": "Shipped", "type": "date", "anchors": ["Shipped on"]},
    {
        "name": "method",
        "label": "Method",
        "type": "choice",
        "anchors": ["Shipping"],
        "choices": ["Express", "Standard"],
    },
    {"name": "contact", "label": "Contact", "type": "email", "required": True, "anchors": ["Mail"]},
]


def _page():
    return page(
        row(0.1, (0.1, "Bestellnummer:"), (0.4, "123456")),
        row(0.15, (0.1, "Shipped on"), (0.4, "3. März 2024")),
        row(0.2, (0.1, "Shipping"), (0.4, "express")),
    )


def test_valid_schema_has_no_errors():
    assert validate_schema(SCHEMA) == []


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ([], "non-empty list"),
        ([{"name": "a", "type": "text", "anchors": ["A"]}] * 2, "unique"),
        ([{"name": "1a", "type": "text", "anchors": ["A"]}], "identifier"),
        ([{"name": "a", "type": "colour", "anchors": ["A"]}], "type 'colour'"),
        ([{"name": "a", "type": "text", "anchors": ["A"], "pattern": "("}], "does not compile"),
        ([{"name": "a", "type": "choice", "anchors": ["A"]}], "choices"),
        ([{"name": "a", "type": "text", "anchors": []}], "anchors"),
        ([{"name": "a", "type": "text", "anchors": ["A", 3]}], "anchors"),
        ([{"name": "a", "type": "text", "anchors": ["A"], "required": "yes"}], "required"),
        ([{"name": "a", "type": "text", "anchors": ["A"], "colour": 1}], "unknown keys"),
    ],
)
def test_invalid_schema_is_explained(schema, fragment):
    errors = validate_schema(schema)
    assert errors and any(fragment in e for e in errors), errors


def test_custom_fields_are_found_by_their_anchors_and_typed():
    fields = extract_custom([_page()], SCHEMA)
    assert fields["order_no"].value == "123456"
    assert fields["shipped"].value == "2024-03-03"
    assert fields["method"].value == "Express"
    assert fields["contact"].value is None


def test_custom_extraction_reports_required_missing_fields():
    result = extract_fields("custom", [_page()], schema=SCHEMA, today=dt.date(2024, 6, 1))
    data = result.to_dict()
    assert [e["code"] for e in data["validation_errors"]] == ["required_missing"]
    assert data["fields"]["contact"]["validation_errors"][0]["code"] == "required_missing"
    assert data["fields"]["order_no"]["band"] == "high"


def test_custom_pattern_mismatch_is_a_field_error():
    p = page(row(0.1, (0.1, "Order number"), (0.4, "12345A")))
    result = extract_fields("custom", [p], schema=SCHEMA[:1])
    order = result.fields["order_no"]
    assert order.value == "12345A"
    assert [e["code"] for e in order.validation_errors] == ["pattern_mismatch"]


def test_invalid_schema_is_rejected_by_extraction():
    with pytest.raises(ValueError, match="Invalid schema"):
        extract_fields("custom", [_page()], schema=[{"name": "x"}])
