"""Structured e-invoices: the XML inside a ZUGFeRD / Factur-X PDF, or an XRechnung / UBL file.

An e-invoice carries its own data, so its fields are read, not guessed. Two syntaxes exist:
UN/CEFACT CII (ZUGFeRD 1 ``CrossIndustryDocument``; ZUGFeRD 2.x, Factur-X and XRechnung CII
``CrossIndustryInvoice``) and OASIS UBL 2.1 (``Invoice``, ``CreditNote``; XRechnung UBL, Peppol).
Both are read by element local names along fixed paths, which holds across the versions'
namespaces. Parsing is defensive: a size cap, no DTD, no entities, no network.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# No real invoice XML comes near this; the largest known samples with embedded attachments
# (base64 inside the XML) are under 1 MB.
MAX_XML_BYTES = 16 * 1024 * 1024
# Attachments beyond this many are not looked at (a PDF can declare thousands).
MAX_ATTACHMENTS = 50

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1_NS = "urn:ferd:CrossIndustryDocument:invoice:1p0"
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

# (namespace, root local name) -> syntax.
ROOTS: dict[tuple[str, str], str] = {
    (CII_NS, "CrossIndustryInvoice"): "CII",
    (ZUGFERD1_NS, "CrossIndustryDocument"): "ZUGFeRD1-CII",
    (UBL_INVOICE_NS, "Invoice"): "UBL",
    (UBL_CREDIT_NOTE_NS, "CreditNote"): "UBL",
}

# The file names the standards give the embedded XML, tried first (case-insensitive).
KNOWN_NAMES: tuple[str, ...] = (
    "factur-x.xml",
    "zugferd-invoice.xml",
    "xrechnung.xml",
)

Syntax = Literal["CII", "ZUGFeRD1-CII", "UBL"]


class EInvoiceError(Exception):
    """An e-invoice that cannot be read, with a stable code.

    Codes: ``xml_too_large``, ``xml_forbidden`` (DTD, entities), ``xml_invalid`` (not
    well-formed), ``not_an_invoice`` (well-formed XML of another kind).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class LineItem:
    line_id: str | None = None
    name: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    line_total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class EInvoice:
    """The values of one e-invoice; None where the XML does not carry them."""

    syntax: Syntax
    guideline: str | None = None
    type_code: str | None = None
    invoice_number: str | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    currency: str | None = None
    seller_name: str | None = None
    seller_vat_id: str | None = None
    seller_iban: str | None = None
    buyer_name: str | None = None
    net_total: Decimal | None = None
    tax_total: Decimal | None = None
    grand_total: Decimal | None = None
    due_payable: Decimal | None = None
    line_items: tuple[LineItem, ...] = field(default_factory=tuple)


# --- element helpers: local names only, so every namespace version reads alike ----------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _children(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return
    for child in element:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            yield child


def _all(element: Element | None, path: str) -> list[Element]:
    """Every element at ``path`` ("A/B/C", local names, direct children at each step)."""
    current = [element] if element is not None else []
    for step in path.split("/"):
        current = [child for parent in current for child in _children(parent, step)]
    return current


def _first(element: Element | None, path: str) -> Element | None:
    found = _all(element, path)
    return found[0] if found else None


def _text(element: Element | None, path: str | None = None) -> str | None:
    target = _first(element, path) if path else element
    if target is None or target.text is None:
        return None
    text = " ".join(target.text.split())
    return text or None


def _decimal(element: Element | None, path: str | None = None) -> Decimal | None:
    text = _text(element, path)
    if text is None:
        return None
    try:
        value = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _amount(element: Element | None, path: str, currency: str | None) -> Decimal | None:
    """An amount; where several are given (invoice and accounting currency), the invoice's."""
    candidates = _all(element, path)
    for candidate in candidates:
        if currency and candidate.get("currencyID") == currency:
            return _decimal(candidate)
    plain = [c for c in candidates if not c.get("currencyID")]
    return _decimal((plain or candidates or [None])[0])


