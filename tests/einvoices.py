# ruff: noqa: E501  (XML templates read best one element per line)
"""Generators of e-invoices: CII (ZUGFeRD 2 / Factur-X, ZUGFeRD 1) and UBL XML, and PDFs that
carry them as attachments, with known values."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter

from tests import documents


@dataclass
class Invoice:
    number: str = "RE-2024-0815"
    issued: str = "20240312"  # CCYYMMDD
    due: str | None = "20240411"
    currency: str = "EUR"
    seller: str = "ACME Supplies GmbH"
    seller_vat: str | None = "DE123456789"
    iban: str | None = "DE89370400440532013000"
    buyer: str = "Muster Kunde AG"
    net: str = "1000.00"
    tax: str = "190.00"
    total: str = "1190.00"
    due_payable: str = "1190.00"
    lines: list[tuple[str, str, str, str]] = field(
        default_factory=lambda: [
            ("Schrauben M8", "100.0000", "2.5000", "250.00"),
            ("Montage vor Ort", "6.0000", "125.0000", "750.00"),
        ]
    )


def _iso(day: str) -> str:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


def cii(invoice: Invoice | None = None, *, guideline: str = "urn:cen.eu:en16931:2017") -> bytes:
    """A ZUGFeRD 2.x / Factur-X (EN 16931) CrossIndustryInvoice."""
    i = invoice or Invoice()
    lines = "".join(
        f"""
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>{n}</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>{escape(name)}</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:GrossPriceProductTradePrice><ram:ChargeAmount>999</ram:ChargeAmount></ram:GrossPriceProductTradePrice>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">{qty}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{amount}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>"""
        for n, (name, qty, price, amount) in enumerate(i.lines, start=1)
    )
    vat = (
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{i.seller_vat}</ram:ID>'
        "</ram:SpecifiedTaxRegistration>"
        if i.seller_vat
        else ""
    )
    iban = (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        f"<ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{i.iban}</ram:IBANID>"
        "</ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
        if i.iban
        else ""
    )
    due = (
        "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
        f'<udt:DateTimeString format="102">{i.due}</udt:DateTimeString>'
        "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
        if i.due
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- generated for tests -->
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{guideline}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{escape(i.number)}</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">{i.issued}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{lines}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>{escape(i.seller)}</ram:Name>{vat}</ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>{escape(i.buyer)}</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>{i.currency}</ram:InvoiceCurrencyCode>{iban}{due}
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>{i.net}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>{i.net}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="CHF">9.99</ram:TaxTotalAmount>
        <ram:TaxTotalAmount currencyID="{i.currency}">{i.tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{i.total}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>{i.due_payable}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".encode()


def zugferd1(invoice: Invoice | None = None) -> bytes:
    """A ZUGFeRD 1.0 CrossIndustryDocument (other element names, other namespaces)."""
    i = invoice or Invoice()
    name, qty, price, amount = i.lines[0]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>{i.number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">{i.issued}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>{i.seller}</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>{i.buyer}</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>{i.currency}</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:TaxBasisTotalAmount currencyID="{i.currency}">{i.net}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="{i.currency}">{i.tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="{i.currency}">{i.total}</ram:GrandTotalAmount>
        <ram:DuePayableAmount currencyID="{i.currency}">{i.due_payable}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:IncludedNote><ram:Content>Nur ein Hinweis</ram:Content></ram:IncludedNote></ram:AssociatedDocumentLineDocument>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedSupplyChainTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">{price}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedSupplyChainTradeAgreement>
      <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">{qty}</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
      <ram:SpecifiedSupplyChainTradeSettlement>
        <ram:SpecifiedTradeSettlementMonetarySummation><ram:LineTotalAmount currencyID="EUR">{amount}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementMonetarySummation>
      </ram:SpecifiedSupplyChainTradeSettlement>
      <ram:SpecifiedTradeProduct><ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
""".encode()


def ubl(invoice: Invoice | None = None, *, credit_note: bool = False) -> bytes:
    """An XRechnung-style UBL 2.1 Invoice, or CreditNote."""
    i = invoice or Invoice()
    root = "CreditNote" if credit_note else "Invoice"
    line_tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    quantity_tag = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    lines = "".join(
        f"""
  <cac:{line_tag}>
    <cbc:ID>{n}</cbc:ID>
    <cbc:{quantity_tag} unitCode="C62">{qty}</cbc:{quantity_tag}>
    <cbc:LineExtensionAmount currencyID="{i.currency}">{amount}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>{escape(name)}</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="{i.currency}">{price}</cbc:PriceAmount></cac:Price>
  </cac:{line_tag}>"""
        for n, (name, qty, price, amount) in enumerate(i.lines, start=1)
    )
    due = f"<cbc:DueDate>{_iso(i.due)}</cbc:DueDate>" if i.due and not credit_note else ""
    due_means = (
        f"<cbc:PaymentDueDate>{_iso(i.due)}</cbc:PaymentDueDate>" if i.due and credit_note else ""
    )
    type_code = (
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
        if credit_note
        else "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ubl:{root} xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
  <cbc:ID>{i.number}</cbc:ID>
  <cbc:IssueDate>{_iso(i.issued)}</cbc:IssueDate>{due}
  {type_code}
  <cbc:DocumentCurrencyCode>{i.currency}</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>ACME</cbc:Name></cac:PartyName>
    <cac:PartyTaxScheme><cbc:CompanyID>{i.seller_vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>{escape(i.seller)}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>{escape(i.buyer)}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>{due_means}
    <cac:PayeeFinancialAccount><cbc:ID>{i.iban}</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="{i.currency}">{i.tax}</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="{i.currency}">{i.net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="{i.currency}">{i.net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="{i.currency}">{i.total}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="{i.currency}">{i.due_payable}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{lines}
</ubl:{root}>
""".encode()


# A printed page that agrees with :class:`Invoice`'s defaults (German formats).
PRINTED: list[tuple[float, float, str]] = [
    (20, 20, "ACME Supplies GmbH"),
    (20, 26, "Hauptstrasse 1, 10115 Berlin"),
    (20, 45, "Muster Kunde AG"),
    (120, 40, "Rechnungsnummer:"),
    (160, 40, "RE-2024-0815"),
    (120, 47, "Rechnungsdatum:"),
    (160, 47, "12.03.2024"),
    (120, 54, "Fällig am:"),
    (160, 54, "11.04.2024"),
    (20, 80, "Beschreibung"),
    (110, 80, "Menge"),
    (135, 80, "Einzelpreis"),
    (170, 80, "Betrag"),
    (20, 88, "Schrauben M8"),
    (110, 88, "100"),
    (135, 88, "2,50"),
    (170, 88, "250,00"),
    (20, 95, "Montage vor Ort"),
    (110, 95, "6"),
    (135, 95, "125,00"),
    (170, 95, "750,00"),
    (120, 120, "Nettobetrag"),
    (160, 120, "1.000,00 EUR"),
    (120, 127, "MwSt 19%"),
    (160, 127, "190,00 EUR"),
    (120, 134, "Gesamtbetrag"),
    (160, 134, "1.190,00 EUR"),
    (20, 160, "IBAN: DE89 3704 0044 0532 0130 00"),
    (20, 166, "USt-IdNr.: DE123456789"),
]


def with_attachments(pdf: bytes, attachments: dict[str, bytes]) -> bytes:
    """``pdf`` with files embedded (the EmbeddedFiles name tree, as ZUGFeRD does it)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def einvoice_pdf(
    xml: bytes | None = None,
    *,
    printed: list[tuple[float, float, str]] | None = None,
    name: str = "factur-x.xml",
) -> bytes:
    """A printed invoice carrying ``xml`` (default: :func:`cii`) as ``name``."""
    page = documents.laid_out_pdf(printed if printed is not None else PRINTED)
    return with_attachments(page, {name: xml if xml is not None else cii()})


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rsm:CrossIndustryInvoice [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>&lol9;</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&secret;</cbc:ID>
</Invoice>
"""
