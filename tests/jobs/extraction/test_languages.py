"""Invoices and receipts in languages the development corpus does not have: the label lexicon
names their fields, so the same scored extraction finds them."""

from __future__ import annotations

from jobs.extraction.fields.api import extract_fields
from jobs.extraction.fields.currency import currency_evidence
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


def test_a_portuguese_invoice_number_keeps_its_document_type_code():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Sabores do Douro, Lda.")),
        row(0.06, (0.05, "Rua de Santa Catarina 100, 4000-447 Porto")),
        row(0.12, (0.05, "FATURA FT 2025/318")),
        row(0.14, (0.05, "Data de emissão: 2025-07-21")),
        row(0.60, (0.55, "Total a pagar (EUR)"), (0.80, "546,12")),
    )
    assert values["invoice_number"] == "FT 2025/318"
    assert values["invoice_date"] == "2025-07-21"


def test_a_spanish_street_abbreviation_ends_the_sellers_name():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Talleres Cantábrico, S.L.")),
        row(0.06, (0.05, "C/ Uría 21, 33003 Oviedo")),
        row(0.08, (0.05, "CIF: B33123456")),
        row(0.14, (0.05, "FACTURA")),
        row(0.17, (0.05, "Nº Factura"), (0.3, "Fecha")),
        row(0.19, (0.05, "A-2025-0193"), (0.3, "05/03/2025")),
        row(0.60, (0.55, "TOTAL"), (0.80, "387,20 €")),
    )
    assert values["issuer"] == "Talleres Cantábrico, S.L."
    assert values["invoice_number"] == "A-2025-0193"


def test_a_house_number_or_a_zip_code_is_no_invoice_number():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Bluebird Landscaping LLC")),
        row(0.06, (0.05, "1200 Elm St, Dallas, TX 75201")),
        row(0.12, (0.05, "# 10482")),
        row(0.14, (0.05, "Mar 5, 2025")),
        row(0.20, (0.05, "BILL TO")),
        row(0.22, (0.05, "Oak Ridge HOA")),
        row(0.24, (0.05, "55 Ridge Rd, Plano, TX 75023")),
        row(0.60, (0.55, "TOTAL"), (0.80, "$644.09")),
    )
    assert values["invoice_number"] == "10482"
    assert values["invoice_date"] == "2025-03-05"


def test_an_australian_address_or_business_number_makes_a_dollar_australian():
    def currency(*header) -> tuple[str, float]:
        result = extract_fields(
            "invoice",
            [
                page(
                    row(0.04, (0.05, "Coastal Plumbing Pty Ltd")),
                    *header,
                    row(0.12, (0.60, "Invoice #"), (0.75, "INV-3391")),
                    row(0.40, (0.05, "Hot water system"), (0.80, "$480.00")),
                    row(0.42, (0.05, "Parts"), (0.80, "$1,320.00")),
                    row(0.58, (0.55, "Subtotal"), (0.80, "$1,800.00")),
                    row(0.60, (0.55, "GST"), (0.80, "$180.00")),
                    row(0.62, (0.55, "Total (inc GST)"), (0.80, "$1,980.00")),
                )
            ],
        ).fields["currency"]
        return currency_value(result)

    def currency_value(field) -> tuple[str, float]:
        return field.value, field.confidence

    # However many "$" the page prints, they only say "some dollar".
    code, confidence = currency()
    assert code == "USD" and confidence < 0.7
    assert currency(row(0.06, (0.05, "22 Beach Rd, Manly NSW 2095")))[0] == "AUD"
    assert currency(row(0.06, (0.05, "ABN 51 824 753 556")))[0] == "AUD"
    # A Dutch bank's name is no business number.
    assert currency(row(0.06, (0.05, "ABN AMRO Bank")))[0] == "USD"


