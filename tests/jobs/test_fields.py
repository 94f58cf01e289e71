"""Services of every kind, created in the admin, return the field contract through the API."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from docplatform.models import Service
from docplatform.services import api_key_create
from tests import documents

pytestmark = pytest.mark.django_db

FIELD_KEYS = {"value", "raw", "confidence", "band", "page", "box", "validation_errors", "source"}

INVOICE = documents.laid_out_pdf(
    [
        (20, 20, "ACME Supplies GmbH"),
        (20, 26, "Hauptstrasse 1, 10115 Berlin"),
        (120, 40, "Invoice number:"),
        (155, 40, "INV-2024-0815"),
        (120, 47, "Invoice date:"),
        (155, 47, "12.03.2024"),
        (120, 54, "Due date:"),
        (155, 54, "11.04.2024"),
        (20, 120, "Net amount"),
        (150, 120, "1.000,00 EUR"),
        (20, 127, "VAT 19%"),
        (150, 127, "190,00 EUR"),
        (20, 134, "Total"),
        (150, 134, "1.190,00 EUR"),
        (20, 160, "IBAN: DE89 3704 0044 0532 0130 00"),
        (20, 166, "VAT ID: DE123456789"),
    ]
)


def schema_rows(schema: list[dict]) -> dict[str, str]:
    """A schema as the admin's schema editor sends it: one row of inputs per field."""
    rows = {"field_schema-rows": str(len(schema))}
    for index, spec in enumerate(schema):
        prefix = f"field_schema-{index}"
        rows[f"{prefix}-name"] = spec["name"]
        rows[f"{prefix}-label"] = spec.get("label", "")
        rows[f"{prefix}-type"] = spec.get("type", "text")
        if spec.get("required"):
            rows[f"{prefix}-required"] = "on"
        rows[f"{prefix}-anchors"] = "\n".join(spec.get("anchors", []))
        rows[f"{prefix}-pattern"] = spec.get("pattern", "")
        rows[f"{prefix}-choices"] = "\n".join(spec.get("choices", []))
    return rows


