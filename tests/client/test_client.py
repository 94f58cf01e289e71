"""The Python client against a live server and a real worker."""

from __future__ import annotations

import io
import json

import pytest

from docplatform.models import Service
from docplatform.services import api_key_create, service_create
from tests import documents
from webhooks.services import endpoint_create

pytestmark = pytest.mark.e2e

PDF = documents.text_pdf(["Invoice number: INV-5", "Total 42.00 EUR"])


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {"DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}


@pytest.fixture
def api(live_server, worker, settings):
    from docplatform_client import DocPlatform

    service = service_create(name="Invoices", kind=Service.Kind.INVOICE)
    _, key = api_key_create(service=service, name="client")
    with DocPlatform(live_server.url, api_key=key, service_id=service.public_id) as client:
        client.service = service
        yield client


def test_the_client_submits_waits_reads_lists_and_deletes(api):
    from docplatform_client import ApiError, Entity

    first = api.submit(
        PDF, filename="a.pdf", alias="order-1", idempotency_key="k-1", result_ttl=3600
    )
    again = api.submit(
        io.BytesIO(PDF), filename="a.pdf", alias="order-1", idempotency_key="k-1", result_ttl=3600
    )
    assert (again.job, again.replayed, first.replayed) == (first.job, True, False)
    states = []
    job = api.wait(first.job, on_progress=lambda j: states.append(j.status))
    assert job.status == "completed" and states[-1] == "completed"
    document = api.result(first.resource, include=["ocr", "service_fields"])
    assert document.status == "COMPLETED" and document.finished
    number = document.entities()["invoice_number"]
    assert isinstance(number, Entity) and number.text == "INV-5" and 0 < number.confidence <= 100
    assert document.pages[0].ocr and document.service_fields["invoice_number"]["tag_alias"]
    second = api.submit(PDF, filename="b.pdf")
    api.wait(second.job)
    listed = [j.id for j in api.jobs(page_size=1)]
    assert listed == [second.job, first.job]
    assert api.quotas().plan_usage == 2
    api.delete(first.resource)
    with pytest.raises(ApiError) as gone:
        api.result(first.resource)
    assert (gone.value.status, gone.value.code) == (410, "expired")


def test_the_client_names_the_ocr_language_of_a_submit_and_hears_a_refusal(api):
    from docplatform_client import ApiError

    from jobs.models import Job

    submission = api.submit(PDF, filename="a.pdf", ocr_language="eng")
    assert Job.objects.get(pk=submission.job).ocr_language == "eng"
    with pytest.raises(ApiError) as refused:
        api.submit(PDF, filename="a.pdf", ocr_language="xx-not-installed")
    assert (refused.value.status, refused.value.code) == (422, "invalid_ocr_language")


def test_the_client_verifies_a_real_webhook_delivery(api, receiver, settings):
    from docplatform_client import verify_webhook
    from standardwebhooks import WebhookVerificationError

    settings.DOCPLATFORM_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    _, secret = endpoint_create(service=api.service, url=receiver.url)
    submission = api.submit(PDF, filename="a.pdf")
    api.wait(submission.job)
    (delivery,) = receiver.wait_for(1)
    event = verify_webhook(delivery.body, delivery.headers, secret=secret)
    assert event["type"] == "job.completed" and event["data"]["job"] == submission.job
    tampered = json.dumps({**json.loads(delivery.body), "type": "job.failed"}).encode()
    with pytest.raises(WebhookVerificationError):
        verify_webhook(tampered, delivery.headers, secret=secret)


def test_the_command_line_submits_a_folder_and_writes_one_json_each(api, tmp_path, live_server):
    from docplatform_client.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("one.pdf", "two.pdf", "three.pdf"):
        (folder / name).write_bytes(PDF)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "notes.txt").write_text("not a document")
    out = tmp_path / "out"
    progress = io.StringIO()
    key = api._http.headers["x-api-key"]
    status = main(
        [str(folder), "--base-url", live_server.url, "--service", api.service_id,
         "--api-key", key, "--out", str(out), "--concurrency", "3"],
        stream=progress,
    )  # fmt: skip
    assert status == 1  # the broken file failed
    assert sorted(p.name for p in out.iterdir()) == [
        "broken.pdf.json", "one.pdf.json", "three.pdf.json", "two.pdf.json",
    ]  # fmt: skip
    result = json.loads((out / "one.pdf.json").read_text())
    assert result["document"]["status"] == "COMPLETED"
    assert json.loads((out / "broken.pdf.json").read_text())["error"]["code"] == "corrupt_file"
    assert progress.getvalue().rstrip().endswith("4/4, 1 failed")
