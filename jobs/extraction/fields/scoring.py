"""Fields as scored candidates: every value of the right type on the document competes.

For a field such as a receipt's total, every amount on the document is a candidate. Each gets
a vector of evidence (see :mod:`evidence`): how strongly and from where a label points at it
(same row to its right, or a column header above), words on its row that speak against it
(tax, subtotal, cash, change, rounding, quantity...), its position on the page, the size of its
text, how often the same value recurs, whether other amounts add up to it (net + tax, cash -
change), the OCR confidence of its words. A small logistic model per field family, trained on
the development corpus by ``bench/train_fields.py`` and shipped as ``weights.json`` beside this
module, turns the evidence into a probability; the best candidate wins, and its confidence is
that probability calibrated on held-out documents (so 0.9 means right about nine times in ten).

No rule here names a supplier or a document; the weights are learned from generic evidence.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobs.extraction.fields.addresses import (
    iban_words,
    is_house_number,
    is_phone_number,
    is_postcode,
)
from jobs.extraction.fields.evidence import NEGATIVE, Scored, _page, features
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.model import ExtractedField

__all__ = ["NEGATIVE", "Scored", "features", "choose", "extract_scored", "scored_candidates"]

WEIGHTS_PATH = Path(__file__).with_name("weights.json")

# --- the model ------------------------------------------------------------------------------


@functools.cache
def _weights() -> dict[str, Any]:
    if WEIGHTS_PATH.exists():
        return json.loads(WEIGHTS_PATH.read_text())
    return {}


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def probability(model: str, feats: dict[str, float]) -> float:
    """The model's probability that a candidate is the field's value."""
    weights = _weights().get(model, {}).get("weights")
    if not weights:
        # Without trained weights: the geometric label score alone, as before.
        return min(1.0, feats.get("label_right", 0) + feats.get("label_below", 0) * 0.8) * 0.9
    return _sigmoid(sum(weights.get(name, 0.0) * value for name, value in feats.items()))


def calibrate(model: str, raw: float, *, kind: str | None = None) -> float:
    """Map a raw score to the share of values with that score that were right (held out),
    on documents of this ``kind`` ("receipt", "invoice") when it has a table of its own."""
    stored = _weights().get(model, {})
    table = stored.get("calibration_by_kind", {}).get(kind or "") or stored.get("calibration")
    return interpolate(table, raw) if table else raw


def interpolate(table: dict[str, list[float]], raw: float) -> float:
    """A calibration table (increasing ``x`` against ``y``) read at ``raw``, piecewise
    linear, held at its top end; below its lowest score, where the table has seen nothing,
    falling in proportion towards 0 (a score lower than any seen is no surer than the
    lowest)."""
    xs, ys = table["x"], table["y"]
    if raw <= xs[0]:
        return ys[0] * max(0.0, raw) / xs[0] if xs[0] > 0 else ys[0]
    pairs = list(zip(xs, ys, strict=True))
    for (x0, y0), (x1, y1) in zip(pairs, pairs[1:], strict=False):
        if raw <= x1:
            share = (raw - x0) / (x1 - x0) if x1 > x0 else 1.0
            return y0 + share * (y1 - y0)
    return ys[-1]


# How much surer than its share of a decision a winner may be reported (see :func:`choose`).
_TOSS_MARGIN = 0.3


def raw_decision(best: float, rival: float) -> float:
    """The decision score of a winner with probability ``best`` over a rival value with
    probability ``rival``: its share of the two, so a clear winner scores high even when the
    model is modest about every candidate, and two strong candidates that disagree score
    about one half."""
    return best / (best + rival + 0.002)


def _logit(p: float) -> float:
    p = min(1.0 - 1e-4, max(1e-4, p))
    return math.log(p / (1.0 - p))


def stack_inputs(best: float, rival: float) -> dict[str, float]:
    """What the confidence of a decision is judged on: the winner's share of it against its
    strongest rival, and the winner's own probability (a winner the model doubts but that
    has no rival is less sure than one it believes in)."""
    return {"bias": 1.0, "share": _logit(raw_decision(best, rival)), "best": _logit(best)}


def raw_confidence(model: str, best: float, rival: float) -> float:
    """The uncalibrated confidence of a decision: a small logistic model over
    :func:`stack_inputs`, fitted on held-out decisions (``stack`` in the weights), or the
    winner's share alone without one."""
    stack = _weights().get(model, {}).get("stack")
    if not stack:
        return raw_decision(best, rival)
    inputs = stack_inputs(best, rival)
    return _sigmoid(sum(stack.get(name, 0.0) * value for name, value in inputs.items()))


def _squash(value: Any) -> str:
    return re.sub(r"\W+", "", str(value)).casefold()


