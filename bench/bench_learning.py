"""Replay review over the corpus: does one correction make the supplier's next document right?

Usage (from the repository root)::

    DOCPLATFORM_BENCH_CACHE=/work/bench-cache python bench/bench_learning.py \
        [--folders receipts einvoices] [--cached-only] [--threshold 0.9] [--review-all]

Each folder is one service with its own knowledge. Its documents are replayed in date order
(suppliers interleaved as they would arrive): each is extracted with the knowledge learned so
far and scored *before* its review; then, unless it went straight through (every required
field confident, no validation error: nobody looks at it; ``--review-all`` reviews those too),
a reviewer corrects every wrong field to the expected value and approves, which confirms the
others. The e-invoices are read from their printed pages (their XML ignored), as an ordinary
invoice would be. Every document is also extracted without knowledge in the same run: the
anchor. Suppliers (for the report only) are the expected merchant or seller name.

Printed: accuracy per field of the first document of a supplier, the second, the third and
fourth, the fifth and later, with and without learning; the share right, from the second
document on, of the fields that had been corrected on an earlier document of the same
supplier; the straight-through share and the wrong values among those documents.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_corpus import KIND, SCORED, expected_of, same  # noqa: E402
from bench.corpus import CACHE, Item, _key, items, pages_of  # noqa: E402
from jobs.extraction.fields.api import extract_fields  # noqa: E402
from jobs.extraction.fields.model import ExtractedField  # noqa: E402
from jobs.extraction.fields.normalize import parse, parse_date  # noqa: E402
from jobs.extraction.fields.policy import DEFAULT_REQUIRED  # noqa: E402
from jobs.extraction.fields.teach import apply_lesson, kind_types, teach  # noqa: E402
from jobs.extraction.fields.validation import review_policy  # noqa: E402
from jobs.extraction.types import Page  # noqa: E402

EXPECTED_NAME = {"receipts": "company", "einvoices": "seller_name", "invoices": "issuer"}
EXPECTED_DATE = {"receipts": "date", "einvoices": "issue_date", "invoices": "date"}
POSITIONS = ("1st", "2nd", "3rd-4th", "5th+")
# Fields a reviewer also checks (they make an invoice's totals add up), scored the same way.
ALSO_REVIEWED: dict[str, list[tuple[str, str, str]]] = {
    "einvoices": [("net_amount", "net_total", "amount"), ("tax_amount", "tax_total", "amount")],
}


def _position(n: int) -> str:
    return POSITIONS[0] if n == 1 else POSITIONS[1] if n == 2 else POSITIONS[2 if n < 5 else 3]


def _order(item: Item) -> tuple[str, str]:
    raw = str(expected_of(item).get(EXPECTED_DATE[item.folder]) or "")
    parsed = parse_date(raw[:10] if re.match(r"\d{4}-\d\d-\d\d", raw) else raw)
    return (str(parsed.value) if parsed.ok else "9999", item.name)


def _corrected_value(kind: str, field_type: str, expected: Any) -> Any:
    """The expected value as a reviewer's correction is stored (normalised)."""
    if expected in (None, ""):
        return None
    if field_type == "name":
        return str(expected)
    text = str(expected)
    if field_type == "date" and re.match(r"\d{4}-\d\d-\d\d", text):
        text = text[:10]
    parsed = parse(field_type, text)
    return parsed.value if parsed.ok else text


def _pages(item: Item, *, cached_only: bool) -> list[Page] | None:
    if (CACHE / f"{_key(item, 'rapidocr')}.json").exists() or not cached_only:
        return pages_of(item)[0]
    if item.variant == "pdf":
        from jobs.extraction import detect
        from jobs.extraction.document import Limits, extract_pages

        content_type = detect.detect_content_type(item.path.read_bytes()[: detect.SNIFF_BYTES])
        limits = Limits(ocr_engine="rapidocr", ocr_dpi=300)
        pages = [
            p
            for p in extract_pages(item.path, content_type=content_type or "", limits=limits)
            if isinstance(p, Page)
        ]
        if all(p.source == "text-layer" for p in pages):
            return pages
    return None


