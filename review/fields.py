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
    def multiline(self) -> bool:
        """Whether the value needs a multi-line editor: a single-line input drops newlines,
        so the value could never be shown (or left) unchanged."""
        return any("\n" in str(v) for v in (self.value, self.predicted) if v is not None)

    @property
    def column(self) -> str:
        """The column of a field inside a list (``amount``), else the name."""
        item = _ITEM.match(self.name)
        return item["column"] if item else self.name

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


def _view(name: str, leaf: dict[str, Any], corrected: dict[str, Any]) -> FieldView:
    predicted = leaf.get("value")
    is_corrected = name in corrected
    page = leaf.get("page")
    return FieldView(
        name=name,
        label=label(name),
        value=corrected[name] if is_corrected else predicted,
        predicted=predicted,
        corrected=is_corrected,
        confidence=leaf.get("confidence"),
        band=band_of(leaf) if leaf else "low",
        page=page if isinstance(page, int) else None,
        box=_box(leaf),
        errors=list(leaf.get("validation_errors") or []),
    )


def field_views(fields: dict[str, Any], corrected: dict[str, Any]) -> list[FieldView]:
    """Every field in force: predicted ones, and the cells of rows a reviewer added or filled.

    Rows a reviewer deleted are left out.
    """
    views = []
    for table in table_views(fields, corrected):
        for row in table.rows:
            views.extend(cell for cell in row.cells if cell.found or cell.corrected)
    by_list = {}
    for view in views:
        by_list.setdefault(_ITEM.match(view.name)["list"], []).append(view)  # type: ignore[index]
    output: list[FieldView] = []
    for name, item in (fields or {}).items():
        if _is_field(item):
            output.append(_view(name, item, corrected))
        elif isinstance(item, list):
            output.extend(by_list.pop(name, []))
    for rest in by_list.values():
        output.extend(rest)
    return output


# --- Lists (line items) -----------------------------------------------------------------
# A reviewer adds a row (``line_items[3]`` → ``added``), deletes one (→ ``deleted``), and fills
# cells by their names, also in rows the extraction did not find. Names keep the extraction's
# indexes, so a correction always names the same row.

ROW_ADDED = "added"
ROW_DELETED = "deleted"
# Columns offered for a list even when no row of this document has them.
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "line_items": ("description", "quantity", "unit_price", "amount"),
}
_ROW = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]$")


@dataclass(frozen=True, slots=True)
class RowView:
    index: int
    added: bool
    cells: list[FieldView]


@dataclass(frozen=True, slots=True)
class TableView:
    """A list field as a table: its columns and the rows in force."""

    name: str
    label: str
    columns: list[str]
    rows: list[RowView]

    @property
    def column_labels(self) -> list[tuple[str, str]]:
        return [(column, _words(column)) for column in self.columns]


def list_names(fields: dict[str, Any]) -> list[str]:
    names = [name for name, item in (fields or {}).items() if isinstance(item, list)]
    # A service with line items has the table even when none were found.
    return names


def _row_indexes(name: str, predicted: list[Any], corrected: dict[str, Any]) -> list[int]:
    """The indexes of the rows in force: predicted and added ones, less deleted ones."""
    indexes = set(range(len(predicted)))
    deleted = set()
    for key, value in corrected.items():
        row = _ROW.match(key)
        if row and row["list"] == name:
            (deleted if value == ROW_DELETED else indexes).add(int(row["index"]))
        item = _ITEM.match(key)
        if item and item["list"] == name:
            indexes.add(int(item["index"]))
    return sorted(indexes - deleted)


def list_columns(name: str, rows: list[Any]) -> list[str]:
    columns = list(LIST_COLUMNS.get(name, ()))
    for row in rows:
        if isinstance(row, dict):
            columns.extend(c for c in row if c not in columns and _is_field(row[c]))
    return columns


