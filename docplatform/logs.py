"""Request ids in logs: one id follows a document from the submit to the worker to its webhooks.

The web tier takes the client's ``X-Request-ID`` (when it is a sane token) or makes one, answers
with it, and stores it on the job; the worker and the webhook deliveries bind the job's id
while they work on it. Every log record carries ``request_id`` (``-`` outside any), in plain
lines and in JSON lines alike (``DOCPLATFORM_LOG_FORMAT=json``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a client may send as its own id: no spaces or control characters, bounded.
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def request_id_current() -> str:
    return _request_id.get()


@contextmanager
def request_id_bound(value: str) -> Iterator[None]:
    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True


class RequestIdMiddleware:
    """Binds a request id for the request and returns it in ``X-Request-ID``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(HEADER, "")
        value = offered if _SANE.match(offered) else uuid.uuid4().hex
        with request_id_bound(value):
            response = self.get_response(request)
        response[HEADER] = value
        return response
