"""The development corpus as (document, expected values) pairs, and a cache of extracted pages.

Extraction of pages (text layer or OCR) is the slow part of the benchmark and does not change
while the field extraction is worked on, so pages are cached per file content and extraction
configuration in ``bench/.cache`` (ignored by git). ``--refresh`` in the benchmark rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.extraction import detect  # noqa: E402
from jobs.extraction.document import Limits, extract_pages  # noqa: E402
from jobs.extraction.types import Page  # noqa: E402

# DOCPLATFORM_BENCH_CACHE lets several checkouts share one cache (OCR of the corpus is slow).
CACHE = Path(
    os.environ.get("DOCPLATFORM_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache"
)
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# Bumped whenever page extraction changes in a way that changes its output.
PAGES_VERSION = "3"
# Text-layer PDFs only: their pages now carry the words read inside their images.
PDF_PAGES_VERSION = "5"


@dataclass(frozen=True, slots=True)
class Item:
    folder: str  # receipts, einvoices, invoices
    path: Path
    variant: str  # "pdf", "image", "scan200" (a 200 dpi render of a PDF, read by OCR)
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        suffix = "" if self.variant != "scan200" else " (scan)"
        return f"{self.path.name}{suffix}"


def items(corpus: Path = DEFAULT_CORPUS, *, folders: tuple[str, ...] | None = None) -> list[Item]:
    found: list[Item] = []
    receipts = corpus / "receipts"
    if receipts.is_dir() and (folders is None or "receipts" in folders):
        for image in sorted(receipts.glob("*.jpg")):
            label = image.with_suffix(".json")
            if label.exists():
                found.append(Item("receipts", image, "image", json.loads(label.read_text())))
    einvoices = corpus / "einvoices"
    if einvoices.is_dir() and (folders is None or "einvoices" in folders):
        for document in sorted(einvoices.glob("*.pdf")):
            label = json.loads(document.with_suffix(".json").read_text())
            found.append(Item("einvoices", document, "pdf", label))
            found.append(Item("einvoices", document, "scan200", label))
    invoices = corpus / "invoices"
    if invoices.is_dir() and (folders is None or "invoices" in folders):
        for document in sorted([*invoices.glob("*.pdf"), *invoices.glob("*.png")]):
            label = invoices / f"{document.stem}.json"
            if label.exists():
                variant = "pdf" if document.suffix == ".pdf" else "image"
                found.append(Item("invoices", document, variant, json.loads(label.read_text())))
    return found


def _key(item: Item, engine: str) -> str:
    digest = hashlib.sha1(item.path.read_bytes()).hexdigest()[:16]
    version = PDF_PAGES_VERSION if item.variant == "pdf" else PAGES_VERSION
    return f"{version}-{engine}-{item.variant}-{digest}"


def _scan_of(pdf_path: Path, dpi: int = 200) -> Path:
    """A raster-only PDF of ``pdf_path`` at ``dpi`` (its text layer gone), cached."""
    import pypdfium2 as pdfium

    target = CACHE / "scans" / f"{hashlib.sha1(pdf_path.read_bytes()).hexdigest()[:16]}-{dpi}.pdf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    source = pdfium.PdfDocument(str(pdf_path))
    images = []
    for page in source:
        images.append(page.render(scale=dpi / 72).to_pil().convert("RGB"))
    source.close()
    tmp = target.with_suffix(".tmp")
    images[0].save(tmp, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    tmp.replace(target)
    return target


def pages_of(
    item: Item, *, engine: str = "rapidocr", refresh: bool = False
) -> tuple[list[Page], float]:
    """The item's pages (from the cache when present) and the seconds their extraction took."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{_key(item, engine)}.json"
    if cached.exists() and not refresh:
        data = json.loads(cached.read_text())
        return [Page.from_dict(p) for p in data["pages"]], data["seconds"]
    import time

    path = _scan_of(item.path) if item.variant == "scan200" else item.path
    content_type = detect.detect_content_type(path.read_bytes()[: detect.SNIFF_BYTES])
    assert content_type is not None, path
    limits = Limits(ocr_engine=engine, ocr_dpi=300)
    started = time.process_time()
    pages = [
        p
        for p in extract_pages(path, content_type=content_type, limits=limits)
        if isinstance(p, Page)
    ]
    seconds = time.process_time() - started
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(json.dumps({"pages": [p.to_dict() for p in pages], "seconds": seconds}))
    tmp.replace(cached)
    return pages, seconds


def warm(items_: list[Item], *, engine: str) -> Iterator[tuple[Item, float]]:
    for item in items_:
        _, seconds = pages_of(item, engine=engine)
        yield item, seconds


if __name__ == "__main__":
    # python bench/corpus.py [engine] [folder...]: fill the cache.
    engine = sys.argv[1] if len(sys.argv) > 1 else "rapidocr"
    folders = tuple(sys.argv[2:]) or None
    todo = items(folders=folders)
    for n, (item, seconds) in enumerate(warm(todo, engine=engine), 1):
        print(f"{n}/{len(todo)} {item.folder}/{item.name} {seconds:.2f}s", flush=True)
