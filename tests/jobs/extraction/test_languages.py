"""Invoices and receipts in languages the development corpus does not have: the label lexicon
names their fields, so the same scored extraction finds them."""

from __future__ import annotations

from jobs.extraction.fields.api import extract_fields
from tests.jobs.extraction.helpers import page, row


def _values(kind: str, *rows) -> dict:
    result = extract_fields(kind, [page(*rows)])
    return {key: getattr(value, "value", None) for key, value in result.fields.items()}


def test_a_spanish_invoice_is_read_from_its_own_labels():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Ferretería Olmedo S.L.")),
        row(0.06, (0.05, "Calle Mayor 12, 28013 Madrid")),
        row(0.08, (0.05, "NIF: ESB12345674")),
        row(0.14, (0.55, "FACTURA")),
        row(0.17, (0.55, "Número de factura:"), (0.78, "F-2024-0193")),
        row(0.19, (0.55, "Fecha de factura:"), (0.78, "14/03/2024")),
        row(0.21, (0.55, "Fecha de vencimiento:"), (0.78, "13/04/2024")),
        row(0.26, (0.05, "Facturar a:")),
        row(0.28, (0.05, "Construcciones Ribera S.A.")),
        row(0.40, (0.05, "Tornillos inox 4x40"), (0.60, "2"), (0.80, "36,00 €")),
        row(0.60, (0.55, "Base imponible"), (0.80, "36,00 €")),
        row(0.62, (0.55, "IVA 21%"), (0.80, "7,56 €")),
        row(0.64, (0.55, "Total a pagar"), (0.80, "43,56 €")),
    )
    assert values["invoice_number"] == "F-2024-0193"
    assert values["invoice_date"] == "2024-03-14"
    assert values["due_date"] == "2024-04-13"
    assert str(values["total_amount"]) == "43.56"
    assert str(values["net_amount"]) == "36.00"
    assert str(values["tax_amount"]) == "7.56"
    assert values["currency"] == "EUR"
    assert values["issuer"] == "Ferretería Olmedo S.L."


def test_a_portuguese_invoice_is_read_from_its_own_labels():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Papelaria Tavares, Lda.")),
        row(0.06, (0.05, "Rua das Flores 88, 4050-262 Porto")),
        row(0.14, (0.55, "FATURA")),
        row(0.17, (0.55, "Fatura n.º"), (0.78, "2024/0117")),
        row(0.19, (0.55, "Data de emissão:"), (0.78, "02-05-2024")),
        row(0.21, (0.55, "Data de vencimento:"), (0.78, "01-06-2024")),
        row(0.26, (0.05, "Cliente:")),
        row(0.28, (0.05, "Gráfica Norte S.A.")),
        row(0.60, (0.55, "Total sem IVA"), (0.80, "100,00 EUR")),
        row(0.62, (0.55, "Valor do IVA"), (0.80, "23,00 EUR")),
        row(0.64, (0.55, "Total a pagar"), (0.80, "123,00 EUR")),
    )
    assert values["invoice_number"] == "2024/0117"
    assert values["invoice_date"] == "2024-05-02"
    assert values["due_date"] == "2024-06-01"
    assert str(values["total_amount"]) == "123.00"
    assert str(values["net_amount"]) == "100.00"
    assert str(values["tax_amount"]) == "23.00"
    assert values["issuer"] == "Papelaria Tavares, Lda."


def test_a_spanish_receipt_names_its_total_and_how_it_was_paid():
    values = _values(
        "receipt",
        row(0.04, (0.3, "SUPERMERCADO LA PLAZA S.A.")),
        row(0.08, (0.3, "Fecha: 05/07/2024 18:42")),
        row(0.20, (0.1, "Pan integral"), (0.7, "1,35")),
        row(0.22, (0.1, "Leche entera"), (0.7, "0,99")),
        row(0.30, (0.1, "TOTAL A PAGAR"), (0.7, "2,34")),
        row(0.32, (0.1, "Tarjeta"), (0.7, "2,34")),
    )
    assert str(values["total"]) == "2.34"
    assert values["date"] == "2024-07-05"
    assert values["payment_method"] == "card"


