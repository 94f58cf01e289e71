"""What a label's neighbours say about it: a date of another thing, a due date in the terms'
sentence, words of two columns on one row, the labels of a Greek invoice."""

from __future__ import annotations

from jobs.extraction.fields.anchors import INVOICE, OTHER
from jobs.extraction.fields.api import extract_fields
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.normalize import parse_amount
from tests.jobs.extraction.helpers import page, row


def _invoice(*rows):
    return extract_fields("invoice", [page(*rows)]).fields


def test_a_date_of_another_thing_is_not_the_invoice_date():
    fields = _invoice(
        row(0.04, (0.08, "BAYANIHAN OFFICE SOLUTIONS, INC.")),
        row(0.10, (0.08, "SALES INVOICE No. 0004821")),
        row(0.12, (0.08, "Sold to: Mabuhay Dental Center Corp."), (0.60, "Date: March 9, 2026")),
        row(0.40, (0.50, "TOTAL AMOUNT DUE"), (0.80, "50,580.00")),
        row(0.90, (0.08, "BIR Authority to Print"), (0.60, "Date of ATP: 01/20/2025")),
    )
    assert fields["invoice_date"].value == "2026-03-09"


def test_a_date_after_at_the_latest_in_the_payment_terms_is_labelled_as_due():
    rows = [
        row(0.04, (0.08, "Brûlerie Saint-Aubin SAS"), (0.70, "FACTURE")),
        row(0.08, (0.08, "N° FA-2026-00318"), (0.60, "Rennes, le 12 mars 2026")),
        row(0.40, (0.50, "Total TTC"), (0.80, "1 644,94 €")),
        row(0.50, (0.08, "Paiement à 30 jours date de facture, soit au plus tard le 11/04/2026.")),
    ]
    locator = Locator([page(*rows)], {**INVOICE, **OTHER})
    assert [m.phrase for m in locator.labels_for("due_date")] == ["au plus tard le"]
    fields = _invoice(*rows)
    assert fields["invoice_date"].value == "2026-03-12"
    assert fields["due_date"].value == "2026-04-11"


def test_a_label_is_never_read_across_two_columns_of_one_row():
    fields = _invoice(
        row(0.04, (0.08, "Siam Chaophraya Packaging Co., Ltd."), (0.60, "TAX INVOICE")),
        row(0.10, (0.08, "Customer"), (0.63, "No."), (0.75, "IV6903-0058")),
        row(0.12, (0.08, "Green Orchid Foods Co., Ltd."), (0.63, "Date"), (0.75, "15/03/2026")),
        row(0.14, (0.63, "P/O No."), (0.75, "GOF-PO-2603-017")),
        row(0.40, (0.50, "Grand Total"), (0.80, "58,058.20")),
    )
    assert fields["invoice_number"].value == "IV6903-0058"


def test_a_greek_invoices_labels_give_its_number_date_total_and_due_date():
    fields = _invoice(
        row(0.04, (0.08, "ΚΡΗΤΙΚΗ ΓΗ ΤΡΟΦΙΜΑ Α.Ε.")),
        row(0.10, (0.08, "ΣΕΙΡΑ"), (0.20, "ΑΡΙΘΜΟΣ"), (0.35, "ΗΜΕΡΟΜΗΝΙΑ")),
        row(0.12, (0.08, "Α"), (0.20, "871"), (0.35, "18/03/2026")),
        row(0.20, (0.50, "Λήξη πληρωμής:"), (0.70, "17/04/2026")),
        row(0.40, (0.50, "Σύνολο καθαρής αξίας"), (0.80, "3.467,80 €")),
        row(0.42, (0.50, "Σύνολο ΦΠΑ"), (0.80, "473,76 €")),
        row(0.44, (0.50, "ΠΛΗΡΩΤΕΟ"), (0.80, "3.941,56 €")),
        row(0.46, (0.50, "Νέο υπόλοιπο"), (0.80, "5.159,96 €")),
    )
    assert fields["invoice_number"].value == "871"
    assert fields["invoice_date"].value == "2026-03-18"
    assert fields["due_date"].value == "2026-04-17"
    assert fields["total_amount"].value == "3941.56"