def table_views(fields: dict[str, Any], corrected: dict[str, Any]) -> list[TableView]:
    tables = []
    for name, item in (fields or {}).items():
        if not isinstance(item, list):
            continue
        columns = list_columns(name, item)
        rows = []
        for index in _row_indexes(name, item, corrected):
            predicted_row = (
                item[index] if index < len(item) and isinstance(item[index], dict) else {}
            )
            cells = [
                _view(f"{name}[{index}].{column}", predicted_row.get(column) or {}, corrected)
                for column in columns
            ]
            rows.append(RowView(index=index, added=index >= len(item), cells=cells))
        tables.append(TableView(name=name, label=_words(name), columns=columns, rows=rows))
    return tables


def correctable_names(fields: dict[str, Any], corrected: dict[str, Any]) -> set[str]:
    """The names a correction may use: every field, and every cell of the rows in force."""
    names = {name for name, item in (fields or {}).items() if _is_field(item)}
    for table in table_views(fields, corrected):
        for row in table.rows:
            names.update(cell.name for cell in row.cells)
    return names


def row_next_index(fields: dict[str, Any], corrected: dict[str, Any], name: str) -> int:
    """The index a new row of list ``name`` gets: after every row ever predicted or added."""
    item = (fields or {}).get(name) or []
    used = [len(item) - 1]
    for key in corrected:
        match = _ROW.match(key) or _ITEM.match(key)
        if match and match["list"] == name:
            used.append(int(match["index"]))
    return max(used) + 1


