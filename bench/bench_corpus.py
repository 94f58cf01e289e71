"""Field accuracy, confidence calibration, straight-through share and speed on the whole corpus.

Usage (from the repository root)::

    python bench/bench_corpus.py [--folders receipts einvoices invoices] [--engine rapidocr]
                                 [--threshold 0.9] [--limit N] [--refresh]

Pages come from the real page extraction (text layer, or OCR for images and for the 200 dpi
scans made of the e-invoices), cached in bench/.cache per file and configuration; fields come
from the real field extraction. Comparisons are normalised: ISO dates, decimal amounts, ISO
currency codes; names without case, spaces and punctuation, one containing the other or at
least 90 % alike (an OCR slip in a long legal name). ``--json FILE`` also writes every
(field, confidence, right) triple, which ``bench/train_fields.py`` uses for calibration.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import Item, items, pages_of  # noqa: E402
from jobs.extraction.fields.api import extract_fields  # noqa: E402
from jobs.extraction.fields.model import ExtractedField  # noqa: E402
from jobs.extraction.fields.normalize import parse_date  # noqa: E402
from jobs.extraction.fields.policy import DEFAULT_REQUIRED  # noqa: E402
from jobs.extraction.fields.validation import review_policy  # noqa: E402

# For each folder: (our field, the label's key, comparison kind).
SCORED: dict[str, list[tuple[str, str, str]]] = {
    "receipts": [
        ("date", "date", "date"),
        ("total", "total", "amount"),
        ("merchant", "company", "name"),
    ],
    "einvoices": [
        ("invoice_number", "invoice_number", "reference"),
        ("invoice_date", "issue_date", "date"),
        ("total_amount", "grand_total", "amount"),
        ("currency", "currency", "code"),
        ("issuer", "seller_name", "name"),
    ],
    "invoices": [
        ("invoice_number", "invoice_number", "reference"),
        ("invoice_date", "date", "date"),
        ("total_amount", "amount", "amount"),
        ("currency", "currency", "code"),
        ("issuer", "issuer", "name"),
    ],
}
KIND = {"receipts": "receipt", "einvoices": "invoice", "invoices": "invoice"}
# Fields reported on their own, outside the figures above (no review policy requires them):
# the buyer, and the due date, right when both label and extraction have none.
EXTRA: dict[str, list[tuple[str, str, str]]] = {
    "einvoices": [("customer_name", "buyer_name", "name"), ("due_date", "due_date", "date")],
}


def squash(text: Any) -> str:
    return re.sub(r"[\W_]+", "", str(text)).casefold()


def same(kind: str, expected: Any, got: Any) -> bool:
    if expected in (None, "") or got in (None, ""):
        return False
    if kind == "date":
        compact = str(expected).strip()
        if re.fullmatch(r"\d{8}", compact):
            # Labels written without separators: 20180304 or 25032018.
            e = compact
            return str(got) in {f"{e[:4]}-{e[4:6]}-{e[6:]}", f"{e[4:]}-{e[2:4]}-{e[:2]}"}
        parsed = parse_date(
            str(expected)[:10] if re.match(r"\d{4}-\d\d-\d\d", str(expected)) else str(expected)
        )
        return parsed.ok and parsed.value == str(got)
    if kind == "amount":
        try:
            wanted = Decimal(re.sub(r"[^\d.\-]", "", str(expected).replace(",", "")))
            return wanted == Decimal(str(got))
        except InvalidOperation:
            return False
    if kind == "reference":
        return squash(str(expected).lstrip("#")) == squash(str(got).lstrip("#"))
    if kind == "code":
        return str(expected).strip().upper() == str(got).strip().upper()
    a, b = squash(expected), squash(got)
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def expected_of(item: Item) -> dict[str, Any]:
    data = item.expected
    if isinstance(data, list):  # the invoices folder holds a one-element list
        data = data[0]
    return data


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folders", nargs="*", default=["receipts", "einvoices", "invoices"])
    parser.add_argument("--engine", default="rapidocr")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--variants", nargs="*", default=[], help="only these: pdf, image, scan200")
    parser.add_argument("--limit", type=int, default=0, help="at most N documents per folder")
    parser.add_argument("--refresh", action="store_true", help="extract pages again")
    parser.add_argument("--cached-only", action="store_true", help="skip documents not cached yet")
    parser.add_argument("--json", type=Path, help="write every scored field here")
    parser.add_argument("--show-wrong", default="", help="print wrong values of this field")
    args = parser.parse_args()

    todo = items(folders=tuple(args.folders))
    if args.variants:
        todo = [item for item in todo if item.variant in args.variants]
    if args.limit:
        per: dict[str, int] = defaultdict(int)
        kept = []
        for item in todo:
            key = f"{item.folder}/{item.variant}"
            if per[key] < args.limit:
                per[key] += 1
                kept.append(item)
        todo = kept
    right: dict[tuple[str, str], list[int]] = defaultdict(list)
    reliability: list[tuple[float, bool]] = []
    by_field: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    records: list[dict[str, Any]] = []
    seconds: dict[str, list[float]] = defaultdict(list)
    field_seconds: list[float] = []
    straight: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # docs, approved, wrong
    extra: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # right, sure+wrong

    def score_one(item: Item, pages: list, run: str, path: Path | None) -> None:
        expected = expected_of(item)
        started = time.process_time()
        result = extract_fields(KIND[item.folder], pages, path=path)
        field_seconds.append(time.process_time() - started)
        variant = "scan" if item.variant == "scan200" else item.variant
        group = f"{item.folder}/{'xml' if run == 'xml' else variant}"
        all_right = True
        needs_review, _ = review_policy(
            result.fields,
            required=DEFAULT_REQUIRED[KIND[item.folder]],
            threshold=args.threshold,
            document_errors=result.validation_errors,
        )
        approved = not needs_review
        for ours, theirs, kind in SCORED[item.folder]:
            found = result.fields.get(ours)
            value = found.value if isinstance(found, ExtractedField) else None
            confidence = found.confidence if isinstance(found, ExtractedField) else 0.0
            ok = same(kind, expected.get(theirs), value)
            right[(group, ours)].append(int(ok))
            all_right &= ok
            if value is not None:
                reliability.append((confidence, ok))
                by_field[ours].append((confidence, ok))
            records.append(
                {
                    "doc": item.name,
                    "group": group,
                    "field": ours,
                    "value": value,
                    "expected": expected.get(theirs),
                    "confidence": confidence,
                    "right": ok,
                    "approved": approved,
                }
            )
            if args.show_wrong == ours and not ok:
                print(
                    f"  {item.name:<28} got {str(value)[:40]!r:<44} want {str(expected.get(theirs))[:40]!r} c={confidence:.2f}"
                )
        for ours, theirs, kind in EXTRA.get(item.folder, []):
            found = result.fields.get(ours)
            value = found.value if isinstance(found, ExtractedField) else None
            confidence = found.confidence if isinstance(found, ExtractedField) else 0.0
            wanted = expected.get(theirs)
            ok = value is None if wanted in (None, "") else same(kind, wanted, value)
            extra[(group, ours)].append((int(ok), int(not ok and confidence >= args.threshold)))
        right[(group, "all")].append(int(all_right))
        straight[group][0] += 1
        if approved:
            straight[group][1] += 1
            straight[group][2] += int(not all_right)

    for item in todo:
        if args.cached_only:
            from bench.corpus import CACHE, _key

            if not (CACHE / f"{_key(item, args.engine)}.json").exists():
                continue
        pages, extraction_seconds = pages_of(item, engine=args.engine, refresh=args.refresh)
        for page in pages:
            seconds[page.source].append(extraction_seconds / max(len(pages), 1))
        # E-invoices are scored twice: through their XML (as the platform reads them) and
        # from the printed page alone (the XML ignored), as an ordinary invoice would be.
        runs = (
            [("pdf", None)]
            if item.variant != "pdf" or item.folder != "einvoices"
            else [
                ("xml", item.path),
                ("pdf", None),
            ]
        )
        for run, path in runs:
            score_one(item, pages, run, path)

    print(f"\nPer-field accuracy (engine {args.engine})")
    groups = sorted({g for g, _ in right})
    for group in groups:
        cells = [
            f"{name} {sum(v)}/{len(v)} ({100 * sum(v) / len(v):.0f} %)"
            for (g, name), v in right.items()
            if g == group
        ]
        print(f"  {group:<18} " + "  ".join(cells))

    if extra:
        print(f"\nOther fields (right / documents; wrong at {args.threshold} or above)")
        for group in sorted({g for g, _ in extra}):
            cells = [
                f"{name} {sum(r for r, _ in marks)}/{len(marks)}"
                f" ({sum(w for _, w in marks)} wrong sure)"
                for (g, name), marks in sorted(extra.items())
                if g == group
            ]
            print(f"  {group:<18} " + "  ".join(cells))

    print("\nReliability (confidence bucket: right / reported)")
    buckets = [
        (0.0, 0.5),
        (0.5, 0.7),
        (0.7, 0.8),
        (0.8, 0.9),
        (0.9, 0.95),
        (0.95, 0.99),
        (0.99, 1.01),
    ]
    for low, high in buckets:
        inside = [ok for c, ok in reliability if low <= c < high]
        if inside:
            print(
                f"  [{low:.2f}, {min(high, 1.0):.2f})  {sum(inside):>5}/{len(inside):<5} {100 * sum(inside) / len(inside):6.1f} %"
            )
    for name, pairs in sorted(by_field.items()):
        sure = [ok for c, ok in pairs if c >= 0.9]
        print(f"  {name:<16} >= 0.90: {sum(sure)}/{len(sure)}")
    high = [ok for c, ok in reliability if c >= 0.9]
    if high:
        print(f"  >= 0.90: {sum(high)}/{len(high)} right ({100 * sum(high) / len(high):.1f} %)")

    print(
        f"\nStraight-through at threshold {args.threshold} (required fields confident, no errors)"
    )
    for group, (docs, approved, wrong) in sorted(straight.items()):
        print(
            f"  {group:<18} approved {approved}/{docs} ({100 * approved / max(docs, 1):.0f} %), wrong among them {wrong}"
        )
    docs = sum(v[0] for v in straight.values())
    approved = sum(v[1] for v in straight.values())
    wrong = sum(v[2] for v in straight.values())
    print(
        f"  {'all':<18} approved {approved}/{docs} ({100 * approved / max(docs, 1):.0f} %), wrong among them {wrong} ({100 * wrong / max(approved, 1):.1f} %)"
    )

    print("\nSeconds per page (CPU, page extraction; cached figures from when the page was read)")
    for source, values in sorted(seconds.items()):
        print(f"  {source:<12} {sum(values) / len(values):.3f} s/page over {len(values)} pages")
    if field_seconds:
        print(f"  fields       {sum(field_seconds) / len(field_seconds):.3f} s/document")
    if args.json:
        args.json.write_text(json.dumps(records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
