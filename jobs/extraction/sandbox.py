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
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jobs.extraction.document import Limits
from jobs.extraction.types import ExtractionError, Page

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The only variables the child gets: no secret key, database URL or credential of the worker.
_ENV_PASSED = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TESSDATA_PREFIX", "HOME")
# What the child may send back: one line (a page with its words) and all lines together.
MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_OUTPUT_BYTES = 512 * 1024 * 1024
MAX_STDERR_BYTES = 64 * 1024
PARENT_ENV = "DOCPLATFORM_SANDBOX_PARENT"


def child_env() -> dict[str, str]:
    """The child's whole environment: a few harmless variables and the import path."""
    env = {name: os.environ[name] for name in _ENV_PASSED if name in os.environ}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")])
    )
    env["OMP_THREAD_LIMIT"] = "1"
    # The runner asks the kernel to kill it when this process dies (PR_SET_PDEATHSIG) and
    # exits at once if this process is already gone.
    env[PARENT_ENV] = str(os.getpid())
    return env


class OutputTooLarge(Exception):
    """The child sent more than it may."""


def _lines(stream: Any) -> Iterator[bytes]:
    """The child's output lines, refusing an endless line or too much output in total."""
    total = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        total += len(line)
        if len(line) > MAX_LINE_BYTES or total > MAX_OUTPUT_BYTES:
            raise OutputTooLarge
        yield line


def _drain(stream: Any, into: list[bytes]) -> None:
    """Keep the head of stderr (the error), discard the rest so the child never blocks."""
    kept = 0
    while chunk := stream.read(65536):
        if kept < MAX_STDERR_BYTES:
            into.append(chunk[: MAX_STDERR_BYTES - kept])
            kept += len(into[-1])


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
    env = child_env()
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
    drain = threading.Thread(target=_drain, args=(process.stderr, stderr_chunks), daemon=True)
    drain.start()
    pages: list[Page] = []
    extracted_fields: dict[str, Any] | None = None
    total = 0
    error: dict[str, str] | None = None
    done = False
    too_large = False
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request).encode())
        process.stdin.close()
        for raw in _lines(process.stdout):
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
        returncode, peak_kb = _wait(process)
    except (BrokenPipeError, json.JSONDecodeError):
        _kill(process)
        returncode, peak_kb = _wait(process)
    except OutputTooLarge:
        too_large = True
        _kill(process)
        returncode, peak_kb = _wait(process)
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
    if too_large:
        raise ExtractionError(
            "extraction_resource_limit", "The extraction sent back more data than allowed."
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
    if returncode in _CRASH_SIGNALS and peak_kb * 1024 >= MEMORY_SHARE * sandbox.memory_bytes:
        # Native parsers abort (std::bad_alloc) or fault when an allocation fails under the
        # address-space limit; a child that had grown that large was stopped by the limit.
        raise ExtractionError(
            "extraction_resource_limit",
            f"The document needs more memory than the extraction limit (peak {peak_kb} KB).",
        )
    detail = b"".join(stderr_chunks).decode(errors="replace").strip().splitlines()
    reason = detail[-1] if detail else f"exit status {returncode}"
    if "MemoryError" in reason:
        raise ExtractionError(
            "extraction_resource_limit",
            "The document needs more memory than the extraction limit.",
        )
    raise ExtractionError("extraction_crashed", f"The document parser crashed ({reason[:200]}).")


# A crash by one of these signals after the child grew past this share of its memory limit is
# taken for an allocation that the limit refused (a decompression bomb, say).
_CRASH_SIGNALS = {-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS}
MEMORY_SHARE = 0.4


def _wait(process: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Reap the child; return its exit code and its peak resident memory in KB."""
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except ChildProcessError:
        return process.wait(), 0
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, int(usage.ru_maxrss)


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
