"""E-invoices through their XML: field accuracy, boxes found on the printed page, speed.

Every PDF of the e-invoice corpus goes through ``extract_pages`` (its text layer) and then
``extract_fields("invoice", pages, path=...)``, the worker's own path. The fields are compared
with the corpus labels (which are the values of the embedded XML): text without case or
spaces, amounts as decimals, dates as ISO dates; line items row by row. The script also counts
the fields that got a box on the printed page and any ``einvoice_mismatch`` (the labels are
exact for the printed page too, so every one would be false), and times the XML reading alone
and the whole field step.

Usage (from the repository root)::

    python bench/bench_einvoice.py [--corpus ../shared/corpus/einvoices] [--printed]

``--printed`` scores the same fields with the XML ignored (the printed-page extractor alone).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobs.extraction import detect  # noqa: E402
from jobs.extraction.document import Limits, extract_pages  # noqa: E402
from jobs.extraction.einvoice import read_pdf_einvoice  # noqa: E402
from jobs.extraction.fields.api import extract_fields  # noqa: E402
from jobs.extraction.fields.model import ExtractedField  # noqa: E402
from jobs.extraction.types import Page  # noqa: E402

# Platform field -> corpus label key.
FIELDS: dict[str, str] = {
    "issuer": "seller_name",
    "invoice_number": "invoice_number",
    "invoice_date": "issue_date",
    "due_date": "due_date",
    "total_amount": "grand_total",
    "net_amount": "net_total",
    "tax_amount": "tax_total",
    "vat_id": "seller_vat_id",
    "customer_name": "buyer_name",
    "currency": "currency",
}
COLUMNS: dict[str, str] = {
    "description": "name",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "amount": "line_total",
}


def same(expected: object, got: object) -> bool:
    if expected is None or got is None:
        return expected is got
    try:
        return Decimal(str(expected)) == Decimal(str(got))
    except ArithmeticError:
        pass
    squash = lambda text: re.sub(r"\s+", "", str(text)).casefold()  # noqa: E731
    return squash(expected) == squash(got)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "einvoices"
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--printed", action="store_true", help="ignore the XML")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.pdf"))
    if not files:
        print(f"No PDFs in {args.corpus}")
        return 1

    right: Counter[str] = Counter()
    counted: Counter[str] = Counter()
    boxed: Counter[str] = Counter()
    from_xml: Counter[str] = Counter()
    mismatches: list[str] = []
    xml_seconds: list[float] = []
    field_seconds: list[float] = []
    for path in files:
        label = json.loads(path.with_suffix(".json").read_text())
        started = time.perf_counter()
        read_pdf_einvoice(path)
        xml_seconds.append(time.perf_counter() - started)
        content_type = detect.detect_content_type(path.read_bytes()[: detect.SNIFF_BYTES])
        pages = [
            p
            for p in extract_pages(path, content_type=content_type, limits=Limits())
            if isinstance(p, Page)
        ]
        started = time.perf_counter()
        result = extract_fields("invoice", pages, path=None if args.printed else path)
        field_seconds.append(time.perf_counter() - started)
        fields = result.fields
        for name, key in FIELDS.items():
            field = fields[name]
            assert isinstance(field, ExtractedField)
            if label[key] is None:
                continue  # the XML does not say: the printed page answers, not scored here
            counted[name] += 1
            right[name] += same(label[key], field.value)
            from_xml[name] += field.source == "e-invoice"
            boxed[name] += field.box is not None
        rows = [
            r for r in label["line_items"] if any(r[k] is not None for k in ("name", "line_total"))
        ]
        got = fields["line_items"]
        assert isinstance(got, list)
        for index, row in enumerate(rows):
            for column, key in COLUMNS.items():
                name = f"line_items.{column}"
                counted[name] += 1
                cell = got[index].get(column) if index < len(got) else None
                right[name] += cell is not None and same(row[key], cell.value)
                from_xml[name] += cell is not None and cell.source == "e-invoice"
                boxed[name] += cell is not None and cell.box is not None
        mismatches += [
            f"{path.name}: {e['message']}"
            for e in result.validation_errors
            if e["code"] == "einvoice_mismatch"
        ]

    print(f"Corpus: {args.corpus}  ({len(files)} PDFs)")
    print(f"{'field':<24}{'right':>12}{'from XML':>12}{'boxed':>12}")
    for name in counted:
        n = counted[name]
        print(f"{name:<24}{right[name]:>6}/{n:<5}{from_xml[name]:>6}/{n:<5}{boxed[name]:>6}/{n:<5}")
    total_right, total = sum(right.values()), sum(counted.values())
    print(f"all values right: {total_right}/{total} ({100 * total_right / total:.1f} %)")
    print(f"einvoice_mismatch on the corpus (all false): {len(mismatches)}")
    for line in mismatches:
        print("  " + line)
    print(
        f"s/document: XML found and read {statistics.mean(xml_seconds):.4f} "
        f"(max {max(xml_seconds):.4f}); fields incl. boxes and printed-page check "
        f"{statistics.mean(field_seconds):.4f} (max {max(field_seconds):.4f})"
    )
    return 0 if total_right == total else 1


if __name__ == "__main__":
    sys.exit(main())
