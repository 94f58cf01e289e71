"""Every e-invoice of the development corpus, read through its embedded XML, against its label."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.extraction.einvoice import find_embedded_xml, read_pdf_einvoice
from jobs.extraction.fields.einvoice import invoice_fields
from tests.conftest import CORPUS_DIR

EINVOICES = CORPUS_DIR.parent / "einvoices"
NAMES = sorted(p.stem for p in EINVOICES.glob("inv*.pdf")) if EINVOICES.is_dir() else []
AMOUNTS = {"net_total", "tax_total", "grand_total", "due_payable"}
SCALARS = ("syntax", "guideline", "invoice_number", "type_code", "currency", "seller_name")
SCALARS += ("seller_vat_id", "buyer_name")
COLUMNS = ("line_id", "name", "quantity", "unit_price", "line_total")

pytestmark = pytest.mark.skipif(not NAMES, reason=f"no e-invoice corpus at {EINVOICES}")


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _label(name: str) -> dict:
    return json.loads((EINVOICES / f"{name}.json").read_text())


def test_the_corpus_has_its_74_einvoices():
    assert len(NAMES) == 74


@pytest.mark.parametrize("name", NAMES)
def test_the_embedded_xml_gives_exactly_the_labelled_values(name):
    label = _label(name)
    path = Path(EINVOICES / f"{name}.pdf")
    assert find_embedded_xml(path)[0] == label["embedded_file"]
    invoice = read_pdf_einvoice(path)
    for key in SCALARS:
        assert getattr(invoice, key) == label[key], key
    for key in AMOUNTS:
        assert getattr(invoice, key) == _decimal(label[key]), key
    for key in ("issue_date", "due_date"):
        value = getattr(invoice, key)
        assert (value.isoformat() if value else None) == label[key], key
    read = [(i.line_id, i.name, i.quantity, i.unit_price, i.line_total) for i in invoice.line_items]
    expected = [
        (
            row["line_id"],
            row["name"],
            _decimal(row["quantity"]),
            _decimal(row["unit_price"]),
            _decimal(row["line_total"]),
        )
        for row in label["line_items"]
    ]
    assert read == expected

    fields = invoice_fields(invoice, [])
    assert fields["invoice_number"].value == label["invoice_number"]
    assert fields["invoice_date"].value == label["issue_date"]
    assert Decimal(fields["total_amount"].value) == Decimal(label["grand_total"])
    assert fields["currency"].value == label["currency"]
    assert fields["issuer"].value == label["seller_name"]
    assert all(f.confidence == 1.0 for f in fields.values() if hasattr(f, "confidence") and f.found)
