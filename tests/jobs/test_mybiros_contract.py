"""A client written literally from myBiros' documentation (CONTRACT.md), against a live server
with a real worker: only the base URL differs. Each block names the contract's point."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
import pytest
from django.utils import timezone

from docplatform.models import Service, UsagePlan
from docplatform.services import api_key_create, service_create
from tests import documents

pytestmark = pytest.mark.e2e

INVOICE = documents.laid_out_pdf(
    [
        (20, 20, "ACME Supplies GmbH"),
        (120, 40, "Invoice number:"),
        (155, 40, "INV-2024-0815"),
        (120, 47, "Invoice date:"),
        (155, 47, "12.03.2024"),
        (20, 60, "Description"),
        (100, 60, "Qty"),
        (130, 60, "Unit price"),
        (165, 60, "Amount"),
        (20, 68, "Widget"),
        (100, 68, "2"),
        (130, 68, "500,00"),
        (165, 68, "1.000,00"),
        (20, 120, "Net amount"),
        (150, 120, "1.000,00 EUR"),
        (20, 127, "VAT 19%"),
        (150, 127, "190,00 EUR"),
        (20, 134, "Total"),
        (150, 134, "1.190,00 EUR"),
        (20, 160, "IBAN: DE89 3704 0044 0532 0130 00"),
    ]
)
REVISION_STATUSES = ["pending", "to_review", "review_required", "approved", "not_approved"]


def is_naive_iso(text: str) -> bool:
    moment = datetime.fromisoformat(text)
    return moment.tzinfo is None and len(text.rsplit(".", 1)[-1]) == 6


def assert_polygon(points, width: int, height: int) -> None:
    assert len(points) == 4 and all(
        len(p) == 2 and all(isinstance(c, int) for c in p) for p in points
    )
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    assert (y0, x1, y2, x3) == (y1, x2, y3, x0)  # TL, TR, BR, BL
    assert 0 <= x0 <= x1 <= width and 0 <= y0 <= y2 <= height


def assert_entity(entity: dict, width: int, height: int) -> None:
    assert isinstance(entity["id"], int)
    assert isinstance(entity["text"], str) and entity["text"]
    assert isinstance(entity["confidence"], float | int) and 0 <= entity["confidence"] <= 100
    for polygon in entity["bounding_boxes"]:
        assert_polygon(polygon, width, height)


@pytest.fixture
def mybiros(live_server, worker):
    service = service_create(name="Fatture", kind=Service.Kind.INVOICE)
    service.required_fields = ["total_amount", "due_date"]
    service.plan = UsagePlan.objects.create(
        name="Premium",
        plan_type="PAID_MONTHLY_QUOTA_RESET",
        pages_limit=1000,
        subscription_start=timezone.now() - timedelta(days=3),
    )
    service.save()
    _, key = api_key_create(service=service, name="erp")
    client = httpx.Client(
        base_url=f"{live_server.url}/api/v1",
        headers={"x-api-key": key, "Accept": "application/json"},
        timeout=120,
    )
    yield client, service.public_id
    client.close()


def test_a_client_written_from_the_mybiros_documentation_works_unchanged(mybiros):
    client, service_id = mybiros
    files = {"file": ("fattura.pdf", INVOICE, "application/pdf")}

    # E2: async-predict answers 200 {job, resource} with the usage headers.
    submitted = client.post(f"/inference/service/{service_id}/async-predict", files=files)
    assert submitted.status_code == 200, submitted.text
    job, resource = submitted.json()["job"], submitted.json()["resource"]
    assert isinstance(job, str) and isinstance(resource, str)
    assert submitted.headers["x-plan-usage"].isdigit()
    assert submitted.headers["x-plan-usage-limit"] == "1000"

    # E3: 200 while running, with the processing status, until it is done.
    url = f"/inference/service/{service_id}/predicted-documents/{resource}"
    params = {"include": ["ocr", "service_fields", "validation_errors"]}
    deadline = time.monotonic() + 90
    while True:
        reply = client.get(url, params=params)
        assert reply.status_code == 200, reply.text
        body = reply.json()
        if body["document"]["status"] != "RUNNING":
            break
        assert body["document"]["revision_status"] == "pending"
        assert time.monotonic() < deadline
        time.sleep(0.3)
    document = body["document"]
    assert document["status"] == "COMPLETED"
    assert document["revision_status"] in REVISION_STATUSES
    assert document["category"] is None
    assert (document["original_name"], document["content_type"]) == (
        "fattura.pdf",
        "application/pdf",
    )
    assert document["page_count"] == 1
    assert is_naive_iso(document["created_at"])

    # §4.6: the catalogue, with the three documented keys for every field.
    catalogue = body["service_fields"]
    for entry in catalogue.values():
        assert isinstance(entry["tag_alias"], str)
        assert isinstance(entry["tag_multiple_values"], bool)
        assert entry["tag_aggregation"] is None or isinstance(
            entry["tag_aggregation"]["aggregation_fields"], list
        )
    assert body["service_categories"] == {}
    members = {
        m
        for e in catalogue.values()
        if e["tag_aggregation"]
        for m in e["tag_aggregation"]["aggregation_fields"]
    }
    simple = {n for n, e in catalogue.items() if not e["tag_aggregation"] and n not in members}
    aggregates = {n for n, e in catalogue.items() if e["tag_aggregation"]}

    # §4.3–4.5, §4.9: every page with every simple field, aggregations, OCR words.
    (page,) = body["document_pages"]
    width, height = page["width"], page["height"]
    assert isinstance(width, int) and isinstance(height, int)
    assert set(page["entities"]) == simple
    assert set(page["aggregated_entities"]) == aggregates
    for name, value in page["entities"].items():
        if catalogue[name]["tag_multiple_values"]:
            assert isinstance(value, list)
        elif value != {}:
            assert_entity(value, width, height)
    number = page["entities"]["invoice_number"]
    assert number["text"] == "INV-2024-0815"
    assert len(number["bounding_boxes"]) == 1
    assert page["entities"]["due_date"] == {}
    for name in aggregates:
        rows = page["aggregated_entities"][name]
        assert isinstance(rows, list) and rows
        for row in rows:
            assert isinstance(row["id"], int)
            wanted = catalogue[name]["tag_aggregation"]["aggregation_fields"]
            assert set(row["aggregated_fields"]) == set(wanted)
            for member in row["aggregated_fields"].values():
                assert member is None or not isinstance(member, list)
                if member is not None:
                    assert_entity(member, width, height)
    ids = [e["id"] for e in page["entities"].values() if e] + [
        r["id"] for rows in page["aggregated_entities"].values() for r in rows
    ]
    assert len(ids) == len(set(ids))
    words = page["ocr"]
    assert words and {"Text", "Confidence", "BoundingBox"} <= set(words[0])
    for word in words:
        assert 0 <= word["Confidence"] <= 100
        assert_polygon(word["BoundingBox"], width, height)
    # §4.10: the review policy ran: due_date is a mandatory label that was not found.
    assert "required_missing" in {v["code"] for v in page["validation_errors"]}

    # Not asked for: present, empty.
    plain = client.get(url).json()
    assert plain["service_fields"] == {} and plain["document_pages"][0]["ocr"] == []
    assert plain["document_pages"][0]["validation_errors"] == []
    assert "document_summary" not in plain

    # §4.8: document_details=summary.
    summary = client.get(url, params={"document_details": "summary"}).json()["document_summary"]
    assert set(summary["entities"]) == simple
    assert summary["entities"]["invoice_number"]["text"] == "INV-2024-0815"

    # E4: the documented curl body, sent as form data, for every revision status.
    for revision in REVISION_STATUSES:
        patched = client.patch(
            url,
            content=f'{{"revision_status": "{revision}"}}',
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert patched.status_code == 200, patched.text
        assert patched.json() == {
            "message": "Document fields updated.",
            "fields_updated": {"revision_status": revision},
        }
        assert client.get(url).json()["document"]["revision_status"] == revision

    # E1: predict, the form field as the public client sends it, include in the query.
    predicted = client.post(
        f"/inference/service/{service_id}/predict",
        params={"include": ["service_fields"], "document_details": "summary"},
        files={**files, "push_result_on_platform": (None, '"never"')},
    )
    assert predicted.status_code == 200, predicted.text
    result = predicted.json()
    assert predicted.headers["x-plan-usage-limit"] == "1000"
    for field in result["service_fields"]:
        entity = result["document_summary"]["entities"].get(field)
        if entity:
            assert result["service_fields"][field]["tag_alias"]
            assert isinstance(entity["text"], str) and isinstance(entity["confidence"], float)
    # never: nothing was kept.
    gone = client.get(
        f"/inference/service/{service_id}/predicted-documents/{result['document']['id']}"
    )
    assert gone.status_code == 404
    always = client.post(
        f"/inference/service/{service_id}/predict",
        files={**files, "push_result_on_platform": (None, "always")},
    ).json()
    kept = client.get(
        f"/inference/service/{service_id}/predicted-documents/{always['document']['id']}"
    )
    assert kept.status_code == 200

    # E5: the service's information.
    info = client.get(f"/inference/service/{service_id}").json()
    assert info["service_id"] == service_id and info["name"] == "Fatture"
    assert isinstance(info["description"], str) and is_naive_iso(info["created_at"])
    assert info["service_fields"]["invoice_number"]["tag_alias"]

    # E6: the quotas, outside /inference.
    quotas = client.get(f"/service/{service_id}/plan/quotas").json()
    assert isinstance(quotas["plan_usage"], int) and quotas["plan_usage_limit"] == 1000
    assert quotas["plan_type"] in {"TRIAL", "PAID_MONTHLY_QUOTA_RESET", "PAID_ANNUAL_QUOTA_RESET"}

    # §1: a missing key is 401; another service's id is not found.
    assert httpx.get(f"{client.base_url}inference/service/{service_id}").status_code == 401
    assert client.get("/inference/service/another-service").status_code == 404
