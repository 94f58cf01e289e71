"""Train the candidate-scoring models and their calibration on the development corpus.

Usage (from the repository root; pages come from bench/.cache, see bench/corpus.py)::

    python bench/train_fields.py [--folds 5] [--write]

For each model (total, date, invoice_number, issuer) every candidate on every document is a
row of evidence (``jobs.extraction.fields.scoring.features``) labelled right or wrong against the
corpus labels. A logistic regression (L2-regularised, fitted by Newton's method in NumPy) learns
one weight per piece of evidence. Documents are split into folds by group (a receipt's merchant,
an e-invoice with its scan), the model is refitted without each fold, and the held-out
documents' decision scores against whether the chosen value was right give the calibration
(isotonic regression): a confidence of 0.9 then means right nine times in ten on documents the
model had not seen. ``--write`` stores weights and calibration in
``jobs/extraction/fields/weights.json``; the figures printed are the held-out ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_corpus import expected_of, same, squash  # noqa: E402
from bench.corpus import CACHE, Item, _key, items, pages_of  # noqa: E402
from jobs.extraction.fields import issuer as issuer_model  # noqa: E402
from jobs.extraction.fields import scoring  # noqa: E402
from jobs.extraction.fields.anchors import INVOICE, OTHER, RECEIPT  # noqa: E402
from jobs.extraction.fields.locate import Locator  # noqa: E402

# model -> folder -> (label key in the corpus, field keys in the lexicon, comparison)
TARGETS: dict[str, dict[str, tuple[str, list[str], str]]] = {
    "total": {
        "receipts": ("total", ["total"], "amount"),
        "einvoices": ("grand_total", ["total_amount"], "amount"),
        "invoices": ("amount", ["total_amount"], "amount"),
    },
    "date": {
        "receipts": ("date", ["date"], "date"),
        "einvoices": ("issue_date", ["invoice_date"], "date"),
        "invoices": ("date", ["invoice_date"], "date"),
    },
    "invoice_number": {
        "einvoices": ("invoice_number", ["invoice_number"], "reference"),
        "invoices": ("invoice_number", ["invoice_number"], "reference"),
    },
    "issuer": {
        "receipts": ("company", [], "name"),
        "einvoices": ("seller_name", [], "name"),
        "invoices": ("issuer", [], "name"),
    },
}


def group_of(item: Item) -> str:
    # Documents of one merchant or seller stay in one fold: held-out means an unseen issuer.
    if item.folder == "receipts":
        return "r:" + squash(item.expected.get("company", ""))[:24]
    if item.folder == "einvoices":
        return "e:" + squash(item.expected.get("seller_name", ""))[:24]
    return f"{item.folder}:{item.path.stem}"


# Fewer held-out documents than this of one kind share the pooled calibration.
MIN_KIND_DOCUMENTS = 120


def kind_of(item: Item) -> str:
    return "receipt" if item.folder == "receipts" else "invoice"


def rows_for(model: str, item: Item, pages: list) -> list[tuple[dict[str, float], bool, str]]:
    target = TARGETS[model].get(item.folder)
    if target is None:
        return []
    label_key, keys, kind = target
    expected = expected_of(item).get(label_key)
    lexicon = {**RECEIPT, **OTHER} if item.folder == "receipts" else {**INVOICE, **OTHER}
    locator = Locator(pages, lexicon)
    if model == "issuer":
        scored = issuer_model.scored_names(locator, receipt=item.folder == "receipts")
    else:
        scored = scoring.scored_candidates(locator, model, keys, kind=kind_of(item))
    return [(s.features, same(kind, expected, s.value), str(s.value)) for s in scored]


# Evidence whose meaning is known but which few documents of the corpus show: the fit shrinks
# its weight towards this value instead of towards zero. An amount from which a prepayment is
# deducted to give another printed amount is the invoice's total, and the amount left is what
# remains to pay (one seller's invoices show it; a fold without them would learn nothing).
PRIORS: dict[str, float] = {"before_prepayment": 3.0, "after_prepayment": -3.0}


def fit(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 4.0,
    iterations: int = 30,
    prior: np.ndarray | None = None,
) -> np.ndarray:
    prior = np.zeros(x.shape[1]) if prior is None else prior
    w = prior.copy()
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty @ (w - prior)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-6 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit_increasing(x: np.ndarray, y: np.ndarray, l2: float = 4.0) -> np.ndarray:
    """:func:`fit` with no weight but the bias (column 0) below zero: the confidence of a
    decision must not fall as the winner's share or its own probability rises. A negative
    weight (an input that adds nothing once the others are known, fitted on few wrong
    decisions) is set to zero."""
    w = fit(x, y, l2=l2)
    w[1:] = np.maximum(w[1:], 0.0)
    return w


def isotonic(xs: list[float], ys: list[int], *, min_count: int = 25) -> dict[str, list[float]]:
    """Pool-adjacent-violators on (score, right) with blocks of at least ``min_count``
    documents, each block's rate with a Laplace prior ((right + 1) / (n + 2)): a small block
    of lucky documents must not promise certainty. Returns a piecewise-linear table."""
    order = np.argsort(xs)
    x = np.asarray(xs, dtype=float)[order]
    y = np.asarray(ys, dtype=float)[order]
    blocks: list[list[float]] = []  # [sum_y, count, min_x, max_x]
    for xi, yi in zip(x, y, strict=True):
        blocks.append([yi, 1.0, xi, xi])

        def rate(b: list[float]) -> float:
            return b[0] / b[1]

        while len(blocks) > 1 and (
            rate(blocks[-2]) >= rate(blocks[-1]) or blocks[-2][1] < min_count
        ):
            s, c, _, mx = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
            blocks[-1][3] = mx
    if len(blocks) > 1 and blocks[-1][1] < min_count:
        s, c, _, mx = blocks.pop()
        blocks[-1][0] += s
        blocks[-1][1] += c
        blocks[-1][3] = mx
    bx: list[float] = []
    by: list[float] = []
    for b in blocks:
        r = (b[0] + 1) / (b[1] + 2)
        r = max(r, by[-1]) if by else r
        # A block's rate holds over its whole span (a step, as isotonic regression predicts);
        # only the gaps between blocks are interpolated.
        for edge in (round(b[2], 5), round(b[3], 5)):
            if not bx or edge > bx[-1]:
                bx.append(edge)
                by.append(r)
    return {"x": bx, "y": [round(v, 5) for v in by]}


def doc_id(item: Item) -> str:
    return f"{item.folder}/{item.variant}/{item.path.name}"


# The scored models a document of a folder needs, confidently, to go straight through (the
# currency of invoices is not a scored model and is left out here).
REQUIRED = {
    "receipts": ("total", "date", "issuer"),
    "einvoices": ("total", "date", "issuer", "invoice_number"),
    "invoices": ("total", "date", "issuer", "invoice_number"),
}


def straight_through(decisions: dict[str, dict[str, tuple[float, bool]]]) -> None:
    """The held-out straight-through share and its errors at a few thresholds: a document
    goes through when every required model's held-out confidence reaches the threshold."""
    print("\nHeld-out straight-through (required scored fields all at or above the threshold)")
    for threshold in (0.9, 0.95, 0.97, 0.98, 0.99):
        line = []
        total_docs = total_through = total_wrong = 0
        for folder, required in REQUIRED.items():
            docs = [d for doc, d in decisions.items() if doc.startswith(folder + "/")]
            if not docs:
                continue
            through = [d for d in docs if all(m in d and d[m][0] >= threshold for m in required)]
            wrong = sum(not all(d[m][1] for m in required) for d in through)
            total_docs += len(docs)
            total_through += len(through)
            total_wrong += wrong
            line.append(f"{folder} {len(through)}/{len(docs)} ({wrong} wrong)")
        for folder, required in REQUIRED.items():
            docs = [d for doc, d in decisions.items() if doc.startswith(folder + "/")]
            cells = []
            for m in required:
                sure = [d[m][1] for d in docs if m in d and d[m][0] >= threshold]
                cells.append(f"{m} {len(sure)} ({len(sure) - sum(sure)} wrong)")
            if docs:
                print(f"      {folder}: " + ", ".join(cells))
        share = 100 * total_through / max(total_docs, 1)
        errors = 100 * total_wrong / max(total_through, 1)
        print(
            f"  >= {threshold}: all {share:.0f} % through, {errors:.1f} % wrong; " + ", ".join(line)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--models", nargs="*", default=list(TARGETS))
    parser.add_argument("--engine", default="rapidocr")
    parser.add_argument("--stack-l2", type=float, default=4.0)
    args = parser.parse_args()

    documents = []
    for item in items():
        if not (CACHE / f"{_key(item, args.engine)}.json").exists():
            continue
        pages, _ = pages_of(item, engine=args.engine)
        documents.append((item, pages))
    print(f"{len(documents)} documents with cached pages")
    stored = json.loads(scoring.WEIGHTS_PATH.read_text()) if scoring.WEIGHTS_PATH.exists() else {}
    # document -> model -> (held-out calibrated confidence, right)
    decisions: dict[str, dict[str, tuple[float, bool]]] = defaultdict(dict)
    for model in args.models:
        per_doc: list[tuple[Item, list[tuple[dict[str, float], bool, str]]]] = []
        for item, pages in documents:
            rows = rows_for(model, item, pages)
            if item.folder in TARGETS[model]:
                per_doc.append((item, rows))
        names = sorted({k for _, rows in per_doc for f, _, _ in rows for k in f})
        names.remove("bias")
        names = ["bias", *names]
        prior = np.asarray([PRIORS.get(n, 0.0) for n in names])

        def matrix(docs: list, names: list[str] = names) -> tuple[np.ndarray, np.ndarray]:
            xs = [[f.get(n, 0.0) for n in names] for _, rows in docs for f, _, _ in rows]
            ys = [float(ok) for _, rows in docs for _, ok, _ in rows]
            return np.asarray(xs, dtype=float).reshape(-1, len(names)), np.asarray(ys)

        groups = sorted({group_of(item) for item, _ in per_doc})
        fold_of = {g: i % args.folds for i, g in enumerate(groups)}
        held_inputs: list[dict[str, float]] = []
        held_right: list[int] = []
        held_kind: list[str] = []
        held_docs: list[str] = []
        held_fold: list[int] = []
        per_folder: dict[str, list[int]] = defaultdict(list)
        for fold in range(args.folds):
            train = [d for d in per_doc if fold_of[group_of(d[0])] != fold]
            test = [d for d in per_doc if fold_of[group_of(d[0])] == fold]
            x, y = matrix(train)
            if not len(y) or y.sum() == 0:
                continue
            w = fit(x, y, prior=prior)
            weights = dict(zip(names, w.tolist(), strict=True))
            for item, rows in test:
                scored = []
                for f, ok, value in rows:
                    z = sum(weights.get(k, 0.0) * v for k, v in f.items())
                    scored.append((1 / (1 + np.exp(-np.clip(z, -30, 30))), ok, value))
                if not scored:
                    per_folder[item.folder + "/" + item.variant].append(0)
                    continue
                scored.sort(key=lambda t: -t[0])
                best = scored[0]
                rival = next((p for p, _, v in scored[1:] if scoring.is_rival(v, best[2])), 0.0)
                held_inputs.append(scoring.stack_inputs(float(best[0]), float(rival)))
                held_right.append(int(best[1]))
                held_kind.append(kind_of(item))
                held_docs.append(doc_id(item))
                held_fold.append(fold)
                per_folder[item.folder + "/" + item.variant].append(int(best[1]))
        x, y = matrix(per_doc)
        w = fit(x, y, prior=prior)
        weights = dict(zip(names, [round(v, 4) for v in w.tolist()], strict=True))
        # The confidence of a decision: a small logistic model over the held-out decisions
        # (the winner's share against its rival and its own probability), then
        # calibrated. Fitted on decisions the scoring model had not seen, as at run time; the
        # scores it gives for calibration are themselves held out (cross-fitted by fold).
        stack_names = list(scoring.stack_inputs(0.5, 0.0))
        sx = np.asarray([[d[n] for n in stack_names] for d in held_inputs], dtype=float)
        sy = np.asarray(held_right, dtype=float)
        folds_of = np.asarray(held_fold)
        held_scores = [0.0] * len(held_inputs)
        for fold in range(args.folds):
            inside = folds_of == fold
            if not inside.any() or (~inside).sum() == 0:
                continue
            fw = fit_increasing(sx[~inside], sy[~inside], l2=args.stack_l2)
            for i in np.flatnonzero(inside):
                held_scores[i] = float(1 / (1 + np.exp(-np.clip(sx[i] @ fw, -30, 30))))
        sw = fit_increasing(sx, sy, l2=args.stack_l2)
        stack = dict(zip(stack_names, [round(v, 4) for v in sw.tolist()], strict=True))
        table = isotonic(held_scores, held_right)
        # Receipts and invoices are scored by one model but are not equally easy: each kind
        # gets its own calibration when it has enough held-out documents, so a confidence
        # means the same for both.
        by_kind: dict[str, dict[str, list[float]]] = {}
        for kind in sorted(set(held_kind)):
            pairs = [
                (sc, r)
                for sc, r, k in zip(held_scores, held_right, held_kind, strict=True)
                if k == kind
            ]
            if len(pairs) >= MIN_KIND_DOCUMENTS:
                by_kind[kind] = isotonic([sc for sc, _ in pairs], [r for _, r in pairs])
        for kind in sorted(set(held_kind)):
            use = by_kind.get(kind, table)
            confident = [
                r
                for sc, r, k in zip(held_scores, held_right, held_kind, strict=True)
                if k == kind and scoring.interpolate(use, sc) >= 0.9
            ]
            share = sum(held_kind[i] == kind for i in range(len(held_kind)))
            print(
                f"  {kind}: calibrated >= 0.9 on {len(confident)}/{share} held-out documents, "
                f"{sum(confident)} right"
            )
        for low in (0.5, 0.7, 0.8, 0.9, 0.95):
            inside = [r for sc, r in zip(held_scores, held_right, strict=True) if sc >= low]
            if inside:
                print(f"  held-out score >= {low}: {sum(inside)}/{len(inside)} right")
        summary = {k: f"{sum(v)}/{len(v)}" for k, v in sorted(per_folder.items())}
        print(f"\n{model}: held-out accuracy {summary}")
        print("  weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in weights.items()))
        print("  confidence: " + ", ".join(f"{k} {v:+.2f}" for k, v in stack.items()))
        for score, right, kind, doc in zip(
            held_scores, held_right, held_kind, held_docs, strict=True
        ):
            confidence = scoring.interpolate(by_kind.get(kind, table), score)
            decisions[doc][model] = (confidence, bool(right))
        stored[model] = {
            "weights": weights,
            "kind": "logistic",
            "stack": stack,
            "calibration": table,
            "calibration_by_kind": by_kind,
            "heldout": summary,
            "rows": int(len(y)),
        }
    straight_through(decisions)
    if args.write:
        scoring.WEIGHTS_PATH.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
        print(f"\nwritten: {scoring.WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
