"""Extraction speed and memory on the development corpus: text layer, OCR, previews.

Run from the repository root:  python bench/bench_extraction.py [--corpus DIR] [--repeat N]

Each document goes through the same sandboxed child process the worker uses; the figures
are wall seconds per page (best of N) and the child's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.extraction.detect import detect_content_type  # noqa: E402
from jobs.extraction.document import Limits  # noqa: E402
from jobs.extraction.sandbox import SandboxLimits, extract_sandboxed  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "invoices"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-previews", action="store_true")
    args = parser.parse_args()

    files = sorted(p for p in args.corpus.iterdir() if p.suffix in {".pdf", ".png"})
    print(f"{'document':28} {'source':10} {'pages':>5} {'s/page':>8}")
    totals: dict[str, list[float]] = {}
    for path in files:
        content_type = detect_content_type(path.read_bytes()[:1024])
        assert content_type is not None, path
        best = float("inf")
        pages = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as previews:
                limits = Limits(preview_dir=None if args.no_previews else previews)
                start = time.perf_counter()
                pages = extract_sandboxed(
                    path, content_type=content_type, limits=limits, sandbox=SandboxLimits()
                ).pages
                best = min(best, time.perf_counter() - start)
        source = pages[0].source
        per_page = best / len(pages)
        totals.setdefault(source, []).append(per_page)
        print(f"{path.name:28} {source:10} {len(pages):5d} {per_page:8.3f}")
    for source, values in sorted(totals.items()):
        print(f"mean s/page ({source}): {sum(values) / len(values):.3f}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak child RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