def test_a_naira_sign_read_as_a_hash_before_an_amount_with_cents_still_gives_the_amount():
    parsed = parse_amount("#6,377,975.00")
    assert parsed.value == "6377975.00" and parsed.currency is None
    assert parse_amount("#12").value is None


def test_a_two_word_name_label_under_the_buyers_heading_is_taken_off_the_buyer():
    fields = _invoice(
        row(0.04, (0.08, "Cerrado Consultoria em Tecnologia Ltda."), (0.60, "FATURA DE SERVIÇOS")),
        row(0.06, (0.60, "Nº 2026/0457")),
        row(0.10, (0.08, "TOMADOR DOS SERVIÇOS")),
        row(0.12, (0.08, "Razão social: Supermercados Ipê Amarelo S.A.")),
        row(0.14, (0.08, "CNPJ: 08.765.432/0001-55")),
        row(0.40, (0.50, "VALOR TOTAL DA FATURA"), (0.80, "R$ 9.312,87")),
    )
    assert fields["customer_name"].value == "Supermercados Ipê Amarelo S.A."


def test_an_argentine_due_date_after_fecha_de_vto_is_no_invoice_date():
    fields = _invoice(
        row(0.04, (0.08, "Pampa Norte Insumos Agropecuarios S.A."), (0.60, "FACTURA")),
        row(0.08, (0.08, "Nº 0004-00012873"), (0.60, "Fecha de Emisión: 17/03/2026")),
        row(0.12, (0.08, "Condición de venta: Cuenta Corriente 30 días")),
        row(0.12, (0.50, "Fecha de Vto. para el pago: 16/04/2026")),
        row(0.40, (0.50, "Importe Total:"), (0.80, "$ 21.075.215,27")),
    )
    assert fields["invoice_date"].value == "2026-03-17"
    assert fields["due_date"].value == "2026-04-16"


def test_a_romanian_series_before_its_number_is_part_of_the_invoice_number():
    fields = _invoice(
        row(0.04, (0.08, "Carpatica Construct Distribuție S.R.L."), (0.60, "FACTURĂ")),
        row(0.08, (0.50, "Nr. factură: BVX 0004521")),
        row(0.10, (0.50, "Data (zi/luna/an): 09.03.2026")),
        row(0.40, (0.50, "Total de plată"), (0.80, "16.880,71 lei")),
    )
    assert fields["invoice_number"].value == "BVX 0004521"


def test_a_buyers_name_after_a_bare_name_label_and_a_net_before_gst():
    fields = _invoice(
        row(0.04, (0.08, "Al-Rimal Technical Supplies Co. Ltd."), (0.70, "Tax Invoice")),
        row(0.08, (0.08, "Invoice Number"), (0.35, "INV-2026-03-0218")),
        row(0.16, (0.08, "Buyer")),
        row(0.18, (0.08, "Name"), (0.35, "Najd Facilities Management Company")),
        row(0.20, (0.08, "VAT No."), (0.35, "302198765400003")),
        row(0.40, (0.50, "Total before GST"), (0.80, "2,538.40")),
        row(0.42, (0.50, "Add: GST @ 9%"), (0.80, "228.46")),
        row(0.44, (0.50, "TOTAL PAYABLE (SGD)"), (0.80, "2,766.86")),
    )
    assert fields["customer_name"].value == "Najd Facilities Management Company"
    assert fields["net_amount"].value == "2538.40"
    assert fields["tax_amount"].value == "228.46"


