"""Run extraction in a child process under time and memory limits.

django-q2 workers are daemonic processes, which may not start ``multiprocessing``
children, so the child is an interpreter started with ``subprocess``. It is long-lived: it
serves the worker's jobs one after another (its start, imports and OCR models are paid once),
with time and CPU limits per job, and is replaced after ``jobs_per_child`` jobs or as soon as
a job breaches a limit or crashes it. Whatever the file does to the child (a parser crash, an
allocation bomb, an endless loop), the worker sees an :class:`ExtractionError` and stays up.
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


def _drain(stream: Any, tail: bytearray) -> None:
    """Keep the tail of stderr (the last error), discard the rest so the child never blocks."""
    while chunk := stream.read1(65536):
        tail.extend(chunk)
        if len(tail) > MAX_STDERR_BYTES:
            del tail[: len(tail) - MAX_STDERR_BYTES]


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    wall_seconds: float = 120.0
    # Per job: a long-lived child's CPU time is counted from the start of each job.
    cpu_seconds: int = 110
    # The whole child's address space (the OCR models live in it too).
    memory_bytes: int = 2 * 1024**3
    # A child is replaced after this many jobs (1: a fresh child per job).
    jobs_per_child: int = 100
    # An idle child is stopped after this long, so its memory (the OCR models' too) is not
    # held by a process that has no work.
    idle_seconds: float = 300.0


ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class Extraction:
    pages: list[Page]
    # {"fields", "validation_errors", "needs_review"} when fields were asked for.
    fields: dict[str, Any] | None = None


class _Child:
    """One long-lived extraction process, owned by the thread that started it.

    ``PR_SET_PDEATHSIG`` fires when the *thread* that forked the child ends, so a child is
    only ever used by that thread (see :data:`_owned`).
    """

    def __init__(self, memory_bytes: int) -> None:
        self.memory_bytes = memory_bytes
        self.owner = os.getpid()
        self.jobs = 0
        self.stderr = bytearray()
        # Between jobs a timer may stop the child; the lock decides between it and a new job.
        self.lock = threading.Lock()
        self.busy = True
        self.retired = False
        self.idle_timer: threading.Timer | None = None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jobs.extraction.runner", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=str(_PROJECT_ROOT),
            start_new_session=True,
        )
        self._drain = threading.Thread(
            target=_drain, args=(self.process.stderr, self.stderr), daemon=True
        )
        self._drain.start()

    def usable(self, sandbox: SandboxLimits) -> bool:
        return (
            self.owner == os.getpid()
            and self.process.poll() is None
            and self.memory_bytes == sandbox.memory_bytes
            and self.jobs < sandbox.jobs_per_child
        )

    def stop(self) -> tuple[int, int]:
        """Kill the child and reap it; return its exit code and its peak memory in KB."""
        _kill(self.process)
        result = _wait(self.process)
        self._drain.join(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        return result


_owned = threading.local()


def _child_for(sandbox: SandboxLimits) -> _Child:
    """This thread's idle child if it can take the job, else a new one."""
    child: _Child | None = getattr(_owned, "child", None)
    _owned.child = None
    if child is not None:
        with child.lock:
            if child.idle_timer is not None:
                child.idle_timer.cancel()
            child.busy = not child.retired
        if child.retired:
            child = None
    if child is not None and not child.usable(sandbox):
        if child.owner == os.getpid():
            child.stop()
        child = None
    return child or _Child(sandbox.memory_bytes)


def _release(child: _Child, *, rss_kb: int, sandbox: SandboxLimits) -> None:
    """Keep a healthy child for this thread's next job (until it has been idle for
    ``sandbox.idle_seconds``); stop one grown too large."""
    if rss_kb * 1024 > RECYCLE_SHARE * sandbox.memory_bytes or not child.usable(sandbox):
        child.stop()
        return
    with child.lock:
        child.busy = False
        child.idle_timer = threading.Timer(sandbox.idle_seconds, _retire_if_idle, args=(child,))
        child.idle_timer.daemon = True
        child.idle_timer.start()
    _owned.child = child


def _retire_if_idle(child: _Child) -> None:
    with child.lock:
        if child.busy or child.retired:
            return
        child.retired = True
    child.stop()


# A child that stays this large (share of its memory limit) after a job is replaced.
RECYCLE_SHARE = 0.5


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

    The child is reused for this thread's next jobs (up to ``sandbox.jobs_per_child``); one
    that breached a limit, crashed, was stopped or sent anything unexpected is killed.

    ``on_progress(done, total)`` is called in this process as pages arrive.
    Raises :class:`ExtractionError` with the child's code, or with ``extraction_timeout``,
    ``extraction_resource_limit`` or ``extraction_crashed`` when the child had to be stopped
    or died.
    """
    request = {
        "path": str(path),
        "content_type": content_type,
        "limits": asdict(limits),
        "cpu_seconds": sandbox.cpu_seconds,
        "fields": fields,
    }
    child = _child_for(sandbox)
    child.jobs += 1
    child.stderr.clear()
    process = child.process
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        _kill(process)

    timer = threading.Timer(sandbox.wall_seconds, kill)
    timer.daemon = True
    timer.start()
    pages: list[Page] = []
    extracted_fields: dict[str, Any] | None = None
    total = 0
    error: dict[str, str] | None = None
    finished: dict[str, Any] | None = None
    too_large = False
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
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
                break
            elif message.get("done"):
                finished = message
                break
    except (BrokenPipeError, json.JSONDecodeError):
        pass
    except OutputTooLarge:
        too_large = True
    except BaseException:
        # on_progress may refuse the document (a quota, say): the child must not outlive it.
        timer.cancel()
        child.stop()
        raise
    finally:
        timer.cancel()
    if not timed_out.is_set() and not too_large:
        if finished is not None:
            _release(child, rss_kb=int(finished.get("rss_kb", 0)), sandbox=sandbox)
            return Extraction(pages=pages, fields=extracted_fields)
        if error is not None and error.get("code") != "extraction_resource_limit":
            _release(child, rss_kb=0, sandbox=sandbox)
            raise ExtractionError(error["code"], error["message"])
    # Anything else ends this child: a limit breached, a crash, output it may not send.
    returncode, peak_kb = child.stop()
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
    detail = bytes(child.stderr).decode(errors="replace").strip().splitlines()
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
