"""Hostile files, generated here, through the real worker: each ends with its documented code
within a bound, with a fixed public message, and the next normal job completes."""

from __future__ import annotations

import io
import time
import zlib

import pytest
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from docplatform.models import UsagePlan
from docplatform.services import api_key_create, service_create
from jobs.errors import PUBLIC_MESSAGES
from jobs.models import Job
from tests import documents

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]

# Extraction limits of this run: the bound for a hostile file is its time limit plus slack.
EXTRACTION_SECONDS = 60
BOUND_SECONDS = EXTRACTION_SECONDS + 30


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {
        "DOCPLATFORM_EXTRACTION_SECONDS": str(EXTRACTION_SECONDS),
        # The default limit: PP-OCR alone needs about 1.2 GB of address space.
        "DOCPLATFORM_EXTRACTION_MEMORY_MB": "2048",
    }


def assemble_pdf(*objects: bytes) -> bytes:
    """A PDF from raw object bodies, numbered from 1; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def flate_bomb(megabytes: int = 4096) -> bytes:
    """One page whose content stream inflates from about 4 MB to ``megabytes`` MB."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
    return assemble_pdf(CATALOG, ONE_PAGE, page, stream)


def cyclic_pdf() -> bytes:
    """A page tree whose node lists itself among its kids."""
    pages = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    return assemble_pdf(CATALOG, pages, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")


def huge_page_pdf() -> bytes:
    """A 5 m × 5 m page (the largest PDF allows): rendered at a lower resolution, not refused."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>"
    return assemble_pdf(CATALOG, ONE_PAGE, page)


def decompression_bomb_png() -> bytes:
    """900 million pixels in about 150 KB."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000), 1).save(out, format="PNG", optimize=True)
    return out.getvalue()


def long_line_pdf() -> bytes:
    """One line of 60,000 words."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=2)
    pdf.add_page()
    pdf.text(1, 10, " ".join(f"w{number}" for number in range(60_000)))
    return bytes(pdf.output())


def test_hostile_files_fail_with_their_code_and_the_worker_carries_on(worker):
    service = service_create(name="Hostile")
    service.plan = UsagePlan.objects.create(
        name="Hostile", max_pages_per_document=2, subscription_start=timezone.now()
    )
    service.save(update_fields=["plan"])
    _, key = api_key_create(service=service, name="hostile")
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    url = f"/api/v1/inference/service/{service.public_id}/async-predict"

    def submit(name: str, content: bytes):
        return client.post(url, {"file": documents.upload(name, content)}, format="multipart")

    refused = submit("fake.pdf", b"MZ\x90\x00 this is a program, not a PDF")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unsupported_file_type"

    expected = {
        "flate-bomb.pdf": (flate_bomb(), "extraction_resource_limit"),
        "bomb.png": (decompression_bomb_png(), "image_too_large"),
        "cyclic.pdf": (cyclic_pdf(), "corrupt_file"),
        "truncated.pdf": (documents.text_pdf(["Truncated"])[:300], "corrupt_file"),
        "over-limit.pdf": (documents.text_pdf(["a"], ["b"], ["c"]), "too_many_pages"),
        "huge-page.pdf": (huge_page_pdf(), None),
        "long-line.pdf": (long_line_pdf(), None),
    }
    jobs = {}
    for name, (content, _) in expected.items():
        response = submit(name, content)
        assert response.status_code == 200, (name, response.content)
        jobs[name] = response.json()["job"]
    deadline = time.monotonic() + BOUND_SECONDS * 2
    while Job.objects.filter(pk__in=jobs.values()).exclude(status__in=Job.FINISHED).exists():
        assert time.monotonic() < deadline, list(Job.objects.values_list("status", "error_code"))
        time.sleep(0.5)

    for name, (_, code) in expected.items():
        job = Job.objects.get(pk=jobs[name])
        if code is None:
            assert job.status == Job.Status.COMPLETED, (name, job.error_code)
        else:
            assert (job.status, job.error_code) == (Job.Status.FAILED, code), name
            assert job.error_message == PUBLIC_MESSAGES[code]
        assert (job.completed_at - job.started_at).total_seconds() < BOUND_SECONDS, name
        assert job.attempts == 1, name  # no file took a worker down

    normal = submit("normal.pdf", documents.text_pdf(["A normal invoice"])).json()["job"]
    deadline = time.monotonic() + 60
    while not Job.objects.get(pk=normal).is_finished:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert Job.objects.get(pk=normal).status == Job.Status.COMPLETED
    assert worker.poll() is None