def test_a_canadian_postal_code_makes_a_dollar_canadian():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Maple Leaf Courier Services Inc.")),
        row(0.06, (0.05, "88 Queen St W, Toronto, ON M5H 2N2")),
        row(0.12, (0.60, "Invoice No."), (0.75, "000582")),
        row(0.60, (0.55, "TOTAL"), (0.80, "$854.28")),
    )
    assert values["currency"] == "CAD"


def _receipt(*lines: tuple[str, str] | str) -> dict:
    rows = []
    for index, line in enumerate(lines):
        y = 0.03 + 0.025 * index
        left, right = line if isinstance(line, tuple) else (line, "")
        rows.append(row(y, (0.05, left), *([(0.7, right)] if right else [])))
    result = extract_fields("receipt", [page(*rows, source="ocr")])
    return {key: getattr(value, "value", None) for key, value in result.fields.items()}


def test_an_indonesian_receipt_in_rupiah_without_decimals():
    values = _receipt(
        "KOPI KENANGAN",
        "Jl. Sudirman No. 5, Jakarta",
        ("Kopi Susu", "25.000"),
        ("Roti Bakar", "18.000"),
        ("Subtotal", "43.000"),
        ("PB1 10%", "4.300"),
        ("Total", "Rp 47.300"),
        ("Tunai", "50.000"),
        ("Kembali", "2.700"),
        "12-05-2025 10:11",
    )
    assert str(values["total"]) == "47300.00"
    assert values["currency"] == "IDR"
    assert values["date"] == "2025-05-12"


def test_an_italian_receipt_without_a_currency_sign_is_in_euro_by_its_tax_label():
    values = _receipt(
        "BAR CENTRALE",
        "P.IVA 01234567890",
        "DOCUMENTO COMMERCIALE",
        ("CAFFE", "1,20"),
        ("CORNETTO", "1,50"),
        ("TOTALE COMPLESSIVO", "2,70"),
        ("DI CUI IVA", "0,49"),
        ("Pagamento contante", "5,00"),
        ("Resto", "2,30"),
        "15-09-2025 08:12",
    )
    assert str(values["total"]) == "2.70"
    assert values["currency"] == "EUR"


def test_a_dollar_that_names_its_country_is_no_evidence_for_an_american_one():
    evidence = currency_evidence([("S$6.32", 0.99), ("A$12.00", 0.99)], "S$6.32 A$12.00", [])
    assert set(evidence) == {"SGD", "AUD"}


def test_a_swedish_invoice_is_read_from_its_own_labels():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Nordisk Trädesign AB")),
        row(0.06, (0.05, "Storgatan 14, 111 51 Stockholm")),
        row(0.08, (0.05, "Org.nr 556123-4567")),
        row(0.12, (0.55, "Fakturanummer:"), (0.75, "30117")),
        row(0.14, (0.55, "Fakturadatum:"), (0.75, "2025-10-02")),
        row(0.16, (0.55, "Förfallodatum:"), (0.75, "2025-11-01")),
        row(0.20, (0.05, "Kund: Hotell Skeppsholmen AB")),
        row(0.60, (0.55, "Summa exkl. moms"), (0.80, "24 800,00")),
        row(0.62, (0.55, "Moms 25%"), (0.80, "6 200,00")),
        row(0.64, (0.55, "Att betala SEK"), (0.80, "31 000,00")),
    )
    assert values["invoice_number"] == "30117"
    assert values["invoice_date"] == "2025-10-02"
    assert values["due_date"] == "2025-11-01"
    assert str(values["total_amount"]) == "31000.00"
    assert str(values["net_amount"]) == "24800.00"
    assert values["currency"] == "SEK"
    assert values["issuer"] == "Nordisk Trädesign AB"


