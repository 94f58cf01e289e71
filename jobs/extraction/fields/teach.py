"""One reviewed document teaches the service's knowledge (see :mod:`learned`).

:func:`teach` takes the knowledge as plain JSON, the document's pages and the values a
reviewer set or kept, and returns what changes: the supplier (found again or new) and one
rule per field. The review app persists the result; ``bench/bench_learning.py`` keeps it in
memory. Both therefore learn the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jobs.extraction.fields.anchors import INVOICE, OTHER, RECEIPT, Lexicon
from jobs.extraction.fields.learned import NAME_FIELDS, candidates, field_types, learn
from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.supplier import (
    find_supplier,
    identity,
    merge,
    name_similarity,
    normalised_name,
)
from jobs.extraction.types import Page

LEXICONS: dict[str, Lexicon] = {"invoice": {**INVOICE, **OTHER}, "receipt": {**RECEIPT, **OTHER}}


def kind_types(kind: str) -> dict[str, str]:
    """The learnable fields of a built-in kind and their types."""
    from jobs.extraction.fields.api import RECEIPT_TYPES
    from jobs.extraction.fields.invoice import INVOICE_FIELDS

    types = {"invoice": INVOICE_FIELDS, "receipt": RECEIPT_TYPES}.get(kind, {})
    return field_types(kind, types)


@dataclass(slots=True)
class Lesson:
    """What one reviewed document changes in the knowledge."""

    supplier: dict[str, Any]  # with "id" None when new
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> rule
    outcomes: dict[str, str] = field(default_factory=dict)  # field -> created/confirmed/...


def teach(
    knowledge: dict[str, Any],
    pages: Sequence[Page],
    *,
    kind: str,
    values: dict[str, Any],
    how: dict[str, str],
) -> Lesson | None:
    """Learn from the values in force of one reviewed document.

    ``values``: field name -> value in force (corrected, or kept as extracted); ``how``:
    field name -> ``corrected`` or ``confirmed``, for the fields to learn from. Returns None
    for a kind that does not learn or a document without pages.
    """
    types = kind_types(kind)
    if not types or not pages:
        return None
    name_field = NAME_FIELDS[kind]
    name = values.get(name_field)
    locator = Locator(pages, LEXICONS[kind])
    printed = [c.value for c in candidates(locator, "name", receipt=kind == "receipt")]
    seen = identity(pages, name, printed)
    supplier, _ = find_supplier(seen, knowledge.get("suppliers") or [])
    if (
        supplier is not None
        and name
        and how.get(name_field) == "corrected"
        and supplier.get("name")
        and name_similarity(normalised_name(name), normalised_name(supplier["name"])) < 0.75
    ):
        # A reviewer names another supplier: this document is not that supplier's.
        supplier = None
    if supplier is None:
        supplier = {k: v for k, v in seen.items() if k != "texts"} | {"id": None, "names": []}
    else:
        supplier = merge(supplier, seen)
    if name and how.get(name_field) == "corrected":
        # A reviewer's spelling of the supplier's name is the one shown from now on.
        if supplier.get("name") and supplier["name"] != name:
            supplier["names"] = [supplier["name"], *(supplier.get("names") or [])][:3]
        supplier["name"] = str(name)[:200]
    names = [supplier.get("name") or "", *(supplier.get("names") or [])]
    if name and printed:
        # The name as printed, when a reviewer spelt it otherwise: it recognises the supplier.
        key = normalised_name(name)
        alike = max(printed, key=lambda t: name_similarity(key, normalised_name(t)))
        similar = name_similarity(key, normalised_name(alike))
        if 0.6 <= similar < 0.9 and alike not in names:
            supplier["names"] = [*(supplier.get("names") or []), str(alike)[:200]][-3:]
            names.append(str(alike))
    lesson = Lesson(supplier=supplier)
    existing = {
        r.get("field"): r
        for r in knowledge.get("rules") or []
        if supplier.get("id") is not None and r.get("supplier") == supplier.get("id")
    }
    for name_of, way in how.items():
        field_type = types.get(name_of)
        if field_type is None:
            continue
        rule, outcome = learn(
            pages,
            field_type=field_type,
            value=values.get(name_of),
            rule=existing.get(name_of),
            lexicon=LEXICONS[kind],
            names=names,
            receipt=kind == "receipt",
        )
        if outcome == "created" and not rule.get("contexts") and field_type != "name":
            continue  # the value is nowhere on the page: nothing to find it by
        # Once a reviewer had to correct this field of this supplier, it counts as corrected.
        rule["how"] = "corrected" if way == "corrected" else rule.get("how") or way
        rule["field"] = name_of
        lesson.rules[name_of] = rule
        lesson.outcomes[name_of] = outcome
    return lesson


def apply_lesson(knowledge: dict[str, Any], lesson: Lesson, *, next_id: int) -> int:
    """Apply a lesson to in-memory knowledge (the benchmark's store); returns the next id."""
    suppliers = knowledge.setdefault("suppliers", [])
    rules = knowledge.setdefault("rules", [])
    supplier = lesson.supplier
    if supplier.get("id") is None:
        supplier["id"] = next_id
        next_id += 1
        suppliers.append(supplier)
    else:
        index = next(i for i, s in enumerate(suppliers) if s["id"] == supplier["id"])
        suppliers[index] = supplier
    for rule in lesson.rules.values():
        rule["supplier"] = supplier["id"]
        if rule.get("id") is None:
            rule["id"] = next_id
            next_id += 1
            rules.append(rule)
        else:
            index = next(i for i, r in enumerate(rules) if r["id"] == rule["id"])
            rules[index] = rule
    return next_id
