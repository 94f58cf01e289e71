"""API key authentication for the inference API (header ``x-api-key``)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from docplatform.models import ApiKey
from docplatform.services import api_key_authenticate, api_key_touch

HEADER = "HTTP_X_API_KEY"


class ApiKeyAuthentication(BaseAuthentication):
    """Sets ``request.auth`` to the :class:`ApiKey`; ``request.user`` stays anonymous."""

    def authenticate(self, request: Request) -> tuple[None, ApiKey]:
        raw = request.META.get(HEADER, "").strip()
        if not raw:
            raise exceptions.NotAuthenticated("The x-api-key header is missing.")
        key = api_key_authenticate(raw=raw)
        if key is None:
            raise exceptions.AuthenticationFailed(
                "The API key is not valid: unknown, revoked or expired."
            )
        api_key_touch(api_key=key)
        return (None, key)

    def authenticate_header(self, request: Request) -> str:
        return 'ApiKey header="x-api-key"'
