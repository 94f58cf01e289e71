"""Child-process entry point: ``python -m jobs.extraction.runner`` (see :mod:`sandbox`).

The child is long-lived: it serves one request after another, each a JSON line on stdin, so
the interpreter start, the imports and the OCR models (PP-OCR's ONNX sessions take about a
second to build) are paid once per child, not once per job. For each request it writes one
JSON object per line to stdout: ``{"pages": N}``, then ``{"page": {...}}`` for each page,
then ``{"done": true, ...}`` or ``{"error": {"code", "message"}}``. It exits at the end of
stdin, and the worker recycles it after a number of jobs or after any limit breach.

Limits: the address-space limit is the whole child's (its one argument, set at start). The
CPU limit is per job: ``RLIMIT_CPU`` counts the process's whole life, so before each job its
soft limit is moved to the CPU time used so far plus the job's allowance (the kernel sends
SIGXCPU, which ends the child, when the job overruns it).
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
from pathlib import Path
from typing import Any


def _limit_memory(memory_bytes: int) -> None:
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # A child stopped by a limit leaves no core file behind.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def cpu_used() -> float:
    """CPU seconds (user and system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(cpu_seconds: int) -> None:
    """Allow the coming job ``cpu_seconds`` of CPU, counted from now."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(cpu_used()) + cpu_seconds if cpu_seconds > 0 else hard
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _reset_peak_memory() -> None:
    """Start this job's peak resident memory from the current one (Linux: VmHWM).

    The worker reads the peak when a child dies to tell an allocation refused by the limit
    from a parser crash; it must be this job's, not the child's whole life's.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def resident_kb() -> int:
    """Current resident memory in KB (0 where /proc is not available)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


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


_heif_registered = False


def serve(request: dict[str, Any]) -> None:
    """Extract one document and write its messages. Unexpected exceptions propagate: the
    child then dies with a traceback on stderr, which the worker reports as a crash."""
    global _heif_registered
    from jobs.extraction.document import Limits, extract_pages
    from jobs.extraction.types import ExtractionError

    if request["content_type"] == "image/heic" and not _heif_registered:
        # Pillow reads HEIC through this plugin (libheif), loaded only where it is needed.
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True

    _reset_peak_memory()
    _limit_cpu(int(request.get("cpu_seconds", 0)))
    started = cpu_used()
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
        return
    except MemoryError:
        pages.clear()
        _emit(
            {
                "error": {
                    "code": "extraction_resource_limit",
                    "message": "The document needs more memory than the extraction limit.",
                }
            }
        )
        return
    _emit({"done": True, "cpu_seconds": round(cpu_used() - started, 3), "rss_kb": resident_kb()})


def main(argv: list[str]) -> int:
    _die_with_parent()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _limit_memory(int(argv[0]) if argv else 0)
    while line := sys.stdin.buffer.readline():
        if line.strip():
            serve(json.loads(line))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
