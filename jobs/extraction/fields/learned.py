"""What reviewers taught: where a supplier's documents print each field, used as evidence.

When a reviewer corrects or confirms a field, :func:`learn` records the value's *context* on
that document: the words left of it on its row (its label, read to the right), the words of
the row above it (a column header, read downwards), its place on the page and the shape of
its text (``9999-AA``). Nothing else of the document is kept: not the value, not other text.
The knowledge is per service and per supplier (:mod:`supplier`).

On the supplier's next document, :func:`apply_learned` scores every value of the field's type
by how well its own context matches a learned one, each learned context weighted by how often
it pointed at the right value before (label words compared allowing for a letter or two OCR
misread, :func:`same_word`; dates and amounts OCR glued to other text read the way reviewers
showed, :func:`pattern_candidates`). The best match competes with the generic extractor's
choice: when they agree the field is surer; when they disagree the side with the higher
confidence wins. The learned side's confidence is how often this supplier's rule was right
on the documents reviewers checked after it was learned (``confirmed`` against ``overruled``,
with a prior measured by ``bench/bench_learning.py``), so a rule that starts being corrected
loses its weight and then its say. A field whose value came from learned knowledge says so:
``source`` is ``"learned"``.

Pure functions over pages and plain JSON; the review app stores the knowledge.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jobs.extraction.fields.anchors import Lexicon
from jobs.extraction.fields.currency import find_currency
from jobs.extraction.fields.locate import Candidate, Locator
from jobs.extraction.fields.model import ExtractedField, FieldValue
from jobs.extraction.fields.normalize import Parsed, parse
from jobs.extraction.fields.supplier import (
    find_supplier,
    identity,
    name_similarity,
    normalised_name,
)
from jobs.extraction.fields.text import fold_token
from jobs.extraction.types import Page, Word

# A candidate matches a learned context from this score on (0..1).
MATCH_FROM = 0.55
# A context this alike to a known one is the same context.
SAME_CONTEXT = 0.9
MAX_CONTEXTS = 6
# The prior of a rule's reliability: as if it had been right PRIOR_RIGHT times in
# PRIOR_RIGHT + PRIOR_WRONG (measured on the replay of bench/bench_learning.py).
PRIOR_RIGHT = 4.0
PRIOR_WRONG = 1.0
# A learned value replaces the generic one only from this confidence on (below it, the
# match is ambiguous or the supplier uncertain: right about half the time on the replay).
REPLACE_FROM = 0.45
# Fields holding the supplier's own name, per kind.
NAME_FIELDS = {"receipt": "merchant", "invoice": "issuer"}
LEARNABLE_TYPES = frozenset(
    ["date", "amount", "number", "reference", "iban", "vat_id", "name", "currency"]
)


@dataclass(slots=True)
class Decision:
    value: Any
    candidate: Candidate
    score: float
    rival: float
    match: float


# --- contexts ------------------------------------------------------------------------------


# Label words repeat across a document's candidates and a supplier's rules: each pair is
# compared once per process (the comparisons run for every candidate against every rule).
@functools.lru_cache(maxsize=4096)
def _is_currency(token: str) -> bool:
    """A currency sign or code alone ("RM", "EUR"): it stands beside amounts of every label
    ("Total RM", "Change RM"), so it tells none of them apart."""
    code, body = find_currency(token)
    return code is not None and not body


def _alpha_tokens(words: Sequence[Any]) -> list[str]:
    tokens = [fold_token(w.text) for w in words]
    return [t for t in tokens if len(t) >= 2 and any(c.isalpha() for c in t)]


def _row_index(locator: Locator, candidate: Candidate) -> int:
    first = candidate.words[0]
    for index, row in enumerate(locator.rows[candidate.page]):
        if first in row.words:
            return index
    return -1


def shape(text: str) -> str:
    """The shape of a value's text: digits as 9, letters as A (``RE-2024/17`` -> ``AA-9999/99``)."""
    return re.sub(r"[^\W\d_]", "A", re.sub(r"\d", "9", text.strip()))[:40]


