"""E-invoices submitted through the API: ZUGFeRD PDFs and plain CII / UBL XML files."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from docplatform.models import Service
from docplatform.services import api_key_create, service_create
from tests import einvoices
from tests.http import Reply, request


@pytest.fixture
def invoice_client(db: None) -> tuple[APIClient, str]:
    service = service_create(name="E-invoices", kind=Service.Kind.INVOICE)
    _, key = api_key_create(service=service, name="test")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client, f"/api/v1/inference/service/{service.public_id}"


def _submit(client: APIClient, base: str, name: str, content: bytes, capture) -> dict:
    from tests import documents

    with capture(execute=True):
        response = client.post(
            f"{base}/async-predict", {"file": documents.upload(name, content)}, format="multipart"
        )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_zugferd_pdf_through_the_api_gets_its_fields_from_the_xml(
    invoice_client, django_capture_on_commit_callbacks
):
    client, base = invoice_client
    ids = _submit(
        client, base, "rechnung.pdf", einvoices.einvoice_pdf(), django_capture_on_commit_callbacks
    )
    document = client.get(f"{base}/predicted-documents/{ids['resource']}").json()
    assert document["document"]["status"] == "COMPLETED"
    total = document["document_pages"][0]["entities"]["total_amount"]
    assert (total["value"], total["confidence"], total["source"]) == ("1190.00", 100.0, "e-invoice")
    assert total["box"] is not None and total["bounding_boxes"]


@pytest.mark.django_db
def test_a_plain_xml_invoice_is_accepted_and_shows_a_readable_page(
    invoice_client, django_capture_on_commit_callbacks
):
    client, base = invoice_client
    ids = _submit(client, base, "x.xml", einvoices.cii(), django_capture_on_commit_callbacks)
    document = client.get(
        f"{base}/predicted-documents/{ids['resource']}?include=ocr&document_details=summary"
    ).json()
    assert document["document"]["status"] == "COMPLETED", document
    page = document["document_pages"][0]
    assert page["source"] == "text-layer"
    assert "Grand total: 1190.00 EUR" in page["text"]
    fields = document["document_summary"]["entities"]
    assert fields["invoice_number"]["value"] == "RE-2024-0815"
    assert fields["invoice_number"]["source"] == "e-invoice"
    preview = client.get(page["preview_url"])
    assert preview.status_code == 200


@pytest.mark.django_db
def test_xml_that_is_not_an_invoice_is_refused_at_submit(invoice_client):
    from tests import documents

    client, base = invoice_client
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    response = client.post(
        f"{base}/async-predict", {"file": documents.upload("a.xml", svg)}, format="multipart"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_file_type"


@pytest.mark.django_db
def test_a_hostile_xml_invoice_fails_its_job_with_a_reason(
    invoice_client, django_capture_on_commit_callbacks
):
    client, base = invoice_client
    ids = _submit(
        client, base, "bomb.xml", einvoices.BILLION_LAUGHS, django_capture_on_commit_callbacks
    )
    job = client.get(f"{base}/jobs/{ids['job']}").json()
    assert job["status"] == "failed"
    assert job["error"]["code"] == "unsafe_xml"


def _poll(url: str, key: str, seconds: float = 60) -> Reply:
    deadline = time.monotonic() + seconds
    while True:
        reply = request("GET", url, headers={"x-api-key": key})
        if reply.status != 202 or time.monotonic() > deadline:
            return reply
        time.sleep(0.3)


@pytest.mark.e2e
def test_a_plain_xml_invoice_is_processed_by_a_real_worker(live_server, worker):
    service = service_create(name="E-invoices", kind=Service.Kind.INVOICE)
    _, key = api_key_create(service=service, name="e2e")
    base = f"{live_server.url}/api/v1/inference/service/{service.public_id}"
    submitted = {}
    for name, content in (("ubl.xml", einvoices.ubl()), ("bomb.xml", einvoices.EXTERNAL_ENTITY)):
        reply = request(
            "POST",
            f"{base}/async-predict",
            headers={"x-api-key": key},
            files={"file": (name, content)},
        )
        assert reply.status == 200, reply.body
        submitted[name] = reply.json()
    bomb = _poll(f"{base}/jobs/{submitted['bomb.xml']['job']}", key).json()
    assert (bomb["status"], bomb["error"]["code"]) == ("failed", "unsafe_xml")
    job = _poll(f"{base}/jobs/{submitted['ubl.xml']['job']}", key).json()
    assert job["status"] == "completed", job
    document = request(
        "GET",
        f"{base}/predicted-documents/{submitted['ubl.xml']['resource']}?document_details=summary",
        headers={"x-api-key": key},
    ).json()
    summary = document["document_summary"]
    assert summary["entities"]["total_amount"]["value"] == "1190.00"
    assert summary["entities"]["issuer"]["value"] == "ACME Supplies GmbH"
    (row, *_) = summary["aggregated_entities"]["line_items"]
    assert row["aggregated_fields"]["description"]["value"] == "Schrauben M8"
    assert worker.poll() is None