def test_a_polish_invoice_names_its_seller_and_buyer_side_by_side():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Sprzedawca:"), (0.5, "Nabywca:")),
        row(0.06, (0.05, "Drukarnia Wisła Sp. z o.o."), (0.5, "Kawiarnia Pod Lipą s.c.")),
        row(0.08, (0.05, "ul. Długa 5, 00-238 Warszawa"), (0.5, "ul. Rynek 3, 31-042 Kraków")),
        row(0.16, (0.05, "Faktura VAT nr FV/2025/11/045")),
        row(0.18, (0.05, "Data wystawienia: 14.11.2025")),
        row(0.20, (0.05, "Data sprzedaży: 13.11.2025")),
        row(0.60, (0.5, "Razem netto"), (0.80, "500,00")),
        row(0.62, (0.5, "VAT 23%"), (0.80, "115,00")),
        row(0.64, (0.5, "Do zapłaty"), (0.80, "615,00 zł")),
    )
    assert values["invoice_number"] == "FV/2025/11/045"
    assert values["invoice_date"] == "2025-11-14"
    assert str(values["total_amount"]) == "615.00"
    assert values["currency"] == "PLN"
    assert values["issuer"] == "Drukarnia Wisła Sp. z o.o."


def test_a_credit_note_gives_its_own_number_not_the_original_invoices():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Studio Lumière SAS")),
        row(0.06, (0.05, "45 avenue Jean Jaurès, 75019 Paris")),
        row(0.12, (0.05, "AVOIR N°AV-2025-007")),
        row(0.14, (0.05, "Date : 22/05/2025")),
        row(0.16, (0.05, "Facture d'origine : F-2025-118 du 02/05/2025")),
        row(0.60, (0.5, "Total TTC"), (0.80, "-180,00 €")),
    )
    assert values["invoice_number"] == "AV-2025-007"
    assert values["invoice_date"] == "2025-05-22"
    assert str(values["total_amount"]) == "-180.00"


def test_cash_given_minus_change_confirms_a_total_in_the_lexicons_other_languages():
    def total(cash: str, change: str):
        rows = [
            ("BAR CENTRALE", ""),
            ("CAFFE", "1,20"),
            ("CORNETTO", "1,50"),
            ("SPREMUTA", "3,50"),
            ("TOTALE COMPLESSIVO", "6,20"),
            (cash, "10,00"),
            (change, "3,80"),
            ("15-09-2025 08:12", ""),
        ]
        built = [
            row(0.03 + 0.025 * i, (0.05, left), *([(0.7, right)] if right else []))
            for i, (left, right) in enumerate(rows)
        ]
        return extract_fields("receipt", [page(*built, source="ocr")]).fields["total"]

    sure, unsure = total("Pagamento contante", "Resto"), total("Pagamento", "Saldo")
    assert str(sure.value) == str(unsure.value) == "6.20"
    assert sure.confidence > unsure.confidence


def test_an_austrian_uid_is_a_vat_id_not_the_invoice_number_under_its_column_header():
    values = _values(
        "invoice",
        row(0.04, (0.10, "Hotel Seeblick GmbH")),
        row(0.06, (0.10, "Uferweg 3, 6900 Bregenz, Austria")),
        row(0.08, (0.10, "UID: ATU12345678")),
        row(0.14, (0.55, "Invoice")),
        row(
            0.25,
            (0.10, "Booking ID"),
            (0.33, "Invoice no."),
            (0.56, "Invoice date"),
            (0.75, "Arrival"),
        ),
        row(
            0.27,
            (0.10, "5561239"),
            (0.33, "INV-884120"),
            (0.56, "02.06.2025"),
            (0.75, "29.05.2025"),
        ),
        row(0.33, (0.10, "Room, 3 nights"), (0.70, "270.00")),
        row(0.40, (0.52, "Total EUR"), (0.70, "270.00")),
    )
    assert values["invoice_number"] == "INV-884120"
    assert values["vat_id"] == "ATU12345678"


