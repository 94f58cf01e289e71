"""E-invoices in the review pages: a disagreement with the printed page, a plain XML file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docplatform.models import Service
from jobs.models import Document
from tests import einvoices

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice_service(service: Service) -> Service:
    service.kind = Service.Kind.INVOICE
    service.save()
    return service


def test_the_review_page_shows_where_the_xml_and_the_printed_page_disagree(
    invoice_service, submit, reviewer_client
):
    printed = [
        (x, y, "1.290,00 EUR" if text == "1.190,00 EUR" else text)
        for x, y, text in einvoices.PRINTED
    ]
    ids = submit("rechnung.pdf", einvoices.einvoice_pdf(printed=printed)).json()
    document = Document.objects.get(pk=ids["resource"])
    page = reviewer_client.get(reverse("review:document-detail", args=[document.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "einvoice_mismatch" in html
    assert "the e-invoice XML says 1190.00, the printed page shows 1.290,00" in html
    assert document.review.revision_status == "review_required"


def test_a_plain_xml_invoice_is_reviewed_on_its_rendered_page(
    invoice_service, submit, reviewer_client
):
    ids = submit("rechnung.xml", einvoices.ubl()).json()
    document = Document.objects.get(pk=ids["resource"])
    html = reviewer_client.get(reverse("review:document-detail", args=[document.pk])).content
    assert b"RE-2024-0815" in html
    preview = reviewer_client.get(reverse("review:page-preview", args=[document.pk, 1]))
    assert preview.status_code == 200
