"""The OpenAPI schema is a contract: schemathesis holds a live server to it, with a real key
and real ids, and a client generated from it by openapi-python-client works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from docplatform.services import api_key_create, service_create
from tests import documents

pytestmark = pytest.mark.e2e

# Bounded so the run stays short in CI: examples per operation and phases.
MAX_EXAMPLES = 8
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


@pytest.fixture
def live_service(live_server):
    """An invoice service with a key, and one completed, stored document."""
    service = service_create(name="Invoices", kind="invoice")
    _, key = api_key_create(service=service, name="schema")
    client = httpx.Client(
        base_url=f"{live_server.url}/api/v1/inference/service/{service.public_id}",
        headers={"x-api-key": key},
        timeout=120,
    )
    pdf = documents.text_pdf(["Invoice number: INV-1", "Total 10.00 EUR"])
    body = client.post(
        "/predict",
        files={"file": ("a.pdf", pdf, "application/pdf")},
        data={"push_result_on_platform": "always"},
    ).json()
    yield {
        "url": live_server.url,
        "key": key,
        "service_id": service.public_id,
        "resource_id": body["document"]["id"],
        "job_id": body["document"]["job"],
    }
    client.close()


def test_the_live_server_keeps_every_promise_of_its_schema(live_service, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
headers = {{ "x-api-key" = "{live_service["key"]}" }}
[generation]
max-examples = {MAX_EXAMPLES}
[parameters]
"service_id" = "{live_service["service_id"]}"
"resource_id" = "{live_service["resource_id"]}"
"job_id" = "{live_service["job_id"]}"
"number" = 1
"""
    )
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{live_service['url']}/api/schema/?format=json",
        "--url",
        live_service["url"],
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--include-path-regex",
        "^/api/v1/",
        "--workers",
        "1",
        "--seed",
        "1",
        "--request-timeout",
        "120",
    ]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]


def test_a_client_generated_from_the_schema_submits_polls_reads_and_lists(
    live_service, worker, tmp_path
):
    import importlib
    import io
    import itertools
    import time

    schema = httpx.get(f"{live_service['url']}/api/schema/?format=json").content
    (tmp_path / "schema.json").write_bytes(schema)
    generator = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "generated_client"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        generated = importlib.import_module("generated_client")
        api = importlib.import_module("generated_client.api.v1")
        models = importlib.import_module("generated_client.models")
        types = importlib.import_module("generated_client.types")
        for name in ("async_predict", "job_status", "predicted_document", "job_list"):
            importlib.import_module(f"generated_client.api.v1.{name}")
        client = generated.AuthenticatedClient(
            base_url=live_service["url"],
            token=live_service["key"],
            prefix="",
            auth_header_name="x-api-key",
        )
        service_id = live_service["service_id"]
        pdf = documents.text_pdf(["Invoice number: INV-9", "Total 99.00 EUR"])
        body = models.PredictInputRequest(
            file=types.File(payload=io.BytesIO(pdf), file_name="g.pdf", mime_type="application/pdf")
        )
        submitted = api.async_predict.sync(service_id=service_id, client=client, body=body)
        assert isinstance(submitted, models.PredictOutput), submitted
        deadline = time.monotonic() + 90
        while True:
            job = api.job_status.sync(
                service_id=service_id, job_id=str(submitted.job), client=client
            )
            if job.status in ("completed", "failed"):
                break
            assert time.monotonic() < deadline
            time.sleep(0.3)
        assert job.status == "completed"
        includes = list(models.PredictedDocumentIncludeItem)
        combinations = [
            list(chosen)
            for size in range(len(includes) + 1)
            for chosen in itertools.combinations(includes, size)
        ]
        for include in combinations:
            for details in models.PredictedDocumentDocumentDetails:
                document = api.predicted_document.sync(
                    service_id=service_id,
                    resource_id=str(submitted.resource),
                    client=client,
                    include=include,
                    document_details=details,
                )
                assert isinstance(document, models.PredictedDocument), (include, document)
                assert document.document.status == models.DocumentSectionStatus.COMPLETED
                page = document.document_pages[0]
                entity = page.entities.additional_properties["invoice_number"]
                assert isinstance(entity, models.Entity) and entity.text == "INV-9"
                asked = {item.value for item in include}
                assert bool(page.ocr) == ("ocr" in asked)
                assert bool(document.service_fields.additional_properties) == (
                    "service_fields" in asked
                )
        listed = api.job_list.sync(service_id=service_id, client=client, page_size=1)
        assert isinstance(listed, models.PaginatedJobList) and len(listed.results) == 1
        following = api.job_list.sync(
            service_id=service_id,
            client=client,
            page_size=1,
            cursor=httpx.URL(listed.next_).params["cursor"],
        )
        assert {j.id for j in following.results}.isdisjoint({j.id for j in listed.results})
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("generated_client")]:
            del sys.modules[name]
