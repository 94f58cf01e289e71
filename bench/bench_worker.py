"""The extraction path of the worker against raw extraction, in one run, alternating.

Run from the repository root:  python bench/bench_worker.py [--rounds 3] [--ocr 3]

Rows (each round runs every row once, in turn, so machine load hits them alike):

- anchor, text: an in-process loop over one-page text PDFs that reads the text layer with
  character boxes (pypdfium2) and renders and encodes a 150 dpi WebP preview with the
  product's encoder setting;
- sandbox, fresh child per job: ``extract_sandboxed`` with ``jobs_per_child=1`` (a new
  interpreter per job, as before the long-lived children);
- sandbox, long-lived child: the default (one child serves the thread's jobs; the text of
  an image it has read before, such as the same supplier's logo, is reused);
- the same, logos always read again: every image of a text page read by OCR each time, as
  for a supplier the child has not seen yet;
- the same two with the field extraction the worker asks for (``kind=invoice``);
- two threads, long-lived children: the same jobs split over two threads, each with its own
  child started for the row (how two worker processes share the two cores);
- anchor, OCR: raw RapidOCR on the page images (engine built beforehand), against the
  sandboxed OCR job with a fresh and with a long-lived child.

A long-lived row first runs each of its documents once, untimed (the row before it may have
replaced the thread's child: a fresh-child row leaves none to reuse), so it measures the
steady state of a child that serves ``DOCPLATFORM_EXTRACTION_CHILD_JOBS`` jobs, its start and
its engine's paid, and has read these suppliers' logos before; the row "logos always read
again" is the same child meeting every supplier for the first time.
Figures are CPU seconds (this process, its children) and wall seconds per job, best round;
"ratio" is the anchor's cost divided by the row's, i.e. the row's throughput as a share of
the anchor's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobs.extraction import previews, sandbox  # noqa: E402
from jobs.extraction.document import Limits  # noqa: E402
from jobs.extraction.sandbox import SandboxLimits, extract_sandboxed  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TEXT_PDFS = ["AmazonWebServices", "FlipkartInvoice", "NetpresseInvoice", "coolblue1"]
FIELDS = {"kind": "invoice", "schema": None, "required": [], "threshold": 0.9, "today": None}


def cpu() -> float:
    """CPU seconds of this process, its reaped children and this thread's live child."""
    times = os.times()
    spent = times.user + times.system + times.children_user + times.children_system
    child = getattr(sandbox._owned, "child", None)
    if child is not None:
        stat = Path(f"/proc/{child.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        spent += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def retire() -> None:
    """Stop this thread's idle child, so its CPU time is counted (reaped) now."""
    child = getattr(sandbox._owned, "child", None)
    sandbox._owned.child = None
    if child is not None:
        child.stop()


def anchor_text(paths: list[Path], out: Path) -> None:
    import pypdfium2 as pdfium

    for number, path in enumerate(paths):
        document = pdfium.PdfDocument(path)
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            boxes = [textpage.get_charbox(index, loose=True) for index in range(len(text))]
            assert boxes or not text
            image = page.render(scale=150 / 72).to_pil()
            previews.save_preview(image, out / f"{number}.webp", max_side=2000)
        document.close()


def anchor_ocr(images: list[Path]) -> None:
    import numpy
    from PIL import Image

    from jobs.extraction.ocr import _rapidocr

    for path in images:
        with Image.open(path) as image:
            _rapidocr()(numpy.asarray(image.convert("RGB")))


def sandboxed(
    paths: list[Path],
    content_type: str,
    out: Path,
    *,
    jobs_per_child: int,
    fields: bool,
    reuse_image_text: bool = True,
) -> None:
    for number, path in enumerate(paths):
        folder = out / str(number)
        extract_sandboxed(
            path,
            content_type=content_type,
            limits=Limits(preview_dir=str(folder), reuse_image_text=reuse_image_text),
            sandbox=SandboxLimits(wall_seconds=600, cpu_seconds=600, jobs_per_child=jobs_per_child),
            fields=FIELDS if fields else None,
        )


def _thread_jobs(paths: list[Path], out: Path) -> None:
    sandboxed(paths, "application/pdf", out, jobs_per_child=100, fields=False)
    retire()  # the thread ends: its child is stopped and reaped (counted)


def two_threads(paths: list[Path], out: Path) -> None:
    halves = [paths[0::2], paths[1::2]]
    threads = [
        threading.Thread(target=_thread_jobs, args=(half, out / str(number)))
        for number, half in enumerate(halves)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(
    run: Callable[[Path], None], warm: Callable[[Path], None] | None = None
) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as out:
        if warm is not None:
            warm(Path(out) / "warm")
        cpu_start, wall_start = cpu(), time.perf_counter()
        run(Path(out))
        return cpu() - cpu_start, time.perf_counter() - wall_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=5, help="copies of each text PDF per row")
    parser.add_argument("--ocr", type=int, default=3, help="receipt images per OCR row (0: none)")
    args = parser.parse_args()

    texts = [CORPUS / "invoices" / f"{name}.pdf" for name in TEXT_PDFS] * args.copies
    receipts = sorted((CORPUS / "receipts").glob("*.jpg"))[: args.ocr]
    pdf = "application/pdf"
    rows: dict[str, tuple[int, Callable[[Path], None]]] = {
        "anchor: text layer + boxes + preview": (len(texts), lambda o: anchor_text(texts, o)),
        "sandbox, fresh child per job": (
            len(texts),
            lambda o: sandboxed(texts, pdf, o, jobs_per_child=1, fields=False),
        ),
        "sandbox, long-lived child": (
            len(texts),
            lambda o: sandboxed(texts, pdf, o, jobs_per_child=100, fields=False),
        ),
        "the same, logos always read again": (
            len(texts),
            lambda o: sandboxed(
                texts, pdf, o, jobs_per_child=100, fields=False, reuse_image_text=False
            ),
        ),
        "sandbox + fields, fresh child": (
            len(texts),
            lambda o: sandboxed(texts, pdf, o, jobs_per_child=1, fields=True),
        ),
        "sandbox + fields, long-lived": (
            len(texts),
            lambda o: sandboxed(texts, pdf, o, jobs_per_child=100, fields=True),
        ),
        "two threads, long-lived children": (len(texts), lambda o: two_threads(texts, o)),
    }
    if receipts:
        from jobs.extraction.ocr import _rapidocr

        _rapidocr()  # the anchor's engine is built once, outside the timing
        rows.update(
            {
                "anchor: raw RapidOCR": (len(receipts), lambda o: anchor_ocr(receipts)),
                "OCR sandbox, fresh child per job": (
                    len(receipts),
                    lambda o: sandboxed(receipts, "image/jpeg", o, jobs_per_child=1, fields=False),
                ),
                "OCR sandbox, long-lived child": (
                    len(receipts),
                    lambda o: sandboxed(
                        receipts, "image/jpeg", o, jobs_per_child=100, fields=False
                    ),
                ),
            }
        )

    # Untimed jobs on the thread's child before each long-lived row (see above): each text
    # PDF once, so the row measures a child that has seen these suppliers before.
    def warm_text(out: Path) -> None:
        sandboxed(texts[: len(TEXT_PDFS)], pdf, out, jobs_per_child=100, fields=False)

    def warm_ocr(out: Path) -> None:
        sandboxed(receipts[:1], "image/jpeg", out, jobs_per_child=100, fields=False)

    warms: dict[str, Callable[[Path], None]] = {
        "sandbox, long-lived child": warm_text,
        "the same, logos always read again": warm_text,
        "sandbox + fields, long-lived": warm_text,
        "OCR sandbox, long-lived child": warm_ocr,
    }
    results: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(args.rounds):
        for name, (count, run) in rows.items():
            spent_cpu, spent_wall = measure(run, warms.get(name))
            results[name].append((spent_cpu / count, spent_wall / count))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds")
    print(f"{'row':38} {'CPU s/job':>10} {'wall s/job':>11} {'ratio CPU':>10} {'ratio wall':>11}")
    anchor = None
    for name in rows:
        if name.startswith("anchor"):
            anchor = name
        cpu_s = min(value[0] for value in results[name])
        wall_s = min(value[1] for value in results[name])
        anchor_cpu = min(value[0] for value in results[anchor])
        anchor_wall = min(value[1] for value in results[anchor])
        print(
            f"{name:38} {cpu_s:10.3f} {wall_s:11.3f} {anchor_cpu / cpu_s:10.2f}"
            f" {anchor_wall / wall_s:11.2f}"
        )


if __name__ == "__main__":
    main()
