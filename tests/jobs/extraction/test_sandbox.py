"""The extraction child: what it inherits, what it may send back, that it dies with its worker."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jobs.extraction import sandbox

ROOT = Path(__file__).resolve().parents[3]


def test_the_child_inherits_no_secret_of_the_worker(monkeypatch):
    monkeypatch.setenv("DOCPLATFORM_SECRET_KEY", "do-not-leak")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db/x")
    env = sandbox.child_env()
    assert "do-not-leak" not in env.values()
    assert not any("pw@" in value for value in env.values())
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)


def test_an_endless_line_from_the_child_is_refused(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_LINE_BYTES", 1000)
    with pytest.raises(sandbox.OutputTooLarge):
        list(sandbox._lines(io.BytesIO(b'{"page": "' + b"x" * 5000 + b'"}\n')))


def test_too_much_output_in_total_is_refused(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_OUTPUT_BYTES", 1000)
    with pytest.raises(sandbox.OutputTooLarge):
        list(sandbox._lines(io.BytesIO(b'{"pages": 1}\n' * 200)))


def _children_of(pid: int) -> list[int]:
    """Processes started by the sandbox of ``pid`` (they carry its pid in their environment)."""
    found = []
    marker = f"{sandbox.PARENT_ENV}={pid}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_when_its_worker_is_killed(tmp_path):
    # The child blocks reading a FIFO nobody writes: it would live forever on its own.
    fifo = tmp_path / "never"
    os.mkfifo(fifo)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from jobs.extraction.document import Limits
        from jobs.extraction.sandbox import SandboxLimits, extract_sandboxed
        extract_sandboxed(Path({str(fifo)!r}), content_type="image/png", limits=Limits(),
                          sandbox=SandboxLimits(wall_seconds=600))
        """
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not (children := _children_of(worker.pid)):
            assert time.monotonic() < deadline, "the extraction child did not start"
            time.sleep(0.1)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        deadline = time.monotonic() + 10
        while _children_of(worker.pid):
            assert time.monotonic() < deadline, f"children {children} outlived their worker"
            time.sleep(0.1)
    finally:
        worker.kill()
        for pid in _children_of(worker.pid):
            os.kill(pid, signal.SIGKILL)