def test_a_version_is_no_invoice_number_and_sales_tax_words_label_net_and_tax():
    fields = _invoice(
        row(0.04, (0.08, "Nile Delta Medical Supplies S.A.E."), (0.60, "TAX INVOICE")),
        row(0.06, (0.50, "Document type: Invoice (I) · v1.0")),
        row(0.10, (0.08, "Invoice No."), (0.30, "Issue Date")),
        row(0.12, (0.08, "NDP-25-004417"), (0.30, "2025-02-12")),
        row(0.40, (0.40, "Value Excluding Sales Tax: Rs. 26,84,650.00")),
        row(0.42, (0.40, "Sales Tax @ 18%: Rs. 4,83,237.00")),
        row(0.44, (0.40, "Total Amount Payable: Rs. 31,67,887.00")),
    )
    assert fields["invoice_number"].value == "NDP-25-004417"
    assert fields["net_amount"].value == "2684650.00"
    assert fields["tax_amount"].value == "483237.00"


def test_the_addressee_over_its_accounts_payable_line_is_not_the_seller():
    fields = _invoice(
        row(0.03, (0.08, "MOSELLE")),
        row(0.05, (0.08, "c o n s u l t i n g")),
        row(0.12, (0.57, "Ardennes Logistique S.A.")),
        row(0.14, (0.57, "Service comptabilité fournisseurs")),
        row(0.16, (0.57, "Zone Industrielle Bombicht")),
        row(0.18, (0.57, "L-6947 Niederanven")),
        row(0.25, (0.08, "FACTURE / RECHNUNG")),
        row(0.27, (0.08, "Facture n° / Rechnungsnr."), (0.40, "F-2025-00871")),
        row(0.60, (0.50, "Total TTC"), (0.80, "12 345,60 EUR")),
        row(0.92, (0.08, "Moselle Consulting S.à r.l."), (0.40, "RCS Luxembourg B 214587")),
        row(0.94, (0.08, "12, rue de la Gare"), (0.40, "N° TVA LU28934512")),
    )
    assert fields["issuer"].value == "Moselle Consulting S.à r.l."


def test_a_credit_notes_number_is_its_own_not_the_original_invoices_it_names_again():
    fields = _invoice(
        row(0.03, (0.08, "Credit Note"), (0.30, "Date"), (0.60, "Pennine Office Interiors Ltd")),
        row(0.05, (0.08, "CREDIT NOTE"), (0.30, "3 September 2025")),
        row(0.07, (0.30, "Credit Note Number")),
        row(0.09, (0.30, "CN-00417")),
        row(0.11, (0.30, "Original Invoice")),
        row(0.13, (0.08, "Northgate Dental Care Ltd"), (0.30, "INV-10982")),
        row(0.20, (0.08, "Reason: price adjustment on invoice INV-10982.")),
        row(0.60, (0.50, "Total credit"), (0.80, "1,131.36")),
    )
    assert fields["invoice_number"].value == "CN-00417"