# A name has letters beyond a code's few: "ACME", not "F2022" or "2019-11-13".
_NAMEISH = re.compile(r"[^\W\d_]{3}")


def is_rival(a: Any, b: Any) -> bool:
    """Whether two candidate values are different answers.

    Amounts, dates and numbers are the same answer only when equal ("30.00" and "300.00" are
    rivals). Names that contain one another ("ACME GmbH" and "ACME GmbH Berlin", a name and
    its two-line form) or share most of their letters ("MR D.I.Y. (JOHOR) SDN BHD (CO.REG" and
    "tan MR D.I.Y. (JOHOR) SDN") are the same answer read in two ways."""
    if str(a) == str(b):
        return False
    x, y = _squash(a), _squash(b)
    if not (x and y) or not (_NAMEISH.search(x) and _NAMEISH.search(y)):
        return True
    if x in y or y in x:
        return False
    shorter = min(len(x), len(y))
    match = difflib.SequenceMatcher(None, x, y, autojunk=False).find_longest_match(
        0, len(x), 0, len(y)
    )
    return not (match.size >= 6 and match.size >= 0.6 * shorter)


def decision_score(model: str, scored: Sequence[Scored]) -> tuple[Scored | None, float]:
    """The winner and its raw confidence (see :func:`raw_confidence`)."""
    if not scored:
        return None, 0.0
    ranked = sorted(scored, key=lambda s: -s.probability)
    best = ranked[0]
    rival = next((s.probability for s in ranked[1:] if is_rival(s.value, best.value)), 0.0)
    return best, raw_confidence(model, best.probability, rival)


def choose(
    model: str, scored: list[Scored], *, source: str | None = None, kind: str | None = None
) -> ExtractedField:
    """The best candidate as a field, with its calibrated confidence."""
    for item in scored:
        item.probability = probability(model, item.features)
    best, raw = decision_score(model, scored)
    if best is None:
        return ExtractedField()
    result = best.candidate.to_field()
    # Two candidates the model holds about equal are a coin toss, however rarely the
    # documents it learned from had one: never surer than the winner's share of the decision
    # and a margin (on the corpus, a tighter margin sent many right values to review and
    # kept its few wrong ones, which disagree with their labels rather than with the page).
    rival = max(
        (s.probability for s in scored if s is not best and is_rival(s.value, best.value)),
        default=0.0,
    )
    ceiling = raw_decision(best.probability, rival) + _TOSS_MARGIN
    result.confidence = max(0.0, min(1.0, ceiling, calibrate(model, raw, kind=kind)))
    result.source = source
    return result


# --- the fields scored this way -----------------------------------------------------------

# model name -> (value type, feature family)
MODELS: dict[str, tuple[str, str]] = {
    "total": ("amount", "amount"),
    "date": ("date", "date"),
    "invoice_number": ("reference", "reference"),
}


# Evidence that weighs differently on invoices than on receipts: a receipt usually prints one
# date, unlabelled, near a time; an invoice prints several, and its labels tell them apart.
# On invoices each of these also enters as ``inv_<name>``, with weights of its own.
INVOICE_INTERACTIONS = (
    "label_right",
    "label_below",
    "label_weight",
    "no_label",
    "other_right",
    "other_below",
    "other_closer",
    "first_of_type",
    "order",
    "y",
    "repeats",
    "locator",
)


