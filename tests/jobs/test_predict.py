"""The synchronous predict, the service's information, and the result object's rules."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from docplatform.models import Service
from jobs import predictions
from jobs.models import Document, Job
from review.models import DocumentReview
from tests import documents

pytestmark = pytest.mark.django_db

PDF = documents.text_pdf(["Invoice INV-77", "Total 12.00 EUR"])


def predict_url(service: Service) -> str:
    return f"/api/v1/inference/service/{service.public_id}/predict"


def predict(api_client, service, push: str | None = None, query: str = "", content=PDF):
    data = {"file": documents.upload("inv.pdf", content)}
    if push is not None:
        data["push_result_on_platform"] = push
    return api_client.post(predict_url(service) + query, data, format="multipart")


def test_predict_answers_the_result_and_keeps_nothing_by_default(api_client, service):
    response = predict(api_client, service, query="?include=ocr")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["document"]["status"] == "COMPLETED"
    assert body["document"]["stored"] is False and body["document"]["url"] is None
    assert "INV-77" in {word["Text"] for word in body["document_pages"][0]["ocr"]}
    assert response["x-plan-usage"] == "1"
    assert not Job.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize("push", ['"always"', "always", " ALWAYS "])
def test_predict_with_always_keeps_the_document_like_an_async_one(api_client, service, push):
    body = predict(api_client, service, push).json()
    document = Document.objects.get(pk=body["document"]["id"])
    assert document.job.status == Job.Status.COMPLETED
    assert body["document"]["stored"] is True
    assert DocumentReview.objects.filter(document=document).exists()


def test_predict_only_review_keeps_a_document_only_when_the_policy_is_violated(api_client, service):
    predict(api_client, service, "only_review")
    assert not Document.objects.exists()
    # A required field the document lacks: a blank scan has no text.
    service.required_fields = ["text"]
    service.save()
    scanned = documents.scanned_pdf([""])
    body = predict(api_client, service, "only_review", content=scanned).json()
    assert Document.objects.filter(pk=body["document"]["id"]).exists()


def test_predict_refuses_an_unknown_push_value(api_client, service):
    response = predict(api_client, service, "sometimes")
    assert response.status_code == 422
    assert response.json()["error"]["param"] == "push_result_on_platform"
    assert not Job.objects.exists()


def test_predict_of_a_broken_file_is_a_422_with_the_jobs_reason(api_client, service):
    response = predict(api_client, service, content=b"%PDF-1.4 broken beyond repair")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "corrupt_file"
    assert not Job.objects.exists()


def test_predict_over_its_time_limit_names_the_async_endpoint(api_client, service, settings):
    settings.DOCPLATFORM_PREDICT_SECONDS = 1
    # Four scanned pages to OCR: far more than a second's work.
    pages = documents.scanned_pdf([f"Line {n}" for n in range(40)])
    writer = PdfWriter()
    for content in [pages] * 4:
        for page in PdfReader(io.BytesIO(content)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = predict(api_client, service, content=buffer.getvalue())
    assert response.status_code == 504
    error = response.json()["error"]
    assert error["code"] == "predict_timeout"
    assert "/async-predict" in error["message"]


def test_the_service_information_lists_its_field_catalogue(api_client, service):
    service.kind = Service.Kind.INVOICE
    service.save()
    body = api_client.get(f"/api/v1/inference/service/{service.public_id}").json()
    assert body["service_id"] == service.public_id
    fields = body["service_fields"]
    assert fields["invoice_date"] == {
        "tag_alias": "InvoiceDate",
        "tag_multiple_values": False,
        "tag_aggregation": None,
        "type": "date",
        "required": False,
    }
    assert fields["line_items"]["tag_multiple_values"] is True
    assert fields["line_items"]["tag_aggregation"] == {
        "aggregation_fields": ["description", "quantity", "unit_price", "amount"]
    }


def test_patch_reads_json_whatever_the_content_type_and_refuses_other_bodies(
    api_client, service, submit
):
    resource = submit("a.pdf", PDF).json()["resource"]
    url = f"/api/v1/inference/service/{service.public_id}/predicted-documents/{resource}"
    response = api_client.patch(url, '{"revision_status": "approved"}', content_type="text/plain")
    assert response.status_code == 200
    broken = api_client.patch(url, "revision_status=approved", content_type="text/plain")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "malformed_request"


# --- The result object's rules, on stored results (pure) ---------------------------------


def leaf(value, raw=None, page=1, box=(0.5, 0.25, 0.75, 0.5), **extra):
    return {
        "value": value,
        "raw": raw,
        "confidence": 0.8,
        "band": "high",
        "page": page,
        "box": list(box),
        "validation_errors": [],
        **extra,
    }


def test_a_pdf_page_is_measured_in_pixels_at_150_dpi_and_boxes_follow():
    size = predictions.page_size({"width": 595.2, "height": 842.4, "unit": "pt"})
    assert size == (1240, 1755)
    assert predictions.polygon([0.5, 0.25, 0.75, 0.5], *size) == [
        [620, 439],
        [930, 439],
        [930, 878],
        [620, 878],
    ]


def test_an_entity_shows_the_page_text_and_carries_unknown_keys_through():
    built = predictions.entity(
        leaf("2024-03-12", "12.03.2024", source="e-invoice"), entity_id=3, size=(100, 200)
    )
    assert (built["id"], built["text"], built["value"], built["confidence"]) == (
        3,
        "12.03.2024",
        "2024-03-12",
        80.0,
    )
    assert built["bounding_boxes"] == [[[50, 50], [75, 50], [75, 100], [50, 100]]]
    assert built["source"] == "e-invoice"
    assert predictions.entity(leaf(None), entity_id=0, size=None) == {}


def test_fields_are_on_their_own_page_and_empty_objects_elsewhere():
    catalogue = predictions.catalogue_with_result({}, {"a": leaf("x"), "b": leaf("y", page=2)})
    result = {
        "pages": [
            {"number": 1, "width": 100, "height": 100, "unit": "px", "words": []},
            {"number": 2, "width": 100, "height": 100, "unit": "px", "words": []},
        ],
        "fields": {"a": leaf("x"), "b": leaf("y", page=2)},
    }
    pages = predictions.document_pages(
        result=result,
        fields=result["fields"],
        catalogue=catalogue,
        include=set(),
        violations=None,
    )
    assert pages[0]["entities"]["a"]["text"] == "x" and pages[0]["entities"]["b"] == {}
    assert pages[1]["entities"]["a"] == {} and pages[1]["entities"]["b"]["text"] == "y"
