"""Extracted fields seen through a review: flattening, corrections applied, bands. Pure: no ORM.

A result's ``fields`` maps a name to a field ``{"value", "raw", "confidence", "band", "page",
"box", "validation_errors"}``, or to a list of dicts of such fields (``line_items``). A field
inside a list is named by its path, ``line_items[0].amount`` (as the field engine names it);
corrections use the same names.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

BANDS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field as a reviewer sees it: the value in force and what was predicted."""

    name: str
    label: str
    value: str | None
    predicted: str | None
    corrected: bool
    confidence: float | None
    band: str
    page: int | None
    box: tuple[float, float, float, float] | None
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.predicted not in (None, "")

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)

    @property
    def box_css(self) -> str:
        """The box as CSS percentages of its page, so it scales with the page image."""
        if self.box is None:
            return ""
        x0, y0, x1, y1 = self.box
        return (
            f"left:{x0 * 100:.3f}%;top:{y0 * 100:.3f}%;"
            f"width:{(x1 - x0) * 100:.3f}%;height:{(y1 - y0) * 100:.3f}%"
        )


def _is_field(value: Any) -> bool:
    return isinstance(value, dict) and ("value" in value or "confidence" in value)


def flatten(fields: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every leaf field with its name, in the order of the result; lists item by item."""
    leaves: list[tuple[str, dict[str, Any]]] = []
    for name, item in (fields or {}).items():
        if _is_field(item):
            leaves.append((name, item))
        elif isinstance(item, list):
            for index, row in enumerate(item):
                if not isinstance(row, dict):
                    continue
                for sub, leaf in row.items():
                    if _is_field(leaf):
                        leaves.append((f"{name}[{index}].{sub}", leaf))
    return leaves


def field_names(fields: dict[str, Any]) -> set[str]:
    return {name for name, _ in flatten(fields)}


_ITEM = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]\.(?P<column>\w+)$")


def label(name: str) -> str:
    """``line_items[0].unit_price`` → ``Line items 1 · unit price``."""
    item = _ITEM.match(name)
    if item:
        index = int(item["index"]) + 1
        return f"{_words(item['list'])} {index} · {_words(item['column']).lower()}"
    return _words(name)


ACRONYMS = {"iban": "IBAN", "vat": "VAT", "id": "ID", "bic": "BIC", "po": "PO", "url": "URL"}


def _words(name: str) -> str:
    words = [ACRONYMS.get(word.lower(), word) for word in name.replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def band_of(leaf: dict[str, Any]) -> str:
    band = leaf.get("band")
    if band in BANDS:
        return band
    confidence = leaf.get("confidence")
    if confidence is None:
        return "low"
    return "high" if confidence >= 0.9 else "medium" if confidence >= 0.6 else "low"


def _box(leaf: dict[str, Any]) -> tuple[float, float, float, float] | None:
    box = leaf.get("box")
    if not isinstance(box, list | tuple) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (min(max(float(c), 0.0), 1.0) for c in box)
    except (TypeError, ValueError):
        return None
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def field_views(fields: dict[str, Any], corrected: dict[str, Any]) -> list[FieldView]:
    views = []
    for name, leaf in flatten(fields):
        predicted = leaf.get("value")
        is_corrected = name in corrected
        page = leaf.get("page")
        views.append(
            FieldView(
                name=name,
                label=label(name),
                value=corrected[name] if is_corrected else predicted,
                predicted=predicted,
                corrected=is_corrected,
                confidence=leaf.get("confidence"),
                band=band_of(leaf),
                page=page if isinstance(page, int) else None,
                box=_box(leaf),
                errors=list(leaf.get("validation_errors") or []),
            )
        )
    return views


def with_corrections(fields: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """The fields in the API's shape: ``value`` is the value in force, ``predicted_value`` the
    extraction's, and ``corrected`` says whether a person (or the API) changed it."""
    output = copy.deepcopy(fields or {})
    for name, leaf in flatten(output):
        predicted = leaf.get("value")
        leaf["predicted_value"] = predicted
        leaf["corrected"] = name in corrected
        if name in corrected:
            leaf["value"] = corrected[name]
    return output


def values(fields: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """Just the values in force: a scalar per field, a list of dicts of scalars per list."""
    output: dict[str, Any] = {}
    for name, item in with_corrections(fields, corrected).items():
        if _is_field(item):
            output[name] = item.get("value")
        elif isinstance(item, list):
            output[name] = [
                {sub: leaf.get("value") for sub, leaf in row.items() if _is_field(leaf)}
                for row in item
                if isinstance(row, dict)
            ]
    return output


def needs_review(*, result: dict[str, Any], required_fields: list[str], threshold: float) -> bool:
    """Whether a person must look at a result.

    The field engine states it as ``needs_review``; results without that key are judged here
    by the same policy: validation errors, a required field missing, or a field below the
    service's confidence threshold.
    """
    if "needs_review" in result:
        return bool(result["needs_review"])
    if result.get("validation_errors"):
        return True
    fields = result.get("fields") or {}
    for name in required_fields:
        item = fields.get(name)
        if not item or (_is_field(item) and item.get("value") in (None, "")):
            return True
    for _, leaf in flatten(fields):
        if leaf.get("validation_errors"):
            return True
        confidence = leaf.get("confidence")
        if confidence is not None and confidence < threshold:
            return True
    return False
