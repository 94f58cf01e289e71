"""Child-process entry point: ``python -m jobs.extraction.runner`` (see :mod:`sandbox`).

Reads one JSON request on stdin, applies the resource limits to itself, and writes one JSON
object per line to stdout: ``{"pages": N}``, then ``{"page": {...}}`` for each page, then
``{"done": true}`` or ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds > 0:
        # SIGXCPU at the soft limit, SIGKILL one second later.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _die_with_parent() -> None:
    """Be killed by the kernel when the worker that started us dies, even by SIGKILL.

    The parent's pid comes in the environment: if it is already gone (it died before this
    was set), stop now.
    """
    parent = int(os.environ.get("DOCPLATFORM_SANDBOX_PARENT", "0") or 0)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if parent and os.getppid() != parent:
        os._exit(1)


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main() -> int:
    _die_with_parent()
    request = json.loads(sys.stdin.read())
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _limit(int(request.get("memory_bytes", 0)), int(request.get("cpu_seconds", 0)))

    from jobs.extraction.document import Limits, extract_pages

    if request["content_type"] == "image/heic":
        # Pillow reads HEIC through this plugin (libheif), loaded only where it is needed.
        import pillow_heif

        pillow_heif.register_heif_opener()
    from jobs.extraction.types import ExtractionError

    limits = Limits(**request.get("limits", {}))
    path = Path(request["path"])
    pages = []
    try:
        for item in extract_pages(path, content_type=request["content_type"], limits=limits):
            if isinstance(item, int):
                _emit({"pages": item})
            else:
                pages.append(item)
                _emit({"page": item.to_dict()})
        if request.get("fields") is not None:
            from jobs.extraction.fields.policy import extract_and_review

            _emit({"fields": extract_and_review(pages, path=path, spec=request["fields"])})
    except ExtractionError as exc:
        _emit({"error": {"code": exc.code, "message": exc.message}})
        return 0
    except MemoryError:
        _emit(
            {
                "error": {
                    "code": "extraction_resource_limit",
                    "message": "The document needs more memory than the extraction limit.",
                }
            }
        )
        return 0
    _emit({"done": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