def _date(text: str | None, fmt: str | None = None) -> dt.date | None:
    """CII ``DateTimeString`` (format 102 = CCYYMMDD) or an ISO date."""
    if not text:
        return None
    text = text.strip()
    try:
        if fmt in (None, "102") and re.fullmatch(r"\d{8}", text):
            return dt.datetime.strptime(text, "%Y%m%d").date()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text[:10]):
            return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def _cii_date(element: Element | None, path: str) -> dt.date | None:
    node = _first(element, path + "/DateTimeString")
    if node is None:
        node = _first(element, path + "/DateString")
    return _date(_text(node), node.get("format") if node is not None else None)


def _vat_id(registrations: list[Element]) -> str | None:
    for registration in registrations:
        if (registration.get("schemeID") or "").upper() == "VA":
            return _text(registration)
    return None


def _compact(text: str | None) -> str | None:
    return re.sub(r"\s", "", text).upper() if text else None


# --- CII ------------------------------------------------------------------------------------


def _parse_cii(root: Element, syntax: Syntax) -> EInvoice:
    v1 = syntax == "ZUGFeRD1-CII"
    context = _first(
        root, "SpecifiedExchangedDocumentContext" if v1 else "ExchangedDocumentContext"
    )
    header = _first(root, "HeaderExchangedDocument" if v1 else "ExchangedDocument")
    transaction = _first(
        root, "SpecifiedSupplyChainTradeTransaction" if v1 else "SupplyChainTradeTransaction"
    )
    agreement = _first(
        transaction,
        "ApplicableSupplyChainTradeAgreement" if v1 else "ApplicableHeaderTradeAgreement",
    )
    settlement = _first(
        transaction,
        "ApplicableSupplyChainTradeSettlement" if v1 else "ApplicableHeaderTradeSettlement",
    )
    seller = _first(agreement, "SellerTradeParty")
    buyer = _first(agreement, "BuyerTradeParty")
    currency = _text(settlement, "InvoiceCurrencyCode")
    totals = _first(
        settlement,
        "SpecifiedTradeSettlementMonetarySummation"
        if v1
        else "SpecifiedTradeSettlementHeaderMonetarySummation",
    )
    iban = None
    for means in _all(settlement, "SpecifiedTradeSettlementPaymentMeans"):
        iban = _compact(_text(means, "PayeePartyCreditorFinancialAccount/IBANID"))
        if iban:
            break
    due = None
    for terms in _all(settlement, "SpecifiedTradePaymentTerms"):
        due = _cii_date(terms, "DueDateDateTime")
        if due:
            break
    return EInvoice(
        syntax=syntax,
        guideline=_text(context, "GuidelineSpecifiedDocumentContextParameter/ID"),
        type_code=_text(header, "TypeCode"),
        invoice_number=_text(header, "ID"),
        issue_date=_cii_date(header, "IssueDateTime"),
        due_date=due,
        currency=_compact(currency),
        seller_name=_text(seller, "Name"),
        seller_vat_id=_compact(_vat_id(_all(seller, "SpecifiedTaxRegistration/ID"))),
        seller_iban=iban,
        buyer_name=_text(buyer, "Name"),
        net_total=_amount(totals, "TaxBasisTotalAmount", currency),
        tax_total=_amount(totals, "TaxTotalAmount", currency),
        grand_total=_amount(totals, "GrandTotalAmount", currency),
        due_payable=_amount(totals, "DuePayableAmount", currency),
        line_items=tuple(
            _cii_line(line, v1) for line in _all(transaction, "IncludedSupplyChainTradeLineItem")
        ),
    )


def _cii_line(line: Element, v1: bool) -> LineItem:
    agreement = _first(
        line, "SpecifiedSupplyChainTradeAgreement" if v1 else "SpecifiedLineTradeAgreement"
    )
    delivery = _first(
        line, "SpecifiedSupplyChainTradeDelivery" if v1 else "SpecifiedLineTradeDelivery"
    )
    settlement = _first(
        line, "SpecifiedSupplyChainTradeSettlement" if v1 else "SpecifiedLineTradeSettlement"
    )
    summation = (
        "SpecifiedTradeSettlementMonetarySummation"
        if v1
        else "SpecifiedTradeSettlementLineMonetarySummation"
    )
    return LineItem(
        line_id=_text(line, "AssociatedDocumentLineDocument/LineID"),
        name=_text(line, "SpecifiedTradeProduct/Name"),
        quantity=_decimal(delivery, "BilledQuantity"),
        unit_price=_decimal(agreement, "NetPriceProductTradePrice/ChargeAmount"),
        line_total=_decimal(settlement, summation + "/LineTotalAmount"),
    )