def test_a_german_partnership_heads_its_invoice_above_the_customers_gmbh():
    values = _values(
        "invoice",
        row(0.05, (0.10, "Weber & Partner Steuerberatung PartG mbB")),
        row(0.08, (0.10, "Königstraße 40 · 70173 Stuttgart")),
        row(
            0.16, (0.10, "Müller Maschinenbau GmbH"), (0.62, "Rechnungs-Nr."), (0.78, "RE-25-0098")
        ),
        row(0.18, (0.10, "Industriestr. 7"), (0.62, "Datum"), (0.78, "11.02.2025")),
        row(0.20, (0.10, "71034 Böblingen")),
        row(0.27, (0.10, "Rechnung")),
        row(0.32, (0.10, "Jahresabschluss 2024"), (0.78, "2.000,00 €")),
        row(0.38, (0.55, "Rechnungsbetrag"), (0.78, "2.380,00 €")),
    )
    assert values["issuer"] == "Weber & Partner Steuerberatung PartG mbB"


def test_a_malay_receipt_totals_at_jumlah_not_at_the_cash_given_or_the_change():
    rows = [
        ("KEDAI RUNCIT AH SENG", ""),
        ("(001234567-K)", ""),
        ("NO 8 JALAN SS2/24, 47300 PETALING JAYA, SELANGOR", ""),
        ("02/04/2025 19:22", ""),
        ("MILO 1KG", "18.90"),
        ("GULA 2KG", "6.50"),
        ("TELUR 10", "6.50"),
        ("JUMLAH", "31.90"),
        ("TUNAI", "50.00"),
        ("BAKI", "18.10"),
    ]
    built = [
        row(0.03 + 0.04 * i, (0.05, left), *([(0.7, right)] if right else []))
        for i, (left, right) in enumerate(rows)
    ]
    fields = extract_fields("receipt", [page(*built, source="ocr")]).fields
    assert str(fields["total"].value) == "31.90"
    assert fields["currency"].value == "MYR"


def test_a_german_credit_note_gives_its_own_number_not_the_invoice_it_corrects():
    values = _values(
        "invoice",
        row(0.05, (0.10, "Kaffeerösterei Braun KG")),
        row(0.08, (0.10, "Marktplatz 3, 93047 Regensburg")),
        row(0.17, (0.10, "Gutschrift"), (0.62, "Gutschrift-Nr.: CN-0311")),
        row(0.19, (0.62, "Datum: 15.04.2025")),
        row(0.21, (0.62, "zu Rechnung Nr. 2025-0977")),
        row(0.30, (0.10, "Rücksendung Espressobohnen"), (0.78, "-100,84 €")),
        row(0.34, (0.55, "USt. 19 %"), (0.78, "-19,16 €")),
        row(0.36, (0.55, "Gutschriftsbetrag"), (0.78, "-120,00 €")),
    )
    assert values["invoice_number"] == "CN-0311"


def test_a_finnish_invoice_takes_its_number_and_sum_not_the_postcode_or_the_iban():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Kivi Rakennus Oy")),
        row(0.06, (0.05, "Teollisuuskatu 9")),
        row(0.08, (0.05, "33100 Tampere")),
        row(0.10, (0.05, "Y-tunnus 2845123-7")),
        row(0.16, (0.55, "LASKU")),
        row(0.19, (0.55, "Laskun numero"), (0.78, "20250042")),
        row(0.21, (0.55, "Laskun päivämäärä"), (0.78, "14.3.2025")),
        row(0.23, (0.55, "Eräpäivä"), (0.78, "28.3.2025")),
        row(0.40, (0.05, "Asennustyö"), (0.60, "8 h"), (0.80, "2 450,40")),
        row(0.60, (0.55, "Veroton yhteensä"), (0.80, "2 450,40")),
        row(0.62, (0.55, "ALV 25,5 %"), (0.80, "624,85")),
        row(0.64, (0.55, "Yhteensä"), (0.80, "3 075,25 €")),
        row(0.70, (0.05, "Maksa laskun summa tilille FI21 1234 5600 0007 85")),
    )
    assert values["invoice_number"] == "20250042"
    assert values["invoice_date"] == "2025-03-14"
    assert values["due_date"] == "2025-03-28"
    assert str(values["total_amount"]) == "3075.25"
    assert str(values["net_amount"]) == "2450.40"
    assert values["issuer"] == "Kivi Rakennus Oy"


