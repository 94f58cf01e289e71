"""The API fuzzed from its own OpenAPI schema (schemathesis), with a real key and service id:
no input answers a server error."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from docplatform.services import api_key_create, service_create
from docplatform.wsgi import application

pytestmark = pytest.mark.chaos

EXAMPLES = int(os.environ.get("DOCPLATFORM_FUZZ_EXAMPLES", "30"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go straight to the WSGI app: keep it from closing the test's connection at
    the end of each request, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db: None, keep_connection: None) -> tuple[str, str]:
    service = service_create(name="Fuzzed")
    _, key = api_key_create(service=service, name="fuzz")
    return service.public_id, key


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_answers_a_server_error(case, credentials):
    service_id, key = credentials
    if case.path_parameters and "service_id" in case.path_parameters:
        case.path_parameters["service_id"] = service_id
    case.call_and_validate(headers={"x-api-key": key}, checks=[not_a_server_error])