# --- UBL ------------------------------------------------------------------------------------


def _ubl_party_name(party: Element | None) -> str | None:
    return _text(party, "PartyLegalEntity/RegistrationName") or _text(party, "PartyName/Name")


def _ubl_vat_id(party: Element | None) -> str | None:
    for scheme in _all(party, "PartyTaxScheme"):
        if (_text(scheme, "TaxScheme/ID") or "").upper() == "VAT":
            return _compact(_text(scheme, "CompanyID"))
    return None


def _parse_ubl(root: Element) -> EInvoice:
    credit = _local(root.tag) == "CreditNote"
    currency = _compact(_text(root, "DocumentCurrencyCode"))
    seller = _first(root, "AccountingSupplierParty/Party")
    buyer = _first(root, "AccountingCustomerParty/Party")
    totals = _first(root, "LegalMonetaryTotal")
    iban = None
    due = _date(_text(root, "DueDate"))
    for means in _all(root, "PaymentMeans"):
        iban = iban or _compact(_text(means, "PayeeFinancialAccount/ID"))
        due = due or _date(_text(means, "PaymentDueDate"))
    tax = None
    for tax_total in _all(root, "TaxTotal"):
        amount = _first(tax_total, "TaxAmount")
        if amount is not None and (not currency or amount.get("currencyID") in (None, currency)):
            tax = _decimal(amount)
            break
    line_tag, quantity_tag = (
        ("CreditNoteLine", "CreditedQuantity") if credit else ("InvoiceLine", "InvoicedQuantity")
    )
    return EInvoice(
        syntax="UBL",
        guideline=_text(root, "CustomizationID"),
        type_code=_text(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode"),
        invoice_number=_text(root, "ID"),
        issue_date=_date(_text(root, "IssueDate")),
        due_date=due,
        currency=currency,
        seller_name=_ubl_party_name(seller),
        seller_vat_id=_ubl_vat_id(seller),
        seller_iban=iban,
        buyer_name=_ubl_party_name(buyer),
        net_total=_amount(totals, "TaxExclusiveAmount", currency),
        tax_total=tax,
        grand_total=_amount(totals, "TaxInclusiveAmount", currency),
        due_payable=_amount(totals, "PayableAmount", currency),
        line_items=tuple(
            LineItem(
                line_id=_text(line, "ID"),
                name=_text(line, "Item/Name"),
                quantity=_decimal(line, quantity_tag),
                unit_price=_decimal(line, "Price/PriceAmount"),
                line_total=_decimal(line, "LineExtensionAmount"),
            )
            for line in _all(root, line_tag)
        ),
    )


# --- recognising an invoice XML from its first bytes -----------------------------------------

# What may stand before the root element: a BOM, the XML declaration, comments, processing
# instructions, and a DOCTYPE (recognised here so that the parser refuses it with a reason).
_PROLOG = re.compile(
    rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?([A-Za-z_][\w.\-]*)([^>]*)>", re.DOTALL)
_XMLNS = re.compile(rb"""xmlns(?::([\w.\-]+))?\s*=\s*["']([^"']*)["']""")


def is_invoice_xml(head: bytes) -> bool:
    """Whether a file's first bytes are an XML document whose root is a CII or UBL invoice.

    Only UTF-8 (the encoding every e-invoice standard prescribes) is recognised.
    """
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    position = 0
    while True:
        match = _PROLOG.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
    root = _ROOT.match(text, position)
    if root is None:
        return False
    prefix, local, attributes = root.group(1), root.group(2), root.group(3)
    namespaces = {(m.group(1) or b""): m.group(2) for m in _XMLNS.finditer(attributes)}
    namespace = namespaces.get(prefix or b"")
    if namespace is None:
        return False
    return (namespace.decode("utf-8", "replace"), local.decode("ascii", "replace")) in ROOTS


# --- entry points ---------------------------------------------------------------------------


def _root(data: bytes) -> Element:
    if len(data) > MAX_XML_BYTES:
        raise EInvoiceError(
            "xml_too_large", f"The XML is larger than {MAX_XML_BYTES // (1024 * 1024)} MB."
        )
    try:
        # No DTD at all: an invoice never needs one, and it is where entity attacks live.
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise EInvoiceError(
            "xml_forbidden",
            "The XML declares a document type or entities, which e-invoices never need.",
        ) from exc
    except (ParseError, ValueError) as exc:
        raise EInvoiceError("xml_invalid", f"The XML is not well-formed: {exc}.") from exc


def syntax_of(root: Element) -> Syntax | None:
    """The syntax of an e-invoice root element, or None for any other XML."""
    syntax = ROOTS.get((_namespace(root.tag), _local(root.tag)))
    return syntax  # type: ignore[return-value]


def parse_einvoice(data: bytes) -> EInvoice:
    """Read a CII or UBL invoice. Raises :class:`EInvoiceError` for anything else."""
    root = _root(data)
    syntax = syntax_of(root)
    if syntax is None:
        raise EInvoiceError("not_an_invoice", "The XML is not a CII or UBL invoice or credit note.")
    return _parse_ubl(root) if syntax == "UBL" else _parse_cii(root, syntax)


def read_xml_file(path: Path) -> EInvoice:
    """A plain XML invoice file; its size is checked before it is read."""
    if path.stat().st_size > MAX_XML_BYTES:
        raise EInvoiceError(
            "xml_too_large", f"The XML is larger than {MAX_XML_BYTES // (1024 * 1024)} MB."
        )
    return parse_einvoice(path.read_bytes())


def _attachments(path: Path | str | bytes) -> list[tuple[str, bytes]]:
    """The PDF's embedded files (name tree, then the catalog's associated files), bounded."""
    from pypdf import PdfReader

    source = io.BytesIO(path) if isinstance(path, bytes) else path
    reader = PdfReader(source)
    if reader.is_encrypted:
        return []
    found: list[tuple[str, bytes]] = []
    for index, embedded in enumerate(reader.attachment_list):
        if index >= MAX_ATTACHMENTS:
            break
        name = embedded.name or ""
        if not name.lower().endswith(".xml"):
            continue
        declared = embedded.size
        if declared is not None and declared > MAX_XML_BYTES:
            continue
        content = embedded.content
        if len(content) <= MAX_XML_BYTES:
            found.append((name, content))
    if found:
        return found
    # PDF/A-3 associated files that were left out of the EmbeddedFiles name tree.
    catalog = reader.trailer["/Root"]
    for spec in list(catalog.get("/AF") or [])[:MAX_ATTACHMENTS]:
        spec = spec.get_object()
        name = str(spec.get("/UF") or spec.get("/F") or "")
        stream = (spec.get("/EF") or {}).get("/F")
        if not name.lower().endswith(".xml") or stream is None:
            continue
        content = stream.get_object().get_data()
        if len(content) <= MAX_XML_BYTES:
            found.append((name, content))
    return found


def find_embedded_xml(path: Path | str | bytes) -> tuple[str, bytes] | None:
    """The e-invoice XML a PDF carries, as (file name, bytes), or None.

    The standards' file names come first; otherwise any attached XML whose root is a CII or
    UBL invoice. A PDF that pypdf cannot read has, for this purpose, no e-invoice.
    """
    try:
        attachments = _attachments(path)
    except Exception:  # a PDF pdfium reads but pypdf does not: no e-invoice, not a failure
        return None
    ranked = sorted(
        attachments,
        key=lambda item: item[0].lower() not in KNOWN_NAMES,
    )
    for name, content in ranked:
        if name.lower() in KNOWN_NAMES:
            return name, content
        try:
            if syntax_of(_root(content)) is not None:
                return name, content
        except EInvoiceError:
            continue
    return None


def read_pdf_einvoice(path: Path | str | bytes) -> EInvoice | None:
    """The e-invoice embedded in a PDF, or None when it has none.

    Raises :class:`EInvoiceError` when the PDF carries an invoice XML that cannot be read.
    """
    found = find_embedded_xml(path)
    if found is None:
        return None
    return parse_einvoice(found[1])
