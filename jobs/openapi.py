"""OpenAPI schemas of the inference result object, written out (not derived from serializers).

The result object has maps keyed by field name whose values are an Entity, ``{}`` or a list,
which serializers cannot express; these components say exactly what
:func:`jobs.serializers.predicted_document` sends, and the schemathesis check in the test suite
holds the server to them. ``additionalProperties`` stays open where the platform may add keys
(the extractor's per-field extensions), as myBiros clients ignore keys they do not know.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from jobs.models import Job
from review.models import DocumentReview


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _nullable_ref(name: str) -> dict[str, Any]:
    return {"allOf": [ref(name)], "nullable": True}


INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
POINT = {"type": "array", "items": INTEGER, "minItems": 2, "maxItems": 2}
POLYGON = {
    "type": "array",
    "items": POINT,
    "minItems": 4,
    "maxItems": 4,
    "description": "Pixel points top-left, top-right, bottom-right, bottom-left (origin top left).",
}
EMPTY = {"type": "object", "maxProperties": 0, "description": "Not found: `{}`."}
ERROR_ITEM = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": STRING, "message": STRING},
    "additionalProperties": True,
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "Entity": {
        "type": "object",
        "description": (
            "myBiros' Entity (`id`, `text`, `confidence` 0–100, `bounding_boxes`), with the "
            "platform's data as extensions."
        ),
        "required": [
            "id",
            "text",
            "confidence",
            "bounding_boxes",
            "value",
            "raw",
            "predicted_value",
            "predicted_confidence",
            "corrected",
            "validation_errors",
        ],
        "properties": {
            "id": {**INTEGER, "description": "Unique within the page."},
            "text": {**STRING, "description": "As read on the page, or as a person corrected it."},
            "confidence": {**NUMBER, "description": "0–100; 100 for a corrected value."},
            "bounding_boxes": {"type": "array", "items": POLYGON},
            "value": {"nullable": True, "description": "The normalised value in force."},
            "raw": nullable(STRING),
            "predicted_value": {"nullable": True, "description": "What the extraction found."},
            "predicted_confidence": NUMBER,
            "corrected": BOOLEAN,
            "band": nullable({**STRING, "enum": ["low", "medium", "high"]}),
            "page": nullable(INTEGER),
            "box": nullable(
                {
                    "type": "array",
                    "items": NUMBER,
                    "description": "Normalised [x0, y0, x1, y1], 0..1, origin top left.",
                }
            ),
            "validation_errors": {"type": "array", "items": ERROR_ITEM},
            "source": nullable(
                {**STRING, "description": "Where the value came from, e.g. `e-invoice`."}
            ),
        },
        "additionalProperties": True,
    },
    "AggregatedEntity": {
        "type": "object",
        "required": ["id", "aggregated_fields", "index"],
        "properties": {
            "id": INTEGER,
            "aggregated_fields": {
                "type": "object",
                "description": "Every member field: an Entity, or null when missing.",
                "additionalProperties": _nullable_ref("Entity"),
            },
            "index": {
                **INTEGER,
                "description": "The row's index, as in `line_items[0].amount` corrections.",
            },
        },
    },
    "OcrWord": {
        "type": "object",
        "required": ["Text", "Confidence", "BoundingBox", "line"],
        "properties": {
            "Text": STRING,
            "Confidence": {**NUMBER, "description": "0–100."},
            "BoundingBox": POLYGON,
            "line": {**INTEGER, "description": "The word's line on its page, in reading order."},
        },
    },
    "Violation": {
        "type": "object",
        "required": ["code", "message", "field", "page"],
        "properties": {
            "code": {
                **STRING,
                "description": "required_missing, low_confidence, totals_mismatch or a field's "
                "validation code (invalid_date, invalid_iban...).",
            },
            "message": STRING,
            "field": nullable(STRING),
            "page": nullable(INTEGER),
        },
        "additionalProperties": True,
    },
    "DocumentPage": {
        "type": "object",
        "required": [
            "page",
            "width",
            "height",
            "orientation",
            "entities",
            "aggregated_entities",
            "ocr",
            "validation_errors",
            "unit",
            "source",
            "ocr_confidence",
            "text",
            "preview_url",
        ],
        "properties": {
            "page": {**INTEGER, "description": "1-based page number."},
            "width": {**INTEGER, "description": "Pixels (PDF pages at 150 dpi)."},
            "height": INTEGER,
            "orientation": {**INTEGER, "description": "Degrees; pages are read upright: 0."},
            "entities": {
                "type": "object",
                "description": "Every simple field of the catalogue: an Entity, `{}` when not "
                "on this page, or a list for multi-valued fields.",
                "additionalProperties": {
                    "anyOf": [ref("Entity"), EMPTY, {"type": "array", "items": ref("Entity")}]
                },
            },
            "aggregated_entities": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "array", "items": ref("AggregatedEntity")},
                        ref("AggregatedEntity"),
                        EMPTY,
                    ]
                },
            },
            "ocr": {"type": "array", "items": ref("OcrWord")},
            "validation_errors": {"type": "array", "items": ref("Violation")},
            "unit": {**STRING, "enum": ["px"]},
            "source": nullable({**STRING, "enum": ["text-layer", "ocr"]}),
            "ocr_confidence": nullable(NUMBER),
            "text": {**STRING, "description": "The page's text with `include=ocr`, else empty."},
            "preview_url": nullable({**STRING, "format": "uri"}),
        },
    },
    "ServiceField": {
        "type": "object",
        "required": ["tag_alias", "tag_multiple_values", "tag_aggregation", "type", "required"],
        "properties": {
            "tag_alias": STRING,
            "tag_multiple_values": BOOLEAN,
            "tag_aggregation": nullable(
                {
                    "type": "object",
                    "required": ["aggregation_fields"],
                    "properties": {"aggregation_fields": {"type": "array", "items": STRING}},
                }
            ),
            "type": {
                **STRING,
                "description": "text, date, amount, number, currency, iban, email, phone, "
                "choice, reference, vat_id or aggregation.",
            },
            "required": BOOLEAN,
        },
    },
    "DocumentSection": {
        "type": "object",
        "required": [
            "id",
            "status",
            "revision_status",
            "category",
            "original_name",
            "content_type",
            "page_count",
            "created_at",
            "job",
            "job_status",
            "alias",
            "size",
            "sha256",
            "completed_at",
            "expires_at",
            "expired",
            "error",
            "progress",
            "needs_review",
            "validation_errors",
            "reviewed_by",
            "reviewed_at",
            "stored",
            "url",
        ],
        "properties": {
            "id": {**STRING, "format": "uuid"},
            "status": {**STRING, "enum": ["RUNNING", "COMPLETED", "FAILED"]},
            "revision_status": {**STRING, "enum": DocumentReview.Status.values},
            "category": nullable(
                {
                    "type": "object",
                    "required": ["value", "confidence"],
                    "properties": {"value": STRING, "confidence": NUMBER},
                }
            ),
            "original_name": STRING,
            "content_type": STRING,
            "page_count": nullable(INTEGER),
            "created_at": {**STRING, "description": "UTC, no zone: 2024-09-09T14:55:31.261000"},
            "job": {**STRING, "format": "uuid"},
            "job_status": {**STRING, "enum": Job.Status.values},
            "alias": STRING,
            "size": INTEGER,
            "sha256": STRING,
            "completed_at": nullable(STRING),
            "expires_at": nullable(STRING),
            "expired": BOOLEAN,
            "error": nullable(
                {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": STRING, "message": STRING},
                }
            ),
            "progress": {
                "type": "object",
                "required": ["pages_done", "pages_total"],
                "properties": {"pages_done": INTEGER, "pages_total": nullable(INTEGER)},
            },
            "needs_review": nullable(BOOLEAN),
            "validation_errors": {"type": "array", "items": ERROR_ITEM},
            "reviewed_by": nullable(STRING),
            "reviewed_at": nullable(STRING),
            "stored": {
                **BOOLEAN,
                "description": "False for a synchronous prediction that was not kept.",
            },
            "url": nullable({**STRING, "format": "uri"}),
        },
    },
    "DocumentSummary": {
        "type": "object",
        "required": ["entities", "aggregated_entities"],
        "properties": {
            "entities": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [ref("Entity"), EMPTY, {"type": "array", "items": ref("Entity")}]
                },
            },
            "aggregated_entities": {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "array", "items": ref("AggregatedEntity")},
                        ref("AggregatedEntity"),
                        EMPTY,
                    ]
                },
            },
        },
    },
    "PredictedDocument": {
        "type": "object",
        "description": "myBiros' inference result object, with the platform's extensions.",
        "required": [
            "document",
            "document_pages",
            "service_fields",
            "service_categories",
            "service",
            "service_name",
            "current_date",
        ],
        "properties": {
            "document": ref("DocumentSection"),
            "document_pages": {"type": "array", "items": ref("DocumentPage")},
            "service_fields": {
                "type": "object",
                "description": "The field catalogue with `include=service_fields`, else `{}`.",
                "additionalProperties": ref("ServiceField"),
            },
            "service_categories": {
                "type": "object",
                "description": "Always `{}`: services extract, they do not classify.",
                "maxProperties": 0,
            },
            "document_summary": ref("DocumentSummary"),
            "service": STRING,
            "service_name": STRING,
            "current_date": STRING,
        },
    },
    "ServiceInfo": {
        "type": "object",
        "required": [
            "service_id",
            "name",
            "description",
            "service_fields",
            "service_categories",
            "created_at",
            "kind",
            "is_active",
        ],
        "properties": {
            "service_id": STRING,
            "name": STRING,
            "description": STRING,
            "service_fields": {"type": "object", "additionalProperties": ref("ServiceField")},
            "service_categories": {"type": "object", "maxProperties": 0},
            "created_at": STRING,
            "kind": {**STRING, "enum": ["text", "invoice", "receipt", "custom", "form"]},
            "is_active": BOOLEAN,
        },
    },
}

PREDICTED_DOCUMENT = ref("PredictedDocument")
SERVICE_INFO = ref("ServiceInfo")

RESULT_PARAMETERS = [
    OpenApiParameter(
        "include",
        OpenApiTypes.STR,
        many=True,
        enum=["ocr", "service_fields", "validation_errors"],
        description="Repeat it (`?include=ocr&include=service_fields`) or separate by commas.",
    ),
    OpenApiParameter(
        "document_details",
        OpenApiTypes.STR,
        enum=["pages", "summary"],
        default="pages",
        description="`summary` adds `document_summary`: every field once over all pages.",
    ),
    OpenApiParameter(
        "include_validation_errors",
        OpenApiTypes.STR,
        enum=["true", "false"],
        description="myBiros v0's switch; `true` is `include=validation_errors`.",
    ),
]
