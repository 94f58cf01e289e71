"""Scale-out throughput: text-PDF pages per second with 1, 2 and 4 worker processes, and submit
requests per second with 2 and 4 gunicorn workers, on PostgreSQL with object storage and on the
single-machine default (SQLite, local files).

Run from the repository root (needs the dev extras, and PostgreSQL for the postgres rows):

    python bench/bench_scale.py [--backends sqlite postgres] [--workers 1 2 4] [--web 2 4]
                                [--docs 40] [--pages 3]
                                [--database-url postgres://postgres@127.0.0.1:5432/postgres]
    python bench/bench_scale.py --latency 40 [--poll 0.2]   # submit-to-completed, one at a time

Every run gets a fresh database (SQLite file, or a PostgreSQL database created and dropped
here) and a fresh bucket on a local S3 server (moto's). Documents are submitted over HTTP to
gunicorn first, with no worker running (this gives the submit rate); then one qcluster with W
worker processes is started, and pages per second is the page count divided by the time from
the first job's start to the last job's completion, as the database records them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
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
        self.env.pop("DOCPLATFORM_STORAGE_URL", None)
        self.database = None
        if backend == "postgres":
            self.database = f"bench_scale_{uuid.uuid4().hex[:8]}"
            self._psql(base_url, f"CREATE DATABASE {self.database}")
            parts = urlsplit(base_url)
            self.base_url = base_url
            self.url = urlunsplit(parts._replace(path=f"/{self.database}"))
            self.env["DOCPLATFORM_DATABASE_URL"] = self.url
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


def submit_all(site: Site, base: str, pdf: bytes, count: int) -> float:
    """Submit ``count`` documents from 8 client threads; return requests per second."""
    url = f"{base}/api/v1/inference/service/{site.service}/async-predict"

    def one(index: int) -> int:
        return request(
            "POST",
            url,
            headers={"x-api-key": site.key},
            files={"file": (f"{index}.pdf", pdf)},
            timeout=120,
        ).status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    assert statuses == [200] * count, statuses
    return count / elapsed


def run(backend: str, args: argparse.Namespace, s3: str | None, pdf: bytes) -> None:
    for web in args.web:
        site = Site(backend, args.database_url, s3)
        process = None
        try:
            process, base = gunicorn(site, web)
            rate = submit_all(site, base, pdf, args.docs)
            print(f"{backend:9} submit      gunicorn workers={web}  {rate:7.1f} requests/s")
        finally:
            if process:
                stop(process)
            site.close()
    for workers in args.workers:
        site = Site(backend, args.database_url, s3)
        try:
            process, base = gunicorn(site, 2)
            submit_all(site, base, pdf, args.docs)
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
            assert not failed, f"{failed} jobs failed"
            seconds = (last - first).total_seconds()
            pages = total * args.pages
            print(
                f"{backend:9} extraction  qcluster workers={workers}  "
                f"{pages / seconds:7.2f} pages/s  ({pages} pages in {seconds:.1f} s)"
            )
        finally:
            site.close()


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
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--web", nargs="+", type=int, default=[2, 4])
    parser.add_argument("--docs", type=int, default=40)
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
    if "postgres" in args.backends:
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        s3 = f"http://{host}:{port}"
    if args.latency:
        latency(args, documents.text_pdf(["Invoice BENCH-1", "Total 1.00 EUR"]))
        return
    print(f"{os.cpu_count()} CPUs; {args.docs} documents of {args.pages} text pages each")
    try:
        for backend in args.backends:
            run(backend, args, s3, pdf)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
