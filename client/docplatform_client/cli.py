"""``docplatform-submit``: a folder of documents in, one JSON result per document out."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TextIO

from docplatform_client.api import ApiError, DocPlatform, WaitTimeout

SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".xml"}


class ProgressBar:
    """A one-line bar on a terminal stream, redrawn as documents finish."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = self.failed = 0
        self._lock = threading.Lock()
        self.draw()

    def advance(self, *, failed: bool) -> None:
        with self._lock:
            self.done += 1
            self.failed += failed
            self.draw()

    def draw(self) -> None:
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        failed = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r[{bar}] {self.done}/{self.total}{failed}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def _one(api: DocPlatform, path: Path, out: Path, include: list[str], timeout: float) -> bool:
    target = out / f"{path.name}.json"
    try:
        submission = api.submit(path, idempotency_key=f"{path.name}-{path.stat().st_size}")
        job = api.wait(submission.job, timeout=timeout)
        if job.status != "completed":
            target.write_text(json.dumps({"file": path.name, "error": job.error}, indent=2))
            return False
        document = api.result(submission.resource, include=include)
        target.write_text(json.dumps(document.raw, indent=2, ensure_ascii=False))
        return True
    except (ApiError, WaitTimeout, OSError) as exc:
        target.write_text(json.dumps({"file": path.name, "error": str(exc)}, indent=2))
        return False


def main(argv: Sequence[str] | None = None, stream: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="docplatform-submit", description="Submit every document of a folder."
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--base-url", default=os.environ.get("DOCPLATFORM_URL", ""))
    parser.add_argument("--service", default=os.environ.get("DOCPLATFORM_SERVICE_ID", ""))
    parser.add_argument("--api-key", default=os.environ.get("DOCPLATFORM_API_KEY", ""))
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--include", action="append", default=["service_fields"])
    parser.add_argument("--timeout", type=float, default=600.0, help="Seconds per document.")
    args = parser.parse_args(argv)
    stream = stream or sys.stderr
    missing = [n for n in ("base_url", "service", "api_key") if not getattr(args, n)]
    if missing:
        parser.error("missing " + ", ".join("--" + n.replace("_", "-") for n in missing))
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in SUFFIXES)
    args.out.mkdir(parents=True, exist_ok=True)
    bar = ProgressBar(len(files), stream)
    with (
        DocPlatform(args.base_url, api_key=args.api_key, service_id=args.service) as api,
        ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool,
    ):
        futures = [
            pool.submit(_one, api, path, args.out, args.include, args.timeout) for path in files
        ]
        for future in as_completed(futures):
            bar.advance(failed=not future.result())
    return 0 if bar.failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