def scored_candidates(
    locator: Locator, model: str, keys: Sequence[str], *, kind: str | None = None
) -> list[Scored]:
    """Every value of the model's type on the document (labelled or not), with its evidence.

    The geometric label search's own score for a candidate is one more piece of evidence
    (``locator``); values it finds glued to a label ("Total:9.00") join the scanned ones.
    ``kind`` ("invoice", "receipt") adds the invoice interactions (see above).
    """
    field_type, family = MODELS[model]
    found = locator.scan(field_type, base=1.0)
    if family == "reference":
        # An address's postcode ("1017 GC Amsterdam") or house number ("1200 Elm St") is no
        # document's number.
        found = [
            c
            for c in found
            if not is_postcode(locator, c)
            and not is_house_number(locator, c)
            and not is_phone_number(locator, c)
        ]
    # The groups of an IBAN ("FI21 1234 5600 0007 85") are neither amounts nor references.
    in_iban = iban_words(locator)
    found = [c for c in found if not any(id(w) in in_iban for w in c.words)]
    by_words: dict[tuple[int, int], Candidate] = {
        (c.page, id(c.words[0])): c for c in found if c.words
    }
    labelled: dict[tuple[int, int], float] = {}
    for key in keys:
        for candidate in locator.candidates(key, field_type):
            if not candidate.words or any(id(w) in in_iban for w in candidate.words):
                continue
            ident = (candidate.page, id(candidate.words[0]))
            labelled[ident] = max(labelled.get(ident, 0.0), candidate.score)
            if ident not in by_words:
                by_words[ident] = candidate
                found.append(candidate)
    found.sort(key=lambda c: (c.page, (c.box or (0, 0, 0, 0))[1], (c.box or (0, 0, 0, 0))[0]))
    scored = features(locator, found, keys=keys, family=family)
    for item in scored:
        ident = (item.candidate.page, id(item.candidate.words[0]))
        item.features["locator"] = min(1.0, labelled.get(ident, 0.0))
        # Found by the label search with no label beside or above it: the label is in the
        # same word ("n°562044387", "Total:9.00").
        glued = (
            item.features["locator"] >= 0.5
            and not item.features["label_right"]
            and not item.features["label_below"]
        )
        item.features["label_glued"] = float(glued)
        if glued:
            item.features["no_label"] = 0.0
    if family == "date":
        # A date right after another field's label ("Valid until", "Delivery date", "Order
        # date") is that field's, unless this field's own label points at it as well.
        kept = [item for item in scored if not _labelled_for_another(item.features)]
        scored = kept or scored
    if family == "reference":
        # A number under another number's heading ("Original Invoice  INV-10982" on a credit
        # note) is that one's, wherever else the text repeats it ("adjustment on invoice
        # INV-10982"), unless this field's own label stands right at one of its occurrences.
        others = {_squash(item.value) for item in scored if _headed_by_another(item.features)} - {
            _squash(item.value) for item in scored if _own_label(item.features, at_least=0.9)
        }
        kept = [item for item in scored if _squash(item.value) not in others]
        scored = kept or scored
    merged = by_value(scored, prefer_last=model == "total")
    if kind == "invoice":
        for item in merged:
            item.features["inv"] = 1.0
            for name in INVOICE_INTERACTIONS:
                item.features["inv_" + name] = item.features.get(name, 0.0)
    return merged


def _labelled_for_another(features: dict[str, float]) -> bool:
    return features.get("other_right", 0.0) >= 0.9 and not _own_label(features)


def _own_label(features: dict[str, float], *, at_least: float = 0.5) -> bool:
    return (
        features.get("label_right", 0.0) >= at_least
        or features.get("label_below", 0.0) >= at_least
        or features.get("locator", 0.0) >= at_least
    )


def _headed_by_another(features: dict[str, float]) -> bool:
    return max(features.get("other_right", 0.0), features.get("other_below", 0.0)) >= 0.8


def by_value(scored: Sequence[Scored], *, prefer_last: bool = False) -> list[Scored]:
    """One candidate per distinct value, its evidence gathered over all its occurrences.

    A receipt prints its total several times ("Total 9.00", "Cash 9.00"); the value is what is
    chosen, so each value is judged by its best evidence (the strongest label, the largest
    text) and by what all its occurrences share: an amount seen only on "Cash" or "Change"
    rows is no total, one seen under "Total" as well may well be.
    """
    groups: dict[str, list[Scored]] = {}
    for item in scored:
        groups.setdefault(str(item.value), []).append(item)
    out: list[Scored] = []
    for members in groups.values():
        merged: dict[str, float] = {}
        for item in members:
            for name, value in item.features.items():
                merged[name] = max(merged.get(name, value), value)
        for name in NEGATIVE:
            merged[name + "_all"] = min(m.features.get(name, 0.0) for m in members)
        # Evidence against a value holds only where every occurrence has it: one labelled
        # occurrence makes the value labelled.
        for name in ("no_label", "other_closer"):
            merged[name] = min(m.features.get(name, 0.0) for m in members)
        merged["repeats"] = min(4, len(members)) / 4

        def evidence(item: Scored) -> tuple[float, float]:
            f = item.features
            strength = f.get("label_right", 0) + f.get("label_below", 0) + f.get("locator", 0)
            place = (item.candidate.box or (0, 0, 0, 0))[1] + item.candidate.page
            return (strength, place if prefer_last else -place)

        representative = max(members, key=evidence)
        out.append(Scored(representative.candidate, merged))
    return out


def extract_scored(
    locator: Locator, model: str, keys: Sequence[str], *, kind: str | None = None
) -> tuple[ExtractedField, Candidate | None]:
    """The field chosen among all candidates (see :func:`choose`), and its candidate."""
    scored = scored_candidates(locator, model, keys, kind=kind)
    result = choose(model, scored, kind=kind)
    if not result.found:
        return result, None
    best = max(scored, key=lambda s: s.probability)
    result.source = _page(locator, best.candidate.page).source
    return result, best.candidate