def context_of(locator: Locator, candidate: Candidate) -> dict[str, Any]:
    """Where a value stands: label words left of it, header words above it, place, shape."""
    box = candidate.box or (0.0, 0.0, 0.0, 0.0)
    row_index = _row_index(locator, candidate)
    rows = locator.rows[candidate.page]
    left: list[str] = []
    above: list[str] = []
    if row_index >= 0:
        left = _alpha_tokens([w for w in rows[row_index].words if w.box[2] <= box[0] + 0.002])[-3:]
        for row in reversed(rows[max(0, row_index - 3) : row_index]):
            if box[1] - row.y1 > 0.08:
                break
            over = [w for w in row.words if w.box[2] >= box[0] - 0.03 and w.box[0] <= box[2] + 0.03]
            tokens = _alpha_tokens(over)
            if tokens:
                above = tokens[:3]
                break
    last = max((p.number for p in locator.pages), default=1)
    return {
        "left": left,
        "above": above,
        "x": round((box[0] + box[2]) / 2, 4),
        "y": round((box[1] + box[3]) / 2, 4),
        "page": "first" if candidate.page == 1 else ("last" if candidate.page == last else ""),
        "shape": shape(candidate.raw),
    }


@functools.lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """Whether two label words are the same word, allowing for OCR misreading a letter or two
    ("inul"/"incl", "subiuial"/"subtotal"): one edit in four letters or more, two from seven
    on. Shorter words must be equal: "rm" and "rn", "no" and "nr" are different words."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    if shortest < 4 or abs(len(a) - len(b)) > 1:
        return False
    allowed = 2 if shortest >= 7 else 1
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # Edits: the characters of the longer word not in a matching block.
    edits = max(len(a), len(b)) - sum(block.size for block in matcher.get_matching_blocks())
    return edits <= allowed


def _overlap(learned: Sequence[str], seen: Sequence[str]) -> float:
    """How alike two label word lists are (Dice): "total" matches "total sales" by half.

    Words are compared as :func:`same_word` does (OCR misreads label words as often as
    values). Currency signs are left out when both labels have other words: "Change RM" is
    not "Credit RM". A currency alone (a column headed "EUR") still counts."""
    ours, theirs = set(learned), set(seen)
    if not ours or not theirs:
        return 0.0
    words_ours = {t for t in ours if not _is_currency(t)}
    words_theirs = {t for t in theirs if not _is_currency(t)}
    if words_ours and words_theirs:
        ours, theirs = words_ours, words_theirs
    common = sum(1 for t in ours if t in theirs or any(same_word(t, u) for u in theirs))
    return 2 * min(common, len(theirs)) / (len(ours) + len(theirs))


def match(seen: dict[str, Any], learned: dict[str, Any]) -> float:
    """How well a candidate's context matches a learned one, 0..1.

    A learned label must be found again (it weighs most); the place on the page and the
    shape of the text confirm it. Without a label, place and shape alone decide.
    """
    distance = math.hypot(seen["x"] - learned.get("x", 0), seen["y"] - learned.get("y", 0))
    zone = math.exp(-distance / 0.08)
    same_shape = 1.0 if seen["shape"] == learned.get("shape") else 0.0
    if not same_shape and abs(len(seen["shape"]) - len(learned.get("shape") or "")) <= 1:
        same_shape = 0.5
    page = 1.0 if not learned.get("page") or learned.get("page") == seen["page"] else 0.6
    if learned.get("left") or learned.get("above"):
        label = max(
            _overlap(learned.get("left") or [], seen["left"]),
            _overlap(learned.get("above") or [], seen["above"]) * 0.9,
        )
        return page * (0.65 * label + 0.2 * zone + 0.15 * same_shape)
    return page * (0.75 * zone + 0.25 * same_shape)


def _weight(context: dict[str, Any]) -> float:
    """How much a learned context counts: its record of pointing at the right value."""
    right, wrong = context.get("right", 1), context.get("wrong", 0)
    return (right + 1.0) / (right + wrong + 1.5)


def reliability(rule: dict[str, Any]) -> float:
    """How often the rule was right on documents checked after it was learned (with prior)."""
    confirmed, overruled = rule.get("confirmed", 0), rule.get("overruled", 0)
    return (confirmed + PRIOR_RIGHT) / (confirmed + overruled + PRIOR_RIGHT + PRIOR_WRONG)


# --- candidates and values -----------------------------------------------------------------


def same_value(field_type: str, a: Any, b: Any) -> bool:
    """Whether two values of a type are the same answer (normalised)."""
    if a in (None, "") or b in (None, ""):
        return False
    if field_type in ("amount", "number"):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    if field_type == "name":
        x, y = normalised_name(a), normalised_name(b)
        return bool(x and y) and (x == y or name_similarity(x, y) >= 0.9)
    return normalised_name(a) == normalised_name(b)


def _date_forms(value: str) -> list[tuple[str, str]]:
    """The ways a date (ISO) may be printed glued to other text: (text, format)."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return []
    year, month, day = value.split("-")
    out: list[tuple[str, str]] = []
    for sep in ("/", "-", ".", ""):
        out.append((f"{day}{sep}{month}{sep}{year}", f"d{sep}m{sep}Y"))
        out.append((f"{year}{sep}{month}{sep}{day}", f"Y{sep}m{sep}d"))
        out.append((f"{day}{sep}{month}{sep}{year[2:]}", f"d{sep}m{sep}y"))
    return out


