"""Submit and read costs of the API against a bare view, in one process, alternating.

Run from the repository root:  python bench/bench_api.py [--jobs 1000 100000] [--requests 40]

A fresh SQLite database in a temporary data directory. Requests go through Django's test
client in this process (the whole middleware, authentication and view stack, no network), so
the figures are CPU and wall milliseconds of the application per request. After each request
the connections are closed as a server closes them (``CONN_MAX_AGE``).

- submit: ``POST async-predict`` of a 150 KB one-page PDF, against the anchor: a bare view
  that checks a key (one indexed row and one SHA-256 compare), stores the file and inserts a
  row. Alternating batches; best batch of each. "ratio" is the anchor's cost over the
  submit's: the submit's throughput as a share of the anchor's.
- reads at N jobs of one service (50 queued among the first 1,000, then one in 2,000, spread
  over the service's history; the rest completed, the newest 200 with the real result of a
  one-page invoice): ``GET /jobs?status=queued``, ``GET /jobs`` (50 per page)
  and ``GET /jobs/<id>``; the database grows from one N to the next.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = tempfile.mkdtemp(prefix="bench-api-")
os.environ["DOCPLATFORM_DATA_DIR"] = DATA
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docplatform.settings")
os.environ["DOCPLATFORM_LOG_LEVEL"] = "WARNING"
os.environ.pop("DOCPLATFORM_DATABASE_URL", None)
os.environ.pop("DOCPLATFORM_STORAGE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from docplatform import urls as root_urls  # noqa: E402
from docplatform.models import ApiKey, Service  # noqa: E402
from docplatform.services import api_key_create, service_create  # noqa: E402
from jobs.models import Document, Job  # noqa: E402
from tests import documents  # noqa: E402

ANCHOR_SECRET = b"bench"


@csrf_exempt
def bare_upload(request: HttpRequest, service_id: str) -> JsonResponse:
    """The anchor: check a key, store the file, insert a row."""
    raw = request.META.get("HTTP_X_API_KEY", "")
    prefix = raw[4:16]
    key = ApiKey.objects.select_related("service").filter(prefix=prefix).first()
    digest = hmac.new(ANCHOR_SECRET, raw.encode(), hashlib.sha256).hexdigest()
    if (
        key is None
        or key.service.public_id != service_id
        or not hmac.compare_digest(digest, request.META["HTTP_X_BENCH_DIGEST"])
    ):
        return JsonResponse({"error": "key"}, status=401)
    upload = request.FILES["file"]
    name = default_storage.save(f"bare/{uuid.uuid4()}.pdf", upload)
    job = Job.objects.create(service=key.service, api_key=key, request_id=name[-40:])
    return JsonResponse({"job": str(job.pk)})


root_urls.urlpatterns.insert(0, path("bare/<str:service_id>", bare_upload))
clear_url_caches()


def cpu() -> float:
    return time.process_time()


def timed(run, count: int) -> tuple[float, float]:
    """CPU and wall milliseconds per call of ``run`` over ``count`` calls.

    After each call, what a real server does when a request ends (the test client skips
    it): database connections past their ``CONN_MAX_AGE`` are closed.
    """
    cpu_start, wall_start = cpu(), time.perf_counter()
    for number in range(count):
        run(number)
        close_old_connections()
    return (cpu() - cpu_start) * 1000 / count, (time.perf_counter() - wall_start) * 1000 / count


def padded_pdf(size: int) -> bytes:
    """A one-page text PDF padded with a comment to about ``size`` bytes."""
    content = documents.text_pdf(["Invoice INV-1", "Total 12.00 EUR"])
    body, _, _ = content.rpartition(b"%%EOF")
    return content + b"%" + os.urandom(max(0, size - len(content)) // 2).hex().encode() + b"\n"


def bench_submit(client: Client, service: Service, raw: str, requests: int, rounds: int) -> None:
    pdf = padded_pdf(150 * 1024)
    digest = hmac.new(ANCHOR_SECRET, raw.encode(), hashlib.sha256).hexdigest()

    def anchor(number: int) -> None:
        response = client.post(
            f"/bare/{service.public_id}",
            {"file": documents.upload(f"a{number}.pdf", pdf)},
            HTTP_X_API_KEY=raw,
            HTTP_X_BENCH_DIGEST=digest,
        )
        assert response.status_code == 200, response.content

    def submit(number: int) -> None:
        response = client.post(
            f"/api/v1/inference/service/{service.public_id}/async-predict",
            {"file": documents.upload(f"s{number}.pdf", pdf)},
            HTTP_X_API_KEY=raw,
        )
        assert response.status_code == 200, response.content

    anchor(-1), submit(-1)  # warm: imports, connections, caches
    results: dict[str, list[tuple[float, float]]] = {"anchor": [], "submit": []}
    for _ in range(rounds):
        results["anchor"].append(timed(anchor, requests))
        results["submit"].append(timed(submit, requests))
    best = {
        name: (min(c for c, _ in rows), min(w for _, w in rows)) for name, rows in results.items()
    }
    print(f"submit, 150 KB PDF, {rounds} alternating batches of {requests}: best batch")
    print(
        f"  anchor (bare view)   CPU {best['anchor'][0]:6.2f} ms  wall {best['anchor'][1]:6.2f} ms"
    )
    print(
        f"  async-predict        CPU {best['submit'][0]:6.2f} ms  wall {best['submit'][1]:6.2f} ms"
    )
    print(
        f"  ratio (throughput share of the anchor): CPU {best['anchor'][0] / best['submit'][0]:.2f}"
        f"  wall {best['anchor'][1] / best['submit'][1]:.2f}"
    )


def grow(service: Service, total: int, result: dict) -> None:
    """Add jobs to ``service`` until it has ``total``: a few queued, the rest completed."""
    have = Job.objects.filter(service=service).count()
    now = timezone.now()
    batch = 2000
    while have < total:
        jobs, docs = [], []
        for number in range(have, min(total, have + batch)):
            queued = number % 20 == 0 if number < 1000 else number % 2000 == 0
            created = now - timedelta(seconds=total * 2 - number)
            job = Job(
                service=service,
                status=Job.Status.QUEUED if queued else Job.Status.COMPLETED,
                created_at=created,
                completed_at=None if queued else created,
            )
            jobs.append(job)
            docs.append(
                Document(
                    service=service,
                    job=job,
                    original_filename=f"d{number}.pdf",
                    content_type="application/pdf",
                    size=1000,
                    sha256="0" * 64,
                    result=None if queued else {"pages": [], "fields": {}},
                    created_at=created,
                )
            )
        Job.objects.bulk_create(jobs)
        Document.objects.bulk_create(docs)
        have += len(jobs)
    newest = Document.objects.filter(service=service, job__status=Job.Status.COMPLETED)
    ids = list(newest.order_by("-created_at").values_list("pk", flat=True)[:200])
    Document.objects.filter(pk__in=ids).update(result=result)


def bench_reads(client: Client, service: Service, raw: str, requests: int) -> None:
    base = f"/api/v1/inference/service/{service.public_id}"
    job_id = Job.objects.filter(service=service).order_by("-created_at").values_list("pk")[0][0]
    rows = {
        "GET /jobs?status=queued": f"{base}/jobs?status=queued",
        "GET /jobs (50 newest)": f"{base}/jobs",
        "GET /jobs/<id>": f"{base}/jobs/{job_id}",
    }
    for name, url in rows.items():

        def read(_: int, url: str = url) -> None:
            response = client.get(url, HTTP_X_API_KEY=raw)
            assert response.status_code in (200, 202), response.content

        read(0)
        samples = [timed(read, 1) for _ in range(requests)]
        cpu_ms = statistics.median(c for c, _ in samples)
        wall_ms = statistics.median(w for _, w in samples)
        print(f"  {name:26} CPU {cpu_ms:7.2f} ms  wall {wall_ms:7.2f} ms  (median)")


def real_result() -> dict:
    """The result of a real one-page invoice, as the worker stores it."""
    from jobs.extraction.document import Limits
    from jobs.extraction.sandbox import Extraction, SandboxLimits, extract_sandboxed
    from jobs.results import build_result

    invoice = ROOT.parent / "shared" / "corpus" / "invoices" / "AmazonWebServices.pdf"
    extraction: Extraction = extract_sandboxed(
        invoice,
        content_type="application/pdf",
        limits=Limits(),
        sandbox=SandboxLimits(),
        fields={"kind": "invoice", "schema": None, "required": [], "threshold": 0.9},
    )
    return build_result(kind="invoice", extraction=extraction)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-submit", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    client = Client()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; data in {DATA}")
    if not args.no_submit:
        submitter = service_create(name="Submit", kind=Service.Kind.INVOICE)
        _, raw = api_key_create(service=submitter, name="bench")
        bench_submit(client, submitter, raw, args.requests, args.rounds)
    if not args.jobs:
        return
    service = service_create(name="Reads", kind=Service.Kind.INVOICE)
    _, raw = api_key_create(service=service, name="bench")
    result = real_result()
    for total in args.jobs:
        grow(service, total, result)
        print(f"reads at {total} jobs of the service:")
        bench_reads(client, service, raw, args.requests)


if __name__ == "__main__":
    main()
