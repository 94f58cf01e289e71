from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from jobs.extraction.fields import extract_fields, extract_form


def _form(path: Path) -> Path:
    writer = PdfWriter()
    page = writer.add_blank_page(width=600, height=800)
    fields = ArrayObject()
    annotations = ArrayObject()
    for name, value, rect in [
        ("customer", "ACME GmbH", (60, 700, 300, 720)),
        ("amount", "12.50", (60, 600, 200, 620)),
        ("empty", None, (60, 500, 200, 520)),
    ]:
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
                NameObject("/F"): NumberObject(4),
            }
        )
        if value is not None:
            widget[NameObject("/V")] = TextStringObject(value)
        reference = writer._add_object(widget)
        fields.append(reference)
        annotations.append(reference)
    page[NameObject("/Annots")] = annotations
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): fields})
    target = path / "form.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_acroform_values_are_extracted_with_page_and_box(tmp_path):
    fields = extract_form(_form(tmp_path))
    assert fields["customer"].value == "ACME GmbH"
    assert fields["amount"].value == "12.50"
    assert fields["customer"].page == 1
    assert fields["customer"].confidence == 1.0
    x0, y0, x1, y1 = fields["customer"].box
    assert x0 == pytest.approx(0.1) and x1 == pytest.approx(0.5)
    assert y0 == pytest.approx(0.1) and y1 == pytest.approx(0.125)


def test_empty_form_field_has_no_value(tmp_path):
    fields = extract_form(_form(tmp_path))
    assert fields["empty"].value is None
    assert fields["empty"].band == "low"


def test_form_kind_goes_through_the_entry_point(tmp_path):
    data = extract_fields("form", [], pdf_path=_form(tmp_path)).to_dict()
    assert data["fields"]["customer"]["value"] == "ACME GmbH"
    assert data["validation_errors"] == []