def with_corrections(fields: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """The fields in the API's shape: ``value`` is the value in force, ``predicted_value`` the
    extraction's, and ``corrected`` says whether a person (or the API) changed it. Rows of a
    list are the rows in force: deleted ones are left out, added ones come last."""
    output = copy.deepcopy(fields or {})
    for name, leaf in flatten(output):
        predicted = leaf.get("value")
        leaf["predicted_value"] = predicted
        leaf["corrected"] = name in corrected
        if name in corrected:
            leaf["value"] = corrected[name]
    for table in table_views(fields, corrected):
        predicted_rows = output[table.name]
        rows = []
        for row in table.rows:
            base = predicted_rows[row.index] if not row.added else {}
            base = dict(base) if isinstance(base, dict) else {}
            for cell in row.cells:
                if cell.column not in base and cell.corrected:
                    base[cell.column] = {
                        "value": cell.value,
                        "raw": None,
                        "confidence": None,
                        "page": None,
                        "box": None,
                        "validation_errors": [],
                        "predicted_value": None,
                        "corrected": True,
                    }
            rows.append(base)
        output[table.name] = rows
    return output


def values(fields: dict[str, Any], corrected: dict[str, Any]) -> dict[str, Any]:
    """Just the values in force: a scalar per field, a list of dicts of scalars per list
    (rows added by a reviewer included, deleted ones left out)."""
    output: dict[str, Any] = {}
    tables = {table.name: table for table in table_views(fields, corrected)}
    for name, item in (fields or {}).items():
        if _is_field(item):
            output[name] = corrected[name] if name in corrected else item.get("value")
        elif name in tables:
            output[name] = [
                {
                    cell.column: cell.value
                    for cell in row.cells
                    if cell.found or cell.corrected or _has(item, row.index, cell.column)
                }
                for row in tables[name].rows
            ]
    return output


def _has(rows: list[Any], index: int, column: str) -> bool:
    return index < len(rows) and isinstance(rows[index], dict) and column in rows[index]


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


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a document needs review, with a stable code."""

    code: str
    message: str
    field: str = ""


def review_reasons(
    *, result: dict[str, Any], required_fields: list[str], threshold: float
) -> list[Reason]:
    """Why a person must look at a result: the document's and the fields' validation errors,
    required fields that are missing, and fields found with a confidence under the service's
    threshold. Empty when nothing calls for review."""
    reasons: list[Reason] = []
    fields = result.get("fields") or {}
    missing_named = set()
    for error in result.get("validation_errors") or []:
        code = str(error.get("code") or "validation_error")
        name = str(error.get("field") or "")
        if code == "required_missing":
            missing_named.add(name)
            reasons.append(Reason(code, f"{label(name)} is required but was not found.", name))
        else:
            reasons.append(Reason(code, str(error.get("message") or code)))
    for name in required_fields:
        item = fields.get(name)
        empty = not item or (_is_field(item) and item.get("value") in (None, ""))
        if empty and name not in missing_named:
            reasons.append(
                Reason("required_missing", f"{label(name)} is required but was not found.", name)
            )
    for name, leaf in flatten(fields):
        for error in leaf.get("validation_errors") or []:
            if error.get("code") == "required_missing":
                continue
            message = str(error.get("message") or error.get("code"))
            reasons.append(Reason("field_invalid", f"{label(name)}: {message}", name))
        confidence = leaf.get("confidence")
        found = leaf.get("value") not in (None, "")
        if found and confidence is not None and confidence < threshold:
            reasons.append(
                Reason(
                    "low_confidence",
                    f"{label(name)}: {round(confidence * 100)}% confidence, "
                    f"under {round(threshold * 100)}%.",
                    name,
                )
            )
    return reasons


def reasons_summary(reasons: list[Reason]) -> str:
    """A short line for the queue: ``5 fields under 80% · 1 missing · 2 invalid``."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason.code] = counts.get(reason.code, 0) + 1
    parts = []
    low = counts.pop("low_confidence", 0)
    if low:
        parts.append(f"{low} field{'s' if low != 1 else ''} under the confidence threshold")
    missing = counts.pop("required_missing", 0)
    if missing:
        parts.append(f"{missing} required missing")
    invalid = counts.pop("field_invalid", 0)
    if invalid:
        parts.append(f"{invalid} invalid value{'s' if invalid != 1 else ''}")
    other = sum(counts.values())
    if other:
        parts.append(f"{other} document problem{'s' if other != 1 else ''}")
    return " · ".join(parts)


def words_in_box(words: list[dict[str, Any]], box: tuple[float, float, float, float]) -> str:
    """The text of the words whose centre lies in ``box`` (page fractions), in reading order:
    words of one line joined by spaces, lines by newlines. What a reviewer means by drawing a
    box over a value the extraction missed."""
    x0, y0, x1, y1 = box
    picked: dict[int, list[tuple[float, str]]] = {}
    for word in words or []:
        try:
            wx0, wy0, wx1, wy1 = (float(c) for c in word["box"])
            text = str(word["text"])
        except (KeyError, TypeError, ValueError):
            continue
        cx, cy = (wx0 + wx1) / 2, (wy0 + wy1) / 2
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            line = word.get("line")
            picked.setdefault(line if isinstance(line, int) else round(cy * 1000), []).append(
                (wx0, text)
            )
    lines = [" ".join(text for _, text in sorted(picked[key])) for key in sorted(picked)]
    return "\n".join(line for line in lines if line)


def reasons_grouped(reasons: list[Reason]) -> list[Reason]:
    """The reasons as a reviewer reads them: the unsure cells of a list (line items) as one
    line per list instead of one per cell; everything else as it is."""
    grouped: list[Reason] = []
    cells: dict[str, list[Reason]] = {}
    for reason in reasons:
        item = _ITEM.match(reason.field)
        if reason.code == "low_confidence" and item:
            if item["list"] not in cells:
                cells[item["list"]] = []
                grouped.append(Reason("low_confidence", "", item["list"]))
            cells[item["list"]].append(reason)
        else:
            grouped.append(reason)
    output = []
    for reason in grouped:
        if reason.message or reason.field not in cells:
            output.append(reason)
            continue
        members = cells[reason.field]
        rows = {int(_ITEM.match(r.field)["index"]) for r in members}  # type: ignore[index]
        output.append(
            Reason(
                "low_confidence",
                f"{_words(reason.field)}: {len(members)} cell{'s' if len(members) != 1 else ''} "
                f"in {len(rows)} row{'s' if len(rows) != 1 else ''} under the confidence "
                "threshold.",
                members[0].field,
            )
        )
    return output
