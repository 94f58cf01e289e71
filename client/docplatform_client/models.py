"""Typed views of the API's answers. Each keeps the JSON it came from in ``raw``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Submission:
    job: str
    resource: str
    status: str
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    resource: str
    status: str
    pages_done: int
    pages_total: int | None
    error: dict[str, str] | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        progress = data.get("progress") or {}
        return cls(
            id=str(data["id"]),
            resource=str(data["resource"]),
            status=data["status"],
            pages_done=int(progress.get("pages_done") or 0),
            pages_total=progress.get("pages_total"),
            error=data.get("error"),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """One extracted value: myBiros' ``text``/``confidence`` (0–100) and boxes, and the
    platform's normalised ``value``."""

    id: int
    text: str
    confidence: float
    bounding_boxes: list[list[list[int]]]
    value: Any
    corrected: bool
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entity | None:
        if not data:
            return None
        return cls(
            id=int(data["id"]),
            text=data["text"],
            confidence=float(data["confidence"]),
            bounding_boxes=data.get("bounding_boxes") or [],
            value=data.get("value", data["text"]),
            corrected=bool(data.get("corrected", False)),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    confidence: float
    bounding_box: list[list[int]]


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    width: int
    height: int
    entities: dict[str, Entity | list[Entity] | None]
    rows: dict[str, list[dict[str, Entity | None]]]
    ocr: list[OcrWord]
    validation_errors: list[dict[str, Any]]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        entities: dict[str, Entity | list[Entity] | None] = {}
        for name, value in (data.get("entities") or {}).items():
            if isinstance(value, list):
                entities[name] = [e for e in map(Entity.from_json, value) if e is not None]
            else:
                entities[name] = Entity.from_json(value)
        rows: dict[str, list[dict[str, Entity | None]]] = {}
        for name, value in (data.get("aggregated_entities") or {}).items():
            items = value if isinstance(value, list) else [value] if value else []
            rows[name] = [
                {
                    member: Entity.from_json(entity or {})
                    for member, entity in item["aggregated_fields"].items()
                }
                for item in items
            ]
        return cls(
            page=int(data["page"]),
            width=int(data["width"]),
            height=int(data["height"]),
            entities=entities,
            rows=rows,
            ocr=[
                OcrWord(w["Text"], float(w["Confidence"]), w["BoundingBox"])
                for w in data.get("ocr") or []
            ],
            validation_errors=list(data.get("validation_errors") or []),
        )


@dataclass(frozen=True, slots=True)
class PredictedDocument:
    id: str
    status: str
    revision_status: str
    original_name: str
    page_count: int | None
    pages: list[Page]
    service_fields: dict[str, dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)

    @property
    def finished(self) -> bool:
        return self.status != "RUNNING"

    def entities(self) -> dict[str, Entity]:
        """Each simple field's value over all pages: the first page that has it."""
        found: dict[str, Entity] = {}
        for page in self.pages:
            for name, value in page.entities.items():
                entity = value[0] if isinstance(value, list) and value else value
                if isinstance(entity, Entity) and name not in found:
                    found[name] = entity
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PredictedDocument:
        document = data["document"]
        return cls(
            id=document["id"],
            status=document["status"],
            revision_status=document["revision_status"],
            original_name=document.get("original_name", ""),
            page_count=document.get("page_count"),
            pages=[Page.from_json(page) for page in data.get("document_pages") or []],
            service_fields=data.get("service_fields") or {},
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Quotas:
    plan_usage: int
    plan_usage_limit: int
    plan_type: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Quotas:
        return cls(
            plan_usage=int(data["plan_usage"]),
            plan_usage_limit=int(data["plan_usage_limit"]),
            plan_type=data["plan_type"],
            raw=data,
        )