_PART = {"d": r"(?P<d>\d\d)", "m": r"(?P<m>\d\d)", "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d\d)"}


def _read_date(text: str, form: str) -> str | None:
    """A date read with a learned format (``d/m/Y``...) from the start of ``text``."""
    pattern = "".join(_PART.get(ch, re.escape(ch)) for ch in form)
    found = re.match(pattern, text)
    if not found:
        return None
    parts = found.groupdict()
    year = parts.get("Y") or f"20{parts.get('y')}"
    try:
        return dt.date(int(year), int(parts["m"]), int(parts["d"])).isoformat()
    except ValueError:
        return None


def _glued(page: int, word: Word, value: str, raw: str) -> Candidate:
    return Candidate(value, raw, 1.0, page, [word], Parsed(value))


# An amount OCR glued to its label ("Tota1RM15.40", "Total:14.20"): letters, then the amount
# (a currency sign may sit between) ending the word.
_GLUED_AMOUNT = re.compile(r"[^\W\d_]{2}[^\d]*?(?P<amount>\d{1,3}(?:[.,]\d{3})*[.,]\d\d)$")
GLUED = "glued"


def glued_amounts(locator: Locator) -> list[Candidate]:
    """Amounts the generic scan does not read because OCR glued them to their label."""
    out: list[Candidate] = []
    for page in locator.pages:
        for word in page.words:
            found = _GLUED_AMOUNT.search(word.text)
            if found is None:
                continue
            parsed = parse("amount", found.group("amount"))
            if parsed.ok:
                out.append(_glued(page.number, word, str(parsed.value), word.text))
    return out


def pattern_candidates(locator: Locator, contexts: Sequence[dict[str, Any]]) -> list[Candidate]:
    """Dates printed in a way the generic parser does not read (``04/03/201815:41``,
    ``Date:25/04/18``), read with the formats reviewers showed (``format``, ``offset``);
    amounts glued to their label, once reviewers showed one (``format`` ``glued``)."""
    forms = {(k["format"], k.get("offset", 0)) for k in contexts if k.get("format")}
    out: list[Candidate] = []
    if (GLUED, 0) in forms:
        out.extend(glued_amounts(locator))
        forms.discard((GLUED, 0))
    for page in locator.pages:
        for word in page.words:
            for form, offset in forms:
                value = _read_date(word.text[offset:], form)
                if value is not None:
                    out.append(_glued(page.number, word, value, word.text))
    return out


def glued_dates(locator: Locator, value: Any) -> list[tuple[Candidate, str, int]]:
    """Where a date the generic parser missed is printed glued: (candidate, format, offset)."""
    out: list[tuple[Candidate, str, int]] = []
    for page in locator.pages:
        for word in page.words:
            for text, form in _date_forms(str(value)):
                offset = word.text.find(text)
                if offset >= 0 and _read_date(word.text[offset:], form) == value:
                    out.append((_glued(page.number, word, str(value), word.text), form, offset))
                    break
    return out


def candidates(locator: Locator, field_type: str, *, receipt: bool = False) -> list[Candidate]:
    """Every value of a type on the document (names: the issuer's candidate runs)."""
    if field_type == "name":
        from jobs.extraction.fields.issuer import scored_names

        return [s.candidate for s in scored_names(locator, receipt=receipt) if s.candidate.words]
    return [c for c in locator.scan(field_type, base=1.0) if c.words]


