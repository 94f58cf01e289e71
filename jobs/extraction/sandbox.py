"""Run extraction in a child process under time and memory limits.

django-q2 workers are daemonic processes, which may not start ``multiprocessing``
children, so the child is a fresh interpreter started with ``subprocess``. Whatever the file
does to the child (a parser crash, an allocation bomb, an endless loop), the worker sees an
:class:`ExtractionError` and stays up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jobs.extraction.document import Limits
from jobs.extraction.types import ExtractionError, Page

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    wall_seconds: float = 120.0
    cpu_seconds: int = 110
    memory_bytes: int = 2 * 1024**3


ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class Extraction:
    pages: list[Page]
    # {"fields", "validation_errors", "needs_review"} when fields were asked for.
    fields: dict[str, Any] | None = None


def extract_sandboxed(
    path: Path,
    *,
    content_type: str,
    limits: Limits,
    sandbox: SandboxLimits,
    fields: dict[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
) -> Extraction:
    """Extract every page of ``path`` in a child process, and its fields if ``fields`` asks.

    ``fields`` is the service's spec for :func:`jobs.extraction.fields.policy.extract_and_review`.

    ``on_progress(done, total)`` is called in this process as pages arrive.
    Raises :class:`ExtractionError` with the child's code, or with ``extraction_timeout``,
    ``extraction_resource_limit`` or ``extraction_crashed`` when the child had to be stopped
    or died.
    """
    request = {
        "path": str(path),
        "content_type": content_type,
        "limits": asdict(limits),
        "memory_bytes": sandbox.memory_bytes,
        "cpu_seconds": sandbox.cpu_seconds,
        "fields": fields,
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
        "OMP_THREAD_LIMIT": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jobs.extraction.runner"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=str(_PROJECT_ROOT),
        start_new_session=True,
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        _kill(process)

    timer = threading.Timer(sandbox.wall_seconds, kill)
    timer.daemon = True
    timer.start()
    stderr_chunks: list[bytes] = []
    drain = threading.Thread(
        target=lambda: stderr_chunks.append(process.stderr.read()), daemon=True
    )  # type: ignore[union-attr]
    drain.start()
    pages: list[Page] = []
    extracted_fields: dict[str, Any] | None = None
    total = 0
    error: dict[str, str] | None = None
    done = False
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request).encode())
        process.stdin.close()
        for raw in process.stdout:
            message = json.loads(raw)
            if "pages" in message:
                total = int(message["pages"])
                if on_progress:
                    on_progress(0, total)
            elif "page" in message:
                pages.append(Page.from_dict(message["page"]))
                if on_progress:
                    on_progress(len(pages), total)
            elif "fields" in message:
                extracted_fields = message["fields"]
            elif "error" in message:
                error = message["error"]
            elif message.get("done"):
                done = True
        returncode = process.wait()
    except (BrokenPipeError, json.JSONDecodeError):
        _kill(process)
        returncode = process.wait()
    except BaseException:
        # on_progress may refuse the document (a quota, say): the child must not outlive it.
        _kill(process)
        process.wait()
        raise
    finally:
        timer.cancel()
    drain.join(timeout=5)
    if timed_out.is_set():
        raise ExtractionError(
            "extraction_timeout",
            f"Extraction took longer than {sandbox.wall_seconds:g} seconds and was stopped.",
        )
    if error is not None:
        raise ExtractionError(error["code"], error["message"])
    if done and returncode == 0:
        return Extraction(pages=pages, fields=extracted_fields)
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ExtractionError(
            "extraction_resource_limit",
            "Extraction exceeded its CPU time limit and was stopped.",
        )
    detail = b"".join(stderr_chunks).decode(errors="replace").strip().splitlines()
    reason = detail[-1] if detail else f"exit status {returncode}"
    if "MemoryError" in reason:
        raise ExtractionError(
            "extraction_resource_limit",
            "The document needs more memory than the extraction limit.",
        )
    raise ExtractionError("extraction_crashed", f"The document parser crashed ({reason[:200]}).")


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
