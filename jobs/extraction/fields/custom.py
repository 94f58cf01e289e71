"""User-defined schemas: which fields to find, by which labels, of which type.

A schema is a list of field specs::

    {"name": "order_no", "label": "Order number", "type": "reference", "required": True,
     "anchors": ["Order number", "Bestellnummer"], "pattern": r"\\d{6,}", "choices": None}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jobs.extraction.fields.locate import Locator
from jobs.extraction.fields.model import ExtractedField, FieldValue
from jobs.extraction.fields.normalize import FIELD_TYPES
from jobs.extraction.types import Page

Schema = list[dict[str, Any]]
_KNOWN_KEYS = {"name", "label", "type", "required", "anchors", "pattern", "choices"}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def validate_schema(schema: Any) -> list[str]:
    """Every problem with a schema, as messages a user can act on; empty when it is valid."""
    if not isinstance(schema, list) or not schema:
        return ["The schema must be a non-empty list of fields."]
    errors: list[str] = []
    seen: set[str] = set()
    for index, spec in enumerate(schema):
        where = f"Field {index + 1}"
        if not isinstance(spec, dict):
            errors.append(f"{where}: must be an object.")
            continue
        name = spec.get("name")
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            errors.append(
                f"{where}: name {name!r} must be a lowercase identifier "
                "(letters, digits, underscores; not starting with a digit)."
            )
        else:
            where = f"Field {name!r}"
            if name in seen:
                errors.append(f"{where}: the name is used twice; names must be unique.")
            seen.add(name)
        unknown = sorted(set(spec) - _KNOWN_KEYS)
        if unknown:
            errors.append(f"{where}: unknown keys {', '.join(unknown)}.")
        label = spec.get("label")
        if label is not None and (not isinstance(label, str) or not label.strip()):
            errors.append(f"{where}: label must be a non-empty string.")
        field_type = spec.get("type")
        if field_type not in FIELD_TYPES:
            errors.append(f"{where}: type {field_type!r} is not one of {', '.join(FIELD_TYPES)}.")
        if "required" in spec and not isinstance(spec["required"], bool):
            errors.append(f"{where}: required must be true or false.")
        anchors = spec.get("anchors")
        if (
            not isinstance(anchors, list)
            or not anchors
            or not all(isinstance(a, str) and a.strip() for a in anchors)
        ):
            errors.append(f"{where}: anchors must be a non-empty list of label texts.")
        pattern = spec.get("pattern")
        if pattern is not None:
            if not isinstance(pattern, str):
                errors.append(f"{where}: pattern must be a string.")
            else:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    errors.append(f"{where}: pattern does not compile: {exc}.")
        choices = spec.get("choices")
        if field_type == "choice":
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, str) and c.strip() for c in choices)
            ):
                errors.append(f"{where}: a choice field needs a non-empty list of choices.")
        elif choices is not None:
            errors.append(f"{where}: choices are only for fields of type 'choice'.")
    return errors


def extract_custom(pages: Sequence[Page], schema: Schema) -> dict[str, FieldValue]:
    """Each schema field by its anchors; raises ValueError for an invalid schema."""
    problems = validate_schema(schema)
    if problems:
        raise ValueError("Invalid schema: " + " ".join(problems))
    lexicon = {spec["name"]: [(a, 1.0) for a in spec["anchors"]] for spec in schema}
    locator = Locator(pages, lexicon)
    fields: dict[str, FieldValue] = {}
    for spec in schema:
        best = locator.best(
            spec["name"],
            spec["type"],
            choices=spec.get("choices") or (),
            pattern=spec.get("pattern"),
        )
        fields[spec["name"]] = best.to_field() if best is not None else ExtractedField()
    return fields