def test_a_german_till_receipt_takes_the_sum_not_the_cash_given_or_the_change():
    values = _values(
        "receipt",
        row(0.03, (0.3, "Markthalle Lindner GmbH")),
        row(0.10, (0.1, "BANANEN"), (0.7, "1,29 B")),
        row(0.12, (0.1, "VOLLMILCH"), (0.7, "1,15 B")),
        row(0.14, (0.1, "SUMME"), (0.6, "EUR"), (0.7, "2,44")),
        row(0.16, (0.1, "Geg. BAR"), (0.6, "EUR"), (0.7, "5,00")),
        row(0.18, (0.1, "Rückgeld BAR"), (0.6, "EUR"), (0.7, "2,56")),
        row(0.28, (0.1, "14.03.2024"), (0.35, "18:02")),
    )
    assert str(values["total"]) == "2.44"
    assert values["date"] == "2024-03-14"


def test_a_swiss_invoice_with_amounts_before_and_after_vat_and_apostrophe_grouping():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Alpenblick Treuhand AG")),
        row(0.12, (0.6, "Rechnung Nr. R-2024-33")),
        row(0.14, (0.6, "Zürich, 5. März 2024")),
        row(0.40, (0.5, "Total exkl. MWST"), (0.8, "CHF 1'234.50")),
        row(0.42, (0.5, "MWST 8.1%"), (0.8, "CHF 100.00")),
        row(0.44, (0.5, "Total inkl. MWST"), (0.8, "CHF 1'334.50")),
    )
    assert str(values["total_amount"]) == "1334.50"
    assert str(values["net_amount"]) == "1234.50"
    assert str(values["tax_amount"]) == "100.00"
    assert values["currency"] == "CHF"
    assert values["invoice_date"] == "2024-03-05"


def test_a_dutch_invoice_number_under_a_header_row_beats_the_postcode_of_the_address():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Bakkerij De Gouden Korenaar B.V.")),
        row(0.06, (0.05, "Kerkstraat 4, 1017 GC Amsterdam")),
        row(0.12, (0.05, "Factuuradres"), (0.5, "Afleveradres")),
        row(0.14, (0.05, "J. Jansen"), (0.5, "J. Jansen")),
        row(0.22, (0.05, "Factuur"), (0.3, "Factuurdatum"), (0.55, "Vervaldatum")),
        row(0.24, (0.05, "2024-118"), (0.3, "12-03-2024"), (0.55, "26-03-2024")),
        row(0.54, (0.5, "Totaal incl. btw"), (0.8, "€ 4,91")),
    )
    assert values["invoice_number"] == "2024-118"
    assert values["invoice_date"] == "2024-03-12"
    assert values["due_date"] == "2024-03-26"
    assert values["issuer"] == "Bakkerij De Gouden Korenaar B.V."


def test_an_indian_invoice_with_amounts_grouped_in_lakhs():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Sharma Textiles Pvt. Ltd.")),
        row(0.06, (0.05, "GSTIN: 29ABCDE1234F1Z5")),
        row(0.10, (0.4, "TAX INVOICE")),
        row(0.14, (0.05, "Invoice No: INV/2024/0012"), (0.6, "Invoice Date: 12-Mar-2024")),
        row(0.40, (0.5, "Taxable Value"), (0.8, "1,00,000.00")),
        row(0.42, (0.5, "IGST 18%"), (0.8, "18,000.00")),
        row(0.44, (0.5, "Grand Total"), (0.8, "₹ 1,18,000.00")),
    )
    assert str(values["total_amount"]) == "118000.00"
    assert str(values["net_amount"]) == "100000.00"
    assert values["currency"] == "INR"
    assert values["invoice_number"] == "INV/2024/0012"


def test_a_one_line_sold_to_block_gives_the_customer_without_the_address():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Pinewood Supplies Inc.")),
        row(0.14, (0.55, "Invoice:"), (0.75, "100482")),
        row(0.24, (0.05, "Sold to: Harbor Cafe, 12 Pier St, Portland, OR 97201")),
        row(0.64, (0.55, "Total due"), (0.80, "$500.00")),
    )
    assert values["customer_name"] == "Harbor Cafe"