def test_a_croatian_invoice_with_dates_ending_in_a_dot_and_its_address_on_two_lines():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Jadran Media d.o.o.")),
        row(0.06, (0.05, "Ulica Ivana Lučića 2a")),
        row(0.08, (0.05, "10000 Zagreb")),
        row(0.10, (0.05, "OIB: 45678912345")),
        row(0.16, (0.05, "RAČUN br. 117-1-1")),
        row(0.19, (0.05, "Datum računa:"), (0.30, "21.03.2025.")),
        row(0.21, (0.05, "Dospijeće:"), (0.30, "05.04.2025.")),
        row(0.40, (0.05, "Oglasni prostor"), (0.80, "1.250,00")),
        row(0.60, (0.55, "PDV 25 %"), (0.80, "312,50")),
        row(0.64, (0.55, "Ukupno za platiti"), (0.80, "1.562,50 EUR")),
    )
    assert values["invoice_number"] == "117-1-1"
    assert values["invoice_date"] == "2025-03-21"
    assert values["due_date"] == "2025-04-05"
    assert str(values["total_amount"]) == "1562.50"
    assert values["currency"] == "EUR"


def test_forint_lira_and_lei_printed_after_the_amount_name_their_currency():
    for amount, code in (("254 000 Ft", "HUF"), ("14.160,00 TL", "TRY"), ("5.831,00 lei", "RON")):
        words = [(w, 0.99) for w in amount.split()]
        scores = currency_evidence(words, amount, [])
        assert max(scores, key=scores.get) == code


def test_feet_and_a_part_numbers_letters_are_no_currency():
    words = [("Cable", 0.99), ("10", 0.99), ("ft", 0.99), ("Bearing", 0.99), ("6205-2RS", 0.99)]
    assert currency_evidence(words, "Cable 10 ft Bearing 6205-2RS", []) == {}
    assert currency_evidence([("Rs.40", 0.99)], "Rs.40", []) == {"INR": 2.0 * 0.99}


def test_a_latvian_invoice_takes_its_number_not_the_vat_number_after_nr():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Daugava Koks SIA")),
        row(0.06, (0.05, "PVN reģ. Nr. LV40103456789")),
        row(0.16, (0.55, "Rēķins Nr."), (0.75, "DK-2025/0088")),
        row(0.18, (0.55, "Rēķina datums:"), (0.75, "12.03.2025")),
        row(0.40, (0.05, "Dēļi"), (0.80, "1 000,00")),
        row(0.60, (0.55, "PVN 21 %"), (0.80, "210,00")),
        row(0.64, (0.55, "Kopā apmaksai"), (0.80, "1 210,00 EUR")),
    )
    assert values["invoice_number"] == "DK-2025/0088"
    assert values["invoice_date"] == "2025-03-12"
    assert str(values["total_amount"]) == "1210.00"


def test_a_statement_date_before_the_invoice_date_is_not_the_invoices():
    values = _values(
        "invoice",
        row(0.04, (0.05, "Acme Supplies Inc.")),
        row(0.10, (0.55, "Statement Date:"), (0.75, "03/31/2025")),
        row(0.12, (0.55, "Invoice Date:"), (0.75, "03/14/2025")),
        row(0.14, (0.55, "Invoice No:"), (0.75, "INV-3321")),
        row(0.64, (0.55, "Total Due"), (0.80, "$1,210.00")),
    )
    assert values["invoice_date"] == "2025-03-14"


def test_crowns_are_the_currency_of_the_country_the_page_names():
    words = [("Kr.", 0.99), ("4.500,00", 0.99)]
    scores = currency_evidence(words, "CVR-nr. 12345678 Kr. 4.500,00", [])
    assert max(scores, key=scores.get) == "DKK"
    assert currency_evidence(words, "Kr. 4.500,00", []) == {}