def test_a_vietnamese_invoices_date_number_and_dong():
    fields = _invoice(
        row(0.03, (0.08, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG"), (0.60, "Ký hiệu (Serial):")),
        row(0.05, (0.08, "(VAT INVOICE)"), (0.60, "1C25TSG")),
        row(0.07, (0.60, "Số (No.):")),
        row(0.09, (0.08, "Ngày 05 tháng 08 năm 2025"), (0.60, "00000318")),
        row(0.60, (0.30, "Tổng tiền thanh toán (Total payment):"), (0.75, "18.125.250 đ")),
    )
    assert fields["invoice_number"].value == "00000318"
    assert fields["invoice_date"].value == "2025-08-05"
    assert fields["currency"].value == "VND"


def test_a_bulgarian_invoices_cyrillic_labels_and_its_lev():
    fields = _invoice(
        row(0.03, (0.08, "Тракия Софт ЕООД"), (0.60, "ФАКТУРА")),
        row(0.06, (0.50, "Номер"), (0.70, "Дата на издаване")),
        row(0.08, (0.50, "0000001587"), (0.70, "17.09.2025")),
        row(0.10, (0.08, "ИН по ДДС: BG131477520")),
        row(0.12, (0.08, "Срок за плащане: 17.10.2025")),
        row(0.50, (0.50, "Данъчна основа"), (0.80, "6 604,70 лв.")),
        row(0.52, (0.50, "ДДС 20%"), (0.80, "1 320,94 лв.")),
        row(0.54, (0.50, "Сума за плащане"), (0.80, "7 925,64 лв.")),
    )
    assert fields["invoice_number"].value == "0000001587"
    assert fields["invoice_date"].value == "2025-09-17"
    assert fields["due_date"].value == "2025-10-17"
    assert fields["total_amount"].value == "7925.64"
    assert fields["net_amount"].value == "6604.70"
    assert fields["currency"].value == "BGN"
    assert fields["issuer"].value == "Тракия Софт ЕООД"


def test_a_serbian_total_in_dinars_is_rsd():
    fields = _invoice(
        row(0.03, (0.08, "Šumadija Metal d.o.o."), (0.60, "RAČUN br. 347/2025")),
        row(0.05, (0.08, "PIB: 104567891")),
        row(0.50, (0.50, "Ukupno za uplatu"), (0.80, "152.340,00 din.")),
    )
    assert fields["total_amount"].value == "152340.00"
    assert fields["currency"].value == "RSD"


def test_a_bills_amount_due_by_date_is_its_due_date_and_the_next_meter_read_no_date_of_it():
    rows = [
        row(0.03, (0.08, "Cascade Valley Power & Light LLC"), (0.55, "Bill Date March 18, 2025")),
        row(0.05, (0.55, "Invoice No. 9003157721")),
        row(0.07, (0.55, "Next Meter Read Apr 10, 2025")),
        row(0.20, (0.55, "Amount due by April 8, 2025")),
        row(0.40, (0.50, "Total Amount Due"), (0.80, "$225.36")),
    ]
    locator = Locator([page(*rows)], {**INVOICE, **OTHER})
    assert "amount due by" in [m.phrase for m in locator.labels_for("due_date")]
    assert "next meter read" in [m.phrase for m in locator.labels_for("_other")]
    fields = _invoice(*rows)
    assert fields["invoice_date"].value == "2025-03-18"
    assert fields["due_date"].value == "2025-04-08"


def test_a_buyer_word_beside_other_words_labels_no_buyer_but_a_buyer_heading_does():
    fields = _invoice(
        row(0.03, (0.08, "Seller Trade Name Ltd"), (0.60, "Invoice No. 4711")),
        row(0.08, (0.60, "Buyer line 2")),
        row(0.40, (0.50, "Total"), (0.80, "100.00 EUR")),
    )
    assert fields["customer_name"].confidence < 0.9


def test_the_date_of_the_order_an_invoice_answers_is_not_its_date():
    rows = [
        row(0.03, (0.08, "Haustechnik Kessler GmbH & Co. KG · Gewerbestraße 14 · 34123 Kassel")),
        row(0.08, (0.08, "Hausverwaltung Lindner GmbH"), (0.55, "Ihr Auftrag vom: 12.02.2025")),
        row(0.14, (0.55, "Kassel, 21.03.2025")),
        row(0.18, (0.08, "Rechnung Nr. 2025-0218")),
        row(0.60, (0.50, "Rechnungsbetrag"), (0.80, "5.454,25 €")),
    ]
    locator = Locator([page(*rows)], {**INVOICE, **OTHER})
    assert "ihr auftrag vom" in [m.phrase for m in locator.labels_for("_other")]
    assert _invoice(*rows)["invoice_date"].value == "2025-03-21"


def test_a_freight_bills_shipper_heading_is_no_buyer():
    fields = _invoice(
        row(0.03, (0.08, "Great Lakes Freight Lines LLC"), (0.60, "Invoice # GLF-88120")),
        row(0.10, (0.08, "Bill To:"), (0.30, "SHIPPER")),
        row(0.12, (0.30, "Midwest Agri Supply Co.")),
        row(0.60, (0.50, "Total Due"), (0.80, "$1,655.48")),
    )
    assert fields["customer_name"].value != "SHIPPER"
