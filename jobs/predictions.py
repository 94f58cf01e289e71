"""The predicted document in myBiros' shape, from a stored result. Pure: no ORM.

myBiros' keys keep their documented meaning (``entities`` with ``{id, text, confidence,
bounding_boxes}``, confidences 0–100, 4-point pixel polygons clockwise from the top left,
``ocr`` words as ``{Text, Confidence, BoundingBox}``); the platform's richer data rides along
as additional keys, which myBiros clients ignore.

Coordinates: a page's ``width`` and ``height`` are pixels (images as they are, PDF pages at
:data:`PDF_DPI`), and every box is in that space, origin top left. Stored boxes are normalised
(0..1), so the conversion is a multiplication.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jobs.extraction.fields.api import KIND_FIELDS, LINE_ITEM_TYPES, RECEIPT_TYPES
from jobs.extraction.fields.invoice import INVOICE_FIELDS

PDF_DPI = 150
# Stored keys of a field that the Entity renames or recomputes; anything else the extractor
# adds (``source``, candidates...) is carried through as is.
_FIELD_KEYS = {
    "value",
    "raw",
    "confidence",
    "band",
    "page",
    "box",
    "validation_errors",
    "predicted_value",
    "corrected",
}


# --- The field catalogue ----------------------------------------------------------------------


def _alias(name: str) -> str:
    words = [w.upper() if w in {"iban", "vat", "id"} else w.capitalize() for w in name.split("_")]
    return "".join(words)


def catalogue_entry(
    name: str,
    *,
    field_type: str = "text",
    label: str | None = None,
    members: list[str] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    """One ``service_fields`` entry; ``members`` makes it an aggregation (a list of rows)."""
    return {
        "tag_alias": label or _alias(name),
        "tag_multiple_values": members is not None,
        "tag_aggregation": {"aggregation_fields": list(members)} if members is not None else None,
        "type": "aggregation" if members is not None else field_type,
        "required": required,
    }


LINE_ITEM_COLUMNS = ["description", "quantity", "unit_price", "amount"]


def service_catalogue(
    *, kind: str, field_schema: list[dict[str, Any]], required: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """A service's ``service_fields``: every field its kind extracts, the members of an
    aggregation (line items) listed too. Forms are known only per document: ``{}``."""
    wanted = set(required)
    if kind == "custom":
        return {
            spec["name"]: catalogue_entry(
                spec["name"],
                field_type=str(spec.get("type") or "text"),
                label=spec.get("label"),
                required=bool(spec.get("required")) or spec["name"] in wanted,
            )
            for spec in field_schema
            if isinstance(spec, dict) and spec.get("name")
        }
    types = {
        "invoice": {**INVOICE_FIELDS, "currency": "currency"},
        "receipt": {**RECEIPT_TYPES, "currency": "currency"},
    }.get(kind, {})
    catalogue: dict[str, dict[str, Any]] = {}
    for name in KIND_FIELDS.get(kind, ()):
        if name == "line_items":
            for column in LINE_ITEM_COLUMNS:
                catalogue[column] = catalogue_entry(
                    column, field_type=LINE_ITEM_TYPES.get(column, "text")
                )
            catalogue[name] = catalogue_entry(
                name, members=LINE_ITEM_COLUMNS, required=name in wanted
            )
        else:
            catalogue[name] = catalogue_entry(
                name, field_type=types.get(name, "text"), required=name in wanted
            )
    return catalogue


def _is_field(item: Any) -> bool:
    return isinstance(item, dict) and ("value" in item or "confidence" in item)


def catalogue_with_result(
    catalogue: Mapping[str, dict[str, Any]], fields: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The service's catalogue plus any field a result holds that it does not list (forms,
    results of an older configuration), so every field of the result has its entry."""
    merged = {name: dict(entry) for name, entry in catalogue.items()}
    for name, item in fields.items():
        if name in merged:
            continue
        if isinstance(item, list):
            members: list[str] = []
            for row in item:
                for column in row if isinstance(row, dict) else {}:
                    if column not in members and not column.startswith("_"):
                        members.append(column)
            for column in members:
                merged.setdefault(column, catalogue_entry(column))
            merged[name] = catalogue_entry(name, members=members)
        elif _is_field(item):
            merged[name] = catalogue_entry(name)
    return merged


def _members(catalogue: Mapping[str, dict[str, Any]]) -> set[str]:
    return {
        member
        for entry in catalogue.values()
        if entry.get("tag_aggregation")
        for member in entry["tag_aggregation"]["aggregation_fields"]
    }


# --- Geometry ----------------------------------------------------------------------------------


def page_size(page: Mapping[str, Any]) -> tuple[int, int]:
    """A page's width and height in pixels (PDF points at :data:`PDF_DPI`)."""
    scale = PDF_DPI / 72 if page.get("unit", "pt") == "pt" else 1.0
    return max(1, round(float(page["width"]) * scale)), max(1, round(float(page["height"]) * scale))


