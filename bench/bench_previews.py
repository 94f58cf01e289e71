"""WebP preview encoder settings by measurement: CPU time and size per page, alternating.

Run from the repository root:  python bench/bench_previews.py [--rounds 3]

Pages: the text PDFs of the invoice corpus rendered at 150 dpi (as the worker renders their
previews) and the first receipt photos at the preview size (2,000 px on the long side). Each
setting encodes every page once per round, settings in turn; the figure is the best round.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SETTINGS = [(80, 4), (80, 0), (80, 1), (80, 2), (75, 0), (70, 0), (85, 0), (80, 6)]


def pages(receipts: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    found = []
    for path in sorted((CORPUS / "invoices").glob("*.pdf")):
        document = pdfium.PdfDocument(path)
        found.extend(page.render(scale=150 / 72).to_pil().convert("RGB") for page in document)
        document.close()
    for path in sorted((CORPUS / "receipts").glob("*.jpg"))[:receipts]:
        with Image.open(path) as image:
            image = image.convert("RGB")
            image.thumbnail((2000, 2000), Image.Resampling.LANCZOS)
            found.append(image)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--receipts", type=int, default=6)
    args = parser.parse_args()
    images = pages(args.receipts)
    best: dict[tuple[int, int], float] = {}
    sizes: dict[tuple[int, int], int] = {}
    for _ in range(args.rounds):
        for quality, method in SETTINGS:
            start = time.process_time()
            total = 0
            for image in images:
                out = io.BytesIO()
                image.save(out, format="WEBP", quality=quality, method=method)
                total += out.tell()
            spent = time.process_time() - start
            key = (quality, method)
            best[key] = min(best.get(key, spent), spent)
            sizes[key] = total
    anchor = (80, 4)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {len(images)} pages")
    print(f"{'quality':>7} {'method':>6} {'ms/page':>8} {'KB/page':>8} {'time':>6} {'size':>6}")
    for key in SETTINGS:
        per_page = best[key] * 1000 / len(images)
        size = sizes[key] / 1024 / len(images)
        print(
            f"{key[0]:7d} {key[1]:6d} {per_page:8.1f} {size:8.1f}"
            f" {best[key] / best[anchor]:6.2f} {sizes[key] / sizes[anchor]:6.2f}"
        )


if __name__ == "__main__":
    main()
