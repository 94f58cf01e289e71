"""Invoice field accuracy and speed on the development corpus.

Usage (from the repository root)::

    python bench/bench_fields.py [--corpus ../shared/corpus/invoices]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.extraction import detect  # noqa: E402
from jobs.extraction.document import Limits, extract_pages  # noqa: E402
from jobs.extraction.fields import extract_invoice  # noqa: E402
from jobs.extraction.fields.model import ExtractedField  # noqa: E402
from jobs.extraction.fields.normalize import parse_date  # noqa: E402
from jobs.extraction.types import Page  # noqa: E402

FIELDS = ("issuer", "invoice_number", "date", "total", "currency")
SOURCE = {
    "issuer": "issuer",
    "invoice_number": "invoice_number",
    "date": "invoice_date",
    "total": "total_amount",
    "currency": "currency",
}


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text)).casefold()


def same(field: str, expected: object, got: object) -> bool:
    """Normalised comparison: ISO dates, decimals, case/space/punctuation-insensitive text."""
    if got is None or expected is None:
        return False
    if field == "issuer":
        a, b = _squash(str(expected)), _squash(str(got))
        return bool(a and b) and (a in b or b in a)
    if field == "date":
        wanted = str(expected)[:10]
        parsed = parse_date(wanted)
        return parsed.ok and parsed.value == str(got)
    if field == "total":
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except InvalidOperation:
            return False
    if field == "invoice_number":
        # A leading "#" is how a number is introduced, not part of it.
        return _squash(str(expected).lstrip("#")) == _squash(str(got).lstrip("#"))
    return str(expected).strip().upper() == str(got).strip().upper()


def pages_of(path: Path) -> list[Page]:
    content_type = detect.detect_content_type(path.read_bytes()[: detect.SNIFF_BYTES])
    if content_type is None:
        raise SystemExit(f"{path.name}: unsupported file")
    return [
        item
        for item in extract_pages(path, content_type=content_type, limits=Limits())
        if isinstance(item, Page)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "invoices"
    parser.add_argument("--corpus", type=Path, default=default)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.suffix.lower() in {".pdf", ".png"})
    header = f"{'document':<24}" + "".join(f"{f:<16}" for f in FIELDS) + "s/page"
    print(f"Corpus: {args.corpus}  ({dt.date.today().isoformat()})")
    print(header)
    print("-" * len(header))
    totals: dict[str, dict[str, int]] = {"pdf": {}, "png": {}}
    counts = {"pdf": 0, "png": 0}
    seconds = {"pdf": 0.0, "png": 0.0}
    page_counts = {"pdf": 0, "png": 0}
    for path in files:
        expected = json.loads(path.with_suffix(".json").read_text())[0]
        kind = path.suffix.lower().lstrip(".")
        started = time.perf_counter()
        pages = pages_of(path)
        fields = extract_invoice(pages)
        elapsed = time.perf_counter() - started
        counts[kind] += 1
        seconds[kind] += elapsed
        page_counts[kind] += len(pages)
        cells = []
        for name in FIELDS:
            found = fields[SOURCE[name]]
            value = found.value if isinstance(found, ExtractedField) else None
            ok = same(name, expected.get("amount" if name == "total" else name), value)
            totals[kind][name] = totals[kind].get(name, 0) + int(ok)
            shown = "-" if value is None else str(value)
            cells.append(f"{('ok ' if ok else 'XX ') + shown[:12]:<16}")
        print(f"{path.name:<24}" + "".join(cells) + f"{elapsed / max(len(pages), 1):.2f}")
    print()
    for kind in ("pdf", "png"):
        if not counts[kind]:
            continue
        summary = "  ".join(f"{f} {totals[kind][f]}/{counts[kind]}" for f in FIELDS)
        per_page = seconds[kind] / max(page_counts[kind], 1)
        print(f"{kind.upper()} ({counts[kind]} docs): {summary}  | {per_page:.2f} s/page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