def replay(folder: str, todo: list[Item], args: argparse.Namespace) -> None:
    kind = KIND[folder]
    reviewed = [*SCORED[folder], *ALSO_REVIEWED.get(folder, [])]
    learnable = kind_types(kind)
    knowledge: dict[str, Any] = {"suppliers": [], "rules": []}
    next_id = 1
    seen: dict[str, int] = defaultdict(int)
    corrected_before: dict[str, set[str]] = defaultdict(set)
    acc: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (run, field, pos)
    repeat: dict[str, list[int]] = defaultdict(list)  # run -> rights of fields corrected before
    straight: dict[str, list[int]] = {"with": [0, 0, 0], "without": [0, 0, 0]}
    outcomes: dict[str, int] = defaultdict(int)
    learned_right: dict[str, list[int]] = defaultdict(list)
    for item in sorted(todo, key=_order):
        pages = _pages(item, cached_only=args.cached_only)
        if not pages:
            continue
        expected = expected_of(item)
        supplier = re.sub(r"[\W_]+", "", str(expected.get(EXPECTED_NAME[folder]) or "")).lower()
        seen[supplier] += 1
        position = _position(seen[supplier])
        results = {
            "with": extract_fields(kind, pages, learned=knowledge),
            "without": extract_fields(kind, pages),
        }
        wrong_with: dict[str, Any] = {}
        values: dict[str, Any] = {}
        approved_with = False
        for run, result in results.items():
            needs_review, _ = review_policy(
                result.fields,
                required=DEFAULT_REQUIRED[kind],
                threshold=args.threshold,
                document_errors=result.validation_errors,
            )
            all_right = True
            if args.show_blocking and run == "with" and needs_review and seen[supplier] > 1:
                low = [
                    f"{n}={f.value!r}:{f.confidence:.2f}/{f.source}"
                    for n, f in result.fields.items()
                    if n in DEFAULT_REQUIRED[kind]
                    and isinstance(f, ExtractedField)
                    and f.confidence < args.threshold
                ]
                print(
                    f"  BLOCKED {item.name}: {low} {[e.get('code') for e in result.validation_errors]}"
                )
            for ours, theirs, compare in reviewed:
                found = result.fields.get(ours)
                value = found.value if isinstance(found, ExtractedField) else None
                ok = same(compare, expected.get(theirs), value)
                all_right &= ok
                acc[(run, ours, position)].append(int(ok))
                if seen[supplier] > 1 and ours in corrected_before[supplier]:
                    repeat[run].append(int(ok))
                    if args.show_wrong and run == "with" and not ok:
                        print(
                            f"  {item.name}: {ours} got {value!r} ({found.source if isinstance(found, ExtractedField) else ''}, "
                            f"{found.confidence if isinstance(found, ExtractedField) else 0:.2f}) want {expected.get(theirs)!r}; used {result.learned}"
                        )
                if (
                    run == "with"
                    and isinstance(found, ExtractedField)
                    and found.source == "learned"
                ):
                    sure = (
                        "[0.95, 1]"
                        if found.confidence >= 0.95
                        else "[0.9, 0.95)"
                        if found.confidence >= 0.9
                        else "[0, 0.9)"
                    )
                    learned_right[sure].append(int(ok))
                if run == "with":
                    values[ours] = value
                    if not ok:
                        wrong_with[ours] = expected.get(theirs)
            if args.show_worse and run == "with":
                for o, t, c in reviewed:
                    mine = result.fields.get(o)
                    base = results["without"].fields.get(o)
                    if (
                        isinstance(mine, ExtractedField)
                        and isinstance(base, ExtractedField)
                        and same(c, expected.get(t), base.value)
                        and not same(c, expected.get(t), mine.value)
                    ):
                        print(
                            f"  WORSE {item.name} {o}: {mine.value!r} ({mine.confidence:.2f}) "
                            f"instead of {base.value!r} ({base.confidence:.2f})"
                        )
            straight[run][0] += 1
            if not needs_review:
                straight[run][1] += 1
                straight[run][2] += int(not all_right)
                if args.show_wrong and not all_right:
                    print(
                        f"  APPROVED WRONG ({run}) {item.name}: "
                        + ", ".join(
                            f"{o}={result.fields[o].value!r}/{result.fields[o].source}/{result.fields[o].confidence:.2f} want {expected.get(t)!r}"
                            for o, t, c in SCORED[folder]
                            if isinstance(result.fields.get(o), ExtractedField)
                            and not same(c, expected.get(t), result.fields[o].value)
                        )
                    )
                if run == "with":
                    approved_with = True
        if approved_with and not args.review_all:
            continue
        # The review: wrong fields corrected to the expected value, the others confirmed.
        how: dict[str, str] = {}
        for ours, _, _ in reviewed:
            if ours not in learnable:
                continue
            if ours in wrong_with:
                values[ours] = _corrected_value(kind, learnable[ours], wrong_with[ours])
                how[ours] = "corrected"
                corrected_before[supplier].add(ours)
            else:
                how[ours] = "confirmed"
        lesson = teach(knowledge, pages, kind=kind, values=values, how=how)
        if lesson is not None:
            next_id = apply_lesson(knowledge, lesson, next_id=next_id)
            for outcome in lesson.outcomes.values():
                outcomes[outcome] += 1

    docs = straight["with"][0]
    print(f"\n{folder}: {docs} documents, {len(seen)} suppliers, replayed in date order")
    print(f"  {'field':<16}{'run':<9}" + "".join(f"{p:>16}" for p in POSITIONS))
    for ours, _, _ in reviewed:
        for run in ("without", "with"):
            cells = []
            for pos in POSITIONS:
                values_ = acc[(run, ours, pos)]
                cells.append(
                    f"{100 * sum(values_) / len(values_):5.1f} % ({len(values_):>3})"
                    if values_
                    else "—"
                )
            print(f"  {ours:<16}{run:<9}" + "".join(f"{c:>16}" for c in cells))
    for run in ("without", "with"):
        rights = repeat[run]
        if rights:
            print(
                f"  fields corrected on an earlier document, right from the 2nd on ({run}): "
                f"{sum(rights)}/{len(rights)} ({100 * sum(rights) / len(rights):.1f} %)"
            )
    for run in ("without", "with"):
        total, approved, wrong = straight[run]
        print(
            f"  straight-through {run:<8} {approved}/{total} "
            f"({100 * approved / max(total, 1):.1f} %), wrong among them {wrong}"
        )
    for sure, rights in sorted(learned_right.items()):
        print(
            f"  fields from learned knowledge, confidence {sure}: {sum(rights)}/{len(rights)} right"
        )
    print(
        f"  rule outcomes at review: {dict(outcomes)}; suppliers known: "
        f"{len(knowledge['suppliers'])}, rules: {len(knowledge['rules'])}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folders", nargs="*", default=["receipts", "einvoices"])
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--cached-only", action="store_true", help="skip documents not cached")
    parser.add_argument("--review-all", action="store_true", help="review straight-through too")
    parser.add_argument("--show-wrong", action="store_true")
    parser.add_argument("--show-blocking", action="store_true")
    parser.add_argument("--show-worse", action="store_true", help="fields learning made wrong")
    parser.add_argument("--variants", nargs="*", default=["image", "pdf"])
    args = parser.parse_args()
    for folder in args.folders:
        todo = [i for i in items(folders=(folder,)) if i.variant in args.variants]
        replay(folder, todo, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