def admin_create_service(admin_client, **data: object) -> Service:
    schema = data.pop("field_schema", [])
    form = {
        "name": "Service",
        "kind": "text",
        "is_active": "on",
        **schema_rows(schema),  # type: ignore[arg-type]
        "required_fields": "[]",
        "review_threshold": "0.5",
        "settings": "{}",
        "api_keys-TOTAL_FORMS": "0",
        "api_keys-INITIAL_FORMS": "0",
    }
    form.update({k: json.dumps(v) if isinstance(v, list) else v for k, v in data.items()})
    response = admin_client.post("/admin/docplatform/service/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Service.objects.get(name=form["name"])


def submit_and_read(service: Service, name: str, content: bytes, capture) -> dict:
    _, raw = api_key_create(service=service, name="test")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=raw)
    base = f"/api/v1/inference/service/{service.public_id}"
    with capture(execute=True):
        ids = client.post(
            f"{base}/async-predict", {"file": documents.upload(name, content)}, format="multipart"
        ).json()
    response = client.get(
        f"{base}/predicted-documents/{ids['resource']}?include=service_fields&document_details=summary"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["document"]["status"] == "COMPLETED", body
    # The document section, with each field's Entity over all pages (``{}`` when not found).
    return {**body["document"], "service_fields": body["document_summary"]["entities"]}


def assert_contract(field: dict) -> None:
    assert set(field) >= FIELD_KEYS
    assert 0 <= field["confidence"] <= 100
    assert field["band"] in {"low", "medium", "high"}
    if field["value"] is not None:
        assert field["page"] >= 1
        x0, y0, x1, y1 = field["box"]
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


def test_an_invoice_service_returns_normalised_located_fields(
    admin_client, django_capture_on_commit_callbacks
):
    service = admin_create_service(
        admin_client, name="Invoices", kind="invoice", required_fields=["total_amount"]
    )
    document = submit_and_read(service, "inv.pdf", INVOICE, django_capture_on_commit_callbacks)
    fields = document["service_fields"]
    for name in ("invoice_number", "invoice_date", "total_amount", "iban", "currency"):
        assert_contract(fields[name])
    assert fields["invoice_number"]["value"] == "INV-2024-0815"
    assert fields["invoice_date"]["value"] == "2024-03-12"
    assert fields["invoice_date"]["raw"] == "12.03.2024"
    assert fields["due_date"]["value"] == "2024-04-11"
    assert fields["total_amount"]["value"] == "1190.00"
    assert fields["net_amount"]["value"] == "1000.00"
    assert fields["tax_amount"]["value"] == "190.00"
    assert fields["currency"]["value"] == "EUR"
    assert fields["iban"]["value"] == "DE89370400440532013000"
    assert fields["iban"]["validation_errors"] == []
    assert fields["issuer"]["value"] == "ACME Supplies GmbH"
    # The number's box sits right of its label, in the upper part of the page.
    assert fields["invoice_number"]["box"][0] > 0.5 and fields["invoice_number"]["box"][1] < 0.3
    assert document["validation_errors"] == []


def test_an_invoice_whose_totals_disagree_needs_review(
    admin_client, django_capture_on_commit_callbacks
):
    service = admin_create_service(admin_client, name="Invoices", kind="invoice")
    content = documents.laid_out_pdf(
        [
            (20, 20, "Invoice number: 4711"),
            (20, 30, "Net amount 100.00 EUR"),
            (20, 37, "VAT 19.00 EUR"),
            (20, 44, "Total 150.00 EUR"),
        ]
    )
    document = submit_and_read(service, "bad.pdf", content, django_capture_on_commit_callbacks)
    assert document["needs_review"] is True
    assert "totals_mismatch" in {e["code"] for e in document["validation_errors"]}


def test_a_receipt_service_returns_receipt_fields(admin_client, django_capture_on_commit_callbacks):
    service = admin_create_service(admin_client, name="Receipts", kind="receipt")
    content = documents.laid_out_pdf(
        [
            (60, 15, "Corner Bakery Ltd"),
            (60, 21, "12 High Street, London"),
            (20, 40, "Date: 01/03/2024"),
            (120, 40, "Time: 14:35"),
            (20, 60, "Croissant"),
            (150, 60, "2.40"),
            (20, 66, "Coffee"),
            (150, 66, "3.10"),
            (20, 80, "VAT"),
            (150, 80, "0.92"),
            (20, 86, "TOTAL GBP"),
            (150, 86, "5.50"),
            (20, 100, "Paid by card"),
        ]
    )
    document = submit_and_read(service, "r.pdf", content, django_capture_on_commit_callbacks)
    fields = document["service_fields"]
    assert set(fields) == {
        "merchant", "date", "time", "total", "tax", "currency", "payment_method",
    }  # fmt: skip
    for name in ("merchant", "date", "time", "total", "currency", "payment_method"):
        assert_contract(fields[name])
    assert fields["total"]["value"] == "5.50"
    assert fields["date"]["value"] == "2024-03-01"
    assert fields["time"]["value"] == "14:35"
    assert fields["currency"]["value"] == "GBP"
    assert fields["payment_method"]["value"] == "card"


def test_a_custom_service_extracts_its_own_schema(admin_client, django_capture_on_commit_callbacks):
    schema = [
        {
            "name": "po_number",
            "label": "PO number",
            "type": "text",
            "required": True,
            "anchors": ["PO number", "Purchase order"],
            "pattern": r"PO-\d+",
        },
        {"name": "contact", "type": "email", "anchors": ["Contact"]},
        {"name": "delivery", "type": "date", "anchors": ["Delivery date"]},
        {"name": "cost_centre", "type": "text", "required": True, "anchors": ["Cost centre"]},
    ]
    service = admin_create_service(admin_client, name="Orders", kind="custom", field_schema=schema)
    content = documents.laid_out_pdf(
        [
            (20, 20, "PO number: PO-7781"),
            (20, 30, "Contact: buyer@example.com"),
            (20, 40, "Delivery date: 5 March 2024"),
        ]
    )
    document = submit_and_read(service, "po.pdf", content, django_capture_on_commit_callbacks)
    fields = document["service_fields"]
    assert fields["po_number"]["value"] == "PO-7781"
    assert fields["contact"]["value"] == "buyer@example.com"
    assert fields["delivery"]["value"] == "2024-03-05"
    assert fields["cost_centre"] == {}
    assert "required_missing" in {e["code"] for e in document["validation_errors"]}
    assert document["needs_review"] is True


def test_a_form_service_returns_the_pdfs_form_fields(
    admin_client, django_capture_on_commit_callbacks
):
    service = admin_create_service(admin_client, name="Forms", kind="form")
    content = documents.form_pdf({"applicant": "Jane Doe", "amount": "12.50", "notes": None})
    document = submit_and_read(service, "f.pdf", content, django_capture_on_commit_callbacks)
    fields = document["service_fields"]
    assert fields["applicant"]["value"] == "Jane Doe"
    assert fields["amount"]["value"] == "12.50"
    assert fields["notes"] == {}
    assert fields["applicant"]["page"] == 1
    assert_contract(fields["applicant"])


def test_the_admin_refuses_an_invalid_custom_schema_with_clear_errors(admin_client):
    response = admin_client.post(
        "/admin/docplatform/service/add/",
        {
            "name": "Broken",
            "kind": "custom",
            "is_active": "on",
            # The admin edits the schema as rows of fields.
            "field_schema-rows": "1",
            "field_schema-0-name": "1bad",
            "field_schema-0-type": "colour",
            "required_fields": "[]",
            "review_threshold": "0.8",
            "settings": "{}",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "must be a lowercase identifier" in page
    assert "is not one of" in page
    assert not Service.objects.filter(name="Broken").exists()


def test_required_fields_must_exist_for_the_kind(admin_client):
    response = admin_client.post(
        "/admin/docplatform/service/add/",
        {
            "name": "Typo",
            "kind": "invoice",
            "is_active": "on",
            "field_schema": "[]",
            "required_fields": json.dumps(["totl_amount"]),
            "review_threshold": "0.8",
            "settings": "{}",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Unknown field &#x27;totl_amount&#x27;" in response.content.decode()
