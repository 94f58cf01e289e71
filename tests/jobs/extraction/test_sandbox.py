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


def _extract(tmp_path: Path, content: bytes, name: str = "doc", **limits: object):
    from jobs.extraction.document import Limits

    path = tmp_path / name
    path.write_bytes(content)
    content_type = "application/pdf" if content.startswith(b"%PDF") else "image/png"
    return sandbox.extract_sandboxed(
        path, content_type=content_type, limits=Limits(), sandbox=sandbox.SandboxLimits(**limits)
    )


def _child_pid() -> int | None:
    child = getattr(sandbox._owned, "child", None)
    return child.process.pid if child is not None else None


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_one_child_serves_the_next_jobs_of_its_thread(tmp_path):
    from tests import documents

    first = _extract(tmp_path, documents.text_pdf(["First document"]))
    pid = _child_pid()
    second = _extract(tmp_path, documents.text_pdf(["Second document"]))
    assert pid is not None and _child_pid() == pid
    assert first.pages[0].text == "First document"
    assert second.pages[0].text == "Second document"


def test_a_child_is_replaced_after_its_number_of_jobs(tmp_path):
    from tests import documents

    pids = []
    for number in range(3):
        _extract(tmp_path, documents.text_pdf([f"Document {number}"]), jobs_per_child=2)
        pids.append(_child_pid())
    # Retired as soon as it has served its second job; the third gets a new one.
    assert pids[0] is not None and pids[1] is None
    assert pids[2] not in (None, pids[0])


def test_a_crashed_child_fails_only_its_job_and_the_next_job_gets_a_new_one(tmp_path):
    from jobs.extraction.types import ExtractionError
    from tests import documents

    _extract(tmp_path, documents.text_pdf(["Before"]))
    crashed = _child_pid()
    assert crashed is not None
    os.kill(crashed, signal.SIGSEGV)
    with pytest.raises(ExtractionError) as error:
        _extract(tmp_path, documents.text_pdf(["Hits the dead child"]))
    assert error.value.code in {"extraction_crashed", "extraction_resource_limit"}
    after = _extract(tmp_path, documents.text_pdf(["After"]))
    assert after.pages[0].text == "After"
    assert _child_pid() not in (None, crashed)


def test_the_cpu_limit_counts_each_job_not_the_childs_whole_life(tmp_path):
    from tests import documents

    content = documents.text_pdf(*[[f"Page {number} " * 20] for number in range(6)])
    _extract(tmp_path, content, cpu_seconds=1, jobs_per_child=10_000)
    pid = _child_pid()
    assert pid is not None
    # Imports and jobs until the child has used well over one second of CPU in all.
    while _cpu_seconds(pid) < 2.5:
        _extract(tmp_path, content, cpu_seconds=1, jobs_per_child=10_000)
        assert _child_pid() == pid
    _extract(tmp_path, content, cpu_seconds=1, jobs_per_child=10_000)
    assert _child_pid() == pid


def test_a_job_over_its_cpu_limit_is_stopped_and_its_child_replaced(tmp_path):
    from jobs.extraction.types import ExtractionError
    from tests import documents

    _extract(tmp_path, documents.text_pdf(["Warm"]))
    pid = _child_pid()
    # Two OCR pages take far more than one second of CPU.
    image = documents.text_image(["A page to read " * 4] * 12, size=(2480, 3508))
    scan = documents.multipage_tiff(image, image)
    with pytest.raises(ExtractionError) as error:
        _extract(tmp_path, scan, cpu_seconds=1, wall_seconds=600)
    assert error.value.code == "extraction_resource_limit"
    assert _child_pid() is None
    _extract(tmp_path, documents.text_pdf(["Next"]))
    assert _child_pid() != pid


def test_an_idle_child_is_stopped_and_the_next_job_gets_a_new_one(tmp_path):
    from tests import documents

    _extract(tmp_path, documents.text_pdf(["Before the pause"]), idle_seconds=0.5)
    child = sandbox._owned.child
    pid = child.process.pid
    deadline = time.monotonic() + 30
    while child.process.poll() is None:
        assert time.monotonic() < deadline, "the idle child was not stopped"
        time.sleep(0.1)
    after = _extract(tmp_path, documents.text_pdf(["After the pause"]), idle_seconds=0.5)
    assert after.pages[0].text == "After the pause"
    assert _child_pid() not in (None, pid)
