"""OpenAPI description of the API key scheme (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "docplatform.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "x-api-key"}


ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
USAGE_HEADERS = {
    "x-plan-usage": "Pages processed in the plan's current period (without a plan: this "
    "calendar month's).",
    "x-plan-usage-limit": "Pages per period; absent when unlimited.",
    "x-plan-documents-usage": "Documents submitted in the current period.",
    "x-plan-documents-usage-limit": "Documents per period; absent when unlimited.",
}
RATE_HEADERS = {
    "RateLimit-Limit": "Requests per minute for this key; with a plan's rate limit only.",
    "RateLimit-Remaining": "Requests left in this minute.",
    "RateLimit-Reset": "Seconds until the minute's window ends.",
}


def _header(description: str, *, required: bool = False) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "integer"}}


def postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """The parts of the schema that views cannot declare one by one.

    The result object's components (:mod:`jobs.openapi`); on every per-service operation the
    usage and rate-limit response headers, 400 ``malformed_request``, and ``Retry-After`` on
    429; ``Location`` and ``Idempotent-Replayed`` on the async submit, with its request headers.
    """
    from jobs.openapi import COMPONENTS

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400", {"description": "malformed_request", "content": _json(ERROR_REF)}
            )
            for code, response in responses.items():
                headers = response.setdefault("headers", {})
                # A request without a valid key (401) is answered before the key's plan is known.
                for name, text in USAGE_HEADERS.items():
                    headers[name] = _header(text, required=name == "x-plan-usage" and code != "401")
                for name, text in RATE_HEADERS.items():
                    headers[name] = _header(text)
                if code == "429":
                    headers["Retry-After"] = _header("Seconds to wait.", required=True)
            if path.endswith("/async-predict") and method == "post":
                ok = responses["200"].setdefault("headers", {})
                ok["Location"] = {
                    "description": "The job's status URL.",
                    "required": True,
                    "schema": {"type": "string", "format": "uri"},
                }
                ok["Idempotent-Replayed"] = {
                    "description": "`true` when this answer replays an earlier request.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
                operation.setdefault("parameters", []).extend(
                    [
                        {
                            "in": "header",
                            "name": "Idempotency-Key",
                            "required": False,
                            "description": "Submitting again with the same key and file "
                            "answers the first job (24 hours).",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                        },
                        {
                            "in": "header",
                            "name": "x-result-ttl",
                            "required": False,
                            "description": "Seconds to keep the result after the job "
                            "finishes, within the platform's limits.",
                            "schema": {"type": "string", "pattern": "^[0-9]+$"},
                        },
                    ]
                )
    return result


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
