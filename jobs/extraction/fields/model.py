"""The field contract: what every extractor returns, whatever the document kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from jobs.extraction.types import Box

Band = Literal["low", "medium", "high"]

# Confidence below LOW_BELOW is "low", below HIGH_FROM "medium", otherwise "high".
LOW_BELOW = 0.5
HIGH_FROM = 0.8


def band_for(confidence: float) -> Band:
    """The coarse band the review UI colours a field by."""
    if confidence < LOW_BELOW:
        return "low"
    if confidence < HIGH_FROM:
        return "medium"
    return "high"


def error(code: str, message: str) -> dict[str, str]:
    """One validation error, as stored and serialised: ``{"code", "message"}``."""
    return {"code": code, "message": message}


def union_box(boxes: list[Box]) -> Box | None:
    """The smallest box holding all ``boxes`` (None for none)."""
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(slots=True)
class ExtractedField:
    """One extracted value with where it came from and how sure we are of it.

    ``value`` is normalised (ISO date, decimal string, ISO 4217 code...), ``raw`` is the text
    as found on the page. A field that was not found has ``value`` None and confidence 0.
    """

    value: Any = None
    raw: str | None = None
    confidence: float = 0.0
    page: int | None = None
    box: Box | None = None
    validation_errors: list[dict[str, str]] = field(default_factory=list)
    # Where the value came from: "text-layer", "ocr", "e-invoice" (the embedded XML) or
    # "learned" (a reviewer's earlier correction); None when it was not found.
    source: str | None = None

    @property
    def band(self) -> Band:
        return band_for(self.confidence)

    @property
    def found(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "raw": self.raw,
            "confidence": round(self.confidence, 3),
            "band": self.band,
            "page": self.page,
            "box": [round(c, 5) for c in self.box] if self.box is not None else None,
            "validation_errors": list(self.validation_errors),
            "source": self.source,
        }


# A list field (line items): one dict of fields per row.
ListValue = list[dict[str, ExtractedField]]
FieldValue = ExtractedField | ListValue


def field_to_dict(value: FieldValue) -> dict[str, Any] | list[dict[str, Any]]:
    if isinstance(value, ExtractedField):
        return value.to_dict()
    return [{name: item.to_dict() for name, item in row.items()} for row in value]


def iter_fields(fields: dict[str, FieldValue]) -> list[tuple[str, ExtractedField]]:
    """Every scalar field, list items flattened as ``name[i].column``."""
    flat: list[tuple[str, ExtractedField]] = []
    for name, value in fields.items():
        if isinstance(value, ExtractedField):
            flat.append((name, value))
            continue
        for index, row in enumerate(value):
            for column, item in row.items():
                flat.append((f"{name}[{index}].{column}", item))
    return flat


@dataclass(slots=True)
class FieldsResult:
    """What :func:`extract_fields` returns; ``to_dict()`` is the stored/API shape."""

    fields: dict[str, FieldValue] = field(default_factory=dict)
    validation_errors: list[dict[str, str]] = field(default_factory=list)
    # Learned knowledge used: {"supplier": id, "fields": {name: rule id}}, or None.
    learned: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "fields": {name: field_to_dict(value) for name, value in self.fields.items()},
            "validation_errors": list(self.validation_errors),
        }
        if self.learned is not None:
            data["learned"] = self.learned
        return data
