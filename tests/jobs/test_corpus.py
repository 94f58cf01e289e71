"""Real invoices from the development corpus through the API and the task."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS_PDFS

pytestmark = pytest.mark.django_db


def expected(corpus_dir, name: str) -> dict:
    return json.loads((corpus_dir / f"{name}.json").read_text())[0]


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_text_holds_its_invoice_number_and_total(
    name, corpus_dir, submit, api_client, service
):
    truth = expected(corpus_dir, name)
    ids = submit(f"{name}.pdf", (corpus_dir / f"{name}.pdf").read_bytes()).json()
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{ids['resource']}"
    document = api_client.get(url + "?include=ocr").json()
    assert document["document"]["status"] == "COMPLETED"
    text = "\n".join(page["text"] for page in document["document_pages"])
    assert truth["invoice_number"].lstrip("#") in text
    total = f"{truth['amount']:.2f}"
    assert total in text or total.replace(".", ",") in text
    assert all(page["source"] == "text-layer" for page in document["document_pages"])


def test_corpus_png_gives_the_same_invoice_number_through_ocr(
    corpus_dir, submit, api_client, service
):
    ids = submit("aws.png", (corpus_dir / "AmazonWebServices.png").read_bytes()).json()
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{ids['resource']}"
    document = api_client.get(url + "?include=ocr").json()
    page = document["document_pages"][0]
    assert page["source"] == "ocr"
    assert "42183017" in page["text"]
    assert "4.11" in page["text"]
    assert "42183017" in {word["Text"] for word in page["ocr"]}
