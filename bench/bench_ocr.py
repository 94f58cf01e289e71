"""OCR engines side by side on the same scanned receipts and page images, in one run.

Usage (from the repository root)::

    python bench/bench_ocr.py [--limit 40]

For each engine and mode: the share of documents whose labelled total and date appear in the
OCR text (the precondition for extracting them), the CPU seconds per page, and the peak memory
of the process after the engine ran. The anchor is raw Tesseract in the sparse-text mode the
platform used before (PSM 11 on an image enlarged to 2,400 px), run in the same process.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bench.corpus import items  # noqa: E402
from jobs.extraction import ocr  # noqa: E402
from jobs.extraction.fields.normalize import parse_date  # noqa: E402


def tesseract_sparse(image: Image.Image) -> str:
    """The platform's former OCR: Tesseract PSM 11 on a greyscale copy enlarged to 2,400 px."""
    import tesserocr

    gray = image.convert("L")
    factor = min(4.0, 2400 / max(gray.size))
    if factor > 1:
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)))
    with tesserocr.PyTessBaseAPI(
        path=ocr.tessdata_path(), lang="eng", psm=tesserocr.PSM.SPARSE_TEXT
    ) as api:
        api.SetImage(gray)
        return api.GetUTF8Text()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def found(label: dict, text: str) -> tuple[bool, bool]:
    total = str(label.get("total", "")).replace(" ", "")
    date = str(label.get("date", ""))
    plain = squash(text)
    date_ok = bool(date) and (squash(date) in plain)
    if not date_ok and parse_date(date).ok:
        # The same date written otherwise still counts (the label is "as printed").
        date_ok = squash(date.split()[0]) in plain
    return bool(total) and total in plain, date_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    receipts = [i for i in items(folders=("receipts",))][: args.limit]
    engines = {
        "tesseract psm11 (before)": lambda im: tesseract_sparse(im),
        "tesseract psm6, deskewed": lambda im: ocr.ocr_image(im, number=1, engine="tesseract").text,
        "rapidocr PP-OCRv6 (now)": lambda im: ocr.ocr_image(im, number=1, engine="rapidocr").text,
    }
    print(f"{len(receipts)} scanned receipts")
    print(
        f"{'engine, mode':<28} {'total in text':>14} {'date in text':>13} {'CPU s/page':>11} {'peak RSS':>9}"
    )
    for name, run in engines.items():
        totals = dates = 0
        started = time.process_time()
        for item in receipts:
            text = run(Image.open(item.path))
            t, d = found(item.expected, text)
            totals += t
            dates += d
        seconds = (time.process_time() - started) / len(receipts)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{name:<28} {100 * totals / len(receipts):>13.0f}% {100 * dates / len(receipts):>12.0f}%"
            f" {seconds:>11.2f} {peak:>7.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
