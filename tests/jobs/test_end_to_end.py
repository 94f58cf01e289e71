"""The whole platform for real: HTTP against a live server, a real qcluster worker process."""

from __future__ import annotations

import time

import pytest

from docplatform.services import api_key_create, service_create
from tests import documents
from tests.http import Reply, request

pytestmark = pytest.mark.e2e


def poll(url: str, key: str, *, seconds: float = 60) -> Reply:
    deadline = time.monotonic() + seconds
    while True:
        reply = request("GET", url, headers={"x-api-key": key})
        if reply.status != 202 or time.monotonic() > deadline:
            return reply
        time.sleep(0.3)


def test_a_submitted_document_is_processed_by_a_real_worker(live_server, worker, corpus_dir):
    service = service_create(name="Invoices")
    _, key = api_key_create(service=service, name="e2e")
    base = f"{live_server.url}/api/v1/inference/service/{service.public_id}"

    pdf = (corpus_dir / "AmazonWebServices.pdf").read_bytes()
    png = (corpus_dir / "AmazonWebServices.png").read_bytes()
    corrupt = documents.CORRUPT_PDF
    submitted = {}
    for name, content in (("aws.pdf", pdf), ("aws.png", png), ("broken.pdf", corrupt)):
        reply = request(
            "POST",
            f"{base}/async-predict",
            headers={"x-api-key": key},
            files={"file": (name, content)},
        )
        assert reply.status == 200, reply.body
        submitted[name] = reply.json()

    for name, ids in submitted.items():
        status = poll(f"{base}/jobs/{ids['job']}", key)
        assert status.status == 200, status.body
        body = status.json()
        if name == "broken.pdf":
            assert body["status"] == "failed"
            assert body["error"]["code"] == "corrupt_file"
            continue
        assert body["status"] == "completed", body
        document = request(
            "GET",
            f"{base}/predicted-documents/{ids['resource']}?include=ocr",
            headers={"x-api-key": key},
        ).json()
        assert "42183017" in document["document_pages"][0]["text"]
        assert document["document_pages"][0]["source"] == (
            "ocr" if name.endswith(".png") else "text-layer"
        )
    assert worker.poll() is None  # the corrupt file did not take the worker down
