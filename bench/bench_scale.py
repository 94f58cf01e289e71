"""Scale-out throughput: text-PDF pages per second with 1, 2 and 4 worker processes, and submit
requests per second with 2 and 4 gunicorn workers, on PostgreSQL with object storage and on the
single-machine default (SQLite, local files), which is the anchor of every comparison.

Run from the repository root (needs the dev extras, and PostgreSQL for the postgres rows):

    python bench/bench_scale.py [--backends sqlite postgres [postgres-local]] [--rounds 3]
                                [--workers 1 2 4] [--web 2 4] [--docs 200]
                                [--extract-docs 40] [--pages 3]
                                [--database-url postgres://postgres@127.0.0.1:5432/postgres]
    python bench/bench_scale.py --latency 40 [--poll 0.2]   # submit-to-completed, one at a time

Backends: ``sqlite`` (the default deployment: SQLite, local files), ``postgres`` (PostgreSQL
and a bucket on a local S3 server: moto's, in a process of its own) and ``postgres-local``
(PostgreSQL, local files: tells the database's share from the storage's). Every measurement
gets a fresh database (SQLite file, or a PostgreSQL database created and dropped here) and,
for ``postgres``, a fresh bucket.

Submit: documents are submitted over HTTP to gunicorn, from 8 client threads, with no worker
running; the first 8 (every gunicorn worker's first requests, which import and connect) are
sent before the clock starts. The backends are measured in turn, ``--rounds`` times, the
order alternating from round to round, so that a change of the shared machine's load hits
them alike; the summary gives each one's median and its ratio to SQLite's. Extraction: after the submits, one
qcluster with W worker processes is started, and pages per second is the page count divided
by the time from the first job's start to the last job's completion, as the database records
them; the backends alternate for each W.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import documents  # noqa: E402
from tests.http import request  # noqa: E402

COUNT_SQL = (
    "SELECT COUNT(*), SUM(CASE WHEN status IN ('completed', 'failed') THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), MIN(started_at), MAX(completed_at) "
    "FROM jobs_job"
)


class Site:
    """One fresh deployment: database, storage, environment."""

    def __init__(self, backend: str, base_url: str, s3: str | None) -> None:
        self.backend = backend
        self.folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        self.env = {
            **os.environ,
            "DOCPLATFORM_DATA_DIR": str(self.folder),
            "DOCPLATFORM_SECRET_KEY": "bench-" + "k" * 50,
            "DOCPLATFORM_LOG_LEVEL": "WARNING",
        }
        self.env.pop("DOCPLATFORM_DATABASE_URL", None)
        self.warmup_seconds = 0.0
        self.env.pop("DOCPLATFORM_STORAGE_URL", None)
        self.database = None
        if backend.startswith("postgres"):
            self.database = f"bench_scale_{uuid.uuid4().hex[:8]}"
            self._psql(base_url, f"CREATE DATABASE {self.database}")
            parts = urlsplit(base_url)
            self.base_url = base_url
            self.url = urlunsplit(parts._replace(path=f"/{self.database}"))
            self.env["DOCPLATFORM_DATABASE_URL"] = self.url
        if backend == "postgres":
            bucket = f"bench-{uuid.uuid4().hex[:10]}"
            import boto3

            boto3.client("s3", endpoint_url=s3, region_name="us-east-1").create_bucket(
                Bucket=bucket
            )
            self.env.update(
                {
                    "DOCPLATFORM_STORAGE_URL": f"s3://{bucket}/b?endpoint_url={s3}"
                    "&region_name=us-east-1",
                    "AWS_ACCESS_KEY_ID": "bench",
                    "AWS_SECRET_ACCESS_KEY": "bench",
                }
            )
        self.manage("migrate", "--verbosity", "0")
        out = self.manage("service_create", "Bench")
        values = dict(line.split("=", 1) for line in out.split() if "=" in line)
        self.service, self.key = values["SERVICE_ID"], values["API_KEY"]

    @staticmethod
    def _psql(url: str, statement: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(statement)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def counts(self) -> tuple:
        if self.backend == "sqlite":
            with sqlite3.connect(self.folder / "db.sqlite3") as connection:
                row = connection.execute(COUNT_SQL).fetchone()
            from datetime import datetime

            parse = datetime.fromisoformat
            return (*row[:3], *(parse(v) if v else None for v in row[3:]))
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(COUNT_SQL).fetchone()

    def start(self, command: list[str], log: str) -> subprocess.Popen:
        with (self.folder / log).open("w") as output:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def close(self) -> None:
        if self.database:
            time.sleep(1)
            self._psql(self.base_url, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def gunicorn(site: Site, workers: int) -> tuple[subprocess.Popen, str]:
    process = site.start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "docplatform.wsgi",
            "--workers",
            str(workers),
            "--bind",
            "127.0.0.1:0",
        ],
        f"gunicorn-{workers}.log",
    )
    log = site.folder / f"gunicorn-{workers}.log"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        if text.count("Booting worker") >= workers and "Listening at: " in text:
            return process, text.split("Listening at: ")[1].split()[0]
        time.sleep(0.2)
    raise RuntimeError(log.read_text())


def submit_all(site: Site, base: str, pdf: bytes, count: int, warmup: int = 8) -> float:
    """Submit ``count`` documents from 8 client threads; return requests per second. The first
    ``warmup`` submits (every gunicorn worker's first requests: imports, connections) are sent
    before the clock starts."""
    url = f"{base}/api/v1/inference/service/{site.service}/async-predict"

    def one(index: int) -> int:
        return request(
            "POST",
            url,
            headers={"x-api-key": site.key},
            files={"file": (f"{index}.pdf", pdf)},
            timeout=120,
        ).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        began = time.perf_counter()
        statuses = list(pool.map(one, range(count, count + warmup)))
        started = time.perf_counter()
        statuses += list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    assert statuses == [200] * (count + warmup), statuses
    site.warmup_seconds = started - began
    return count / elapsed


def s3_server() -> tuple[subprocess.Popen, str]:
    """moto's S3 server on a free port, in a process of its own."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, url
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("the S3 server did not start")


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def measure_submit(
    backend: str, web: int, args: argparse.Namespace, s3, pdf: bytes
) -> tuple[float, float]:
    """Submits per second, and the seconds the 8 warm-up submits took."""
    site = Site(backend, args.database_url, s3)
    process = None
    try:
        process, base = gunicorn(site, web)
        return submit_all(site, base, pdf, args.docs), site.warmup_seconds
    finally:
        if process:
            stop(process)
        site.close()


def measure_extraction(
    backend: str, workers: int, args: argparse.Namespace, s3, pdf: bytes
) -> tuple[float, int, float]:
    """Pages per second, pages and seconds of one worker cluster with ``workers`` processes."""
    site = Site(backend, args.database_url, s3)
    try:
        process, base = gunicorn(site, 2)
        submit_all(site, base, pdf, args.extract_docs, warmup=0)
        stop(process)
        site.env["DOCPLATFORM_WORKERS"] = str(workers)
        cluster = site.start([sys.executable, "manage.py", "qcluster"], "qcluster.log")
        deadline = time.monotonic() + 1800
        while True:
            total, finished, failed, first, last = site.counts()
            if finished == total or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        stop(cluster)
        assert finished == total, f"{total - finished} jobs unfinished"
        assert not failed, f"{failed} jobs failed"
        seconds = (last - first).total_seconds()
        pages = total * args.pages
        return pages / seconds, pages, seconds
    finally:
        site.close()


def alternating(backends: list[str], turn: int) -> list[str]:
    return backends if turn % 2 == 0 else backends[::-1]


def run(args: argparse.Namespace, s3: str | None, pdf: bytes) -> None:
    rates: dict[tuple[str, int], list[float]] = {}
    for round_ in range(1, args.rounds + 1):
        for index, web in enumerate(args.web):
            # Each configuration's order alternates from round to round.
            for backend in alternating(args.backends, round_ + index):
                rate, warmup = measure_submit(backend, web, args, s3, pdf)
                rates.setdefault((backend, web), []).append(rate)
                print(
                    f"round {round_}  {backend:14} submit      gunicorn workers={web}  "
                    f"{rate:7.1f} requests/s  (warm-up {warmup:.1f} s, {load()})",
                    flush=True,
                )
    for turn, workers in enumerate(args.workers):
        for backend in alternating(args.backends, turn):
            rate, pages, seconds = measure_extraction(backend, workers, args, s3, pdf)
            print(
                f"         {backend:14} extraction  qcluster workers={workers}  "
                f"{rate:7.2f} pages/s  ({pages} pages in {seconds:.1f} s, {load()})",
                flush=True,
            )
    if not rates:
        return
    print(f"\nsubmit, median of {args.rounds} rounds (ratio to SQLite's median):")
    for web in args.web:
        anchor = statistics.median(rates.get(("sqlite", web), [0.0]))
        for backend in args.backends:
            values = rates[(backend, web)]
            median = statistics.median(values)
            ratio = f"  x{median / anchor:.2f}" if anchor else ""
            shown = ", ".join(f"{v:.1f}" for v in values)
            print(
                f"  {backend:14} gunicorn workers={web}  {median:7.1f} requests/s{ratio}  ({shown})"
            )


def latency(args: argparse.Namespace, pdf: bytes) -> None:
    """Submit one one-page PDF at a time to an idle platform (gunicorn, a 2-worker cluster,
    SQLite) and time each from its submit to its completion as the database records them."""
    import json
    import statistics
    from datetime import datetime

    site = Site("sqlite", args.database_url, None)
    site.env["DOCPLATFORM_WORKERS"] = "2"
    if args.poll is not None:
        site.env["DOCPLATFORM_Q_POLL"] = str(args.poll)
    web, base = gunicorn(site, 2)
    cluster = site.start([sys.executable, "manage.py", "qcluster"], "qcluster.log")
    url = f"{base}/api/v1/inference/service/{site.service}/async-predict"
    seconds = []
    try:
        time.sleep(3)  # the cluster starts its workers
        for index in range(args.latency):
            response = request(
                "POST",
                url,
                headers={"x-api-key": site.key},
                files={"file": (f"{index}.pdf", pdf)},
                timeout=120,
            )
            job = json.loads(response.body)["job"].replace("-", "")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with sqlite3.connect(site.folder / "db.sqlite3") as connection:
                    row = connection.execute(
                        "SELECT status, created_at, completed_at FROM jobs_job WHERE id = ?",
                        (job,),
                    ).fetchone()
                if row and row[0] in ("completed", "failed"):
                    break
                time.sleep(0.02)
            assert row[0] == "completed", row
            spent = datetime.fromisoformat(row[2]) - datetime.fromisoformat(row[1])
            seconds.append(spent.total_seconds())
            time.sleep(0.1 + (index % 7) / 10)  # arrivals not in step with the poll
    finally:
        stop(cluster)
        stop(web)
    warm = seconds[2:]  # the first job of each worker starts its extraction child
    quantiles = statistics.quantiles(warm, n=20)
    print(
        f"submit to completed, one 1-page PDF at a time (poll {args.poll or 'default'} s): "
        f"p50 {statistics.median(warm):.2f} s, p95 {quantiles[18]:.2f} s, "
        f"first two {seconds[0]:.2f} / {seconds[1]:.2f} s, n={len(warm)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=int, default=0, help="time N single documents")
    parser.add_argument("--poll", type=float, default=None, help="the queue's poll seconds")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--workers", nargs="*", type=int, default=[1, 2, 4])
    parser.add_argument("--web", nargs="*", type=int, default=[2, 4])
    parser.add_argument("--rounds", type=int, default=3, help="submit measurements per backend")
    parser.add_argument("--docs", type=int, default=200, help="documents per submit measurement")
    parser.add_argument(
        "--extract-docs", type=int, default=40, help="documents per extraction measurement"
    )
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    pdf = documents.text_pdf(
        *([f"Invoice BENCH-{n}", f"Total {n}.00 EUR"] for n in range(1, args.pages + 1))
    )
    server = None
    s3 = None
    # The local S3 server accepts any credentials; the bench's own client needs some.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    unknown = set(args.backends) - {"sqlite", "postgres", "postgres-local"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if args.latency:
        latency(args, documents.text_pdf(["Invoice BENCH-1", "Total 1.00 EUR"]))
        return
    if "postgres" in args.backends:
        # In a process of its own: inside this one, the S3 server would share one interpreter
        # lock with the 8 client threads and be measured instead of the platform.
        server, s3 = s3_server()
    print(
        f"{os.cpu_count()} CPUs, {load()}; documents of {args.pages} text pages; "
        f"{args.docs} submits (after 8 to warm up) from 8 client threads, "
        f"{args.extract_docs} documents per extraction"
    )
    try:
        run(args, s3, pdf)
    finally:
        if server:
            stop(server)


if __name__ == "__main__":
    main()
