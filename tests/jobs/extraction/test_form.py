from pathlib import Path

import pytest

from jobs.extraction.fields import extract_fields, extract_form
from tests import documents


def _form(path: Path) -> Path:
    # documents.form_pdf puts field n's widget at x 60..300 pt, 20 pt high, 40 pt apart from
    # y 780 pt down, on an A4 page (595 x 842 pt).
    target = path / "form.pdf"
    target.write_bytes(
        documents.form_pdf({"customer": "ACME GmbH", "amount": "12.50", "empty": None})
    )
    return target


def test_acroform_values_are_extracted_with_page_and_box(tmp_path):
    fields = extract_form(_form(tmp_path))
    assert fields["customer"].value == "ACME GmbH"
    assert fields["amount"].value == "12.50"
    assert fields["customer"].page == 1
    assert fields["customer"].confidence == 1.0
    x0, y0, x1, y1 = fields["customer"].box
    assert x0 == pytest.approx(60 / 595) and x1 == pytest.approx(300 / 595)
    assert y0 == pytest.approx(62 / 842) and y1 == pytest.approx(82 / 842)


def test_empty_form_field_has_no_value(tmp_path):
    fields = extract_form(_form(tmp_path))
    assert fields["empty"].value is None
    assert fields["empty"].band == "low"


def test_form_kind_goes_through_the_entry_point(tmp_path):
    data = extract_fields("form", [], pdf_path=_form(tmp_path)).to_dict()
    assert data["fields"]["customer"]["value"] == "ACME GmbH"
    assert data["validation_errors"] == []