def decide(
    locator: Locator,
    field_type: str,
    rule: dict[str, Any],
    *,
    names: Sequence[str] = (),
    found: list[Candidate] | None = None,
    receipt: bool = False,
) -> Decision | None:
    """The value the rule points at on this document, if one matches well enough."""
    found = candidates(locator, field_type, receipt=receipt) if found is None else found
    contexts = rule.get("contexts") or []
    if field_type in ("date", "amount"):
        found = [*found, *pattern_candidates(locator, contexts)]
    best: dict[str, tuple[float, float, Candidate]] = {}
    for candidate in found:
        seen = context_of(locator, candidate)
        place = max((match(seen, k) * _weight(k) for k in contexts), default=0.0)
        quality = max((match(seen, k) for k in contexts), default=0.0)
        if field_type == "name":
            similarity = max(
                (
                    name_similarity(normalised_name(candidate.value), normalised_name(n))
                    for n in names
                    if n
                ),
                default=0.0,
            )
            spelling = next((n for n in names if n), "")
            if similarity < 0.85:
                continue
            # The supplier's name as reviewers spelt it, found where the page prints it.
            candidate = Candidate(
                spelling,
                candidate.raw,
                candidate.score,
                candidate.page,
                candidate.words,
                candidate.parsed,
            )
            place = 0.7 * similarity + 0.3 * max(place, 0.5 if not contexts else 0.0)
            quality = max(quality, similarity)
        if quality < MATCH_FROM:
            continue
        key = normalised_name(candidate.value) if field_type == "name" else str(candidate.value)
        if key not in best or place > best[key][0]:
            best[key] = (place, quality, candidate)
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda item: -item[0])
    score, quality, candidate = ranked[0]
    rival = ranked[1][0] if len(ranked) > 1 else 0.0
    return Decision(candidate.value, candidate, score, rival, quality)


# A learned label found again this well (``Decision.match``) outweighs even a sure generic
# choice on a field reviewers corrected for this supplier.
LABEL_FOUND = 0.75


def _generic_trust(rule: dict[str, Any], confidence: float, decision: Decision) -> float:
    """How far the generic choice is trusted against a rule: less when the rule was learned
    because a reviewer corrected the generic choice on this supplier's documents. A sure
    generic choice keeps its weight, unless the rule found its learned label again: the
    generic choice was overruled on this very layout before, and its confidence then was
    often as high (it measures how typical the page looks, not this supplier's habits)."""
    if rule.get("how") != "corrected":
        return 1.0
    if confidence < 0.9:
        return 0.5
    return 0.75 if decision.match >= LABEL_FOUND else 1.0


def learned_confidence(decision: Decision, rule: dict[str, Any], supplier_score: float) -> float:
    """The rule's reliability, lowered by a doubtful supplier match or a close rival value."""
    clear = min(1.0, 0.5 + (decision.score - decision.rival) / 0.4)
    return reliability(rule) * min(1.0, supplier_score / 0.9) * clear


# --- using what was learned ----------------------------------------------------------------


def field_types(kind: str, types: dict[str, str]) -> dict[str, str]:
    """The learnable fields of a kind and their types (the supplier's name as ``name``)."""
    out = {name: t for name, t in types.items() if t in LEARNABLE_TYPES}
    if kind in NAME_FIELDS:
        out[NAME_FIELDS[kind]] = "name"
        out["currency"] = "currency"
    return out