def polygon(box: Any, width: int, height: int) -> list[list[int]] | None:
    """A normalised ``[x0, y0, x1, y1]`` as 4 pixel points: TL, TR, BR, BL."""
    if not isinstance(box, list | tuple) or len(box) != 4:
        return None
    try:
        x0, y0, x1, y1 = (min(max(float(c), 0.0), 1.0) for c in box)
    except (TypeError, ValueError):
        return None
    left, top = round(x0 * width), round(y0 * height)
    right, bottom = round(x1 * width), round(y1 * height)
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


def _percent(confidence: Any) -> float:
    try:
        return round(float(confidence) * 100, 2)
    except (TypeError, ValueError):
        return 0.0


# --- Entities ----------------------------------------------------------------------------------


def entity(
    leaf: Mapping[str, Any], *, entity_id: int, size: tuple[int, int] | None
) -> dict[str, Any]:
    """A field in force as a myBiros Entity, or ``{}`` when it has no value.

    ``leaf`` is a field with its corrections applied (``value`` in force, ``predicted_value``,
    ``corrected``). ``text`` is the text as read on the page, or the correction a person
    made; ``value`` the normalised value in force. A corrected value has confidence 100: a
    person set it; the extraction's stays in ``predicted_confidence``.
    """
    value = leaf.get("value")
    if value in (None, ""):
        return {}
    corrected = bool(leaf.get("corrected"))
    raw = leaf.get("raw")
    text = str(value) if corrected or raw in (None, "") else str(raw)
    boxes = []
    if size is not None:
        shape = polygon(leaf.get("box"), *size)
        if shape is not None:
            boxes.append(shape)
    result: dict[str, Any] = {
        "id": entity_id,
        "text": text,
        "confidence": 100.0 if corrected else _percent(leaf.get("confidence")),
        "bounding_boxes": boxes,
        "value": value,
        "raw": raw,
        "predicted_value": leaf.get("predicted_value", value),
        "predicted_confidence": _percent(leaf.get("confidence")),
        "corrected": corrected,
        "band": leaf.get("band"),
        "page": leaf.get("page"),
        "box": leaf.get("box"),
        "validation_errors": list(leaf.get("validation_errors") or []),
    }
    for key, extra in leaf.items():
        if key not in _FIELD_KEYS and key not in result:
            result[key] = extra
    return result


def _leaf_page(leaf: Mapping[str, Any]) -> int | None:
    page = leaf.get("page")
    return page if isinstance(page, int) and not isinstance(page, bool) else None


def _row_page(row: Mapping[str, Any]) -> int | None:
    for leaf in row.values():
        if _is_field(leaf) and _leaf_page(leaf) is not None:
            return _leaf_page(leaf)
    return None


class _Ids:
    """Entity ids, unique within a page (the summary has its own run)."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _on_page(leaf_page: int | None, number: int | None, first: int) -> bool:
    # A value without a page (a whole-text field, a correction of a field never located)
    # belongs to the first page. ``number`` None collects every page (the summary).
    return number is None or (leaf_page if leaf_page is not None else first) == number


def page_entities(
    *,
    fields: Mapping[str, Any],
    catalogue: Mapping[str, dict[str, Any]],
    number: int | None,
    first: int,
    size: tuple[int, int] | None,
    ids: _Ids,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``entities`` and ``aggregated_entities`` of page ``number`` (all pages when None), from
    the fields in force (rows carry their correction index as ``_index``)."""
    members = _members(catalogue)
    entities: dict[str, Any] = {}
    aggregated: dict[str, Any] = {}
    for name, entry in catalogue.items():
        if name in members:
            continue
        item = fields.get(name)
        aggregation = entry.get("tag_aggregation")
        if aggregation:
            rows = []
            for position, row in enumerate(item if isinstance(item, list) else []):
                if not isinstance(row, dict) or not _on_page(_row_page(row), number, first):
                    continue
                members_out: dict[str, Any] = {}
                for column in aggregation["aggregation_fields"]:
                    leaf = row.get(column)
                    built = entity(leaf, entity_id=ids.next, size=size) if _is_field(leaf) else {}
                    if built:
                        ids.take()
                    members_out[column] = built or None
                index = row.get("_index", position)
                rows.append({"id": ids.take(), "aggregated_fields": members_out, "index": index})
            aggregated[name] = rows if entry["tag_multiple_values"] else (rows[0] if rows else {})
            continue
        leaf = item if _is_field(item) else {}
        built: dict[str, Any] = {}
        if leaf and _on_page(_leaf_page(leaf), number, first):
            located = size if _leaf_page(leaf) == number else None
            built = entity(leaf, entity_id=ids.next, size=located)
            if built:
                ids.take()
        entities[name] = ([built] if built else []) if entry["tag_multiple_values"] else built
    return entities, aggregated


