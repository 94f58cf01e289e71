"""E-invoices: the XML in a ZUGFeRD / Factur-X PDF, and plain CII / UBL files, on generated
documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.extraction import detect
from jobs.extraction.document import Limits, extract_pages
from jobs.extraction.einvoice import (
    EInvoiceError,
    find_embedded_xml,
    parse_einvoice,
    read_pdf_einvoice,
)
from jobs.extraction.fields.api import extract_fields
from jobs.extraction.fields.findvalue import amount_spellings, date_spellings, find_value
from jobs.extraction.types import ExtractionError, Page
from tests import documents, einvoices


def pages_of(path: Path) -> list[Page]:
    content_type = detect.detect_content_type(path.read_bytes()[: detect.SNIFF_BYTES])
    assert content_type is not None
    return [
        p
        for p in extract_pages(path, content_type=content_type, limits=Limits())
        if isinstance(p, Page)
    ]


def invoice_fields(tmp_path: Path, content: bytes, name: str = "doc.pdf") -> dict:
    path = tmp_path / name
    path.write_bytes(content)
    return extract_fields("invoice", pages_of(path), path=path).to_dict()


# --- reading the XML -----------------------------------------------------------------------


def test_a_factur_x_cii_invoice_is_read_into_its_values():
    invoice = parse_einvoice(einvoices.cii())
    assert invoice.syntax == "CII"
    assert invoice.guideline == "urn:cen.eu:en16931:2017"
    assert invoice.invoice_number == "RE-2024-0815"
    assert invoice.issue_date == dt.date(2024, 3, 12)
    assert invoice.due_date == dt.date(2024, 4, 11)
    assert (invoice.currency, invoice.seller_name, invoice.buyer_name) == (
        "EUR",
        "ACME Supplies GmbH",
        "Muster Kunde AG",
    )
    assert (invoice.seller_vat_id, invoice.seller_iban) == ("DE123456789", "DE89370400440532013000")
    # The tax total in the invoice's currency, not the one in the accounting currency.
    assert (invoice.net_total, invoice.tax_total, invoice.grand_total) == (
        Decimal("1000.00"),
        Decimal("190.00"),
        Decimal("1190.00"),
    )
    first = invoice.line_items[0]
    assert (first.line_id, first.name, first.quantity, first.unit_price, first.line_total) == (
        "1",
        "Schrauben M8",
        Decimal("100.0000"),
        Decimal("2.5000"),  # the net price, not the gross one
        Decimal("250.00"),
    )


def test_a_zugferd_1_invoice_is_read_and_a_tax_number_is_no_vat_id():
    invoice = parse_einvoice(einvoices.zugferd1())
    assert invoice.syntax == "ZUGFeRD1-CII"
    assert invoice.guideline == "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"
    assert invoice.invoice_number == "RE-2024-0815"
    assert invoice.grand_total == Decimal("1190.00")
    assert invoice.seller_vat_id is None
    assert [item.name for item in invoice.line_items] == [None, "Schrauben M8"]


@pytest.mark.parametrize("credit_note", [False, True])
def test_a_ubl_invoice_or_credit_note_is_read_into_the_same_values(credit_note):
    invoice = parse_einvoice(einvoices.ubl(credit_note=credit_note))
    assert invoice.syntax == "UBL"
    assert invoice.type_code == ("381" if credit_note else "380")
    assert invoice.invoice_number == "RE-2024-0815"
    assert invoice.due_date == dt.date(2024, 4, 11)
    assert invoice.seller_name == "ACME Supplies GmbH"  # the legal name, not the trading name
    assert (invoice.seller_vat_id, invoice.seller_iban) == ("DE123456789", "DE89370400440532013000")
    assert (invoice.net_total, invoice.tax_total, invoice.grand_total) == (
        Decimal("1000.00"),
        Decimal("190.00"),
        Decimal("1190.00"),
    )
    assert [(i.name, i.quantity, i.line_total) for i in invoice.line_items][1] == (
        "Montage vor Ort",
        Decimal("6.0000"),
        Decimal("750.00"),
    )


def test_other_xml_is_not_an_invoice():
    with pytest.raises(EInvoiceError) as caught:
        parse_einvoice(b'<svg xmlns="http://www.w3.org/2000/svg"><text>Invoice</text></svg>')
    assert caught.value.code == "not_an_invoice"
    with pytest.raises(EInvoiceError) as caught:
        parse_einvoice(b"<Invoice><unclosed></Invoice>")
    assert caught.value.code == "xml_invalid"


@pytest.mark.parametrize("hostile", [einvoices.BILLION_LAUGHS, einvoices.EXTERNAL_ENTITY])
def test_entity_expansion_and_external_entities_are_refused_before_any_expansion(hostile):
    with pytest.raises(EInvoiceError) as caught:
        parse_einvoice(hostile)
    assert caught.value.code == "xml_forbidden"


# --- finding the XML in a PDF --------------------------------------------------------------


def test_the_xml_is_found_under_its_standard_name_among_other_attachments():
    pdf = einvoices.with_attachments(
        documents.text_pdf(["Rechnung"]),
        {
            "additional_data-logistics.xml": b"<logistics><weight>3</weight></logistics>",
            "ZUGFeRD-invoice.xml": einvoices.zugferd1(),
            "Aufmass.pdf": documents.text_pdf(["Aufmass"]),
        },
    )
    name, _ = find_embedded_xml(pdf)
    assert name == "ZUGFeRD-invoice.xml"
    assert read_pdf_einvoice(pdf).syntax == "ZUGFeRD1-CII"


def test_an_attached_xml_with_another_name_counts_when_its_root_is_an_invoice():
    pdf = einvoices.with_attachments(
        documents.text_pdf(["Invoice"]),
        {"notes.xml": b"<notes/>", "rechnung-4711.xml": einvoices.ubl()},
    )
    assert find_embedded_xml(pdf)[0] == "rechnung-4711.xml"


def test_a_pdf_without_an_invoice_xml_has_no_einvoice():
    assert read_pdf_einvoice(documents.text_pdf(["Invoice 1"])) is None
    assert read_pdf_einvoice(b"%PDF-1.4 not really a pdf") is None


# --- fields, boxes, disagreement -----------------------------------------------------------


def test_an_einvoice_pdf_gets_exact_fields_from_the_xml_boxed_where_the_page_prints_them(
    tmp_path,
):
    data = invoice_fields(tmp_path, einvoices.einvoice_pdf())
    fields = data["fields"]
    expected = {
        "issuer": "ACME Supplies GmbH",
        "invoice_number": "RE-2024-0815",
        "invoice_date": "2024-03-12",
        "due_date": "2024-04-11",
        "total_amount": "1190.00",
        "net_amount": "1000.00",
        "tax_amount": "190.00",
        "iban": "DE89370400440532013000",
        "vat_id": "DE123456789",
        "customer_name": "Muster Kunde AG",
        "currency": "EUR",
    }
    for name, value in expected.items():
        field = fields[name]
        assert (field["value"], field["confidence"], field["source"]) == (value, 1.0, "e-invoice")
        assert field["page"] == 1 and field["box"] is not None, name
        assert field["validation_errors"] == []
    # Boxes sit on the printed words: the total on "1.190,00 EUR" (x 160 mm, y 134 mm of A4).
    x0, y0, x1, y1 = fields["total_amount"]["box"]
    assert x0 == pytest.approx(160 / 210, abs=0.01) and y0 < 136 / 297 < y1 + 0.01
    assert fields["total_amount"]["raw"].startswith("1.190,00")
    assert fields["invoice_date"]["raw"] == "12.03.2024"
    assert fields["iban"]["raw"] == "DE89 3704 0044 0532 0130 00"
    rows = fields["line_items"]
    assert [{c: v["value"] for c, v in row.items()} for row in rows] == [
        {
            "description": "Schrauben M8",
            "quantity": "100",
            "unit_price": "2.50",
            "amount": "250.00",
        },
        {
            "description": "Montage vor Ort",
            "quantity": "6",
            "unit_price": "125.00",
            "amount": "750.00",
        },
    ]
    # A row's numbers are boxed on that row, not wherever the same number first appears.
    amount_box = rows[1]["amount"]["box"]
    assert amount_box[1] == pytest.approx(95 / 297, abs=0.01)
    assert all(cell["source"] == "e-invoice" for row in rows for cell in row.values())
    assert data["validation_errors"] == []


def test_a_value_the_page_does_not_print_keeps_no_box(tmp_path):
    printed = [row for row in einvoices.PRINTED if "IBAN" not in row[2]]
    fields = invoice_fields(tmp_path, einvoices.einvoice_pdf(printed=printed))["fields"]
    assert fields["iban"]["value"] == "DE89370400440532013000"
    assert fields["iban"]["box"] is None and fields["iban"]["page"] is None
    assert fields["iban"]["validation_errors"] == []


def test_a_printed_total_that_contradicts_the_xml_is_a_validation_error(tmp_path):
    printed = [
        (x, y, "1.290,00 EUR" if text == "1.190,00 EUR" else text)
        for x, y, text in einvoices.PRINTED
    ]
    data = invoice_fields(tmp_path, einvoices.einvoice_pdf(printed=printed))
    total = data["fields"]["total_amount"]
    assert total["value"] == "1190.00" and total["box"] is None
    [mismatch] = total["validation_errors"]
    assert mismatch["code"] == "einvoice_mismatch"
    assert "1190.00" in mismatch["message"] and "1.290,00" in mismatch["message"]
    assert {"code": "einvoice_mismatch", "field": "total_amount"}.items() <= (
        data["validation_errors"][0].items()
    )
    # The other compared fields agree with the page.
    assert data["fields"]["invoice_number"]["validation_errors"] == []


def test_a_field_the_xml_leaves_out_comes_from_the_printed_page(tmp_path):
    xml = einvoices.cii(einvoices.Invoice(seller_vat=None))
    fields = invoice_fields(tmp_path, einvoices.einvoice_pdf(xml))["fields"]
    assert fields["vat_id"]["value"] == "DE123456789"
    assert fields["vat_id"]["source"] == "text-layer"


def test_an_unreadable_embedded_xml_falls_back_to_the_printed_page_and_says_why(tmp_path):
    data = invoice_fields(tmp_path, einvoices.einvoice_pdf(einvoices.BILLION_LAUGHS))
    assert data["fields"]["invoice_number"]["value"] == "RE-2024-0815"
    assert data["fields"]["invoice_number"]["source"] != "e-invoice"
    assert [e["code"] for e in data["validation_errors"]] == ["einvoice_unreadable"]


def test_amounts_and_dates_are_looked_for_in_german_french_and_english_spellings():
    assert {"1.234,56", "1234,56", "1,234.56", "1234.56", "1'234.56"} <= amount_spellings(
        Decimal("1234.56")
    )
    spellings = date_spellings(dt.date(2018, 3, 11))
    assert {"11.03.2018", "11/03/2018", "2018-03-11", "11.märz2018", "march11,2018"} <= spellings
    assert {"march11th,2018", "11.3.18"} <= spellings and "1ermars2018" in date_spellings(
        dt.date(2018, 3, 1)
    )
    assert {"-100,00", "100,00-", "100.00"} <= amount_spellings(Decimal("100.00"))
    page = documents_page(["Montant TTC : 1 234,56 €", "Date : 11 mars 2018"])
    total = find_value(Decimal("1234.56"), "amount", [page])
    assert total is not None and total.raw == "1 234,56"
    assert find_value(dt.date(2018, 3, 11), "date", [page]).raw == "11 mars 2018"


def documents_page(lines: list[str]) -> Page:
    from jobs.extraction.types import Word

    words = [
        Word(
            text=token,
            box=(0.1 * i, 0.05 * n, 0.1 * i + 0.08, 0.05 * n + 0.04),
            confidence=1.0,
            line=n,
        )
        for n, line in enumerate(lines)
        for i, token in enumerate(line.split())
    ]
    return Page(
        number=1, width=100, height=100, source="text-layer", text="\n".join(lines), words=words
    )


# --- plain XML files as documents ----------------------------------------------------------


def test_only_invoice_xml_is_detected_as_a_document():
    assert detect.detect_content_type(einvoices.cii()) == detect.XML
    assert detect.detect_content_type(einvoices.ubl(credit_note=True)) == detect.XML
    assert detect.detect_content_type(einvoices.zugferd1()) == detect.XML
    # A DOCTYPE is recognised, so the job can refuse it with a reason.
    assert detect.detect_content_type(einvoices.BILLION_LAUGHS) == detect.XML
    assert detect.detect_content_type(b'<?xml version="1.0"?><svg xmlns="x"/>') is None
    assert detect.detect_content_type(b"<html><body>Invoice</body></html>") is None
    assert detect.detect_content_type(b"<Invoice><ID>1</ID></Invoice>") is None


def test_a_plain_xml_invoice_has_one_readable_page_and_fields_from_the_xml(tmp_path):
    path = tmp_path / "invoice.xml"
    path.write_bytes(einvoices.ubl())
    pages = pages_of(path)
    assert len(pages) == 1 and pages[0].source == "text-layer"
    assert "Invoice number: RE-2024-0815" in pages[0].text
    assert "Grand total: 1190.00 EUR" in pages[0].text
    data = extract_fields("invoice", pages, path=path).to_dict()
    assert data["fields"]["total_amount"]["value"] == "1190.00"
    assert data["fields"]["total_amount"]["box"] is not None
    assert data["fields"]["line_items"][1]["amount"]["value"] == "750.00"
    assert data["validation_errors"] == []


def test_a_hostile_xml_file_fails_extraction_with_a_reason(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_bytes(einvoices.BILLION_LAUGHS)
    with pytest.raises(ExtractionError) as caught:
        pages_of(path)
    assert caught.value.code == "unsafe_xml"


def test_an_xml_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from jobs.extraction import einvoice

    monkeypatch.setattr(einvoice, "MAX_XML_BYTES", 1000)
    path = tmp_path / "big.xml"
    path.write_bytes(einvoices.cii())
    with pytest.raises(ExtractionError) as caught:
        pages_of(path)
    assert caught.value.code == "file_too_large"


def test_two_rows_with_the_same_text_are_each_placed_on_their_own_printed_row(tmp_path):
    invoice = einvoices.Invoice(
        lines=[
            ("Montage", "1.0000", "400.0000", "400.00"),
            ("Montage", "2.0000", "300.0000", "600.00"),
        ]
    )
    printed = [row for row in einvoices.PRINTED if row[1] not in (88, 95)] + [
        (20, 88, "Montage"),
        (110, 88, "1"),
        (135, 88, "400,00"),
        (170, 88, "400,00"),
        (20, 95, "Montage"),
        (110, 95, "2"),
        (135, 95, "300,00"),
        # This layout prints the row's amount half a line lower.
        (170, 99, "600,00"),
    ]
    pdf = einvoices.einvoice_pdf(einvoices.cii(invoice), printed=printed)
    rows = invoice_fields(tmp_path, pdf)["fields"]["line_items"]
    first, second = (row["description"]["box"][1] for row in rows)
    assert first == pytest.approx(88 / 297, abs=0.01) and second == pytest.approx(
        95 / 297, abs=0.01
    )
    assert rows[1]["amount"]["box"][1] == pytest.approx(99 / 297, abs=0.01)
    assert rows[1]["quantity"]["box"][1] == pytest.approx(95 / 297, abs=0.01)