def apply_learned(
    pages: Sequence[Page],
    fields: dict[str, FieldValue],
    knowledge: dict[str, Any],
    *,
    kind: str,
    types: dict[str, str],
    lexicon: Lexicon,
) -> dict[str, Any] | None:
    """Let the service's learned knowledge weigh in on ``fields`` (changed in place).

    Returns what was used (``{"supplier": id, "fields": {name: rule id}}``), or None when the
    document's supplier is not known.
    """
    suppliers = knowledge.get("suppliers") or []
    if not pages or not suppliers:
        return None
    name_field = NAME_FIELDS.get(kind)
    extracted_name = fields.get(name_field) if name_field else None
    name = extracted_name.value if isinstance(extracted_name, ExtractedField) else None
    locator = Locator(pages, lexicon)
    names_found = [c.value for c in candidates(locator, "name", receipt=kind == "receipt")]
    supplier, supplier_score = find_supplier(identity(pages, name, names_found), suppliers)
    if supplier is None:
        return None
    rules = [r for r in knowledge.get("rules") or [] if r.get("supplier") == supplier.get("id")]
    learnable = field_types(kind, types)
    used: dict[str, Any] = {}
    for rule in rules:
        name_of = rule.get("field")
        field_type = learnable.get(name_of or "")
        current = fields.get(name_of or "")
        if field_type is None or not isinstance(current, ExtractedField):
            continue
        decision = decide(
            locator,
            field_type,
            rule,
            names=[supplier.get("name") or "", *(supplier.get("names") or [])],
            receipt=kind == "receipt",
        )
        if decision is None:
            continue
        confidence = learned_confidence(decision, rule, supplier_score)
        if confidence <= 0:
            continue
        if same_value(field_type, decision.value, current.value):
            current.confidence = 1 - (1 - confidence) * (1 - current.confidence)
            if field_type == "name":
                current.value = decision.value  # the supplier's name as reviewers spelt it
        elif confidence >= REPLACE_FROM and confidence > current.confidence * _generic_trust(
            rule, current.confidence, decision
        ):
            replaced = decision.candidate.to_field()
            current.value, current.raw = replaced.value, replaced.raw
            current.page, current.box = replaced.page, replaced.box
            current.confidence = confidence
        else:
            # Learned knowledge disagrees and loses: the generic value stays, less sure.
            current.confidence = current.confidence * (1 - confidence / 2)
            continue
        current.source = "learned"
        used[name_of] = rule.get("id")
    return {"supplier": supplier.get("id"), "fields": used}


# --- learning ------------------------------------------------------------------------------


def _same_context(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        a.get("left") == b.get("left")
        and a.get("above") == b.get("above")
        and match(a, b) >= SAME_CONTEXT
    )


def learn(
    pages: Sequence[Page],
    *,
    field_type: str,
    value: Any,
    rule: dict[str, Any] | None,
    lexicon: Lexicon,
    names: Sequence[str] = (),
    receipt: bool = False,
) -> tuple[dict[str, Any], str]:
    """The rule for one field of one supplier after a reviewer set (or kept) ``value``.

    An existing rule is judged first: did it point at this value (``confirmed``) or at
    another (``overruled``)? Each of its contexts gains a right or a wrong the same way. The
    contexts of the value on this document are then added to the rule. Returns the rule and
    the outcome: ``created``, ``confirmed``, ``overruled`` or ``unchanged``.
    """
    locator = Locator(pages, lexicon)
    found = candidates(locator, field_type, receipt=receipt)
    outcome = "created" if rule is None else "unchanged"
    rule = dict(rule or {"contexts": [], "confirmed": 0, "overruled": 0})
    contexts = [dict(k) for k in rule.get("contexts") or []]
    if outcome != "created":
        decision = decide(locator, field_type, rule, names=names, found=found, receipt=receipt)
        if decision is not None:
            if same_value(field_type, decision.value, value):
                rule["confirmed"] = rule.get("confirmed", 0) + 1
                outcome = "confirmed"
            else:
                rule["overruled"] = rule.get("overruled", 0) + 1
                outcome = "overruled"
    seen = [(c, context_of(locator, c)) for c in found]
    if field_type in ("date", "amount"):
        seen += [(c, context_of(locator, c)) for c in pattern_candidates(locator, contexts)]
    missing = bool(value) and not any(same_value(field_type, c.value, value) for c, _ in seen)
    if field_type == "date" and missing:
        for candidate, form, offset in glued_dates(locator, value):
            context = {**context_of(locator, candidate), "format": form, "offset": offset}
            seen.append((candidate, context))
    if field_type == "amount" and missing:
        for candidate in glued_amounts(locator):
            if same_value(field_type, candidate.value, value):
                seen.append((candidate, {**context_of(locator, candidate), "format": GLUED}))
    for learned in contexts:
        pointed = max(seen, key=lambda item: match(item[1], learned), default=None)
        if pointed is None or match(pointed[1], learned) < MATCH_FROM:
            continue
        if same_value(field_type, pointed[0].value, value):
            learned["right"] = learned.get("right", 1) + 1
        else:
            learned["wrong"] = learned.get("wrong", 0) + 1
    for candidate, context in seen:
        if not same_value(field_type, candidate.value, value):
            continue
        if any(
            _same_context(context, k) and k.get("format") == context.get("format") for k in contexts
        ):
            continue
        contexts.append({**context, "right": 1, "wrong": 0})
    contexts.sort(key=lambda k: -_weight(k))
    rule["contexts"] = contexts[:MAX_CONTEXTS]
    return rule, outcome
