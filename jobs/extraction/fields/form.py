"""Fillable PDF forms: the AcroForm fields' own values, no layout analysis needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from jobs.extraction.fields.model import ExtractedField
from jobs.extraction.types import Box, ExtractionError


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _value(raw: Any) -> str | list[str] | None:
    raw = _resolve(raw)
    if raw is None:
        return None
    if isinstance(raw, ArrayObject):
        return [str(_resolve(v)) for v in raw]
    text = str(raw)
    if text.startswith("/"):  # checkbox / radio states are names: /Yes, /Off
        text = text[1:]
    return text


def _widget_positions(reader: PdfReader) -> dict[str, tuple[int, Box]]:
    """Page number and normalised box of each field's first widget annotation."""
    positions: dict[str, tuple[int, Box]] = {}
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width) or 1.0, float(box.height) or 1.0
        for annotation in page.get("/Annots") or []:
            widget = _resolve(annotation)
            if not isinstance(widget, DictionaryObject) or widget.get("/Subtype") != "/Widget":
                continue
            name = _full_name(widget)
            rect = widget.get("/Rect")
            if not name or rect is None or name in positions:
                continue
            x0, y0, x1, y1 = (float(v) for v in _resolve(rect))
            positions[name] = (
                number,
                (
                    (min(x0, x1) - left) / width,
                    1 - (max(y0, y1) - bottom) / height,
                    (max(x0, x1) - left) / width,
                    1 - (min(y0, y1) - bottom) / height,
                ),
            )
    return positions


def _full_name(node: DictionaryObject) -> str:
    parts: list[str] = []
    current: DictionaryObject | None = node
    while current is not None:
        if "/T" in current:
            parts.append(str(current["/T"]))
        parent = current.get("/Parent")
        current = _resolve(parent) if parent is not None else None
    return ".".join(reversed(parts))


def extract_form(path: Path | str) -> dict[str, ExtractedField]:
    """AcroForm field name -> value, with page and box from the widget's /Rect."""
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ExtractionError("encrypted_pdf", "The PDF is encrypted.")
        fields = reader.get_fields() or {}
        positions = _widget_positions(reader)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError("corrupt_file", f"The PDF form cannot be read: {exc}.") from exc
    out: dict[str, ExtractedField] = {}
    for name, spec in fields.items():
        value = _value(spec.get("/V"))
        if value == "Off":
            value = None
        page, box = positions.get(name, (None, None))
        out[name] = ExtractedField(
            value=value,
            raw=None if value is None else str(value),
            # The form stores the value itself: nothing was read or guessed.
            confidence=1.0 if value is not None else 0.0,
            page=page,
            box=box,
        )
    return out