def ocr_words(page: Mapping[str, Any], size: tuple[int, int]) -> list[dict[str, Any]]:
    """A page's words as myBiros OCR objects, with the line index as an extension."""
    words = []
    for word in page.get("words") or []:
        shape = polygon(word.get("box"), *size)
        words.append(
            {
                "Text": word.get("text", ""),
                "Confidence": float(word.get("confidence", 0.0)) * 100,
                "BoundingBox": shape or [[0, 0], [0, 0], [0, 0], [0, 0]],
                "line": word.get("line", 0),
            }
        )
    return words


# --- Validation policy -------------------------------------------------------------------------


def policy_violations(
    *,
    fields: Mapping[str, Any],
    document_errors: Iterable[Mapping[str, Any]],
    required: Iterable[str],
    threshold: float,
) -> list[dict[str, Any]]:
    """The service's review policy run now, on the fields in force: each violation with the
    ``field`` it concerns and the ``page`` it belongs to (None: the document as a whole).

    Mandatory labels (``required_missing``), label score (``low_confidence``: a field found
    by the extraction, not corrected, below the threshold), and each field's own validation
    errors (``invalid_date``, ``invalid_iban``...) unless a person corrected it.
    """
    violations: list[dict[str, Any]] = []
    for error in document_errors:
        if error.get("code") == "required_missing":
            continue
        violations.append({**error, "field": error.get("field"), "page": None})
    for name in required:
        item = fields.get(name)
        if isinstance(item, list):
            missing = not item
        else:
            missing = not _is_field(item) or item.get("value") in (None, "")
        if missing:
            violations.append(
                {
                    "code": "required_missing",
                    "message": f"{name} is required.",
                    "field": name,
                    "page": None,
                }
            )
    for name, leaf in _leaves(fields):
        if leaf.get("corrected"):
            continue
        page = _leaf_page(leaf)
        for error in leaf.get("validation_errors") or []:
            if error.get("code") == "required_missing":
                continue
            violations.append({**error, "field": name, "page": page})
        confidence = leaf.get("confidence")
        found = leaf.get("value") not in (None, "")
        if found and confidence is not None and float(confidence) < threshold:
            violations.append(
                {
                    "code": "low_confidence",
                    "message": (
                        f"{name} has confidence {_percent(confidence)}, below the "
                        f"service's threshold of {_percent(threshold)}."
                    ),
                    "field": name,
                    "page": page,
                }
            )
    return violations


def _leaves(fields: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    leaves: list[tuple[str, Mapping[str, Any]]] = []
    for name, item in fields.items():
        if _is_field(item):
            leaves.append((name, item))
        elif isinstance(item, list):
            for position, row in enumerate(item):
                if not isinstance(row, dict):
                    continue
                index = row.get("_index", position)
                for column, leaf in row.items():
                    if _is_field(leaf):
                        leaves.append((f"{name}[{index}].{column}", leaf))
    return leaves


# --- The pages and the summary ----------------------------------------------------------------


def document_pages(
    *,
    result: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
    catalogue: Mapping[str, dict[str, Any]],
    include: set[str],
    violations: list[dict[str, Any]] | None,
    preview_url: Any = None,
) -> list[dict[str, Any]]:
    """``document_pages``: one object per page, in page order; empty until a result exists.

    ``preview_url(number)`` gives a page's preview address (None when it has none).
    """
    if result is None:
        return []
    pages = list(result.get("pages") or [])
    first = pages[0]["number"] if pages else 1
    output = []
    for page in pages:
        number = page["number"]
        size = page_size(page)
        entities, aggregated = page_entities(
            fields=fields,
            catalogue=catalogue,
            number=number,
            first=first,
            size=size,
            ids=_Ids(),
        )
        page_violations = []
        if violations is not None:
            page_violations = [
                v for v in violations if (v["page"] if v["page"] is not None else first) == number
            ]
        confidence = page.get("confidence")
        output.append(
            {
                "page": number,
                "width": size[0],
                "height": size[1],
                "orientation": 0,
                "entities": entities,
                "aggregated_entities": aggregated,
                "ocr": ocr_words(page, size) if "ocr" in include else [],
                "validation_errors": page_violations,
                "unit": "px",
                "source": page.get("source"),
                "ocr_confidence": None if confidence is None else _percent(confidence),
                "text": page.get("text", "") if "ocr" in include else "",
                "preview_url": preview_url(number) if preview_url and page.get("preview") else None,
            }
        )
    return output


def document_summary(
    *,
    result: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
    catalogue: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """``document_summary``: every field once over all pages (boxes stay on the pages)."""
    if result is None:
        entities = {
            name: ([] if entry["tag_multiple_values"] else {})
            for name, entry in catalogue.items()
            if not entry.get("tag_aggregation") and name not in _members(catalogue)
        }
        return {"entities": entities, "aggregated_entities": {}}
    pages = result.get("pages") or []
    entities, aggregated = page_entities(
        fields=fields,
        catalogue=catalogue,
        number=None,
        first=pages[0]["number"] if pages else 1,
        size=None,
        ids=_Ids(),
    )
    return {"entities": entities, "aggregated_entities": aggregated}
