"""One JSON error shape for the whole API: ``{"error": {"code", "message", "param"?}}``.

Codes are stable and machine-readable; messages are for people and may change.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from docplatform.metrics import quota_refusal_count
from docplatform.quotas import QuotaExceeded, RateLimited


class ApiError(exceptions.APIException):
    """An API error with its own status, code and optional offending parameter."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"
    default_detail = "The request is invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        param: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        self.code = code or self.default_code
        self.param = param
        self.headers = headers or {}
        if status_code is not None:
            self.status_code = status_code


class Forbidden(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "forbidden"


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "Not found."


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Gone(ApiError):
    status_code = status.HTTP_410_GONE
    default_code = "expired"
    default_detail = "The result expired or was deleted."


class Unprocessable(ApiError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "invalid_request"


class PayloadTooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "file_too_large"


def rate_limit_headers(*, limit: int, remaining: int, reset_seconds: int) -> dict[str, str]:
    """The ``RateLimit-*`` fields of the IETF httpapi draft, as separate headers."""
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset_seconds),
    }


def _from_domain(exc: Exception) -> Exception:
    """Domain errors raised by services, as API errors."""
    if isinstance(exc, QuotaExceeded | RateLimited):
        quota_refusal_count(code=exc.code)
    if isinstance(exc, QuotaExceeded):
        return Forbidden(exc.message, code=exc.code)
    if isinstance(exc, RateLimited):
        headers = rate_limit_headers(
            limit=exc.limit, remaining=exc.remaining, reset_seconds=exc.reset_seconds
        )
        headers["Retry-After"] = str(exc.reset_seconds)
        return ApiError(exc.message, code=exc.code, status_code=429, headers=headers)
    return exc


def error_body(code: str, message: str, param: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if param:
        error["param"] = param
    return {"error": error}


_DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "missing_api_key",
    exceptions.AuthenticationFailed: "invalid_api_key",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "malformed_request",
    exceptions.Throttled: "rate_limited",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that renders every error in the platform's shape."""
    if isinstance(exc, Http404):
        exc = NotFound()
    exc = _from_domain(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, str(exc.detail), exc.param)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    if isinstance(exc, exceptions.ValidationError):
        param, message = _first_validation_error(exc.detail)
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        response.data = error_body("invalid_request", message, param)
        return response
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    response.data = error_body(code, str(detail))
    return response


def _first_validation_error(detail: Any, param: str | None = None) -> tuple[str | None, str]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key == "non_field_errors" else str(key)
            return _first_validation_error(value, name if param is None else f"{param}.{name}")
    if isinstance(detail, list) and detail:
        return _first_validation_error(detail[0], param)
    return param, str(detail)
